//! Loads what most commands need: the configuration, its graph, the variables and the state
//! backend, reporting every problem found along the way together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::inputs::{self, VarArg};
use crate::config::{self, Config};
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::{self, DepGraph};
use crate::providers::Registry;
use crate::state::{Backend, LocalBackend, DEFAULT_STATE_PATH};
use crate::value::Value;

use super::ui::Ui;

/// The workspace every run uses: clusterform has one, Terraform's `default` (which is also
/// what `terraform.workspace` evaluates to).
pub const WORKSPACE: &str = "default";

/// Where the command runs.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// The configuration directory (after `--chdir`), absolute.
    pub dir: PathBuf,
    /// The directory the user ran clusterform from; file names are shown relative to it.
    pub display_base: PathBuf,
}

impl Workspace {
    pub fn new(chdir: Option<&Path>) -> Result<Workspace, Diagnostic> {
        let cwd = std::env::current_dir().map_err(|e| {
            Diagnostic::error("Cannot read the current directory").detail(e.to_string())
        })?;
        let dir = match chdir {
            Some(d) => cwd.join(d),
            None => cwd.clone(),
        };
        if !dir.is_dir() {
            return Err(Diagnostic::error("Invalid --chdir")
                .detail(format!("The directory {} does not exist.", dir.display())));
        }
        Ok(Workspace {
            dir,
            display_base: cwd,
        })
    }

    pub fn relative(&self, p: &Path) -> String {
        p.strip_prefix(&self.display_base)
            .unwrap_or(p)
            .display()
            .to_string()
    }
}

/// A loaded, checked configuration.
pub struct Loaded {
    pub config: Arc<Config>,
    pub graph: Arc<DepGraph>,
    pub registry: Arc<Registry>,
}

/// The registry of every provider built into this binary.
pub fn registry() -> Registry {
    Registry::builtin()
}

/// Loads and checks the configuration; prints diagnostics. `None` when there were errors.
pub fn load(ws: &Workspace, ui: &Ui) -> Option<(Loaded, Diagnostics)> {
    let (config, mut diags) = config::load(&ws.dir, &ws.display_base);
    let Some(config) = config else {
        ui.diagnostics(&diags, &crate::diag::SourceMap::new());
        return None;
    };
    let registry = registry();
    let (graph, gdiags) = graph::build(&config);
    diags.extend(gdiags);
    let loaded = Loaded {
        config: Arc::new(config),
        graph: Arc::new(graph),
        registry: Arc::new(registry),
    };
    let run_probe = crate::engine::run::Run::new(
        loaded.config.clone(),
        loaded.graph.clone(),
        loaded.registry.clone(),
        Arc::new(crate::state::State::new()),
        BTreeMap::new(),
    );
    diags.extend(crate::plan::planner::validate_static(&run_probe));
    if diags.has_errors() {
        ui.diagnostics(&diags, &loaded.config.sources);
        return None;
    }
    Some((loaded, diags))
}

/// Resolves root variables from files, the environment and `--var`.
pub fn variables(
    ws: &Workspace,
    loaded: &mut Loaded,
    args: &[VarArg],
    recorded: &BTreeMap<String, Value>,
) -> (BTreeMap<String, Value>, Diagnostics) {
    let env: BTreeMap<String, String> = std::env::vars()
        .filter(|(k, _)| k.starts_with("TF_VAR_"))
        .collect();
    let config = Arc::make_mut(&mut loaded.config);
    let mut sources = config.sources.clone();
    let (values, diags) = inputs::resolve(
        &config.root,
        args,
        &env,
        &ws.display_base,
        &mut sources,
        recorded,
    );
    config.sources = sources;
    (values, diags)
}

/// The state backend the configuration names (the local file by default).
pub fn backend(ws: &Workspace, config: Option<&Config>) -> Arc<dyn Backend> {
    let path = config
        .and_then(|c| c.root.backend.as_ref())
        .and_then(|b| b.body.attribute("path"))
        .and_then(|a| {
            a.expr
                .as_literal()
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| DEFAULT_STATE_PATH.to_string());
    Arc::new(LocalBackend::new(ws.dir.join(path)))
}
