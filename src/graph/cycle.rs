//! Finds a dependency cycle and prints its path, so the user sees exactly which references loop.

use petgraph::algo::tarjan_scc;
use petgraph::graph::NodeIndex;

use super::DepGraph;
use crate::diag::Diagnostic;

/// A diagnostic for the first cycle found (by sorted node name), or `None` for a DAG.
pub fn find_cycle(g: &DepGraph) -> Option<Diagnostic> {
    let mut cycles: Vec<Vec<NodeIndex>> = tarjan_scc(&g.graph)
        .into_iter()
        .filter(|scc| scc.len() > 1 || g.graph.contains_edge(scc[0], scc[0]))
        .collect();
    if cycles.is_empty() {
        return None;
    }
    cycles.sort_by_key(|scc| scc.iter().map(|i| g.graph[*i].to_string()).min());
    let scc = &cycles[0];
    let start = *scc.iter().min_by_key(|i| g.graph[**i].to_string())?;
    let path = path_within(g, scc, start);
    let names: Vec<String> = path.iter().map(|i| g.graph[*i].to_string()).collect();
    let span = g.spans.get(&g.graph[start]).copied();
    Some(
        Diagnostic::error("Cycle in dependencies")
            .at_opt(span)
            .detail(format!("These objects refer to each other in a loop: {}.", names.join(" → ")))
            .hint("remove one of these references, or compute the value both need from variables or locals that depend on neither"),
    )
}

/// A path start → … → start inside one strongly connected component, following dependencies.
fn path_within(g: &DepGraph, scc: &[NodeIndex], start: NodeIndex) -> Vec<NodeIndex> {
    // Breadth-first search from start's dependents back to start gives a shortest loop.
    use std::collections::{HashMap, VecDeque};
    let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen = std::collections::HashSet::from([start]);
    while let Some(n) = queue.pop_front() {
        // Edges point from dependency to dependent; walk "depends on" (incoming) direction.
        let mut next: Vec<NodeIndex> = g
            .graph
            .neighbors_directed(n, petgraph::Direction::Incoming)
            .filter(|m| scc.contains(m))
            .collect();
        next.sort_by_key(|i| g.graph[*i].to_string());
        for m in next {
            if m == start {
                // prev links lead from n back to start; reverse them into start → … → n.
                let mut path = vec![n];
                let mut cur = n;
                while cur != start {
                    cur = prev[&cur];
                    path.push(cur);
                }
                path.reverse();
                path.push(start);
                return path;
            }
            if seen.insert(m) {
                prev.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    vec![start, start]
}
