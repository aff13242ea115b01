//! `clusterform state pull` and `clusterform state push FILE`: the stored state out as JSON,
//! and a state file in — usually `errored.tfstate`, saved when an apply could not write to
//! the backend.
//!
//! Push makes Terraform's safety checks before replacing anything: the file's lineage must
//! be the stored state's, and its serial must not be older (nor equal with other content).
//! `--force` skips them.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;

use super::args::parse_timeout;
use super::ui::Ui;
use super::workspace::{self, Workspace};
use crate::diag::Diagnostic;
use crate::state::{Backend, State, StateError};

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform state push errored.tfstate\n  clusterform state pull > copy.tfstate && clusterform state push --force copy.tfstate"
)]
pub struct PushArgs {
    /// The state file to push; `-` reads standard input.
    pub path: PathBuf,
    /// Push even when the lineage differs or the serial is older, replacing the stored state.
    #[arg(long)]
    pub force: bool,
    /// Wait this long for the state lock, such as 5m (default: fail at once).
    #[arg(long, default_value = "0s", value_name = "DURATION")]
    pub lock_timeout: String,
}

/// Prints the stored state (nothing when there is none, as Terraform does).
pub fn pull(ui: &Ui, backend: &dyn Backend) -> Result<(), Diagnostic> {
    let state = backend
        .read()
        .map_err(|e| workspace::state_error("Cannot read the state", &e))?;
    if let Some(state) = state {
        ui.out(&state.to_json());
    }
    Ok(())
}

/// Replaces the stored state with the file's, after the safety checks.
pub fn push(
    ws: &Workspace,
    ui: &Ui,
    backend: &dyn Backend,
    args: &PushArgs,
) -> Result<(), Diagnostic> {
    let (shown, text) = read_input(ws, &args.path)?;
    let pushed = State::from_json_at(&text, &args.path)
        .map_err(|e| workspace::state_error("Cannot read the state to push", &e))?;
    let timeout = parse_timeout(&args.lock_timeout)
        .map_err(|m| Diagnostic::error("Invalid --lock-timeout").detail(m))?;
    let lock = backend
        .lock("OperationTypeStatePush", timeout)
        .map_err(|e| workspace::state_error("Error acquiring the state lock", &e))?;
    let existing = match backend.read() {
        Ok(existing) => existing,
        // The way out of a damaged state: with --force it is replaced unread (the local
        // backend keeps it as the backup).
        Err(StateError::Parse { .. } | StateError::Invalid { .. }) if args.force => None,
        Err(e) => return Err(workspace::state_error("Cannot read the state", &e)),
    };
    let mut state = pushed;
    if let Some(existing) = &existing {
        if !args.force {
            check_push(&state, existing).map_err(|detail| {
                Diagnostic::error("Refusing to push this state")
                    .detail(detail)
                    .hint("check that the file belongs to this configuration and workspace; --force pushes it anyway, replacing the stored state")
            })?;
        }
        if state == *existing {
            let _ = lock.release();
            ui.out(&format!(
                "{} already holds this state (serial {}); nothing was pushed.\n",
                backend.describe(),
                state.serial
            ));
            return Ok(());
        }
        if state.serial <= existing.serial {
            // Only with --force: a newer serial makes plans saved against the replaced state
            // stale, as they should be.
            state.serial = existing.serial + 1;
        }
    }
    backend
        .write(&state)
        .map_err(|e| workspace::state_error("Cannot save the state", &e))?;
    let _ = lock.release();
    ui.out(&format!(
        "Pushed {shown} to {} (lineage {}, serial {}).\n",
        backend.describe(),
        state.lineage,
        state.serial
    ));
    Ok(())
}

/// Terraform's checks for replacing `existing` with `pushed`.
pub fn check_push(pushed: &State, existing: &State) -> Result<(), String> {
    if pushed.lineage != existing.lineage {
        return Err(format!(
            "The file's state has lineage {}, but the stored state has lineage {}: they are not versions of the same state, so pushing would replace an unrelated state.",
            pushed.lineage, existing.lineage
        ));
    }
    if pushed.serial < existing.serial {
        return Err(format!(
            "The file's state has serial {}, older than the stored state's serial {}: pushing it would undo later changes.",
            pushed.serial, existing.serial
        ));
    }
    if pushed.serial == existing.serial && pushed != existing {
        return Err(format!(
            "The file's state and the stored state both have serial {} but differ: someone else changed the stored state since this file was made.",
            pushed.serial
        ));
    }
    Ok(())
}

fn read_input(ws: &Workspace, path: &std::path::Path) -> Result<(String, String), Diagnostic> {
    let cannot = |e: std::io::Error| {
        Diagnostic::error("Cannot read the state to push").detail(e.to_string())
    };
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(cannot)?;
        return Ok(("standard input".to_string(), text));
    }
    let full = ws.dir.join(path);
    let text = fs_err::read_to_string(&full).map_err(cannot)?;
    Ok((ws.relative(&full), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_must_continue_the_same_lineage() {
        let mut stored = State::new();
        stored.serial = 5;
        let mut newer = stored.clone();
        newer.serial = 6;
        assert!(check_push(&newer, &stored).is_ok());
        assert!(
            check_push(&stored, &stored).is_ok(),
            "the same state again is fine"
        );

        let mut older = stored.clone();
        older.serial = 4;
        let msg = check_push(&older, &stored).unwrap_err();
        assert!(
            msg.contains("serial 4, older than the stored state's serial 5"),
            "{msg}"
        );

        let mut same_serial = stored.clone();
        same_serial.outputs.insert(
            "x".into(),
            crate::state::OutputState {
                value: serde_json::json!("changed"),
                type_: serde_json::json!("string"),
                sensitive: false,
            },
        );
        let msg = check_push(&same_serial, &stored).unwrap_err();
        assert!(msg.contains("both have serial 5 but differ"), "{msg}");

        let other = State::new();
        let msg = check_push(&other, &stored).unwrap_err();
        assert!(msg.contains("not versions of the same state"), "{msg}");
    }
}
