//! `clusterform init`: checks the configuration and sets up the backend — the block merged
//! with `--backend-config` values, remembered in `.terraform/` (secrets left out), and with
//! `--migrate-state` the state copied over from the backend set up before. Providers are
//! built in, so there is nothing to download.

use clap::Args;

use super::args::parse_timeout;
use super::data_dir::{self, RecordedBackend};
use super::migrate::{self, Side};
use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;
use crate::config::backend::{self, BackendSettings};
use crate::diag::Diagnostic;
use crate::state::local::{DEFAULT_STATE_PATH, DEFAULT_WORKSPACE_DIR};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  clusterform init
  clusterform init --backend-config bucket=team-state --backend-config backend.hcl
  clusterform init --migrate-state      # copy the state to a newly configured backend
  clusterform init --reconfigure        # use the configured backend, forget the old one")]
pub struct InitArgs {
    /// A backend setting, KEY=VALUE, or a file of `key = "value"` lines (repeatable; later
    /// ones win). Merged over the backend block. Secrets are used but never saved.
    #[arg(long = "backend-config", value_name = "KEY=VALUE|FILE")]
    pub backend_config: Vec<String>,
    /// Copy every workspace's state from the backend set up before to the one configured now.
    #[arg(long, alias = "force-copy", conflicts_with = "reconfigure")]
    pub migrate_state: bool,
    /// Use the configured backend as it is, forgetting the one set up before (nothing is
    /// copied).
    #[arg(long)]
    pub reconfigure: bool,
    /// Wait this long for state locks while migrating, such as 5m (default: fail at once).
    #[arg(long, default_value = "0s", value_name = "DURATION")]
    pub lock_timeout: String,
}

pub fn run(ws: &Workspace, ui: &Ui, args: InitArgs) -> Exit {
    let Some((loaded, diags)) = workspace::load(ws, ui) else {
        return Exit::Error;
    };
    ui.diagnostics(&diags, &loaded.config.sources);
    let described = match init_backend(ws, ui, &loaded.config, &args) {
        Ok(d) => d,
        Err(d) => {
            ui.error(d);
            return Exit::Error;
        }
    };
    let mut used: Vec<String> = loaded
        .graph
        .providers
        .values()
        .map(|(_, n)| n.split('.').next().unwrap_or(n).to_string())
        .collect();
    used.sort();
    used.dedup();
    ui.out(&format!(
        "Initializing the backend: {described}\nProviders (built in): {}\n\nclusterform has been successfully initialized!\n",
        if used.is_empty() { "none used".to_string() } else { used.join(", ") }
    ));
    Exit::Ok
}

/// Sets the backend up; returns its description for the summary.
fn init_backend(
    ws: &Workspace,
    ui: &Ui,
    config: &crate::config::Config,
    args: &InitArgs,
) -> Result<String, Diagnostic> {
    let timeout = parse_timeout(&args.lock_timeout)
        .map_err(|m| Diagnostic::error("Invalid --lock-timeout").detail(m))?;
    let has_block = config.root.backend.is_some();
    let (kind, block) = workspace::configured_backend(Some(config));
    let record = data_dir::read_record(ws)?;
    let unchanged_block = record
        .as_ref()
        .is_some_and(|r| r.kind == kind && r.hash == data_dir::block_hash(&kind, &block));
    let merged = if unchanged_block && args.backend_config.is_empty() && !args.reconfigure {
        // As Terraform does: `init` again without --backend-config keeps what was given before.
        workspace::backend_choice(ws, Some(config))?.1
    } else {
        merge_backend_config(&kind, &block, &args.backend_config, ws)?
    };
    let previous = match &record {
        Some(r) => (r.kind.clone(), r.settings()),
        None => (backend::LOCAL.to_string(), BackendSettings::new()),
    };
    let changed = location(&previous.0, &previous.1) != location(&kind, &merged);
    if changed && args.migrate_state {
        let copied = migrate::migrate(
            ws,
            ui,
            &Side {
                kind: &previous.0,
                settings: &previous.1,
            },
            &Side {
                kind: &kind,
                settings: &merged,
            },
            timeout,
        )?;
        if copied == 0 {
            ui.out("No state to migrate: the previous backend holds none.\n");
        }
    } else if changed && !args.reconfigure {
        refuse_unmigrated(ws, &previous, &kind, record.is_some())?;
    }
    let selected = data_dir::selected_workspace(ws)?;
    let opened = workspace::open(ws, &kind, &merged, &selected)?;
    opened
        .read()
        .map_err(|e| workspace::state_error("Cannot read the state", &e))?;
    let recorded = has_block.then(|| RecordedBackend::new(&kind, &merged, &block));
    data_dir::write_record(ws, recorded.as_ref())?;
    warn_about(ui, &kind, &merged, &block);
    Ok(opened.describe())
}

/// The block's settings with each `--backend-config` merged over them, in order.
fn merge_backend_config(
    kind: &str,
    block: &BackendSettings,
    extra: &[String],
    ws: &Workspace,
) -> Result<BackendSettings, Diagnostic> {
    let mut merged = block.clone();
    let known = backend::kind(kind);
    for arg in extra {
        for (key, value) in backend::parse_backend_config_arg(arg, &ws.dir)? {
            if known.is_some_and(|k| !k.takes(&key)) {
                return Err(Diagnostic::error("Unsupported --backend-config argument")
                    .detail(format!(
                        "The {kind} backend has no argument named \"{key}\"."
                    ))
                    .hint(format!(
                        "the {kind} backend takes: {}",
                        known.map(|k| k.arguments.join(", ")).unwrap_or_default()
                    )));
            }
            merged.insert(key, value);
        }
    }
    Ok(merged)
}

/// What decides where a backend keeps state: its kind and non-secret settings, with the
/// local backend's defaults written out (so no block and an empty local block are the same).
fn location(kind: &str, settings: &BackendSettings) -> (String, BackendSettings) {
    let mut s: BackendSettings = settings
        .iter()
        .filter(|(k, _)| !backend::is_secret(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if kind == backend::LOCAL {
        s.entry("path".into())
            .or_insert_with(|| DEFAULT_STATE_PATH.into());
        s.entry("workspace_dir".into())
            .or_insert_with(|| DEFAULT_WORKSPACE_DIR.into());
    }
    (kind.to_string(), s)
}

/// A backend change without `--migrate-state` or `--reconfigure`: an error when init set up
/// another backend before, or when the local state it replaces holds something.
fn refuse_unmigrated(
    ws: &Workspace,
    previous: &(String, BackendSettings),
    kind: &str,
    recorded: bool,
) -> Result<(), Diagnostic> {
    if !recorded && !local_state_exists(ws, &previous.1)? {
        return Ok(());
    }
    let what = if recorded {
        format!(
            "The backend configuration changed since clusterform init ran: the state was set up in the \"{}\" backend, and the configuration now says \"{kind}\".",
            previous.0
        )
    } else {
        format!(
            "The configuration now keeps state in the \"{kind}\" backend, but this directory has local state (terraform.tfstate or terraform.tfstate.d/)."
        )
    };
    Err(Diagnostic::error("Backend configuration changed")
        .detail(what)
        .hint("run clusterform init -migrate-state to copy the state to the new backend, or clusterform init -reconfigure to use the new backend as it is (the old state stays where it is)"))
}

/// True when the implicit local backend has a state file in any workspace.
fn local_state_exists(ws: &Workspace, settings: &BackendSettings) -> Result<bool, Diagnostic> {
    let local = workspace::open(
        ws,
        backend::LOCAL,
        settings,
        crate::state::DEFAULT_WORKSPACE,
    )?;
    let names = local
        .workspaces()
        .map_err(|e| workspace::state_error("Cannot list the local workspaces", &e))?;
    for name in names {
        let b = workspace::open(ws, backend::LOCAL, settings, &name)?;
        let state = b
            .read()
            .map_err(|e| workspace::state_error("Cannot read the state", &e))?;
        if state.is_some_and(|s| !s.resources.is_empty() || !s.outputs.is_empty()) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Warnings about settings that work but deserve a second look.
fn warn_about(ui: &Ui, kind: &str, merged: &BackendSettings, block: &BackendSettings) {
    let unsaved: Vec<&str> = merged
        .keys()
        .filter(|k| backend::is_secret(k) && !block.contains_key(*k))
        .map(String::as_str)
        .collect();
    if !unsaved.is_empty() {
        ui.error(
            Diagnostic::warning("Credentials from --backend-config are not saved")
                .detail(format!(
                    "{} {} used for this init only: clusterform never writes credentials to .terraform/.",
                    unsaved.join(", "),
                    if unsaved.len() == 1 { "was" } else { "were" }
                ))
                .hint("for later commands, provide credentials through the environment (AWS_PROFILE or AWS_ACCESS_KEY_ID…, ARM_ACCESS_KEY…)"),
        );
    }
    if kind == backend::S3
        && merged.get("use_lockfile").is_none_or(|v| v != "true")
        && !merged.contains_key("dynamodb_table")
    {
        ui.error(
            Diagnostic::warning("The s3 backend has no locking")
                .detail("Without use_lockfile or dynamodb_table, two runs can change the state at the same time.")
                .hint("set use_lockfile = true in the backend \"s3\" block"),
        );
    }
}
