//! When an apply cannot save the state — the backend went away, or another run wrote it
//! meanwhile — the state with every change made is written to `errored.tfstate` in the
//! configuration directory, and the message says exactly how to push it once the backend
//! works again (Terraform's recovery). Also: the message for a lock that could not be given
//! back.

use super::ui::Ui;
use super::workspace::Workspace;
use crate::diag::Diagnostic;
use crate::state::{Backend, LocalBackend, State, StateError};

/// The file an unsaved state goes to, as Terraform names it.
pub const ERRORED_STATE: &str = "errored.tfstate";

/// Writes `state` to `errored.tfstate` and returns what to tell the user (printed last, so it
/// stays on screen). If even that fails, the state is printed to stdout instead.
pub fn save_errored_state(ws: &Workspace, ui: &Ui, state: &State, error: &str) -> String {
    let path = ws.dir.join(ERRORED_STATE);
    let error = error
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    // The local backend writes atomically and, for a new file, readable by its owner only.
    match LocalBackend::new(&path).write(state) {
        Ok(()) => {
            let chdir = if ws.dir == ws.display_base {
                String::new()
            } else {
                format!("--chdir {} ", ws.relative(&ws.dir))
            };
            format!(
                "\nError: Failed to save the state to the backend\n\n{error}\n\n\
                 The state after this apply, with every change it made, was written to {} so that \
                 nothing is lost.\nDo not run apply again before pushing it: the backend's copy \
                 lacks those changes.\n\nOnce the backend works again, push the saved state:\n\n    \
                 clusterform {chdir}state push {ERRORED_STATE}\n",
                ws.relative(&path),
            )
        }
        Err(e) => {
            ui.out(&state.to_json());
            format!(
                "\nError: Failed to save the state to the backend\n\n{error}\n\n\
                 Writing it to {} failed too ({e}), so the state was printed above on standard \
                 output. Save that text to a file, then push it with:\n\n    \
                 clusterform state push FILE\n",
                ws.relative(&path)
            )
        }
    }
}

/// A lock that could not be given back (the backend may be unreachable): how to clear it.
pub fn report_unreleased_lock(ui: &Ui, id: &str, error: &StateError) {
    let text = error.to_string();
    // The error's own hint is about the request; what to do about the lock is ours.
    let reason = text.split("\n\nhint: ").next().unwrap_or_default();
    ui.error(
        Diagnostic::warning("Failed to release the state lock")
            .detail(format!("Lock {id} is still held: {reason}"))
            .hint(format!(
                "once the backend works again, and no other run is using the state: clusterform force-unlock {id}"
            )),
    );
}
