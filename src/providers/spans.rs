//! Where each attribute of a resource was written, so provider diagnostics point at config lines.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::body::Body;
use crate::diag::Span;

/// Maps attribute paths (`["vpc_config", "endpoint_public_access"]`) to their spans.
#[derive(Clone, Debug)]
pub struct ConfigSpans {
    root: Span,
    /// Shared: every instance of a resource has the same spans.
    paths: Arc<BTreeMap<Vec<String>, Span>>,
}

impl ConfigSpans {
    /// Spans for a block's body; `root` is the block header, used when nothing closer exists.
    pub fn from_body(body: &Body, root: Span) -> ConfigSpans {
        let mut paths = BTreeMap::new();
        collect(body, &mut Vec::new(), &mut paths);
        ConfigSpans {
            root,
            paths: Arc::new(paths),
        }
    }

    /// For objects with no configuration (imports, orphans).
    pub fn none(root: Span) -> ConfigSpans {
        ConfigSpans {
            root,
            paths: Arc::default(),
        }
    }

    /// The span of `path`, or of its nearest written ancestor, or of the block.
    pub fn span(&self, path: &[&str]) -> Span {
        let mut path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        while !path.is_empty() {
            if let Some(s) = self.paths.get(&path) {
                return *s;
            }
            path.pop();
        }
        self.root
    }

    /// True when the attribute was written in the configuration.
    pub fn is_written(&self, path: &[&str]) -> bool {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        self.paths.contains_key(&path)
    }

    pub fn root(&self) -> Span {
        self.root
    }
}

fn collect(body: &Body, prefix: &mut Vec<String>, out: &mut BTreeMap<Vec<String>, Span>) {
    for a in &body.attributes {
        prefix.push(a.name.clone());
        out.insert(prefix.clone(), a.span);
        prefix.pop();
    }
    for b in &body.blocks {
        prefix.push(b.kind.clone());
        out.entry(prefix.clone()).or_insert(b.kind_span);
        collect(&b.body, prefix, out);
        prefix.pop();
    }
}
