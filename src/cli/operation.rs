//! The steps `plan`, `apply`, `destroy` and `import` share: load and check everything, lock
//! the state, plan, and handle Ctrl-C.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::args::{parse_timeout, PlanOptions};
use super::ui::Ui;
use super::workspace::{self, Loaded, Workspace};
use crate::addr::{InstanceAddr, TargetAddr};
use crate::config::inputs::VarArg;
use crate::diag::{Diagnostic, Diagnostics};
use crate::engine::run::Run;
use crate::plan::planfile;
use crate::plan::{PlanMeta, PlanMode, PlanSettings, Planned};
use crate::state::{Backend, State, StateLock};
use crate::value::Value;

/// Everything ready for planning, with the state locked.
pub struct Prepared {
    pub loaded: Loaded,
    pub variables: BTreeMap<String, Value>,
    pub warnings: Diagnostics,
    pub backend: Arc<dyn Backend>,
    pub lock: Option<StateLock>,
    /// The selected workspace, whose state `backend` holds.
    pub workspace: String,
    /// The stored state; `stored` is false when there was none yet.
    pub state: Arc<State>,
    pub stored: bool,
}

/// Loads configuration and variables, locks and reads state. Prints diagnostics on failure,
/// ending with the line every failed plan ends with.
pub fn prepare(
    ws: &Workspace,
    ui: &Ui,
    opts: &PlanOptions,
    vars: &[VarArg],
    operation: &str,
    recorded: &BTreeMap<String, Value>,
) -> Option<Prepared> {
    let prepared = prepare_inner(ws, ui, opts, vars, operation, recorded);
    if prepared.is_none() {
        ui.err("\nPlanning failed: nothing was changed.\n");
    }
    prepared
}

fn prepare_inner(
    ws: &Workspace,
    ui: &Ui,
    opts: &PlanOptions,
    vars: &[VarArg],
    operation: &str,
    recorded: &BTreeMap<String, Value>,
) -> Option<Prepared> {
    let (mut loaded, mut diags) = workspace::load(ws, ui)?;
    let (variables, vdiags) = workspace::variables(ws, &mut loaded, vars, recorded);
    diags.extend(vdiags);
    if diags.has_errors() {
        ui.diagnostics(&diags, &loaded.config.sources);
        return None;
    }
    let timeout = match parse_timeout(&opts.lock_timeout) {
        Ok(t) => t,
        Err(msg) => {
            ui.error(Diagnostic::error("Invalid --lock-timeout").detail(msg));
            return None;
        }
    };
    let selected = match super::data_dir::selected_workspace(ws) {
        Ok(name) => name,
        Err(d) => {
            ui.error(d);
            return None;
        }
    };
    let backend = match workspace::backend_in(ws, Some(&loaded.config), &selected) {
        Ok(b) => {
            workspace::remember_selected(&selected);
            b
        }
        Err(d) => {
            ui.diagnostics(&diags, &loaded.config.sources);
            ui.error(d);
            return None;
        }
    };
    let lock = match opts.lock.then(|| backend.lock(operation, timeout)) {
        None => None,
        Some(Ok(l)) => {
            if let Some(left) = l.took_over() {
                ui.err(&took_over_note(left));
            }
            Some(l)
        }
        Some(Err(e)) => {
            ui.diagnostics(&diags, &loaded.config.sources);
            ui.error(workspace::state_error("Error acquiring the state lock", &e));
            return None;
        }
    };
    let (state, stored) = match backend.read() {
        Ok(Some(s)) => (s, true),
        Ok(None) => (State::new(), false),
        Err(e) => {
            let d = workspace::state_error("Cannot read the state", &e);
            ui.error(if d.hint.is_some() { d } else { d.hint("the stored state was left as it is; fix it, or restore a copy (terraform.tfstate.backup for the local backend, an earlier object version for a versioned S3 bucket)") });
            return None;
        }
    };
    Some(Prepared {
        loaded,
        variables,
        warnings: diags,
        backend,
        lock,
        workspace: selected,
        state: Arc::new(state),
        stored,
    })
}

/// Parses `--target` and `--replace` addresses.
pub fn settings(opts: &PlanOptions, mode: PlanMode) -> Result<PlanSettings, Diagnostic> {
    let targets = opts
        .target
        .iter()
        .map(|t| TargetAddr::from_str(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Diagnostic::error("Invalid --target address").detail(e.to_string()))?;
    let mut replace: Vec<InstanceAddr> = Vec::new();
    for r in &opts.replace {
        match TargetAddr::from_str(r)
            .map_err(|e| Diagnostic::error("Invalid --replace address").detail(e.to_string()))?
        {
            TargetAddr::Instance(i) => replace.push(i),
            TargetAddr::Resource(res) => replace.push(res.instance(crate::addr::InstanceKey::None)),
            TargetAddr::Module(_) => {
                return Err(Diagnostic::error("Invalid --replace address")
                    .detail("--replace takes a resource instance address, not a module."))
            }
        }
    }
    let mode = if opts.refresh_only {
        PlanMode::RefreshOnly
    } else {
        mode
    };
    Ok(PlanSettings {
        mode,
        targets,
        replace,
        refresh: opts.refresh,
        parallelism: opts.parallelism.max(1),
    })
}

/// Plans; prints diagnostics. `None` when planning failed.
pub async fn make_plan(
    ws: &Workspace,
    ui: &Ui,
    p: &Prepared,
    settings: PlanSettings,
    stop: CancellationToken,
) -> Option<Planned> {
    let run = Run::new(
        p.loaded.config.clone(),
        p.loaded.graph.clone(),
        p.loaded.registry.clone(),
        p.state.clone(),
        p.variables.clone(),
    );
    run.extend(p.warnings.clone());
    crate::engine::run::lock(&run.values).workspace = Some(p.workspace.clone());
    let meta = PlanMeta {
        working_dir: ws.relative(&ws.dir).trim().to_string(),
        state_lineage: p.stored.then(|| p.state.lineage.clone()),
        state_serial: p.stored.then_some(p.state.serial),
        variables: planfile::record_variables(&p.variables),
    };
    let planned = crate::plan::plan(run, settings, meta, stop).await;
    if std::env::var("CLUSTERFORM_LOG").is_ok_and(|v| v.eq_ignore_ascii_case("debug")) {
        log_api_calls(ui, &planned.run);
    }
    let diags = crate::engine::run::lock(&planned.run.diags).clone();
    ui.diagnostics(&diags, &p.loaded.config.sources);
    if diags.has_errors() {
        ui.err("\nPlanning failed: nothing was changed.\n");
        return None;
    }
    if planned.interrupted {
        ui.err("\nPlanning was interrupted: the plan is incomplete, so it was neither shown nor saved, and nothing was changed.\n");
        return None;
    }
    Some(planned)
}

/// One debug line per provider: how many API calls planning made, by operation.
fn log_api_calls(ui: &Ui, run: &Run) {
    let providers = crate::engine::run::lock(&run.providers).clone();
    let mut keys: Vec<_> = providers.keys().cloned().collect();
    keys.sort();
    for key in keys {
        let calls = providers[&key].api_calls();
        if calls.is_empty() {
            continue;
        }
        let total: usize = calls.values().sum();
        let list: Vec<String> = calls.iter().map(|(op, n)| format!("{op}={n}")).collect();
        ui.err(&format!(
            "[debug] provider {}: {total} API calls while planning: {}\n",
            key.1,
            list.join(", ")
        ));
    }
}

/// Ctrl-C once: start nothing new, let running operations finish, save state.
/// Twice: exit at once, with state as last saved.
pub fn interrupts(ui: &Ui) -> CancellationToken {
    let stop = CancellationToken::new();
    let s = stop.clone();
    let ui = ui.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        ui.err("\nInterrupt received. Operations already running will finish and the state will be saved.\nPress Ctrl-C again to exit at once.\n");
        s.cancel();
        if tokio::signal::ctrl_c().await.is_ok() {
            ui.err("\nTwo interrupts received: exiting now. The state holds every operation that completed.\n");
            std::process::exit(1);
        }
    });
    stop
}

/// Says that the lock of a run that ended without releasing it was taken over: that run was
/// interrupted, and its plan may show creates to resume.
fn took_over_note(left: &crate::state::LockInfo) -> String {
    format!(
        "Note: the state lock of an earlier run ({} by {}, pid {}, since {}) was left behind when \
         that run ended without releasing it; clusterform took it over.\n",
        left.operation, left.who, left.pid, left.created
    )
}
