//! `init --migrate-state`: copies every workspace's state from the backend set up before to
//! the one configured now, keeping lineage and serial, so saved plans and the state's history
//! carry over.
//!
//! Both sides are locked while a workspace is copied. A destination that already holds a
//! different state (another lineage, or a newer serial) is never overwritten. The source is
//! left as it was.

use std::time::Duration;

use super::ui::Ui;
use super::workspace::{self, Workspace};
use crate::config::backend::BackendSettings;
use crate::diag::Diagnostic;
use crate::state::{Backend, State, StateLock, DEFAULT_WORKSPACE};

/// The operation the migration's locks name.
const OPERATION: &str = "OperationTypeMigrateState";

/// A backend kind and its settings.
pub struct Side<'a> {
    pub kind: &'a str,
    pub settings: &'a BackendSettings,
}

/// Copies every workspace `from` has into `to`. Returns how many states were copied.
pub fn migrate(
    ws: &Workspace,
    ui: &Ui,
    from: &Side<'_>,
    to: &Side<'_>,
    timeout: Duration,
) -> Result<usize, Diagnostic> {
    let source = workspace::open(ws, from.kind, from.settings, DEFAULT_WORKSPACE)?;
    let names = source
        .workspaces()
        .map_err(|e| workspace::state_error("Cannot list the workspaces to migrate", &e))?;
    let mut copied = 0;
    for name in names {
        let src = workspace::open(ws, from.kind, from.settings, &name)?;
        let dst = workspace::open(ws, to.kind, to.settings, &name)?;
        if copy_one(ui, &name, &*src, &*dst, timeout)? {
            copied += 1;
        }
    }
    Ok(copied)
}

/// Copies one workspace's state. False when there was nothing to copy.
fn copy_one(
    ui: &Ui,
    name: &str,
    src: &dyn Backend,
    dst: &dyn Backend,
    timeout: Duration,
) -> Result<bool, Diagnostic> {
    let src_lock = take_lock(src, timeout)?;
    let dst_lock = take_lock(dst, timeout)?;
    let state = read(src)?;
    let Some(state) = state.filter(|s| !is_blank(s)) else {
        release(src_lock, dst_lock);
        return Ok(false);
    };
    let existing = read(dst)?;
    if let Some(existing) = existing.as_ref().filter(|s| !is_blank(s)) {
        if let Err(d) = check_destination(name, &state, existing, dst) {
            release(src_lock, dst_lock);
            return Err(d);
        }
        if existing == &state {
            release(src_lock, dst_lock);
            ui.out(&format!(
                "Workspace \"{name}\": {} already holds this state (serial {}).\n",
                dst.describe(),
                state.serial
            ));
            return Ok(false);
        }
    }
    let written = dst.write(&state);
    release(src_lock, dst_lock);
    written.map_err(|e| {
        workspace::state_error(format!("Cannot copy workspace \"{name}\""), &e)
            .hint("nothing was removed from the previous backend; fix the cause and run init -migrate-state again")
    })?;
    ui.out(&format!(
        "Workspace \"{name}\": copied {} resource(s), lineage {}, serial {}, from {} to {}.\n",
        state.resources.len(),
        state.lineage,
        state.serial,
        src.describe(),
        dst.describe()
    ));
    Ok(true)
}

/// A state with nothing in it, such as `workspace new` writes: nothing worth protecting.
fn is_blank(state: &State) -> bool {
    state.resources.is_empty() && state.outputs.is_empty()
}

/// Refuses to replace a different state: another lineage, or a newer version of this one.
fn check_destination(
    name: &str,
    state: &State,
    existing: &State,
    dst: &dyn Backend,
) -> Result<(), Diagnostic> {
    if existing.lineage != state.lineage {
        return Err(Diagnostic::error(format!(
            "The new backend already holds a different state for workspace \"{name}\""
        ))
        .detail(format!(
            "{} holds a state with lineage {} (serial {}), but the state being migrated has lineage {} (serial {}). They are not versions of one state, so clusterform will not overwrite it.",
            dst.describe(),
            existing.lineage,
            existing.serial,
            state.lineage,
            state.serial
        ))
        .hint("point the backend at an unused key, or move the existing state away first; init -reconfigure uses the new backend's state as it is"));
    }
    if existing.serial > state.serial {
        return Err(Diagnostic::error(format!(
            "The new backend holds a newer version of workspace \"{name}\""
        ))
        .detail(format!(
            "{} is at serial {}, the state being migrated at serial {}: copying would undo later changes.",
            dst.describe(),
            existing.serial,
            state.serial
        ))
        .hint("use init -reconfigure to keep the new backend's newer state"));
    }
    Ok(())
}

fn take_lock(backend: &dyn Backend, timeout: Duration) -> Result<StateLock, Diagnostic> {
    backend
        .lock(OPERATION, timeout)
        .map_err(|e| workspace::state_error("Error acquiring the state lock for the migration", &e))
}

fn read(backend: &dyn Backend) -> Result<Option<State>, Diagnostic> {
    backend.read().map_err(|e| {
        Diagnostic::error("Cannot read the state to migrate")
            .detail(format!("{}: {e}", backend.describe()))
    })
}

fn release(src: StateLock, dst: StateLock) {
    let _ = dst.release();
    let _ = src.release();
}
