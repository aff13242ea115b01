//! Waiting inside long-running operations: pauses that end early when the run is cancelled.

use std::time::Duration;

use crate::diag::Diagnostic;
use crate::providers::OperationContext;

/// Sleeps for `d`, or fails as soon as the operation is cancelled. `cloud` names where the
/// operation may still be running ("AWS", "Azure").
pub async fn pause(ctx: &OperationContext, d: Duration, cloud: &str) -> Result<(), Diagnostic> {
    tokio::select! {
        _ = tokio::time::sleep(d) => Ok(()),
        _ = ctx.cancel.cancelled() => Err(Diagnostic::error("Interrupted").detail(format!(
            "The wait was interrupted; the operation may still be running in {cloud}."
        ))),
    }
}
