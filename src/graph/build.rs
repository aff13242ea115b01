//! Builds the [`DepGraph`] from a configuration.

use std::collections::HashMap;

use petgraph::graph::DiGraph;

use super::{DepGraph, Node};
use crate::addr::{Mode, ModulePath, ResourceAddr};
use crate::config::model::{Module, Reference};
use crate::config::refs::walk_references;
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::lang::Expr;

/// Root names that are not resource types.
const KEYWORDS: &[&str] = &[
    "var",
    "local",
    "module",
    "data",
    "count",
    "each",
    "path",
    "terraform",
    "self",
];

struct Builder<'c> {
    config: &'c Config,
    graph: DepGraph,
    diags: Diagnostics,
    /// Edges added so far: petgraph's own check walks every edge of the node, which is
    /// quadratic for a provider used by thousands of resources.
    edges: std::collections::HashSet<(petgraph::graph::NodeIndex, petgraph::graph::NodeIndex)>,
}

/// Builds the graph, reporting undeclared references and cycles.
pub fn build(config: &Config) -> (DepGraph, Diagnostics) {
    let mut b = Builder {
        config,
        graph: DepGraph {
            graph: DiGraph::new(),
            index: HashMap::new(),
            spans: HashMap::new(),
            providers: HashMap::new(),
        },
        diags: Diagnostics::new(),
        edges: std::collections::HashSet::new(),
    };
    for module in config.modules() {
        b.add_nodes(module);
    }
    for module in config.modules() {
        b.add_edges(module);
    }
    if let Some(d) = super::cycle::find_cycle(&b.graph) {
        b.diags.push(d);
    }
    (b.graph, b.diags)
}

impl<'c> Builder<'c> {
    fn add_node(&mut self, node: Node, span: Span) {
        if !self.graph.index.contains_key(&node) {
            let i = self.graph.graph.add_node(node.clone());
            self.graph.index.insert(node.clone(), i);
            self.graph.spans.insert(node, span);
        }
    }

    fn edge(&mut self, from: &Node, to: &Node) {
        if let (Some(a), Some(b)) = (self.graph.node_index(from), self.graph.node_index(to)) {
            if self.edges.insert((a, b)) {
                self.graph.graph.add_edge(a, b, ());
            }
        }
    }

    fn add_nodes(&mut self, m: &Module) {
        let path = &m.path;
        for (name, v) in &m.variables {
            self.add_node(Node::Variable(path.clone(), name.clone()), v.span);
        }
        for (name, l) in &m.locals {
            self.add_node(Node::Local(path.clone(), name.clone()), l.span);
        }
        for (name, o) in &m.outputs {
            self.add_node(Node::Output(path.clone(), name.clone()), o.span);
        }
        for p in &m.providers {
            self.add_node(Node::Provider(path.clone(), p.local_name()), p.span);
        }
        for r in &m.resources {
            self.add_node(Node::Resource(r.addr(path)), r.span);
        }
    }

    /// Finds the provider configuration a resource in `module` uses for `local_name`,
    /// following `providers = { … }` maps and inheritance up to the root.
    fn resolve_provider(&self, module: &ModulePath, local_name: &str) -> (ModulePath, String) {
        let mut path = module.clone();
        let mut name = local_name.to_string();
        loop {
            let m = self
                .config
                .module(&path)
                .expect("module paths come from the configuration");
            if m.providers.iter().any(|p| p.local_name() == name) || path.is_root() {
                return (path, name);
            }
            let child = path.0.pop().expect("non-root module has a name");
            let parent = self.config.module(&path).expect("parent module exists");
            if let Some(mapped) = parent
                .module_calls
                .get(&child)
                .and_then(|c| c.providers.get(&name))
            {
                name = mapped.clone();
            }
        }
    }

    fn add_edges(&mut self, m: &Module) {
        let path = m.path.clone();
        for (name, l) in &m.locals {
            self.expr_edges(&Node::Local(path.clone(), name.clone()), &l.expr, m);
        }
        for (name, o) in &m.outputs {
            let node = Node::Output(path.clone(), name.clone());
            self.expr_edges(&node, &o.expr, m);
            self.depends_on_edges(&node, &o.depends_on, m);
        }
        for p in &m.providers {
            let node = Node::Provider(path.clone(), p.local_name());
            for a in all_exprs_of_body(&p.body) {
                self.expr_edges(&node, a, m);
            }
        }
        // A child module's variables are evaluated in the parent, from the call's arguments.
        for (call_name, call) in &m.module_calls {
            let child = path.child(call_name);
            for input in &call.inputs {
                let node = Node::Variable(child.clone(), input.name.clone());
                self.expr_edges(&node, &input.expr, m);
                self.depends_on_edges(&node, &call.depends_on, m);
            }
            // depends_on on a module call holds back everything inside the module.
            if !call.depends_on.is_empty() {
                let mut inner = Vec::new();
                collect_resources(&call.module, &mut inner);
                for addr in inner {
                    self.depends_on_edges(&Node::Resource(addr), &call.depends_on, m);
                }
            }
        }
        for r in &m.resources {
            let node = Node::Resource(r.addr(&path));
            for e in r.count.iter().chain(r.for_each.iter()) {
                self.expr_edges(&node, e, m);
            }
            for e in all_exprs_of_body(&r.body) {
                self.expr_edges(&node, e, m);
            }
            for e in &r.lifecycle.replace_triggered_by {
                self.expr_edges(&node, e, m);
            }
            self.depends_on_edges(&node, &r.depends_on, m);
            let (pm, pn) = self.resolve_provider(&path, &r.provider_local_name());
            let declared = self
                .config
                .module(&pm)
                .is_some_and(|pmod| pmod.providers.iter().any(|p| p.local_name() == pn));
            if pn.contains('.') && !declared {
                self.diags.push(
                    Diagnostic::error("Provider configuration not present")
                        .at(r.provider.as_ref().map_or(r.span, |(_, s)| *s))
                        .detail(format!("{} refers to the provider configuration {pn}, but no provider block has alias = \"{}\".", r.addr(&path), pn.split_once('.').map_or("", |(_, a)| a)))
                        .hint(format!("add provider \"{}\" {{ alias = \"{}\" … }}", pn.split('.').next().unwrap_or(""), pn.split_once('.').map_or("", |(_, a)| a))),
                );
            }
            let pnode = Node::Provider(pm.clone(), pn.clone());
            self.add_node(pnode.clone(), r.span);
            self.edge(&pnode, &node);
            self.graph.providers.insert(r.addr(&path), (pm, pn));
        }
    }

    fn depends_on_edges(&mut self, node: &Node, refs: &[Reference], m: &Module) {
        for r in refs {
            if let Some(targets) = self.reference_target(&r.parts, r.span, m) {
                for t in targets {
                    self.edge(&t, node);
                }
            }
        }
    }

    fn expr_edges(&mut self, node: &Node, expr: &Expr, m: &Module) {
        let mut found = Vec::new();
        walk_references(expr, &mut |parts, span| found.push((parts.to_vec(), span)));
        for (parts, span) in found {
            if let Some(targets) = self.reference_target(&parts, span, m) {
                for t in targets {
                    if &t != node {
                        self.edge(&t, node);
                    } else {
                        self.diags.push(
                            Diagnostic::error("Self-referential block")
                                .at(span)
                                .detail(format!(
                                    "Configuration for {node} may not refer to itself."
                                )),
                        );
                    }
                }
            }
        }
    }

    /// The graph nodes a reference points at; reports references to undeclared objects.
    fn reference_target(&mut self, parts: &[String], span: Span, m: &Module) -> Option<Vec<Node>> {
        let path = &m.path;
        let root = parts.first()?.as_str();
        let get = |i: usize| parts.get(i).map(String::as_str);
        let missing_attr = |what: &str, example: &str| {
            Diagnostic::error("Invalid reference")
                .at(span)
                .detail(format!(
                    "A reference to {what} must be followed by a name, as in {example}."
                ))
        };
        match root {
            "var" => {
                let Some(name) = get(1) else {
                    self.diags.push(missing_attr("var", "var.region"));
                    return None;
                };
                if !m.variables.contains_key(name) {
                    let mut d = Diagnostic::error("Reference to undeclared input variable")
                        .at(span)
                        .detail(format!(
                            "An input variable with the name \"{name}\" has not been declared."
                        ));
                    d = match crate::suggest::closest(name, m.variables.keys().map(String::as_str))
                    {
                        Some(s) => d.hint(format!("did you mean var.{s}?")),
                        None => d.hint(format!(
                            "declare it with variable \"{name}\" {{ type = string }}"
                        )),
                    };
                    self.diags.push(d);
                    return None;
                }
                Some(vec![Node::Variable(path.clone(), name.to_string())])
            }
            "local" => {
                let Some(name) = get(1) else {
                    self.diags.push(missing_attr("local", "local.cluster_name"));
                    return None;
                };
                if !m.locals.contains_key(name) {
                    let mut d = Diagnostic::error("Reference to undeclared local value")
                        .at(span)
                        .detail(format!(
                            "A local value with the name \"{name}\" has not been declared."
                        ));
                    if let Some(s) =
                        crate::suggest::closest(name, m.locals.keys().map(String::as_str))
                    {
                        d = d.hint(format!("did you mean local.{s}?"));
                    }
                    self.diags.push(d);
                    return None;
                }
                Some(vec![Node::Local(path.clone(), name.to_string())])
            }
            "module" => {
                let Some(name) = get(1) else {
                    self.diags
                        .push(missing_attr("module", "module.network.vpc_id"));
                    return None;
                };
                let Some(call) = m.module_calls.get(name) else {
                    self.diags.push(
                        Diagnostic::error("Reference to undeclared module")
                            .at(span)
                            .detail(format!(
                                "No module call named \"{name}\" is declared in this module."
                            )),
                    );
                    return None;
                };
                let child = path.child(name);
                match get(2) {
                    Some(out) => {
                        if !call.module.outputs.contains_key(out) {
                            let mut d = Diagnostic::error("Unsupported attribute").at(span).detail(
                                format!("The module \"{name}\" has no output named \"{out}\"."),
                            );
                            if let Some(s) = crate::suggest::closest(
                                out,
                                call.module.outputs.keys().map(String::as_str),
                            ) {
                                d = d.hint(format!("did you mean module.{name}.{s}?"));
                            }
                            self.diags.push(d);
                            return None;
                        }
                        Some(vec![Node::Output(child, out.to_string())])
                    }
                    None => Some(
                        call.module
                            .outputs
                            .keys()
                            .map(|o| Node::Output(child.clone(), o.clone()))
                            .collect(),
                    ),
                }
            }
            "data" => {
                let (Some(t), Some(n)) = (get(1), get(2)) else {
                    self.diags.push(missing_attr("data", "data.aws_vpc.shared"));
                    return None;
                };
                self.resource_target(
                    ResourceAddr {
                        module: path.clone(),
                        mode: Mode::Data,
                        type_name: t.into(),
                        name: n.into(),
                    },
                    span,
                    m,
                )
            }
            "count" | "each" | "path" | "terraform" | "self" => None,
            type_name if !KEYWORDS.contains(&type_name) => {
                let Some(n) = get(1) else {
                    self.diags.push(
                        Diagnostic::error("Invalid reference")
                            .at(span)
                            .detail(format!("A reference to a resource type must be followed by at least one attribute access, specifying the resource name: {type_name}.NAME."))
                            .hint(format!("if you meant a variable, write var.{type_name}")),
                    );
                    return None;
                };
                self.resource_target(ResourceAddr::managed(path.clone(), type_name, n), span, m)
            }
            _ => None,
        }
    }

    fn resource_target(&mut self, addr: ResourceAddr, span: Span, m: &Module) -> Option<Vec<Node>> {
        let node = Node::Resource(addr.clone());
        if self.graph.index.contains_key(&node) {
            return Some(vec![node]);
        }
        let same_mode: Vec<String> = m
            .resources
            .iter()
            .filter(|r| r.mode == addr.mode)
            .map(|r| r.addr(&m.path).local_name())
            .collect();
        let what = if addr.mode == Mode::Data {
            "data resource"
        } else {
            "resource"
        };
        let mut d = Diagnostic::error(format!("Reference to undeclared {what}"))
            .at(span)
            .detail(format!(
                "A {what} \"{}\" \"{}\" has not been declared in {}.",
                addr.type_name,
                addr.name,
                if m.path.is_root() {
                    "the root module".to_string()
                } else {
                    m.path.to_string()
                }
            ));
        if let Some(s) =
            crate::suggest::closest(&addr.local_name(), same_mode.iter().map(String::as_str))
        {
            d = d.hint(format!("did you mean {s}?"));
        }
        self.diags.push(d);
        None
    }
}

fn collect_resources(m: &Module, out: &mut Vec<ResourceAddr>) {
    out.extend(m.resources.iter().map(|r| r.addr(&m.path)));
    for c in m.module_calls.values() {
        collect_resources(&c.module, out);
    }
}

/// Every expression in a body, nested blocks included.
pub fn all_exprs_of_body(body: &crate::config::body::Body) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = body.attributes.iter().map(|a| &a.expr).collect();
    for b in &body.blocks {
        out.extend(all_exprs_of_body(&b.body));
    }
    out
}
