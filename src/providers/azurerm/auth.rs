//! Which credential signs clusterform's ARM requests, chosen in Terraform azurerm's order:
//! a client secret from the provider block, from `ARM_*`, from `AZURE_*`, then the Azure CLI,
//! then managed identity.
//!
//! Choosing makes no token request: tokens are fetched on the first API call, so a plan
//! refused at validation makes no calls. Only the Azure CLI (is `az` on PATH?) and managed
//! identity (does the instance metadata service answer within 2 s?) are probed.
//!
//! Owns: the order, the probes, the wording of "which source, and why the others were
//! skipped", and token caching. Must not: print or return a token or the client secret.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use azure_core::auth::{TokenCredential, TokenResponse};
use azure_core::error::{Error, ErrorKind};
use azure_identity::{
    AzureCliCredential, ClientSecretCredential, ImdsManagedIdentityCredential,
    TokenCredentialOptions,
};

use super::settings::{AzureSettings, Cloud, Environment};
use super::transport::ArmTransport;
use crate::diag::Diagnostic;

/// How long the instance metadata service may take to answer the probe.
const IMDS_PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// Azure's instance metadata service; `IDENTITY_ENDPOINT` replaces it on App Service and Arc.
/// <https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service>
const IMDS_PROBE_URL: &str = "http://169.254.169.254/metadata/instance?api-version=2021-02-01";
/// The longest a token request may take (the Azure CLI is slow to start).
const TOKEN_TIMEOUT: Duration = Duration::from_secs(60);
/// A cached token is renewed this long before it expires.
const TOKEN_RENEW_BEFORE: Duration = Duration::from_secs(120);

/// The hint after any credential error.
pub const CREDENTIAL_HINT: &str =
    "set ARM_CLIENT_ID, ARM_CLIENT_SECRET and ARM_TENANT_ID (a service principal), or run `az login`";

/// The credential to use, and which source it came from, in words.
pub struct ChosenCredential {
    pub credential: Arc<dyn TokenCredential>,
    /// `a client secret from ARM_CLIENT_ID, ARM_CLIENT_SECRET and ARM_TENANT_ID (client …, tenant …)`.
    pub source: String,
    /// The sources passed over before this one, and why.
    pub skipped: Vec<String>,
}

/// A client-secret source: where each of the three values is read.
struct SecretSource {
    label: &'static str,
    client_id: (&'static str, Option<String>),
    client_secret: (&'static str, Option<String>),
    tenant_id: (&'static str, Option<String>),
}

fn owned(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn secret_sources(settings: &AzureSettings, env: &Environment) -> [SecretSource; 3] {
    let block = |v: &Option<String>| owned(v.as_deref());
    // The tenant may come from the block or ARM_TENANT_ID whatever the client secret's source
    // is, as Terraform azurerm reads each attribute on its own.
    let tenant = |var: &str| {
        block(&settings.tenant_id)
            .or_else(|| owned(env.get(var)))
            .or_else(|| owned(env.get("ARM_TENANT_ID")))
    };
    [
        SecretSource {
            label: "the provider block",
            client_id: ("client_id", block(&settings.client_id)),
            client_secret: ("client_secret", block(&settings.client_secret)),
            tenant_id: ("tenant_id (or ARM_TENANT_ID)", tenant("ARM_TENANT_ID")),
        },
        SecretSource {
            label: "ARM_CLIENT_ID, ARM_CLIENT_SECRET and ARM_TENANT_ID",
            client_id: ("ARM_CLIENT_ID", owned(env.get("ARM_CLIENT_ID"))),
            client_secret: ("ARM_CLIENT_SECRET", owned(env.get("ARM_CLIENT_SECRET"))),
            tenant_id: ("ARM_TENANT_ID", tenant("ARM_TENANT_ID")),
        },
        SecretSource {
            label: "AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_TENANT_ID",
            client_id: ("AZURE_CLIENT_ID", owned(env.get("AZURE_CLIENT_ID"))),
            client_secret: ("AZURE_CLIENT_SECRET", owned(env.get("AZURE_CLIENT_SECRET"))),
            tenant_id: ("AZURE_TENANT_ID", tenant("AZURE_TENANT_ID")),
        },
    ]
}

/// The three values of a complete source; `Err` names what a partial one lacks.
fn complete(s: &SecretSource) -> Result<Option<(String, String, String)>, Diagnostic> {
    let (id, secret, tenant) = (&s.client_id, &s.client_secret, &s.tenant_id);
    if id.1.is_none() && secret.1.is_none() {
        return Ok(None);
    }
    let missing: Vec<&str> = [id, secret, tenant]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(name, _)| *name)
        .collect();
    match (id.1.clone(), secret.1.clone(), tenant.1.clone()) {
        (Some(i), Some(sec), Some(t)) => Ok(Some((i, sec, t))),
        _ => {
            let given: Vec<&str> = [id, secret]
                .iter()
                .filter(|(_, v)| v.is_some())
                .map(|(name, _)| *name)
                .collect();
            let verb = |names: &[&str]| if names.len() == 1 { "is" } else { "are" };
            // Names in the block are attributes; elsewhere they are variables and say where.
            let place = if s.label == "the provider block" {
                " in the provider block"
            } else {
                ""
            };
            Err(Diagnostic::error("Incomplete Azure credentials")
                .detail(format!(
                    "{} {} set{place}, but {} {} not: a client secret needs the client id, the secret and the tenant id.",
                    given.join(" and "),
                    verb(&given),
                    missing.join(" and "),
                    verb(&missing),
                ))
                .hint(format!(
                    "set {} too, or unset {}",
                    missing.join(" and "),
                    given.join(" and ")
                )))
        }
    }
}

/// Whether an executable named `name` is in one of `PATH`'s directories.
fn on_path(name: &str, env: &Environment) -> bool {
    let Some(path) = env.get("PATH") else {
        return false;
    };
    std::env::split_paths(path).any(|dir| {
        let candidate = dir.join(name);
        std::fs::metadata(&candidate).is_ok_and(|m| m.is_file())
    })
}

/// Whether the instance metadata service answers, within [`IMDS_PROBE_TIMEOUT`].
async fn imds_answers() -> bool {
    let Ok(url) = azure_core::Url::parse(IMDS_PROBE_URL) else {
        return false;
    };
    let mut req = azure_core::Request::new(url, azure_core::Method::Get);
    req.insert_header("metadata", "true");
    let http = azure_core::new_http_client();
    matches!(
        tokio::time::timeout(IMDS_PROBE_TIMEOUT, http.execute_request(&req)).await,
        Ok(Ok(r)) if r.status() == azure_core::StatusCode::Ok
    )
}

/// Picks the first usable source. Makes no token request.
pub async fn choose(
    settings: &AzureSettings,
    cloud: &Cloud,
    env: &Environment,
    transport: Arc<ArmTransport>,
) -> Result<ChosenCredential, Diagnostic> {
    let mut skipped = Vec::new();
    for s in secret_sources(settings, env) {
        match complete(&s)? {
            Some((client_id, secret, tenant)) => {
                let options = TokenCredentialOptions::new(cloud.authority_host.clone());
                let inner = ClientSecretCredential::new(
                    transport.clone(),
                    tenant.clone(),
                    client_id.clone(),
                    secret.clone(),
                    options,
                );
                let source = format!(
                    "a client secret from {} (client {client_id}, tenant {tenant}, authority {})",
                    s.label, cloud.authority_host
                );
                return Ok(chosen(
                    Fetch::Http(Arc::new(inner)),
                    source,
                    Some(secret),
                    transport,
                    skipped,
                ));
            }
            None => skipped.push(format!(
                "a client secret from {}: {} and {} are not set",
                s.label, s.client_id.0, s.client_secret.0
            )),
        }
    }
    if on_path("az", env) {
        let source = "the Azure CLI (az account get-access-token)".to_string();
        return Ok(chosen(Fetch::Cli, source, None, transport, skipped));
    }
    skipped.push("the Azure CLI: `az` is not on PATH".into());
    if env.get("IDENTITY_ENDPOINT").is_some() || imds_answers().await {
        let inner = ImdsManagedIdentityCredential::new(transport.clone());
        let source = "managed identity (the instance metadata service)".to_string();
        return Ok(chosen(
            Fetch::Http(Arc::new(inner)),
            source,
            None,
            transport,
            skipped,
        ));
    }
    skipped.push(format!(
        "managed identity: no Azure instance metadata service answered at 169.254.169.254 within {} s",
        IMDS_PROBE_TIMEOUT.as_secs()
    ));
    Err(Diagnostic::error("No Azure credentials")
        .detail(format!(
            "clusterform tried, in order:\n{}",
            skipped
                .iter()
                .map(|s| format!("  - {s}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
        .hint(CREDENTIAL_HINT))
}

fn chosen(
    fetch: Fetch,
    source: String,
    secret: Option<String>,
    transport: Arc<ArmTransport>,
    skipped: Vec<String>,
) -> ChosenCredential {
    ChosenCredential {
        credential: Arc::new(ArmCredential {
            fetch,
            source: source.clone(),
            secret,
            transport,
            cache: tokio::sync::Mutex::new(None),
        }),
        source,
        skipped,
    }
}

/// How a token is fetched.
enum Fetch {
    /// A credential that asks over HTTP (client secret, managed identity).
    Http(Arc<dyn TokenCredential>),
    /// `az account get-access-token`, a blocking child process: run off the async threads.
    Cli,
}

/// The chosen credential: fetches lazily, caches until shortly before expiry, and words its
/// failures with the source and the identity provider's own message, never the secret.
struct ArmCredential {
    fetch: Fetch,
    source: String,
    /// Only to scrub it from error text.
    secret: Option<String>,
    transport: Arc<ArmTransport>,
    cache: tokio::sync::Mutex<Option<TokenResponse>>,
}

fn seconds_left(token: &TokenResponse) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    token.expires_on.unix_timestamp() - now
}

/// An error and its causes as one line, each cause once.
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    // An HttpError's Display dumps headers and the body: errors.rs reads it field by field.
    crate::diag::causes_shown(err, |e| {
        e.downcast_ref::<azure_core::error::HttpError>().is_none()
    })
}

impl ArmCredential {
    async fn fetch(&self, resource: &str) -> azure_core::Result<TokenResponse> {
        match &self.fetch {
            Fetch::Http(c) => c.get_token(resource).await,
            Fetch::Cli => {
                let resource = resource.to_string();
                tokio::task::spawn_blocking(move || {
                    futures::executor::block_on(AzureCliCredential::new().get_token(&resource))
                })
                .await
                .map_err(|e| Error::message(ErrorKind::Credential, e.to_string()))?
            }
        }
    }

    fn scrub(&self, text: String) -> String {
        match &self.secret {
            Some(s) if !s.is_empty() => text.replace(s.as_str(), "(sensitive)"),
            _ => text,
        }
    }
}

#[async_trait::async_trait]
impl TokenCredential for ArmCredential {
    async fn get_token(&self, resource: &str) -> azure_core::Result<TokenResponse> {
        let mut cache = self.cache.lock().await;
        if let Some(t) = cache.as_ref() {
            if seconds_left(t) > TOKEN_RENEW_BEFORE.as_secs() as i64 {
                return Ok(t.clone());
            }
        }
        let fetched = tokio::time::timeout(TOKEN_TIMEOUT, self.fetch(resource))
            .await
            .unwrap_or_else(|_| {
                Err(Error::message(
                    ErrorKind::Credential,
                    format!("no token within {} s", TOKEN_TIMEOUT.as_secs()),
                ))
            });
        match fetched {
            Ok(token) => {
                *cache = Some(token.clone());
                Ok(token)
            }
            Err(e) => {
                // The token endpoint's own words (AADSTS…) beat the OAuth library's summary.
                let why = self
                    .transport
                    .take_token_refusal()
                    .unwrap_or_else(|| chain(&e));
                let message = self.scrub(format!("{} failed: {why}", self.source));
                Err(Error::message(ErrorKind::Credential, message))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::azurerm::transport::RetryPolicy;

    fn transport() -> Arc<ArmTransport> {
        Arc::new(ArmTransport::new(
            "https://management.azure.com",
            "2026-10-01",
            RetryPolicy::default(),
            false,
        ))
    }

    fn cloud() -> Cloud {
        AzureSettings::default()
            .cloud(&Environment::default())
            .unwrap()
    }

    #[tokio::test]
    async fn the_block_wins_over_the_environment() {
        let settings = AzureSettings {
            client_id: Some("block-id".into()),
            client_secret: Some("block-secret".into()),
            tenant_id: Some("block-tenant".into()),
            ..Default::default()
        };
        let env = Environment::from_pairs([
            ("ARM_CLIENT_ID", "arm-id"),
            ("ARM_CLIENT_SECRET", "arm-secret"),
            ("ARM_TENANT_ID", "arm-tenant"),
        ]);
        let c = choose(&settings, &cloud(), &env, transport())
            .await
            .unwrap();
        assert!(c.source.contains("the provider block"), "{}", c.source);
        assert!(c.source.contains("block-id"), "{}", c.source);
        assert!(!c.source.contains("block-secret"), "{}", c.source);
    }

    #[tokio::test]
    async fn arm_variables_before_azure_ones() {
        let env = Environment::from_pairs([
            ("ARM_CLIENT_ID", "arm-id"),
            ("ARM_CLIENT_SECRET", "arm-secret"),
            ("ARM_TENANT_ID", "arm-tenant"),
            ("AZURE_CLIENT_ID", "az-id"),
            ("AZURE_CLIENT_SECRET", "az-secret"),
            ("AZURE_TENANT_ID", "az-tenant"),
        ]);
        let c = choose(&AzureSettings::default(), &cloud(), &env, transport())
            .await
            .unwrap();
        assert!(c.source.contains("ARM_CLIENT_ID"), "{}", c.source);
        assert_eq!(c.skipped.len(), 1);
        let azure_only = Environment::from_pairs([
            ("AZURE_CLIENT_ID", "az-id"),
            ("AZURE_CLIENT_SECRET", "az-secret"),
            ("AZURE_TENANT_ID", "az-tenant"),
        ]);
        let c = choose(
            &AzureSettings::default(),
            &cloud(),
            &azure_only,
            transport(),
        )
        .await
        .unwrap();
        assert!(c.source.contains("AZURE_CLIENT_ID"), "{}", c.source);
        assert!(c.source.contains("az-tenant"), "{}", c.source);
    }

    #[tokio::test]
    async fn a_partial_source_says_what_is_missing() {
        let env = Environment::from_pairs([("ARM_CLIENT_ID", "arm-id")]);
        let Err(d) = choose(&AzureSettings::default(), &cloud(), &env, transport()).await else {
            panic!("an id without a secret must be refused");
        };
        let detail = d.detail.unwrap();
        assert!(
            detail.starts_with("ARM_CLIENT_ID is set, but ARM_CLIENT_SECRET"),
            "{detail}"
        );
        assert!(
            detail.contains("ARM_CLIENT_SECRET and ARM_TENANT_ID are not"),
            "{detail}"
        );

        let no_tenant = AzureSettings {
            client_id: Some("id".into()),
            client_secret: Some("hunter2".into()),
            ..Default::default()
        };
        let Err(d) = choose(&no_tenant, &cloud(), &Environment::default(), transport()).await
        else {
            panic!("a secret without a tenant must be refused");
        };
        let detail = d.detail.unwrap();
        assert!(
            detail.starts_with("client_id and client_secret are set in the provider block, but tenant_id (or ARM_TENANT_ID) is not"),
            "{detail}"
        );
        assert!(!detail.contains("hunter2"), "{detail}");
    }

    /// Entra ID's token endpoint, recording what it is asked.
    #[derive(Debug, Default)]
    struct TokenEndpoint {
        asked: std::sync::Mutex<Vec<(String, String)>>,
    }

    #[async_trait::async_trait]
    impl azure_core::HttpClient for TokenEndpoint {
        async fn execute_request(
            &self,
            request: &azure_core::Request,
        ) -> azure_core::Result<azure_core::Response> {
            let body = match request.body() {
                azure_core::Body::Bytes(b) => String::from_utf8_lossy(b).to_string(),
                azure_core::Body::SeekableStream(_) => String::new(),
            };
            self.asked
                .lock()
                .unwrap()
                .push((request.url().to_string(), body));
            let answer = r#"{"token_type":"Bearer","expires_in":3599,"access_token":"t0ken"}"#;
            Ok(azure_core::Response::new(
                azure_core::StatusCode::Ok,
                azure_core::headers::Headers::new(),
                Box::pin(azure_core::BytesStream::new(answer)),
            ))
        }
    }

    #[tokio::test]
    async fn asks_entra_id_for_the_arm_default_scope_once() {
        let endpoint = Arc::new(TokenEndpoint::default());
        let transport = Arc::new(ArmTransport::over(
            endpoint.clone(),
            "https://management.azure.com",
            "2026-10-01",
            RetryPolicy::default(),
            false,
        ));
        let env = Environment::from_pairs([
            ("ARM_CLIENT_ID", "id"),
            ("ARM_CLIENT_SECRET", "s3cret"),
            ("ARM_TENANT_ID", "tenant"),
        ]);
        let cloud = cloud();
        let c = choose(&AzureSettings::default(), &cloud, &env, transport.clone())
            .await
            .unwrap();
        assert!(
            endpoint.asked.lock().unwrap().is_empty(),
            "choosing fetches no token"
        );
        for _ in 0..2 {
            let t = c
                .credential
                .get_token(cloud.token_resource())
                .await
                .unwrap();
            assert_eq!(t.token.secret(), "t0ken");
        }
        let asked = endpoint.asked.lock().unwrap();
        assert_eq!(asked.len(), 1, "the token is cached");
        assert_eq!(
            asked[0].0,
            "https://login.microsoftonline.com/tenant/oauth2/v2.0/token"
        );
        assert!(
            asked[0]
                .1
                .contains("scope=https%3A%2F%2Fmanagement.azure.com%2F.default"),
            "{}",
            asked[0].1
        );
        assert_eq!(transport.calls().snapshot().get("Token"), Some(&1));
    }

    #[test]
    fn finds_executables_on_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("az"), "#!/bin/sh\n").unwrap();
        let env = Environment::from_pairs([("PATH", dir.path().display().to_string())]);
        assert!(on_path("az", &env));
        assert!(!on_path(
            "az",
            &Environment::from_pairs([("PATH", "/nonexistent")])
        ));
    }
}
