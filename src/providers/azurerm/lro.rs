//! ARM long-running operations: following a PUT, PATCH or DELETE to its end, which
//! azure_mgmt_containerservice does not do (its `create_or_update` reads only the first response).
//!
//! The protocol, from <https://github.com/Azure/azure-resource-manager-rpc/blob/master/v1.0/async-api-reference.md>:
//! poll the `Azure-AsyncOperation` URL until its `status` is `Succeeded`, `Failed` or `Canceled`
//! (with `error.code`/`error.message` on failure); without it, poll the `Location` URL while it
//! answers 202. Both honour `Retry-After` (seconds).
//!
//! Owns: the polling loop, waits (Retry-After, scaled down when `ctx.poll_interval` is shorter
//! than the 5 s default, as tests set it), Terraform's "Still creating... [10s elapsed]" lines,
//! cancellation, and the time limit. Must not: build ARM requests (the client does, through
//! [`Poll`]) or know what a managed cluster is.

use std::time::{Duration, Instant};

use azure_core::headers::{HeaderName, Headers};
use azure_core::Url;

use super::errors::{self, Request};
use super::transport::{retry_after, time_scale};
use crate::diag::Diagnostic;
use crate::providers::OperationContext;

/// How long an AKS operation may run: Terraform azurerm's default timeout for a cluster.
pub const WAIT_LIMIT: Duration = Duration::from_secs(90 * 60);
/// Between "Still creating..." lines, as Terraform prints them.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(10);
/// The longest wait between polls, whatever `Retry-After` says.
const MAX_POLL_WAIT: Duration = Duration::from_secs(60);

/// What the operation does, in Terraform's progress words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Creating,
    Modifying,
    Destroying,
}

impl Activity {
    fn word(self) -> &'static str {
        match self {
            Activity::Creating => "creating",
            Activity::Modifying => "modifying",
            Activity::Destroying => "destroying",
        }
    }
}

/// A response read whole, as polls need it.
#[derive(Clone, Debug)]
pub struct Polled {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// Sends the GETs of a poll. The client implements it with its credential and transport.
#[async_trait::async_trait]
pub trait Poll: Send + Sync {
    /// GET `url`, counted as `operation` (`OperationStatus` or `OperationResult`). A status of
    /// 400 or more is an `Ok` answer: the poller reads ARM's error from the body.
    async fn get(&self, url: &Url, operation: &'static str) -> azure_core::Result<Polled>;
}

/// Where the first response of a long-running request says to look next.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Accepted {
    pub async_operation: Option<Url>,
    pub location: Option<Url>,
    pub retry_after: Option<Duration>,
}

impl Accepted {
    pub fn from_headers(headers: &Headers) -> Accepted {
        let url = |name: &'static str| {
            headers
                .get_optional_str(&HeaderName::from_static(name))
                .and_then(|v| Url::parse(v.trim()).ok())
        };
        Accepted {
            async_operation: url("azure-asyncoperation"),
            location: url("location"),
            retry_after: retry_after(headers),
        }
    }
}

/// How a long-running request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The operation URL reported success.
    Succeeded,
    /// Azure gave no operation URL: the caller must watch the resource itself.
    Untracked,
}

/// One wait on Azure: its clock, its progress lines, cancellation and the time limit. The
/// client uses it too, for busy retries and for watching a resource.
pub struct Waiting<'a> {
    ctx: &'a OperationContext,
    pub req: &'a Request,
    activity: Activity,
    started: Instant,
    next_report: Option<Instant>,
    every: Option<Duration>,
    limit: Duration,
}

/// `45s`, `2m10s`: elapsed time as Terraform prints it.
pub fn elapsed_words(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

impl<'a> Waiting<'a> {
    /// `every` is how often to print "Still creating..."; `None` leaves that to the caller.
    pub fn new(
        ctx: &'a OperationContext,
        req: &'a Request,
        activity: Activity,
        every: Option<Duration>,
    ) -> Waiting<'a> {
        let started = Instant::now();
        Waiting {
            ctx,
            req,
            activity,
            started,
            next_report: every.map(|e| started + e),
            every,
            limit: WAIT_LIMIT,
        }
    }

    pub fn with_limit(mut self, limit: Duration) -> Waiting<'a> {
        self.limit = limit;
        self
    }

    pub fn ctx(&self) -> &OperationContext {
        self.ctx
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The wait before the next poll: `Retry-After` (at most a minute) scaled like every other
    /// wait, else the poll interval; never less than a short floor, so `Retry-After: 0` does not
    /// turn polling into a busy loop.
    pub fn next_wait(&self, retry_after: Option<Duration>) -> Duration {
        let floor = self.ctx.poll_interval.min(Duration::from_secs(1));
        let wait = match retry_after {
            Some(ra) => ra
                .min(MAX_POLL_WAIT)
                .mul_f64(time_scale(self.ctx.poll_interval)),
            None => self.ctx.poll_interval,
        };
        wait.max(floor)
    }

    /// Sleeps for `d`, printing progress when due; an error when cancelled or out of time.
    pub async fn pause(&mut self, d: Duration) -> Result<(), Diagnostic> {
        if self.started.elapsed() > self.limit {
            return Err(errors::timed_out(self.req, self.limit.as_secs() / 60));
        }
        let until = Instant::now() + d;
        loop {
            let now = Instant::now();
            if now >= until {
                return Ok(());
            }
            let step = match self.next_report {
                Some(r) if r < until => r.saturating_duration_since(now),
                _ => until - now,
            };
            tokio::select! {
                _ = tokio::time::sleep(step) => {}
                _ = self.ctx.cancel.cancelled() => return Err(errors::interrupted(self.req)),
            }
            self.report_if_due();
        }
    }

    fn report_if_due(&mut self) {
        let (Some(due), Some(every)) = (self.next_report, self.every) else {
            return;
        };
        if Instant::now() >= due {
            self.ctx.report(&format!(
                "Still {}... [{} elapsed]",
                self.activity.word(),
                elapsed_words(self.started.elapsed())
            ));
            self.next_report = Some(due + every);
        }
    }

    /// Whether the wait was cancelled (checked before starting another request).
    pub fn check_cancelled(&self) -> Result<(), Diagnostic> {
        if self.ctx.cancel.is_cancelled() {
            Err(errors::interrupted(self.req))
        } else {
            Ok(())
        }
    }
}

/// The `status` of an Azure-AsyncOperation body, with its error when it failed.
fn operation_status(body: &[u8]) -> (String, Option<String>, Option<String>) {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let s = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_string);
    let error = json.get("error");
    (
        s(json.get("status")).unwrap_or_default(),
        s(error.and_then(|e| e.get("code"))),
        s(error.and_then(|e| e.get("message"))),
    )
}

/// Follows a long-running request to its end.
pub async fn wait(
    poll: &dyn Poll,
    accepted: &Accepted,
    waiting: &mut Waiting<'_>,
    api_version: &str,
) -> Result<Outcome, Diagnostic> {
    let mut retry_after = accepted.retry_after;
    if let Some(url) = &accepted.async_operation {
        loop {
            waiting.pause(waiting.next_wait(retry_after)).await?;
            let polled = poll
                .get(url, "OperationStatus")
                .await
                .map_err(|e| errors::describe(waiting.req, &e, api_version))?;
            if polled.status >= 400 {
                return Err(errors::from_body(
                    waiting.req,
                    polled.status,
                    &polled.body,
                    api_version,
                ));
            }
            let (status, code, message) = operation_status(&polled.body);
            match status.to_ascii_lowercase().as_str() {
                "succeeded" => return Ok(Outcome::Succeeded),
                "failed" | "canceled" | "cancelled" => {
                    return Err(errors::operation_failed(
                        waiting.req,
                        &status,
                        code.as_deref(),
                        message.as_deref(),
                        api_version,
                    ))
                }
                _ => retry_after = super::transport::retry_after(&polled.headers),
            }
        }
    }
    if let Some(url) = &accepted.location {
        loop {
            waiting.pause(waiting.next_wait(retry_after)).await?;
            let polled = poll
                .get(url, "OperationResult")
                .await
                .map_err(|e| errors::describe(waiting.req, &e, api_version))?;
            match polled.status {
                202 => retry_after = super::transport::retry_after(&polled.headers),
                s if s >= 400 => {
                    return Err(errors::from_body(waiting.req, s, &polled.body, api_version))
                }
                _ => return Ok(Outcome::Succeeded),
            }
        }
    }
    Ok(Outcome::Untracked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, VecDeque};
    use std::sync::{Arc, Mutex};
    use tokio_util::sync::CancellationToken;

    struct Script(
        Mutex<VecDeque<(u16, &'static str)>>,
        Mutex<Vec<&'static str>>,
    );

    #[async_trait::async_trait]
    impl Poll for Script {
        async fn get(&self, _url: &Url, operation: &'static str) -> azure_core::Result<Polled> {
            self.1.lock().unwrap().push(operation);
            let (status, body) = self.0.lock().unwrap().pop_front().expect("a scripted poll");
            Ok(Polled {
                status,
                headers: Headers::from(HashMap::new()),
                body: body.as_bytes().to_vec(),
            })
        }
    }

    fn script(answers: &[(u16, &'static str)]) -> Script {
        Script(
            Mutex::new(answers.iter().copied().collect()),
            Mutex::new(Vec::new()),
        )
    }

    fn ctx(lines: Arc<Mutex<Vec<String>>>) -> OperationContext {
        OperationContext {
            cancel: CancellationToken::new(),
            progress: Arc::new(move |m: &str| lines.lock().unwrap().push(m.to_string())),
            poll_interval: Duration::from_millis(5),
        }
    }

    fn req() -> Request {
        Request::cluster("ManagedClusters_CreateOrUpdate", "PUT", "rg", "aks")
    }

    fn async_op() -> Accepted {
        Accepted {
            async_operation: Some(Url::parse("https://arm.example/operations/1").unwrap()),
            location: Some(Url::parse("https://arm.example/operationresults/1").unwrap()),
            retry_after: Some(Duration::from_secs(0)),
        }
    }

    #[tokio::test]
    async fn polls_the_async_operation_until_it_succeeds() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let c = ctx(lines.clone());
        let r = req();
        let mut w = Waiting::new(&c, &r, Activity::Creating, Some(Duration::from_millis(1)));
        let s = script(&[
            (200, r#"{"status":"InProgress"}"#),
            (200, r#"{"status":"Succeeded"}"#),
        ]);
        let out = wait(&s, &async_op(), &mut w, "2026-10-01").await.unwrap();
        assert_eq!(out, Outcome::Succeeded);
        assert_eq!(
            *s.1.lock().unwrap(),
            vec!["OperationStatus", "OperationStatus"]
        );
        let lines = lines.lock().unwrap();
        assert!(
            lines.iter().any(|l| l.starts_with("Still creating... [")),
            "{lines:?}"
        );
    }

    #[tokio::test]
    async fn a_failed_operation_reports_its_error() {
        let c = ctx(Arc::default());
        let r = req();
        let mut w = Waiting::new(&c, &r, Activity::Creating, None);
        let s = script(&[(
            200,
            r#"{"status":"Failed","error":{"code":"VMExtensionProvisioningError","message":"boom"}}"#,
        )]);
        let d = wait(&s, &async_op(), &mut w, "2026-10-01")
            .await
            .unwrap_err();
        assert_eq!(d.summary, "Azure ManagedClusters_CreateOrUpdate failed");
        assert!(d
            .detail
            .unwrap()
            .contains("ended Failed: VMExtensionProvisioningError: boom"));
    }

    #[tokio::test]
    async fn follows_location_while_it_answers_202() {
        let c = ctx(Arc::default());
        let r = req();
        let mut w = Waiting::new(&c, &r, Activity::Destroying, None);
        let s = script(&[(202, ""), (202, ""), (204, "")]);
        let accepted = Accepted {
            location: Some(Url::parse("https://arm.example/operationresults/1").unwrap()),
            ..Default::default()
        };
        assert_eq!(
            wait(&s, &accepted, &mut w, "2026-10-01").await.unwrap(),
            Outcome::Succeeded
        );
        assert_eq!(s.1.lock().unwrap().len(), 3);
        let none = script(&[]);
        assert_eq!(
            wait(&none, &Accepted::default(), &mut w, "2026-10-01")
                .await
                .unwrap(),
            Outcome::Untracked
        );
    }

    #[tokio::test]
    async fn cancellation_interrupts_the_wait() {
        let c = ctx(Arc::default());
        c.cancel.cancel();
        let r = req();
        let mut w = Waiting::new(&c, &r, Activity::Creating, None);
        let d = w.pause(Duration::from_secs(60)).await.unwrap_err();
        assert_eq!(d.summary, "Interrupted");
        assert!(d.detail.unwrap().contains("may still be running in Azure"));
    }

    #[test]
    fn waits_honour_retry_after_scaled_to_the_poll_interval() {
        let mut c = ctx(Arc::default());
        let r = req();
        c.poll_interval = Duration::from_secs(5);
        let w = Waiting::new(&c, &r, Activity::Creating, None);
        assert_eq!(
            w.next_wait(Some(Duration::from_secs(30))),
            Duration::from_secs(30)
        );
        assert_eq!(
            w.next_wait(Some(Duration::from_secs(600))),
            Duration::from_secs(60)
        );
        assert_eq!(w.next_wait(Some(Duration::ZERO)), Duration::from_secs(1));
        assert_eq!(w.next_wait(None), Duration::from_secs(5));
        c.poll_interval = Duration::from_millis(100);
        let w = Waiting::new(&c, &r, Activity::Creating, None);
        assert_eq!(
            w.next_wait(Some(Duration::from_secs(30))),
            Duration::from_millis(600)
        );
        assert_eq!(elapsed_words(Duration::from_secs(70)), "1m10s");
    }
}
