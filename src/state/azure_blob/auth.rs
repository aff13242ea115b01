//! Authorising Blob service requests: Shared Key signatures and Azure AD bearer tokens.
//!
//! Shared Key follows Microsoft's "Authorize with Shared Key" for the Blob service
//! (<https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key>): an
//! HMAC-SHA256, keyed with the account key, over the verb, twelve standard headers, the
//! canonicalised `x-ms-*` headers and the canonicalised resource. Azure AD tokens come from
//! azure_identity's client-secret credential for the scope `https://storage.azure.com/.default`
//! (<https://learn.microsoft.com/rest/api/storageservices/authorize-with-azure-active-directory>),
//! cached until two minutes before they expire.
//!
//! Owns: the string to sign, the signature, the token cache. Must not: return, print or
//! keep anywhere but memory a key, a signature's input secret or a token.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use azure_core::auth::TokenCredential;
use azure_core::{BytesStream, HttpClient, Request, Response};
use azure_identity::{ClientSecretCredential, TokenCredentialOptions};
use base64::Engine as _;
use hmac::{KeyInit, Mac};

/// The resource whose `/.default` scope a storage token is requested for.
pub(super) const STORAGE_RESOURCE: &str = "https://storage.azure.com";
/// A cached token is renewed this long before it expires.
const RENEW_BEFORE: Duration = Duration::from_secs(120);

/// The standard headers in the string to sign, in Microsoft's order.
const SIGNED_HEADERS: [&str; 11] = [
    "content-encoding",
    "content-language",
    "content-length",
    "content-md5",
    "content-type",
    "date",
    "if-modified-since",
    "if-match",
    "if-none-match",
    "if-unmodified-since",
    "range",
];

/// The Shared Key string to sign for a request. `headers` are the request's headers with
/// lower-case names; `path` is the URL path exactly as sent (percent-encoded); `query` the
/// decoded query parameters.
pub(super) fn string_to_sign(
    method: &str,
    headers: &[(String, String)],
    account: &str,
    path: &str,
    query: &[(String, String)],
) -> String {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut out = String::new();
    out.push_str(method);
    out.push('\n');
    for name in SIGNED_HEADERS {
        let value = header(name);
        // Since version 2015-02-21 a zero Content-Length is signed as an empty string.
        if !(name == "content-length" && value == "0") {
            out.push_str(value);
        }
        out.push('\n');
    }
    let mut ms: Vec<(&str, String)> = headers
        .iter()
        .filter(|(n, _)| n.starts_with("x-ms-"))
        .map(|(n, v)| (n.as_str(), fold_whitespace(v)))
        .collect();
    ms.sort_by(|a, b| a.0.cmp(b.0));
    for (name, value) in ms {
        out.push_str(name);
        out.push(':');
        out.push_str(&value);
        out.push('\n');
    }
    out.push('/');
    out.push_str(account);
    out.push_str(if path.is_empty() { "/" } else { path });
    let mut params: Vec<(String, Vec<&str>)> = Vec::new();
    for (name, value) in query {
        let name = name.to_ascii_lowercase();
        match params.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => params.push((name, vec![value])),
        }
    }
    params.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, mut values) in params {
        values.sort_unstable();
        out.push('\n');
        out.push_str(&name);
        out.push(':');
        out.push_str(&values.join(","));
    }
    out
}

/// `SharedKey <account>:<base64 HMAC-SHA256 of string_to_sign>`.
pub(super) fn shared_key_authorization(account: &str, key: &[u8], string_to_sign: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
        .expect("HMAC-SHA256 accepts a key of any length");
    mac.update(string_to_sign.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!("SharedKey {account}:{signature}")
}

/// `Bearer <token>`.
pub(super) fn bearer_authorization(token: &str) -> String {
    format!("Bearer {token}")
}

/// Header values with runs of whitespace folded to one space and the ends trimmed.
fn fold_whitespace(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Azure AD tokens for the storage scope, from a service principal's client secret.
pub(super) struct TokenSource {
    credential: ClientSecretCredential,
    http: Arc<TokenHttp>,
    /// Where tokens come from, for messages: `https://login.microsoftonline.com/<tenant>`.
    pub(super) authority: String,
    cached: Mutex<Option<(String, SystemTime)>>,
}

impl TokenSource {
    pub(super) fn new(
        client: reqwest::Client,
        tenant_id: &str,
        client_id: &str,
        client_secret: &str,
        authority_host: &str,
    ) -> TokenSource {
        let http = Arc::new(TokenHttp {
            client,
            refusal: Mutex::new(None),
        });
        TokenSource {
            credential: ClientSecretCredential::new(
                Arc::clone(&http) as Arc<dyn HttpClient>,
                tenant_id.to_string(),
                client_id.to_string(),
                client_secret.to_string(),
                TokenCredentialOptions::new(authority_host.to_string()),
            ),
            http,
            authority: format!("{authority_host}/{tenant_id}"),
            cached: Mutex::new(None),
        }
    }

    /// A token valid for at least two more minutes: the cached one, or a new one. `Err` is
    /// the credential's own explanation (it never contains the secret or a token).
    pub(super) async fn token(&self) -> Result<String, String> {
        if let Some((token, expires)) = self.cached.lock().ok().and_then(|c| c.clone()) {
            if SystemTime::now() + RENEW_BEFORE < expires {
                return Ok(token);
            }
        }
        if let Ok(mut stale) = self.http.refusal.lock() {
            *stale = None;
        }
        let response = self
            .credential
            .get_token(STORAGE_RESOURCE)
            .await
            .map_err(|e| {
                // The token endpoint's own words (AADSTS…) beat the OAuth library's summary.
                let refusal = self.http.refusal.lock().ok().and_then(|mut r| r.take());
                refusal.unwrap_or_else(|| error_chain(&e))
            })?;
        let token = response.token.secret().to_string();
        let expires = u64::try_from(response.expires_on.unix_timestamp())
            .map(|secs| UNIX_EPOCH + Duration::from_secs(secs))
            .unwrap_or(UNIX_EPOCH);
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some((token.clone(), expires));
        }
        Ok(token)
    }
}

/// The token requests' transport: reqwest, keeping the words of a refusal, which the OAuth
/// library reduces to "Server returned error response".
#[derive(Debug)]
struct TokenHttp {
    client: reqwest::Client,
    refusal: Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl HttpClient for TokenHttp {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<Response> {
        let response = self.client.execute_request(request).await?;
        if response.status().is_success() {
            return Ok(response);
        }
        let (status, headers, body) = response.deconstruct();
        let body = body.collect().await?;
        if let Some(words) = oauth_error_words(&body) {
            if let Ok(mut refusal) = self.refusal.lock() {
                *refusal = Some(words);
            }
        }
        Ok(Response::new(
            status,
            headers,
            Box::pin(BytesStream::new(body)),
        ))
    }
}

/// `error: error_description` from an OAuth error body (Entra ID's `AADSTS…` text is in the
/// description).
fn oauth_error_words(body: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let field = |name: &str| json.get(name).and_then(|v| v.as_str());
    match (field("error"), field("error_description")) {
        (Some(e), Some(d)) => Some(format!("{e}: {d}")),
        (Some(e), None) => Some(e.to_string()),
        (None, Some(d)) => Some(d.to_string()),
        (None, None) => None,
    }
}

/// An error and its sources, joined with `: ` and without repeats.
pub(super) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn string_to_sign_for_a_conditional_put() {
        let headers = h(&[
            ("content-length", "11"),
            ("content-type", "application/json"),
            ("if-match", "\"0x8D\""),
            ("x-ms-version", "2023-11-03"),
            ("x-ms-date", "Mon, 01 Jan 2024 00:00:00 GMT"),
            ("x-ms-blob-type", "BlockBlob"),
            ("x-ms-meta-terraformlockid", "  e30=  "),
        ]);
        let s = string_to_sign(
            "PUT",
            &headers,
            "devstoreaccount1",
            "/devstoreaccount1/tfstate/dev.tfstateenv:staging",
            &[],
        );
        assert_eq!(
            s,
            "PUT\n\n\n11\n\napplication/json\n\n\n\"0x8D\"\n\n\n\n\
             x-ms-blob-type:BlockBlob\n\
             x-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n\
             x-ms-meta-terraformlockid:e30=\n\
             x-ms-version:2023-11-03\n\
             /devstoreaccount1/devstoreaccount1/tfstate/dev.tfstateenv:staging"
        );
    }

    #[test]
    fn string_to_sign_sorts_query_parameters_and_blanks_a_zero_length() {
        let headers = h(&[("content-length", "0"), ("x-ms-version", "2023-11-03")]);
        let query = h(&[
            ("restype", "container"),
            ("prefix", "a b+c"),
            ("comp", "list"),
        ]);
        let s = string_to_sign("GET", &headers, "acct", "/tfstate", &query);
        assert!(s.starts_with("GET\n\n\n\n\n"), "{s:?}");
        assert!(
            s.ends_with("/acct/tfstate\ncomp:list\nprefix:a b+c\nrestype:container"),
            "{s:?}"
        );
    }

    #[test]
    fn shared_key_signature_is_hmac_sha256_in_base64() {
        // Checked with: printf 'abc' | openssl dgst -sha256 -mac HMAC -macopt hexkey:6b6579 -binary | base64
        assert_eq!(
            shared_key_authorization("acct", b"key", "abc"),
            "SharedKey acct:nBluMtwBdfhvSxy4konWYZ3mvuaZ5MN45oMJ7Zehpqs="
        );
    }

    #[test]
    fn oauth_refusals_in_their_own_words() {
        let body = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#;
        assert_eq!(
            oauth_error_words(body).as_deref(),
            Some("invalid_client: AADSTS7000215: Invalid client secret provided.")
        );
        assert_eq!(oauth_error_words(b"<html>"), None);
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer_authorization("t0k"), "Bearer t0k");
    }
}
