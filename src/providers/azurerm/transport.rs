//! The HTTP transport under azure_mgmt_containerservice: every request to Azure goes through
//! [`ArmTransport`], which pins the api-version, retries what is worth retrying, and counts calls.
//!
//! Why it exists: the generated client hardcodes `api-version=2023-01-02-preview`, which Azure
//! no longer serves (ARM answers `NoRegisteredProviderFound`), and azure_core's own retry
//! policy knows nothing of `Retry-After`. So azure_core's retry is switched off
//! (`RetryOptions::none()`) and this transport does it instead.
//!
//! Owns: the api-version rewrite, naming each request by the swagger's operationId, retries of
//! 429/5xx/connection failures, and keeping failed responses' bodies readable for `errors.rs`.
//! Must not: log or keep request headers (they carry the bearer token) or request bodies (the
//! token request carries the client secret).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azure_core::error::{Error, ErrorKind};
use azure_core::headers::{HeaderName, Headers};
use azure_core::{BytesStream, HttpClient, Method, Request, Response, StatusCode, Url};

use super::settings::BASE_POLL_INTERVAL;

/// A request header the client sets to name a request the URL alone cannot (the LRO polls).
/// The transport removes it before sending.
pub const OPERATION_HEADER: &str = "x-clusterform-operation";

/// Counts HTTP calls by operation (every attempt, retries included).
#[derive(Debug, Default)]
pub struct CallCounter {
    counts: Mutex<BTreeMap<String, usize>>,
}

impl CallCounter {
    pub fn record(&self, operation: &str) {
        if let Ok(mut c) = self.counts.lock() {
            *c.entry(operation.to_string()).or_default() += 1;
        }
    }

    pub fn snapshot(&self) -> BTreeMap<String, usize> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn total(&self) -> usize {
        self.snapshot().values().sum()
    }
}

/// How the transport retries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// The first backoff; it doubles with every retry.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest `Retry-After` obeyed; a longer one is cut to this.
    pub max_retry_after: Duration,
    /// Multiplies every wait: 1.0 normally, less when `CLUSTERFORM_POLL_INTERVAL_MS` is short.
    pub time_scale: f64,
    /// A request with no answer in this long counts as a connection failure.
    pub attempt_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            time_scale: 1.0,
            attempt_timeout: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The default policy with waits shortened in the ratio `poll_interval : 5 s` when the
    /// poll interval is shorter (tests), so injected `Retry-After`s do not slow them down.
    pub fn paced(poll_interval: Duration) -> RetryPolicy {
        RetryPolicy {
            time_scale: time_scale(poll_interval),
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first retry).
    fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let d = match retry_after {
            Some(ra) => ra.min(self.max_retry_after),
            None => self
                .base_delay
                .saturating_mul(1 << (retry.saturating_sub(1)).min(16))
                .min(self.max_delay),
        };
        d.mul_f64(self.time_scale)
    }
}

/// `poll_interval / 5 s`, at most 1: how much faster than real time waits may be.
pub fn time_scale(poll_interval: Duration) -> f64 {
    (poll_interval.as_secs_f64() / BASE_POLL_INTERVAL.as_secs_f64()).min(1.0)
}

/// The transport. Cheap to share: the mgmt client and the credentials hold it by `Arc`.
pub struct ArmTransport {
    inner: Arc<dyn HttpClient>,
    /// `scheme://host:port` of the resource manager; only its URLs get the api-version pinned.
    arm_origin: String,
    api_version: String,
    calls: Arc<CallCounter>,
    retry: RetryPolicy,
    debug_log: bool,
    /// The token endpoint's last refusal in its own words, for the credential error.
    token_refusal: Mutex<Option<String>>,
    /// Properties to add to PUT bodies of a resource path (lower case): what the 2023 API
    /// models cannot carry, such as GA-only settings of the live cluster, or an empty list.
    put_additions: Mutex<HashMap<String, serde_json::Value>>,
}

impl fmt::Debug for ArmTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArmTransport")
            .field("arm_origin", &self.arm_origin)
            .field("api_version", &self.api_version)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ArmTransport {
    /// A transport over reqwest (rustls) for the resource manager at `resource_manager_endpoint`.
    pub fn new(
        resource_manager_endpoint: &str,
        api_version: &str,
        retry: RetryPolicy,
        debug_log: bool,
    ) -> ArmTransport {
        ArmTransport::over(
            azure_core::new_http_client(),
            resource_manager_endpoint,
            api_version,
            retry,
            debug_log,
        )
    }

    /// The same over any HTTP client (tests give a scripted one).
    pub fn over(
        inner: Arc<dyn HttpClient>,
        resource_manager_endpoint: &str,
        api_version: &str,
        retry: RetryPolicy,
        debug_log: bool,
    ) -> ArmTransport {
        ArmTransport {
            inner,
            arm_origin: origin_of(resource_manager_endpoint),
            api_version: api_version.to_string(),
            calls: Arc::new(CallCounter::default()),
            retry,
            debug_log,
            token_refusal: Mutex::new(None),
            put_additions: Mutex::new(HashMap::new()),
        }
    }

    /// Adds `extra` to every PUT of `path` until [`Self::clear_put_additions`]: keys the body
    /// already has are kept as they are, missing ones are added (objects merged key by key).
    pub fn add_to_puts(&self, path: &str, extra: serde_json::Value) {
        self.put_additions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(path.to_ascii_lowercase(), extra);
    }

    pub fn clear_put_additions(&self, path: &str) {
        self.put_additions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&path.to_ascii_lowercase());
    }

    /// The body with the additions registered for its path, if it is a PUT that has some.
    fn with_additions(&self, request: &Request, url: &Url) -> Option<Vec<u8>> {
        if *request.method() != azure_core::Method::Put {
            return None;
        }
        let path = url.path().to_ascii_lowercase();
        let additions = self
            .put_additions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .find(|(p, _)| path.ends_with(p.as_str()))
            .map(|(_, v)| v.clone())?;
        let azure_core::Body::Bytes(bytes) = request.body() else {
            return None;
        };
        let mut body: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        merge_missing(&mut body, &additions);
        serde_json::to_vec(&body).ok()
    }

    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    pub fn calls(&self) -> Arc<CallCounter> {
        self.calls.clone()
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// What the token endpoint said when it last refused a token request, once.
    pub fn take_token_refusal(&self) -> Option<String> {
        self.token_refusal.lock().ok().and_then(|mut r| r.take())
    }

    /// The request as it will be sent: api-version pinned (ARM URLs only), our header removed.
    fn prepare(&self, request: &Request) -> (Request, String) {
        let mut url = request.url().clone();
        if origin_of(url.as_str()) == self.arm_origin {
            pin_api_version(&mut url, &self.api_version);
        }
        let mut named = None;
        let mut headers = HashMap::new();
        for (name, value) in request.headers().iter() {
            if name.as_str() == OPERATION_HEADER {
                named = Some(value.as_str().to_string());
            } else {
                headers.insert(name.clone(), value.clone());
            }
        }
        let operation = named.unwrap_or_else(|| operation_name(request.method(), url.path()));
        let mut out = Request::new(url, *request.method());
        for (name, value) in headers {
            out.insert_header(name, value);
        }
        match self.with_additions(request, out.url()) {
            Some(body) => out.set_body(body),
            None => out.set_body(request.body().clone()),
        }
        (out, operation)
    }

    fn log(&self, operation: &str, request: &Request, outcome: &str, took: Duration) {
        if self.debug_log {
            // The URL is safe to print: ARM and Entra ID URLs carry no secrets (tokens travel
            // in headers, the client secret in the token request's body).
            eprintln!(
                "azure: {operation} {} {} -> {outcome} ({} ms)",
                request.method(),
                request.url(),
                took.as_millis()
            );
        }
    }

    /// Reads a failed response whole, so its body can be logged, remembered and read again.
    async fn settle_failure(&self, operation: &str, response: Response) -> (Response, String) {
        let (status, headers, body) = response.deconstruct();
        let bytes = body.collect().await.unwrap_or_default();
        let said = error_words(&bytes);
        if operation == "Token" {
            if let Ok(mut r) = self.token_refusal.lock() {
                *r = Some(
                    said.clone()
                        .unwrap_or_else(|| format!("HTTP {}", status as u16)),
                );
            }
        }
        let outcome = match said {
            Some(words) => format!("{} {}", status as u16, first_words(&words)),
            None => (status as u16).to_string(),
        };
        let rebuilt = Response::new(status, headers, Box::pin(BytesStream::new(bytes)));
        (rebuilt, outcome)
    }
}

#[async_trait::async_trait]
impl HttpClient for ArmTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<Response> {
        let (request, operation) = self.prepare(request);
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.calls.record(&operation);
            let started = Instant::now();
            let sent = tokio::time::timeout(
                self.retry.attempt_timeout,
                self.inner.execute_request(&request),
            )
            .await
            .unwrap_or_else(|_| {
                Err(Error::message(
                    ErrorKind::Io,
                    format!(
                        "no response within {} s",
                        self.retry.attempt_timeout.as_secs()
                    ),
                ))
            });
            let took = started.elapsed();
            let last = attempt >= self.retry.max_attempts;
            match sent {
                Ok(response) if !is_failure(response.status()) => {
                    self.log(
                        &operation,
                        &request,
                        &(response.status() as u16).to_string(),
                        took,
                    );
                    return Ok(response);
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = retry_after(response.headers());
                    if is_transient(status) && !last {
                        let wait = self
                            .retry
                            .delay(attempt, retry_after.filter(|_| honours_retry_after(status)));
                        self.log(
                            &operation,
                            &request,
                            &format!("{}, retrying in {} ms", status as u16, wait.as_millis()),
                            took,
                        );
                        // The body of a response we drop is not needed.
                        drop(response);
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    let (response, outcome) = self.settle_failure(&operation, response).await;
                    self.log(&operation, &request, &outcome, took);
                    return Ok(response);
                }
                Err(e) if e.kind() == &ErrorKind::Io && !last => {
                    let wait = self.retry.delay(attempt, None);
                    self.log(
                        &operation,
                        &request,
                        &format!("connection failed, retrying in {} ms", wait.as_millis()),
                        took,
                    );
                    tokio::time::sleep(wait).await;
                }
                Err(e) => {
                    self.log(&operation, &request, "connection failed", took);
                    return Err(e);
                }
            }
        }
    }
}

fn is_failure(status: StatusCode) -> bool {
    (status as u16) >= 400
}

/// Throttling and the server errors ARM asks clients to retry.
/// <https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling>
fn is_transient(status: StatusCode) -> bool {
    matches!(status as u16, 429 | 500 | 502 | 503 | 504)
}

fn honours_retry_after(status: StatusCode) -> bool {
    matches!(status as u16, 429 | 503)
}

/// `Retry-After` in seconds (ARM sends seconds; an HTTP date is ignored).
pub fn retry_after(headers: &Headers) -> Option<Duration> {
    headers
        .get_optional_str(&HeaderName::from_static("retry-after"))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// `scheme://host[:port]`, lower-cased, for comparing where requests go.
fn origin_of(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => u.origin().ascii_serialization().to_ascii_lowercase(),
        Err(_) => url.to_ascii_lowercase(),
    }
}

/// Replaces the value of every `api-version` query parameter; returns whether there was one.
pub fn pin_api_version(url: &mut Url, version: &str) -> bool {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !pairs
        .iter()
        .any(|(k, _)| k == azure_core::query_param::API_VERSION)
    {
        return false;
    }
    let mut q = url.query_pairs_mut();
    q.clear();
    for (k, v) in &pairs {
        if k == azure_core::query_param::API_VERSION {
            q.append_pair(k, version);
        } else {
            q.append_pair(k, v);
        }
    }
    true
}

/// The swagger's operationId for a request, from its method and path.
pub fn operation_name(method: &Method, path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with("/oauth2/v2.0/token") || lower.ends_with("/oauth2/token") {
        return "Token".into();
    }
    let segments: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
    let after = |word: &str| segments.iter().position(|s| *s == word);
    if let Some(i) = after("locations") {
        match segments.get(i + 2) {
            Some(&"operations") => return "OperationStatus".into(),
            Some(&"operationresults") => return "OperationResult".into(),
            _ => {}
        }
    }
    let Some(i) = after("managedclusters") else {
        return format!("{method} {path}");
    };
    let by_group = after("resourcegroups").is_some();
    match (segments.len() - i, method) {
        (1, Method::Get) if by_group => "ManagedClusters_ListByResourceGroup".into(),
        (1, Method::Get) => "ManagedClusters_List".into(),
        (2, Method::Get) => "ManagedClusters_Get".into(),
        (2, Method::Put) => "ManagedClusters_CreateOrUpdate".into(),
        (2, Method::Patch) => "ManagedClusters_UpdateTags".into(),
        (2, Method::Delete) => "ManagedClusters_Delete".into(),
        _ => format!("ManagedClusters {method} {}", segments[i + 1..].join("/")),
    }
}

/// The error in a failed response body: ARM's `error.code: error.message`, or OAuth's
/// `error: error_description`.
pub fn error_words(body: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let s = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_string);
    if let Some(e) = json.get("error").filter(|e| e.is_object()) {
        let code = s(e.get("code"));
        let message = s(e.get("message"));
        return match (code, message) {
            (Some(c), Some(m)) => Some(format!("{c}: {m}")),
            (Some(c), None) => Some(c),
            (None, Some(m)) => Some(m),
            (None, None) => None,
        };
    }
    match (s(json.get("error")), s(json.get("error_description"))) {
        (Some(e), Some(d)) => Some(format!("{e}: {d}")),
        (Some(e), None) => Some(e),
        (None, Some(d)) => Some(d),
        (None, None) => s(json.get("code")),
    }
}

/// The code of `code: message`, for a short log line.
fn first_words(words: &str) -> &str {
    words.split(':').next().unwrap_or(words)
}

/// Adds to `body` every key of `extra` it lacks; objects present in both are merged the
/// same way, anything else in `body` wins.
pub fn merge_missing(body: &mut serde_json::Value, extra: &serde_json::Value) {
    let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) else {
        return;
    };
    for (k, v) in e {
        match b.get_mut(k) {
            Some(existing) if existing.is_object() && v.is_object() => merge_missing(existing, v),
            Some(_) => {}
            None => {
                b.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::headers::HeaderValue;
    use std::collections::VecDeque;

    /// One scripted answer: status, headers and body, or a connection failure.
    type Answer = azure_core::Result<(u16, Vec<(HeaderName, HeaderValue)>, &'static str)>;

    fn header(name: &'static str, value: &'static str) -> (HeaderName, HeaderValue) {
        (
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    }

    #[test]
    fn pins_the_api_version_and_keeps_other_parameters() {
        let mut url = Url::parse(
            "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c?api-version=2023-01-02-preview&ignore-pod-disruption-budget=true",
        )
        .unwrap();
        assert!(pin_api_version(&mut url, "2026-10-01"));
        assert_eq!(
            url.query(),
            Some("api-version=2026-10-01&ignore-pod-disruption-budget=true")
        );
        let mut token =
            Url::parse("https://login.microsoftonline.com/t/oauth2/v2.0/token").unwrap();
        assert!(!pin_api_version(&mut token, "2026-10-01"));
        assert_eq!(token.query(), None);
    }

    #[test]
    fn names_requests_by_operation_id() {
        let mc = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters";
        assert_eq!(
            operation_name(&Method::Get, &format!("{mc}/c")),
            "ManagedClusters_Get"
        );
        assert_eq!(
            operation_name(&Method::Put, &format!("{mc}/c")),
            "ManagedClusters_CreateOrUpdate"
        );
        assert_eq!(
            operation_name(&Method::Patch, &format!("{mc}/c")),
            "ManagedClusters_UpdateTags"
        );
        assert_eq!(
            operation_name(&Method::Delete, &format!("{mc}/c")),
            "ManagedClusters_Delete"
        );
        assert_eq!(
            operation_name(&Method::Get, mc),
            "ManagedClusters_ListByResourceGroup"
        );
        assert_eq!(
            operation_name(
                &Method::Get,
                "/subscriptions/s/providers/Microsoft.ContainerService/managedClusters"
            ),
            "ManagedClusters_List"
        );
        let ops = "/subscriptions/s/providers/Microsoft.ContainerService/locations/westeurope";
        assert_eq!(
            operation_name(&Method::Get, &format!("{ops}/operations/abc")),
            "OperationStatus"
        );
        assert_eq!(
            operation_name(&Method::Get, &format!("{ops}/operationresults/abc")),
            "OperationResult"
        );
        assert_eq!(
            operation_name(&Method::Post, "/tenant/oauth2/v2.0/token"),
            "Token"
        );
        assert_eq!(
            operation_name(&Method::Get, "/metadata/identity/oauth2/token"),
            "Token"
        );
    }

    /// An HTTP client that answers from a script and records what it was sent.
    #[derive(Debug, Default)]
    struct Scripted {
        answers: Mutex<VecDeque<Answer>>,
        seen: Mutex<Vec<(String, Vec<String>)>>,
    }

    #[async_trait::async_trait]
    impl HttpClient for Scripted {
        async fn execute_request(&self, request: &Request) -> azure_core::Result<Response> {
            let names = request
                .headers()
                .iter()
                .map(|(n, _)| n.as_str().to_string())
                .collect();
            self.seen
                .lock()
                .unwrap()
                .push((request.url().to_string(), names));
            let next = self
                .answers
                .lock()
                .unwrap()
                .pop_front()
                .expect("a scripted answer")?;
            let (status, headers, body) = next;
            Ok(Response::new(
                StatusCode::try_from(status).unwrap(),
                Headers::from(headers.into_iter().collect::<HashMap<_, _>>()),
                Box::pin(BytesStream::new(body)),
            ))
        }
    }

    fn transport(script: Vec<Answer>) -> (Arc<Scripted>, ArmTransport) {
        let inner = Arc::new(Scripted {
            answers: Mutex::new(script.into()),
            ..Default::default()
        });
        let retry = RetryPolicy {
            time_scale: 0.001,
            ..RetryPolicy::default()
        };
        let t = ArmTransport::over(
            inner.clone(),
            "https://arm.example/",
            "2026-10-01",
            retry,
            false,
        );
        (inner, t)
    }

    fn get(url: &str) -> Request {
        let mut r = Request::new(Url::parse(url).unwrap(), Method::Get);
        r.insert_header(OPERATION_HEADER, "OperationStatus");
        r
    }

    #[tokio::test]
    async fn retries_throttling_and_server_errors_then_succeeds() {
        let (inner, t) = transport(vec![
            Ok((429, vec![header("retry-after", "3")], "")),
            Ok((500, vec![], "")),
            Err(Error::message(ErrorKind::Io, "connection refused")),
            Ok((200, vec![], "{}")),
        ]);
        let r = t
            .execute_request(&get(
                "https://arm.example/subscriptions/s/x?api-version=2023-01-02-preview",
            ))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::Ok);
        assert_eq!(t.calls().snapshot().get("OperationStatus"), Some(&4));
        let seen = inner.seen.lock().unwrap();
        assert!(
            seen[0].0.ends_with("api-version=2026-10-01"),
            "{}",
            seen[0].0
        );
        assert!(
            !seen[0].1.iter().any(|n| n == OPERATION_HEADER),
            "the naming header must not be sent"
        );
    }

    #[tokio::test]
    async fn gives_up_after_the_last_attempt_with_the_body_intact() {
        let body = r#"{"error":{"code":"InternalServerError","message":"boom"}}"#;
        let (_, t) = transport((0..5).map(|_| Ok((500, vec![], body))).collect());
        let r = t
            .execute_request(&get("https://arm.example/a?api-version=x"))
            .await
            .unwrap();
        assert_eq!(r.status() as u16, 500);
        let text = r.into_body().collect_string().await.unwrap();
        assert_eq!(text, body);
        assert_eq!(t.calls().total(), 5);
    }

    #[tokio::test]
    async fn client_errors_are_not_retried() {
        let (_, t) = transport(vec![Ok((
            409,
            vec![],
            r#"{"error":{"code":"OperationNotAllowed","message":"busy"}}"#,
        ))]);
        let r = t
            .execute_request(&get("https://arm.example/a?api-version=x"))
            .await
            .unwrap();
        assert_eq!(r.status() as u16, 409);
        assert_eq!(t.calls().total(), 1);
    }

    #[tokio::test]
    async fn remembers_what_the_token_endpoint_said() {
        let (_, t) = transport(vec![Ok((
            401,
            vec![],
            r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#,
        ))]);
        let r = Request::new(
            Url::parse("https://login.example/tenant/oauth2/v2.0/token").unwrap(),
            Method::Post,
        );
        let resp = t.execute_request(&r).await.unwrap();
        assert_eq!(resp.status() as u16, 401);
        assert_eq!(
            t.take_token_refusal().as_deref(),
            Some("invalid_client: AADSTS7000215: Invalid client secret provided.")
        );
        assert_eq!(t.calls().snapshot().get("Token"), Some(&1));
    }

    #[test]
    fn backoff_doubles_and_retry_after_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, None), Duration::from_secs(1));
        assert_eq!(p.delay(3, None), Duration::from_secs(4));
        assert_eq!(p.delay(10, None), Duration::from_secs(30));
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(600))),
            Duration::from_secs(60)
        );
        let fast = RetryPolicy::paced(Duration::from_millis(100));
        assert_eq!(
            fast.delay(1, Some(Duration::from_secs(10))),
            Duration::from_millis(200)
        );
        assert_eq!(time_scale(Duration::from_secs(30)), 1.0);
    }
}
