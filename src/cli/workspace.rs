//! Loads what most commands need: the configuration, its graph, the variables and the state
//! backend (for the selected Terraform workspace), reporting every problem found along the
//! way together.
//!
//! [`Workspace`] here is where the command runs; the Terraform workspace (`default`, `dev`…)
//! is a name, chosen by `data_dir::selected_workspace`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::config::backend::{self, BackendSettings};
use crate::config::inputs::{self, VarArg};
use crate::config::{self, Config};
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::{self, DepGraph};
use crate::providers::Registry;
use crate::state::{Backend, DEFAULT_WORKSPACE};
use crate::value::Value;

use super::data_dir;
use super::ui::Ui;

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

/// The backend block as written: its kind and settings (`local` with none when there is no
/// block).
pub fn configured_backend(config: Option<&Config>) -> (String, BackendSettings) {
    match config.and_then(|c| c.root.backend.as_ref()) {
        Some(b) => (b.kind.clone(), b.settings.clone()),
        None => (backend::LOCAL.to_string(), BackendSettings::new()),
    }
}

/// Which backend to use and its settings: the block as `init` set it up (with the
/// `--backend-config` values init recorded), or the local file when nothing needs setting
/// up. An error when the configuration names a backend `init` has not set up, or one that
/// changed since.
pub fn backend_choice(
    ws: &Workspace,
    config: Option<&Config>,
) -> Result<(String, BackendSettings), Diagnostic> {
    let record = data_dir::read_record(ws)?;
    let Some(config) = config else {
        // The configuration does not load (its errors are reported elsewhere): the state is
        // still where init put it.
        return Ok(match record {
            Some(r) => (r.kind.clone(), r.settings()),
            None => configured_backend(None),
        });
    };
    let (kind, block) = configured_backend(Some(config));
    match record {
        None if kind == backend::LOCAL => Ok((kind, block)),
        None => Err(Diagnostic::error("Backend initialization required")
            .detail(format!(
                "The configuration keeps state in the \"{kind}\" backend, which has not been set up in this directory."
            ))
            .hint("run clusterform init (with --backend-config KEY=VALUE for settings not in the block)")),
        Some(r) if r.kind == kind && r.hash == data_dir::block_hash(&kind, &block) => {
            // Secrets are never recorded: those written in the block come from it.
            let mut settings = r.settings();
            settings.extend(block.into_iter().filter(|(k, _)| backend::is_secret(k)));
            Ok((kind, settings))
        }
        Some(r) => Err(Diagnostic::error("Backend configuration changed")
            .detail(format!(
                "The backend configuration changed since clusterform init ran: the state was set up in the \"{}\" backend, and the configuration now says \"{kind}\"{}.",
                r.kind,
                if r.kind == kind { " with other settings" } else { "" }
            ))
            .hint("run clusterform init -migrate-state to copy the state to the new backend, or clusterform init -reconfigure to use the new backend as it is")),
    }
}

/// The state backend for the selected workspace.
pub fn backend(ws: &Workspace, config: Option<&Config>) -> Result<Arc<dyn Backend>, Diagnostic> {
    let name = data_dir::selected_workspace(ws)?;
    let opened = backend_in(ws, config, &name)?;
    remember_selected(&name);
    Ok(opened)
}

/// Notes the workspace this run uses, for [`selected_name`] (the first one noted stays).
pub fn remember_selected(name: &str) {
    let _ = SELECTED.set(name.to_string());
}

/// The state backend for `workspace`.
pub fn backend_in(
    ws: &Workspace,
    config: Option<&Config>,
    workspace: &str,
) -> Result<Arc<dyn Backend>, Diagnostic> {
    let (kind, settings) = backend_choice(ws, config)?;
    open(ws, &kind, &settings, workspace)
}

/// Opens `kind` with `settings` for `workspace`.
pub fn open(
    ws: &Workspace,
    kind: &str,
    settings: &BackendSettings,
    workspace: &str,
) -> Result<Arc<dyn Backend>, Diagnostic> {
    crate::state::backends::open(kind, settings, &ws.dir, workspace)
        .map_err(|e| state_error(format!("Cannot open the {kind} backend"), &e))
}

/// The workspace whose state this run uses, once [`backend`] has opened it or
/// [`remember_selected`] noted it (`default` before), for titles such as the pull-request
/// comment's.
pub fn selected_name() -> &'static str {
    SELECTED.get().map_or(DEFAULT_WORKSPACE, String::as_str)
}

static SELECTED: OnceLock<String> = OnceLock::new();

/// A state error as a diagnostic: the error's own `hint:` paragraph becomes the diagnostic's
/// hint, so it renders as one, after the detail.
pub fn state_error(summary: impl Into<String>, e: &crate::state::StateError) -> Diagnostic {
    let text = e.to_string();
    match text.split_once("\n\nhint: ") {
        Some((detail, hint)) => Diagnostic::error(summary).detail(detail).hint(hint),
        None => Diagnostic::error(summary).detail(text),
    }
}
