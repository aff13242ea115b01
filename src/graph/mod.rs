//! The dependency graph: a petgraph DAG over every variable, local, output, provider and
//! resource block, with an edge from each object to everything it references.
//!
//! Building reports undeclared references and cycles (with the cycle's path); walking is in
//! [`walk`]; `clusterform graph` prints [`DepGraph::to_dot`].

mod build;
mod cycle;
pub mod walk;

use std::collections::HashMap;
use std::fmt;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::addr::{ModulePath, ResourceAddr};
use crate::diag::Span;

pub use build::build;

/// One object in the graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Variable(ModulePath, String),
    Local(ModulePath, String),
    Output(ModulePath, String),
    Provider(ModulePath, String),
    Resource(ResourceAddr),
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = |m: &ModulePath| {
            if m.is_root() {
                String::new()
            } else {
                format!("{m}.")
            }
        };
        match self {
            Node::Variable(m, n) => write!(f, "{}var.{n}", prefix(m)),
            Node::Local(m, n) => write!(f, "{}local.{n}", prefix(m)),
            Node::Output(m, n) => write!(f, "{}output.{n}", prefix(m)),
            Node::Provider(m, n) => write!(f, "{}provider[\"{n}\"]", prefix(m)),
            Node::Resource(r) => write!(f, "{r}"),
        }
    }
}

/// The graph plus a lookup from node to index. Edges point from a dependency to its dependent,
/// so a topological order is an evaluation order.
pub struct DepGraph {
    pub graph: DiGraph<Node, ()>,
    pub index: HashMap<Node, NodeIndex>,
    /// Where each node is declared, for diagnostics.
    pub spans: HashMap<Node, Span>,
    /// The provider configuration each resource block uses: (declaring module, local name).
    pub providers: HashMap<ResourceAddr, (ModulePath, String)>,
}

impl DepGraph {
    pub fn node_index(&self, node: &Node) -> Option<NodeIndex> {
        self.index.get(node).copied()
    }

    /// Every node the given one depends on, directly.
    pub fn dependencies(&self, node: &Node) -> Vec<&Node> {
        let Some(i) = self.node_index(node) else {
            return Vec::new();
        };
        let mut deps: Vec<&Node> = self
            .graph
            .neighbors_directed(i, petgraph::Direction::Incoming)
            .map(|d| &self.graph[d])
            .collect();
        deps.sort();
        deps
    }

    /// The resources a node depends on, directly or through variables, locals and outputs.
    pub fn resource_dependencies(&self, node: &Node) -> Vec<ResourceAddr> {
        let mut out = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<NodeIndex> = self.node_index(node).into_iter().collect();
        while let Some(i) = stack.pop() {
            for d in self
                .graph
                .neighbors_directed(i, petgraph::Direction::Incoming)
            {
                if !seen.insert(d) {
                    continue;
                }
                match &self.graph[d] {
                    Node::Resource(r) => {
                        out.insert(r.clone());
                    }
                    _ => stack.push(d),
                }
            }
        }
        out.into_iter().collect()
    }

    /// The resources that depend on a node, directly or through anything else (resources
    /// included): what a destroy of the node must destroy first.
    pub fn resource_dependents(&self, node: &Node) -> Vec<ResourceAddr> {
        let mut out = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<NodeIndex> = self.node_index(node).into_iter().collect();
        while let Some(i) = stack.pop() {
            for d in self
                .graph
                .neighbors_directed(i, petgraph::Direction::Outgoing)
            {
                if seen.insert(d) {
                    if let Node::Resource(r) = &self.graph[d] {
                        out.insert(r.clone());
                    }
                    stack.push(d);
                }
            }
        }
        out.into_iter().collect()
    }

    /// Graphviz DOT, with nodes and edges sorted so the output is stable.
    pub fn to_dot(&self) -> String {
        let mut nodes: Vec<String> = self.graph.node_weights().map(|n| n.to_string()).collect();
        nodes.sort();
        let mut edges: Vec<(String, String)> = self
            .graph
            .edge_indices()
            .filter_map(|e| self.graph.edge_endpoints(e))
            .map(|(a, b)| (self.graph[b].to_string(), self.graph[a].to_string()))
            .collect();
        edges.sort();
        let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut out = String::from(
            "digraph {\n  compound = \"true\"\n  newrank = \"true\"\n  rankdir = \"RL\"\n",
        );
        for n in &nodes {
            let shape = if n.contains("var.") || n.contains("local.") || n.contains("output.") {
                "note"
            } else if n.contains("provider[") {
                "diamond"
            } else {
                "box"
            };
            out.push_str(&format!(
                "  {} [label = {}, shape = \"{shape}\"]\n",
                q(n),
                q(n)
            ));
        }
        for (from, to) in &edges {
            out.push_str(&format!("  {} -> {}\n", q(from), q(to)));
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart (which GitHub renders in Markdown), sorted like [`Self::to_dot`].
    /// Arrows point from a dependency to what uses it, so the chart reads in apply order.
    pub fn to_mermaid(&self) -> String {
        let mut nodes: Vec<String> = self.graph.node_weights().map(|n| n.to_string()).collect();
        nodes.sort();
        let id: HashMap<&str, String> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), format!("n{i}")))
            .collect();
        let mut edges: Vec<(String, String)> = self
            .graph
            .edge_indices()
            .filter_map(|e| self.graph.edge_endpoints(e))
            .map(|(a, b)| (self.graph[a].to_string(), self.graph[b].to_string()))
            .collect();
        edges.sort();
        // Mermaid labels are quoted; a double quote inside one is written as its entity.
        let label = |s: &str| s.replace('"', "#quot;");
        let mut out = String::from("flowchart LR\n");
        for n in &nodes {
            let (open, close) =
                if n.contains("var.") || n.contains("local.") || n.contains("output.") {
                    ("([\"", "\"])")
                } else if n.contains("provider[") {
                    ("{{\"", "\"}}")
                } else {
                    ("[\"", "\"]")
                };
            out.push_str(&format!("  {}{open}{}{close}\n", id[n.as_str()], label(n)));
        }
        for (from, to) in &edges {
            out.push_str(&format!(
                "  {} --> {}\n",
                id[from.as_str()],
                id[to.as_str()]
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_of(files: &[(&str, &str)]) -> (DepGraph, crate::diag::Diagnostics) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let (config, diags) = crate::config::load(dir.path(), dir.path());
        assert!(!diags.has_errors(), "{diags:?}");
        build(&config.expect("config loads"))
    }

    #[test]
    fn edges_follow_references_through_locals_and_modules() {
        let (g, diags) = graph_of(&[
            ("main.tf", "variable \"env\" {}\nlocals { name = \"x-${var.env}\" }\nresource \"terraform_data\" \"a\" { input = local.name }\nmodule \"m\" {\n  source = \"./m\"\n  in = terraform_data.a.id\n}\noutput \"o\" { value = module.m.out }\n"),
            ("m/main.tf", "variable \"in\" {}\nresource \"terraform_data\" \"b\" { input = var.in }\noutput \"out\" { value = terraform_data.b.id }\n"),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        let root = ModulePath::root();
        let child = root.child("m");
        let b = Node::Resource(ResourceAddr::managed(child.clone(), "terraform_data", "b"));
        let deps: Vec<String> = g
            .resource_dependencies(&b)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(deps, vec!["terraform_data.a"]);
        assert!(g
            .dependencies(&Node::Output(root, "o".into()))
            .contains(&&Node::Output(child, "out".into())));
        assert!(g
            .to_dot()
            .contains("\"module.m.terraform_data.b\" -> \"module.m.var.in\""));
    }

    #[test]
    fn cycles_are_reported_with_their_path() {
        let (_, diags) = graph_of(&[(
            "main.tf",
            "resource \"terraform_data\" \"a\" { input = terraform_data.b.id }\nresource \"terraform_data\" \"b\" { input = local.x }\nlocals { x = terraform_data.a.id }\n",
        )]);
        let d = diags
            .iter()
            .find(|d| d.summary == "Cycle in dependencies")
            .expect("cycle reported");
        assert_eq!(
            d.detail.as_deref(),
            Some("These objects refer to each other in a loop: local.x → terraform_data.a → terraform_data.b → local.x.")
        );
    }

    #[test]
    fn undeclared_references_are_errors_with_suggestions() {
        let (_, diags) = graph_of(&[("main.tf", "resource \"terraform_data\" \"alpha\" {}\nresource \"terraform_data\" \"b\" { input = terraform_data.alpah.id }\n")]);
        let d = diags.iter().next().expect("an error");
        assert_eq!(d.summary, "Reference to undeclared resource");
        assert_eq!(
            d.hint.as_deref(),
            Some("did you mean terraform_data.alpha?")
        );
    }
}
