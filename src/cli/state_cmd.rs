//! `clusterform state list|show|rm|mv|pull|push` and `clusterform force-unlock`. Pull and
//! push live in `state_push.rs`.

use std::str::FromStr;

use clap::{Args, Subcommand};

use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;
use crate::addr::TargetAddr;
use crate::diag::Diagnostic;
use crate::state::{Backend, State};

#[derive(Subcommand, Debug)]
pub enum StateCommand {
    /// List every resource instance in the state, optionally only those under ADDRESS.
    #[command(
        after_help = "Examples:\n  clusterform state list\n  clusterform state list module.network"
    )]
    List { address: Vec<String> },
    /// Show one resource instance's attributes.
    #[command(after_help = "Examples:\n  clusterform state show 'aws_subnet.private[0]'")]
    Show { address: String },
    /// Forget resource instances without destroying them.
    #[command(after_help = "Examples:\n  clusterform state rm aws_eks_cluster.old")]
    Rm {
        #[arg(required = true)]
        address: Vec<String>,
    },
    /// Move a resource or instance to a new address (after renaming it in the configuration).
    #[command(
        after_help = "Examples:\n  clusterform state mv aws_eks_cluster.main aws_eks_cluster.dev"
    )]
    Mv { from: String, to: String },
    /// Print the stored state as JSON (for inspection, or to keep a copy).
    #[command(after_help = "Examples:\n  clusterform state pull > backup.tfstate")]
    Pull,
    /// Replace the stored state with a state file, such as errored.tfstate after a failed save.
    Push(super::state_push::PushArgs),
}

#[derive(Args, Debug)]
#[command(
    after_help = "A local run that dies releases its lock by itself; force-unlock is for remote \
                  backends and for lock files on shared filesystems.\n\nExamples:\n  \
                  clusterform force-unlock 6a1f0b3e-2f5c-4b43-9a59-1c2f8f0f3d7e\n  \
                  clusterform force-unlock --force 6a1f0b3e-2f5c-4b43-9a59-1c2f8f0f3d7e"
)]
pub struct ForceUnlockArgs {
    /// The lock ID shown in the "state is locked" message.
    pub lock_id: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'f')]
    pub force: bool,
}

/// True when a pending create's address is `target` or inside it.
fn covers(target: &TargetAddr, address: &str) -> bool {
    crate::state::model::instance_addr(address).is_some_and(|a| target.contains(&a))
}

fn parse(s: &str) -> Result<TargetAddr, Diagnostic> {
    TargetAddr::from_str(s).map_err(|e| Diagnostic::error("Invalid address").detail(e.to_string()))
}

/// The backend for the selected workspace. The configuration may have errors: the state
/// commands work on the state, wherever init put it.
pub(super) fn load(ws: &Workspace) -> Result<std::sync::Arc<dyn Backend>, Diagnostic> {
    let config = crate::config::load(&ws.dir, &ws.display_base).0;
    workspace::backend(ws, config.as_ref())
}

fn read(backend: &dyn Backend) -> Result<State, Diagnostic> {
    backend
        .read()
        .map(|s| s.unwrap_or_else(State::new))
        .map_err(|e| workspace::state_error("Cannot read the state", &e))
}

pub fn run(ws: &Workspace, ui: &Ui, cmd: StateCommand) -> Exit {
    match run_inner(ws, ui, cmd) {
        Ok(()) => Exit::Ok,
        Err(d) => {
            ui.error(d);
            Exit::Error
        }
    }
}

fn run_inner(ws: &Workspace, ui: &Ui, cmd: StateCommand) -> Result<(), Diagnostic> {
    let backend = load(ws)?;
    match cmd {
        StateCommand::Pull => super::state_push::pull(ui, &*backend)?,
        StateCommand::Push(args) => super::state_push::push(ws, ui, &*backend, &args)?,
        StateCommand::List { address } => {
            let filters = address
                .iter()
                .map(|a| parse(a))
                .collect::<Result<Vec<_>, _>>()?;
            let state = read(&*backend)?;
            for (addr, _, _) in state.instances() {
                if filters.is_empty() || filters.iter().any(|f| f.contains(&addr)) {
                    ui.out(&format!("{addr}\n"));
                }
            }
            for p in &state.pending_creates {
                if filters.is_empty() || filters.iter().any(|f| covers(f, &p.address)) {
                    ui.out(&format!("{} (pending create)\n", p.address));
                }
            }
        }
        StateCommand::Show { address } => {
            let target = parse(&address)?;
            let state = read(&*backend)?;
            let found: Vec<_> = state
                .instances()
                .filter(|(a, _, _)| target.contains(a))
                .collect();
            for p in state
                .pending_creates
                .iter()
                .filter(|p| covers(&target, &p.address))
            {
                let id =
                    p.id.as_ref()
                        .map(|id| format!("    id          = \"{id}\"\n"))
                        .unwrap_or_default();
                ui.out(&format!(
                    "# {}: create pending (interrupted)\n    creation_id = \"{}\"\n{id}    started     = \"{}\"\n    # the next apply finishes what that attempt made, or creates it; a destroy deletes it\n\n",
                    p.address, p.creation_id, p.started
                ));
            }
            if found.is_empty()
                && !state
                    .pending_creates
                    .iter()
                    .any(|p| covers(&target, &p.address))
            {
                return Err(Diagnostic::error("No such resource instance")
                    .detail(format!("{address} is not in the state."))
                    .hint("clusterform state list shows what is"));
            }
            for (addr, _, inst) in found {
                ui.out(&super::show::render_instance(
                    &addr.to_string(),
                    &addr.resource,
                    inst,
                ));
            }
        }
        StateCommand::Rm { address } => {
            let targets = address
                .iter()
                .map(|a| parse(a))
                .collect::<Result<Vec<_>, _>>()?;
            let lock = backend
                .lock("OperationTypeState", std::time::Duration::ZERO)
                .map_err(|e| workspace::state_error("Error acquiring the state lock", &e))?;
            let mut state = read(&*backend)?;
            let doomed: Vec<_> = state
                .instances()
                .filter(|(a, _, _)| targets.iter().any(|t| t.contains(a)))
                .map(|(a, _, _)| a)
                .collect();
            let pending: Vec<String> = state
                .pending_creates
                .iter()
                .map(|p| p.address.clone())
                .filter(|a| targets.iter().any(|t| covers(t, a)))
                .collect();
            state
                .pending_creates
                .retain(|p| !pending.contains(&p.address));
            for a in &pending {
                ui.out(&format!("Removed {a} (pending create)\n"));
            }
            if doomed.is_empty() && pending.is_empty() {
                return Err(Diagnostic::error("Nothing to remove").detail(format!(
                    "No instance in the state matches {}.",
                    address.join(", ")
                )));
            }
            for a in &doomed {
                state.remove_instance(a);
                ui.out(&format!("Removed {a}\n"));
            }
            state.bump_serial();
            backend
                .write(&state)
                .map_err(|e| workspace::state_error("Cannot save the state", &e))?;
            let _ = lock.release();
            ui.out(&format!("Successfully removed {} resource instance(s). The objects themselves still exist.\n", doomed.len()));
        }
        StateCommand::Mv { from, to } => {
            let (from_t, to_t) = (parse(&from)?, parse(&to)?);
            let lock = backend
                .lock("OperationTypeState", std::time::Duration::ZERO)
                .map_err(|e| workspace::state_error("Error acquiring the state lock", &e))?;
            let mut state = read(&*backend)?;
            let result = match (&from_t, &to_t) {
                (TargetAddr::Resource(a), TargetAddr::Resource(b)) => state.move_resource(a, b),
                (TargetAddr::Instance(a), TargetAddr::Instance(b)) => state.move_instance(a, b),
                (TargetAddr::Instance(a), TargetAddr::Resource(b)) => {
                    state.move_instance(a, &b.instance(crate::addr::InstanceKey::None))
                }
                (TargetAddr::Resource(a), TargetAddr::Instance(b)) => {
                    state.move_instance(&a.instance(crate::addr::InstanceKey::None), b)
                }
                _ => {
                    return Err(Diagnostic::error("Unsupported move").detail(
                        "state mv moves resources and resource instances, not whole modules.",
                    ))
                }
            };
            result.map_err(|e| workspace::state_error("Cannot move", &e))?;
            state.bump_serial();
            backend
                .write(&state)
                .map_err(|e| workspace::state_error("Cannot save the state", &e))?;
            let _ = lock.release();
            ui.out(&format!(
                "Move \"{from}\" to \"{to}\"\nSuccessfully moved 1 object.\n"
            ));
        }
    }
    Ok(())
}

pub fn force_unlock(ws: &Workspace, ui: &Ui, args: ForceUnlockArgs) -> Exit {
    let backend = match load(ws) {
        Ok(b) => b,
        Err(d) => {
            ui.error(d);
            return Exit::Error;
        }
    };
    if !args.force
        && !ui.confirm(
            "Do you really want to force-unlock?",
            "clusterform will remove the lock on the state. This lets other runs change the state,\nthough the run that holds the lock may still be using it. Only 'yes' will be accepted to confirm.",
            "check that no run is using the state, then pass --force",
        )
    {
        ui.err("\nForce-unlock cancelled: the lock was left in place.\n");
        return Exit::Error;
    }
    match backend.force_unlock(&args.lock_id) {
        Ok(()) => {
            ui.out(
                "clusterform state has been successfully unlocked!

The lock is gone; make sure the run that held it is really finished before starting another.
",
            );
            Exit::Ok
        }
        Err(e) => {
            ui.error(workspace::state_error("Failed to unlock state", &e));
            Exit::Error
        }
    }
}
