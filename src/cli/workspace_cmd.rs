//! `clusterform workspace new|select|list|show|delete`: several states for one
//! configuration, stored as the backend's convention says (`terraform.tfstate.d/<name>/` for
//! the local backend, `<workspace_key_prefix>/<name>/<key>` in S3, `<key>env:<name>` in Azure
//! Blob). The selected one is saved in `.terraform/environment`; `TF_WORKSPACE` overrides it.

use std::time::Duration;

use clap::{Args, Subcommand};

use super::args::parse_timeout;
use super::data_dir;
use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;
use crate::diag::Diagnostic;
use crate::state::backends::check_workspace_name;
use crate::state::{Backend, State, DEFAULT_WORKSPACE};

#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// Create a workspace (an empty state) and select it.
    #[command(after_help = "Examples:\n  clusterform workspace new staging")]
    New(NewArgs),
    /// Select the workspace later commands use.
    #[command(
        after_help = "Examples:\n  clusterform workspace select staging\n  clusterform workspace select --or-create feature-x"
    )]
    Select {
        name: String,
        /// Create the workspace when it does not exist.
        #[arg(long)]
        or_create: bool,
    },
    /// List workspaces; the selected one is marked with `*`.
    List,
    /// Print the selected workspace's name.
    Show,
    /// Delete a workspace's state. Refuses while it tracks resources, unless --force.
    #[command(after_help = "Examples:\n  clusterform workspace delete feature-x")]
    Delete(DeleteArgs),
}

#[derive(Args, Debug)]
pub struct NewArgs {
    pub name: String,
    #[command(flatten)]
    pub lock: LockArgs,
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    pub name: String,
    /// Delete even when the workspace's state still tracks resources (they are not
    /// destroyed: clusterform just forgets them).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub lock: LockArgs,
}

#[derive(Args, Debug)]
pub struct LockArgs {
    /// Wait this long for the state lock, such as 5m (default: fail at once).
    #[arg(long, default_value = "0s", value_name = "DURATION")]
    pub lock_timeout: String,
}

impl LockArgs {
    fn timeout(&self) -> Result<Duration, Diagnostic> {
        parse_timeout(&self.lock_timeout)
            .map_err(|m| Diagnostic::error("Invalid --lock-timeout").detail(m))
    }
}

pub fn run(ws: &Workspace, ui: &Ui, cmd: WorkspaceCommand) -> Exit {
    match run_inner(ws, ui, cmd) {
        Ok(()) => Exit::Ok,
        Err(d) => {
            ui.error(d);
            Exit::Error
        }
    }
}

fn run_inner(ws: &Workspace, ui: &Ui, cmd: WorkspaceCommand) -> Result<(), Diagnostic> {
    let config = crate::config::load(&ws.dir, &ws.display_base).0;
    let any = workspace::backend_in(ws, config.as_ref(), DEFAULT_WORKSPACE)?;
    let current = data_dir::selected_workspace(ws)?;
    match cmd {
        WorkspaceCommand::Show => ui.out(&format!("{current}\n")),
        WorkspaceCommand::List => {
            for name in list(&*any)? {
                let mark = if name == current { "*" } else { " " };
                ui.out(&format!("{mark} {name}\n"));
            }
        }
        WorkspaceCommand::New(args) => {
            check_name(&args.name)?;
            if list(&*any)?.contains(&args.name) {
                return Err(Diagnostic::error(format!(
                    "Workspace \"{}\" already exists",
                    args.name
                ))
                .hint(format!(
                    "select it: clusterform workspace select {}",
                    args.name
                )));
            }
            let backend = workspace::backend_in(ws, config.as_ref(), &args.name)?;
            create(&*backend, args.lock.timeout()?)?;
            select(ws, &args.name)?;
            ui.out(&format!(
                "Created and switched to workspace \"{}\"!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"clusterform plan\" clusterform will not see any existing state\nfor this configuration.\n",
                args.name
            ));
        }
        WorkspaceCommand::Select { name, or_create } => {
            check_name(&name)?;
            if !list(&*any)?.contains(&name) {
                if !or_create {
                    return Err(Diagnostic::error(format!("Workspace \"{name}\" doesn't exist"))
                        .detail("clusterform only selects a workspace that exists in the backend.")
                        .hint(format!(
                            "create it with clusterform workspace new {name}, or pass --or-create to select"
                        )));
                }
                let backend = workspace::backend_in(ws, config.as_ref(), &name)?;
                create(&*backend, Duration::ZERO)?;
            }
            select(ws, &name)?;
            ui.out(&format!("Switched to workspace \"{name}\".\n"));
        }
        WorkspaceCommand::Delete(args) => {
            check_name(&args.name)?;
            delete(ws, ui, config.as_ref(), &*any, &current, &args)?;
        }
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), Diagnostic> {
    check_workspace_name(name).map_err(|m| Diagnostic::error("Invalid workspace name").detail(m))
}

fn list(backend: &dyn Backend) -> Result<Vec<String>, Diagnostic> {
    backend
        .workspaces()
        .map_err(|e| workspace::state_error("Cannot list the workspaces", &e))
}

fn select(ws: &Workspace, name: &str) -> Result<(), Diagnostic> {
    if data_dir::workspace_overridden() {
        return Err(Diagnostic::error("The selected workspace is set by TF_WORKSPACE")
            .detail(format!(
                "TF_WORKSPACE overrides the saved selection, so selecting \"{name}\" would have no effect."
            ))
            .hint("unset TF_WORKSPACE, or set it to the workspace you want"));
    }
    data_dir::select_workspace(ws, name)
}

/// Writes an empty state, under the lock, unless the workspace already has one.
fn create(backend: &dyn Backend, timeout: Duration) -> Result<(), Diagnostic> {
    let lock = backend
        .lock("OperationTypeWorkspaceNew", timeout)
        .map_err(|e| workspace::state_error("Error acquiring the state lock", &e))?;
    let existing = backend
        .read()
        .map_err(|e| workspace::state_error("Cannot read the state", &e))?;
    if existing.is_none() {
        backend
            .write(&State::new())
            .map_err(|e| workspace::state_error("Cannot create the workspace", &e))?;
    }
    lock.release()
        .map_err(|e| workspace::state_error("Error releasing the state lock", &e))
}

fn delete(
    ws: &Workspace,
    ui: &Ui,
    config: Option<&crate::config::Config>,
    any: &dyn Backend,
    current: &str,
    args: &DeleteArgs,
) -> Result<(), Diagnostic> {
    let name = &args.name;
    if name == DEFAULT_WORKSPACE {
        return Err(Diagnostic::error("Cannot delete the default workspace")
            .detail("Every backend has the default workspace; it cannot be deleted."));
    }
    if name == current {
        return Err(
            Diagnostic::error(format!("Workspace \"{name}\" is your active workspace"))
                .detail("The selected workspace cannot be deleted.")
                .hint("select another first: clusterform workspace select default"),
        );
    }
    if !list(any)?.contains(name) {
        return Err(Diagnostic::error(format!(
            "Workspace \"{name}\" doesn't exist"
        )));
    }
    let backend = workspace::backend_in(ws, config, name)?;
    let lock = backend
        .lock("OperationTypeWorkspaceDelete", args.lock.timeout()?)
        .map_err(|e| workspace::state_error("Error acquiring the state lock", &e))?;
    let state = backend
        .read()
        .map_err(|e| workspace::state_error("Cannot read the state", &e))?;
    let tracked: Vec<String> = state
        .iter()
        .flat_map(|s| s.instances().map(|(a, _, _)| a.to_string()))
        .collect();
    if !tracked.is_empty() && !args.force {
        let _ = lock.release();
        return Err(Diagnostic::error(format!("Workspace \"{name}\" is not empty"))
            .detail(format!(
                "It still tracks {} resource instance(s): {}. Deleting it would make clusterform forget them while they keep existing.",
                tracked.len(),
                tracked.join(", ")
            ))
            .hint(format!(
                "destroy them first (clusterform workspace select {name}, then clusterform destroy), or pass --force to forget them"
            )));
    }
    // Let go before deleting: the lock lives beside the state and goes with it.
    lock.release()
        .map_err(|e| workspace::state_error("Error releasing the state lock", &e))?;
    any.delete_workspace(name)
        .map_err(|e| workspace::state_error("Cannot delete the workspace", &e))?;
    if !tracked.is_empty() {
        ui.err(&format!(
            "\nWarning: workspace \"{name}\" tracked {} resource instance(s); they still exist, but clusterform no longer manages them.\n",
            tracked.len()
        ));
    }
    ui.out(&format!("Deleted workspace \"{name}\"!\n"));
    Ok(())
}
