//! Walks the graph concurrently: a node starts once everything it depends on has finished,
//! at most `parallelism` at a time, in a stable order among the ready ones.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;

use petgraph::graph::NodeIndex;
use petgraph::Direction;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{DepGraph, Node};

/// How a walk ended.
#[derive(Debug, PartialEq, Eq)]
pub enum WalkOutcome {
    Completed,
    /// `stop` was cancelled: nodes already running finished, nothing new started.
    Stopped,
}

/// Visits every node. `visit` returns false when the node failed; nodes that depend on a
/// failed node are skipped (and reported through `skipped`), while independent branches go on.
pub async fn walk<F, Fut>(
    g: &DepGraph,
    parallelism: usize,
    stop: CancellationToken,
    visit: F,
    mut skipped: impl FnMut(&Node),
) -> WalkOutcome
where
    F: Fn(Node) -> Fut,
    Fut: Future<Output = bool> + Send + 'static,
{
    let parallelism = parallelism.max(1);
    let mut indegree: HashMap<NodeIndex, usize> = g
        .graph
        .node_indices()
        .map(|i| {
            (
                i,
                g.graph.neighbors_directed(i, Direction::Incoming).count(),
            )
        })
        .collect();
    let mut ready: BTreeSet<(Node, NodeIndex)> = indegree
        .iter()
        .filter(|(_, d)| **d == 0)
        .map(|(i, _)| (g.graph[*i].clone(), *i))
        .collect();
    let mut failed: BTreeSet<NodeIndex> = BTreeSet::new();
    let mut running: JoinSet<(NodeIndex, bool)> = JoinSet::new();
    let mut stopped = false;

    loop {
        if stop.is_cancelled() {
            stopped = true;
        }
        while !stopped && running.len() < parallelism {
            let Some((node, i)) = ready.pop_first() else {
                break;
            };
            if failed.contains(&i) {
                skipped(&node);
                finish(g, i, false, &mut indegree, &mut ready, &mut failed);
                continue;
            }
            let fut = visit(node);
            running.spawn(async move { (i, fut.await) });
        }
        if stop.is_cancelled() {
            stopped = true;
        }
        let Some(joined) = running.join_next().await else {
            if stopped || ready.is_empty() {
                break;
            }
            continue;
        };
        let (i, ok) = joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        finish(g, i, ok, &mut indegree, &mut ready, &mut failed);
    }
    if stopped && (!ready.is_empty() || indegree.values().any(|d| *d > 0)) {
        WalkOutcome::Stopped
    } else {
        WalkOutcome::Completed
    }
}

fn finish(
    g: &DepGraph,
    i: NodeIndex,
    ok: bool,
    indegree: &mut HashMap<NodeIndex, usize>,
    ready: &mut BTreeSet<(Node, NodeIndex)>,
    failed: &mut BTreeSet<NodeIndex>,
) {
    for d in g.graph.neighbors_directed(i, Direction::Outgoing) {
        if !ok || failed.contains(&i) {
            failed.insert(d);
        }
        if let Some(n) = indegree.get_mut(&d) {
            *n -= 1;
            if *n == 0 {
                ready.insert((g.graph[d].clone(), d));
            }
        }
    }
}
