//! One provider operation on one instance, with Terraform-style progress lines:
//! `aws_eks_cluster.dev: Creating...`, `Still creating... [10s elapsed]`, `Creation complete after 12s`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::providers::{ApplyAction, ApplyRequest, ApplyResponse, OperationContext, Provider};
use crate::value::Value;

/// Where progress lines go (stderr in the CLI, a buffer in tests).
pub type Progress = Arc<dyn Fn(&str) + Send + Sync>;

fn words(action: ApplyAction) -> (&'static str, &'static str, &'static str) {
    match action {
        ApplyAction::Create => ("Creating...", "creating", "Creation complete"),
        ApplyAction::Update => ("Modifying...", "modifying", "Modifications complete"),
        ApplyAction::Delete => ("Destroying...", "destroying", "Destruction complete"),
    }
}

/// Formats elapsed time as Terraform does: `45s`, `2m10s`.
pub fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// How often to report and to poll.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Between "Still creating..." lines.
    pub progress: Duration,
    /// The base wait between provider polls.
    pub poll: Duration,
}

/// Runs one operation, reporting progress every `timing.progress` while it lasts.
pub async fn run_operation(
    provider: Arc<dyn Provider>,
    req: ApplyRequest,
    progress: Progress,
    timing: Timing,
) -> ApplyResponse {
    let (addr, action) = (req.addr.clone(), req.action);
    let (interval, poll_interval) = (timing.progress, timing.poll);
    let (start_msg, doing, done) = words(action);
    let id_of = |v: &Option<Value>| {
        v.as_ref()
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .map(|id| format!(" [id={id}]"))
            .unwrap_or_default()
    };
    let prior_id = if action == ApplyAction::Create {
        String::new()
    } else {
        id_of(&req.prior)
    };
    progress(&format!("{addr}: {start_msg}{prior_id}"));
    let started = Instant::now();
    let label = addr.to_string();
    let p = progress.clone();
    let ctx = OperationContext {
        cancel: CancellationToken::new(),
        progress: Arc::new(move |m: &str| p(&format!("{label}: {m}"))),
        poll_interval,
    };
    let op = provider.apply(req, ctx);
    tokio::pin!(op);
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    let resp = loop {
        tokio::select! {
            resp = &mut op => break resp,
            _ = ticker.tick() => {
                progress(&format!("{addr}: Still {doing}...{prior_id} [{} elapsed]", elapsed(started.elapsed())));
            }
        }
    };
    if !resp.diagnostics.has_errors() {
        let id = if action == ApplyAction::Delete {
            String::new()
        } else {
            id_of(&resp.new_state)
        };
        progress(&format!(
            "{addr}: {done} after {}{id}",
            elapsed(started.elapsed())
        ));
    }
    resp
}
