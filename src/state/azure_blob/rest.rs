//! The few Blob service REST calls the `azurerm` backend makes, over `reqwest`, authorised by
//! `auth` and retried when the service is briefly unavailable.
//!
//! Owns: URLs (percent-encoded blob names, the SAS token appended), the `x-ms-version` and
//! `x-ms-date` headers, retries of 500/502/503/504 and of connections that failed, reading the
//! service's error code and message. Must not:
//! decide what a status means for the state (the backend does), or let a key, a SAS token or a
//! token reach an error: URLs are dropped from transport errors and every message is scrubbed
//! of the secrets it was given.
//!
//! Calls run on the backend's own runtime (`state::remote_runtime`), whichever thread or
//! runtime the synchronous backend is called from.
//!
//! Reference: <https://learn.microsoft.com/rest/api/storageservices/blob-service-rest-api>.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Method;

use super::auth::{
    bearer_authorization, error_chain, shared_key_authorization, string_to_sign, TokenSource,
};
use super::settings::{AzureBlobSettings, Credential};
use super::xml::xml_text;
use crate::state::remote_runtime::RemoteRuntime;

/// The REST API version clusterform speaks; lease, conditional and metadata semantics used
/// here are unchanged since 2019, and Azurite 3.35 serves it.
pub(super) const API_VERSION: &str = "2023-11-03";
/// Longest a single attempt may take (a large state over a slow link).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How often and how soon a failed call is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RetryPolicy {
    /// Attempts per call, the first included.
    pub attempts: u32,
    /// The wait before the first retry; it doubles with each one.
    pub first_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 4,
            first_delay: Duration::from_millis(250),
        }
    }
}

/// One request: the container, the blob (if any), query parameters, headers, body.
pub(super) struct Call {
    method: Method,
    container: String,
    blob: Option<String>,
    query: Vec<(&'static str, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Call {
    pub(super) fn new(method: Method, container: &str, blob: Option<&str>) -> Call {
        Call {
            method,
            container: container.to_string(),
            blob: blob.map(str::to_string),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub(super) fn query(mut self, name: &'static str, value: impl Into<String>) -> Call {
        self.query.push((name, value.into()));
        self
    }

    /// Adds a header; `name` in lower case.
    pub(super) fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Call {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub(super) fn body(mut self, body: Vec<u8>) -> Call {
        self.body = body;
        self
    }
}

/// A successful (2xx) answer.
pub(super) struct Answer {
    headers: HeaderMap,
    pub body: Vec<u8>,
    /// How many attempts it took (more than 1 after a retry).
    pub attempts: u32,
}

impl Answer {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(super) fn etag(&self) -> Option<String> {
        self.header("etag").map(str::to_string)
    }

    /// The blob's metadata (`x-ms-meta-<name>` headers), names in lower case.
    pub(super) fn metadata(&self) -> BTreeMap<String, String> {
        self.headers
            .iter()
            .filter_map(|(name, value)| {
                let name = name.as_str().strip_prefix("x-ms-meta-")?;
                Some((name.to_string(), value.to_str().ok()?.to_string()))
            })
            .collect()
    }
}

/// A call that did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Failure {
    /// The service answered with an error: its status, `x-ms-error-code` and message.
    Service {
        status: u16,
        code: String,
        message: String,
    },
    /// No answer: the connection failed or timed out (after the retries).
    Unreachable(String),
    /// No Azure AD token could be had.
    Credential(String),
}

impl Failure {
    pub(super) fn status(&self) -> Option<u16> {
        match self {
            Failure::Service { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub(super) fn code(&self) -> &str {
        match self {
            Failure::Service { code, .. } => code,
            _ => "",
        }
    }
}

enum Authorizer {
    SharedKey(Vec<u8>),
    Sas(String),
    Token(TokenSource),
}

/// A storage account's blob service.
pub(super) struct BlobService {
    http: reqwest::Client,
    endpoint: String,
    account: String,
    authorizer: Authorizer,
    /// Texts that must never appear in a message (the SAS token, the client secret).
    secrets: Vec<String>,
    pub(super) retry: RetryPolicy,
    runtime: RemoteRuntime,
}

impl BlobService {
    /// A client for the account in `settings`. `Err` when the HTTP client cannot be built
    /// (an unreadable `SSL_CERT_FILE`), in words.
    pub(super) fn new(settings: &AzureBlobSettings) -> Result<BlobService, String> {
        let mut builder = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(ATTEMPT_TIMEOUT)
            .user_agent(concat!("clusterform/", env!("CARGO_PKG_VERSION")));
        // Go programs such as Terraform trust the certificates in SSL_CERT_FILE as well as the
        // system's; so does this backend (a TLS-inspecting proxy, or Azurite over HTTPS).
        if let Some(path) = &settings.ca_file {
            let pem = fs_err::read(path).map_err(|e| e.to_string())?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                format!(
                    "SSL_CERT_FILE {} holds no readable PEM certificate: {e}",
                    path.display()
                )
            })?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| error_chain(&e))?;
        let (authorizer, secrets) = match &settings.credential {
            Credential::SharedKey(key) => (Authorizer::SharedKey(key.clone()), Vec::new()),
            Credential::Sas(token) => {
                // The whole token, and its signature on its own (a message may quote either).
                let mut secrets = vec![token.clone()];
                secrets.extend(
                    token
                        .split('&')
                        .filter_map(|pair| pair.strip_prefix("sig="))
                        .map(str::to_string),
                );
                (Authorizer::Sas(token.clone()), secrets)
            }
            Credential::AzureAd {
                tenant_id,
                client_id,
                client_secret,
                authority_host,
            } => (
                Authorizer::Token(TokenSource::new(
                    http.clone(),
                    tenant_id,
                    client_id,
                    client_secret,
                    authority_host,
                )),
                vec![client_secret.clone()],
            ),
        };
        Ok(BlobService {
            http,
            endpoint: settings.endpoint.clone(),
            account: settings.storage_account_name.clone(),
            authorizer,
            secrets,
            retry: RetryPolicy::default(),
            runtime: RemoteRuntime::new().map_err(|e| e.to_string())?,
        })
    }

    /// Where Azure AD tokens come from, when they are used.
    pub(super) fn token_authority(&self) -> Option<&str> {
        match &self.authorizer {
            Authorizer::Token(t) => Some(&t.authority),
            _ => None,
        }
    }

    /// Sends `call`, retrying as [`RetryPolicy`] says, and waits for the answer.
    pub(super) fn call(&self, call: Call) -> Result<Answer, Failure> {
        self.runtime
            .block_on(self.call_async(&call))
            .map_err(|f| self.scrub(f))
    }

    async fn call_async(&self, call: &Call) -> Result<Answer, Failure> {
        let mut delay = self.retry.first_delay;
        let mut attempt = 1;
        loop {
            let last = attempt >= self.retry.attempts;
            match self.attempt(call).await {
                Ok(mut answer) => {
                    answer.attempts = attempt;
                    return Ok(answer);
                }
                Err(Failure::Service { status, .. })
                    if !last && matches!(status, 500 | 502 | 503 | 504) => {}
                Err(Failure::Unreachable(_)) if !last => {}
                Err(failure) => return Err(failure),
            }
            tokio::time::sleep(delay).await;
            delay *= 2;
            attempt += 1;
        }
    }

    async fn attempt(&self, call: &Call) -> Result<Answer, Failure> {
        let url = self.url(call);
        let parsed = reqwest::Url::parse(&url)
            .map_err(|e| Failure::Unreachable(format!("invalid request URL: {e}")))?;
        let mut headers = call.headers.clone();
        headers.push(("x-ms-version".into(), API_VERSION.into()));
        headers.push((
            "x-ms-date".into(),
            chrono::Utc::now()
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string(),
        ));
        let authorization = match &self.authorizer {
            Authorizer::Sas(_) => None,
            Authorizer::SharedKey(key) => {
                let mut signed = headers.clone();
                signed.push(("content-length".into(), call.body.len().to_string()));
                let query: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
                let text = string_to_sign(
                    call.method.as_str(),
                    &signed,
                    &self.account,
                    parsed.path(),
                    &query,
                );
                Some(shared_key_authorization(&self.account, key, &text))
            }
            Authorizer::Token(source) => Some(bearer_authorization(
                &source.token().await.map_err(Failure::Credential)?,
            )),
        };
        let mut request = self.http.request(call.method.clone(), parsed);
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        if call.method == Method::PUT {
            // Azure wants Content-Length on every PUT (411 otherwise), and reqwest leaves it
            // out of an empty one.
            request = request
                .header("content-length", call.body.len().to_string())
                .body(call.body.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|e| Failure::Unreachable(error_chain(&e.without_url())))?;
        let status = response.status().as_u16();
        let response_headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| Failure::Unreachable(error_chain(&e.without_url())))?
            .to_vec();
        if status >= 400 {
            return Err(service_failure(status, &response_headers, &body));
        }
        Ok(Answer {
            headers: response_headers,
            body,
            attempts: 1,
        })
    }

    fn url(&self, call: &Call) -> String {
        let mut url = format!("{}/{}", self.endpoint, encode(&call.container, false));
        if let Some(blob) = &call.blob {
            url.push('/');
            url.push_str(&encode(blob, true));
        }
        let mut query: Vec<String> = call
            .query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v, false)))
            .collect();
        if let Authorizer::Sas(sas) = &self.authorizer {
            query.push(sas.clone());
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query.join("&"));
        }
        url
    }

    fn scrub(&self, failure: Failure) -> Failure {
        let clean = |text: String| {
            self.secrets
                .iter()
                .filter(|s| !s.is_empty())
                .fold(text, |t, s| t.replace(s.as_str(), "<redacted>"))
        };
        match failure {
            Failure::Service {
                status,
                code,
                message,
            } => Failure::Service {
                status,
                code,
                message: clean(message),
            },
            Failure::Unreachable(m) => Failure::Unreachable(clean(m)),
            Failure::Credential(m) => Failure::Credential(clean(m)),
        }
    }
}

/// The error code (`x-ms-error-code`, or the body's `<Code>`) and the first line of the
/// body's `<Message>` (the rest is a request ID and a time).
fn service_failure(status: u16, headers: &HeaderMap, body: &[u8]) -> Failure {
    let text = String::from_utf8_lossy(body);
    let code = headers
        .get("x-ms-error-code")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| xml_text(&text, "Code"))
        .unwrap_or_default();
    let message = xml_text(&text, "Message")
        .and_then(|m| m.lines().next().map(|l| l.trim().to_string()))
        .unwrap_or_else(|| {
            let reason = reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("");
            format!("HTTP {status} {reason}").trim_end().to_string()
        });
    Failure::Service {
        status,
        code,
        message,
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (and `/` when `keep_slash`).
fn encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let plain = b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_slash && b == b'/');
        if plain {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[path = "rest_tests.rs"]
mod tests;
