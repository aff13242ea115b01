//! The `azurerm` backend's settings: which storage account, container and blob, which
//! endpoint, and which credential, resolved from the backend block (merged with
//! `init --backend-config`) and Terraform's `ARM_*` environment variables.
//!
//! Owns: the argument names, the environment fallbacks, the choice of credential (in
//! Terraform's order: SAS token, then Azure AD, then the account key) and the wording of
//! "this argument is missing or wrong". Must not: make requests, or put a secret into an
//! error, a `Debug` string or anything else that may be printed or written.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;

use crate::state::StateError;

/// Arguments clusterform reads from `backend "azurerm"`.
const USED: &[&str] = &[
    "storage_account_name",
    "container_name",
    "key",
    "blob_endpoint",
    "access_key",
    "sas_token",
    "use_azuread_auth",
    "tenant_id",
    "client_id",
    "client_secret",
    "environment",
    "snapshot",
];

/// Arguments Terraform needs only to look the account key up through Azure Resource Manager,
/// which clusterform does not do; accepted so a Terraform configuration reads unchanged.
/// `endpoint` is Terraform's Resource Manager endpoint for Azure Stack, which those lookups
/// would use; the blob service URL is clusterform's own `blob_endpoint`.
const ACCEPTED_UNUSED: &[&str] = &["resource_group_name", "subscription_id", "endpoint"];

/// Ways of signing in Terraform offers that clusterform does not: accepted when false.
const UNSUPPORTED_WHEN_TRUE: &[&str] = &["use_msi", "use_oidc", "use_cli", "lookup_blob_endpoint"];

/// Where Microsoft Entra ID tokens come from in the public cloud.
const PUBLIC_AUTHORITY: &str = "https://login.microsoftonline.com";

/// Terraform's `environment` values: the blob endpoint's domain and the token authority.
/// <https://learn.microsoft.com/azure/storage/common/storage-account-overview#standard-endpoints>
const CLOUDS: &[(&str, &str, &str)] = &[
    ("public", "blob.core.windows.net", PUBLIC_AUTHORITY),
    (
        "usgovernment",
        "blob.core.usgovcloudapi.net",
        "https://login.microsoftonline.us",
    ),
    (
        "china",
        "blob.core.chinacloudapi.cn",
        "https://login.chinacloudapi.cn",
    ),
];

/// The backend's resolved settings.
#[derive(Clone, PartialEq, Eq)]
pub struct AzureBlobSettings {
    pub storage_account_name: String,
    pub container_name: String,
    /// The default workspace's blob; other workspaces add `env:<name>` to it.
    pub key: String,
    /// The blob service endpoint without a trailing slash, such as
    /// `https://acct.blob.core.windows.net` or Azurite's `http://127.0.0.1:10000/devstoreaccount1`.
    pub endpoint: String,
    pub credential: Credential,
    /// Snapshot the blob before every write (Terraform's `snapshot`).
    pub snapshot: bool,
    /// Extra trusted certificates (PEM), from `SSL_CERT_FILE` as Go programs such as Terraform
    /// read it: a TLS-inspecting proxy's, or a local emulator's.
    pub ca_file: Option<std::path::PathBuf>,
}

/// How requests are authorised.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// Shared Key: requests signed with the storage account key (the decoded bytes).
    SharedKey(Vec<u8>),
    /// A SAS token appended to every URL (without a leading `?`).
    Sas(String),
    /// Microsoft Entra ID: a service principal's client secret exchanged for a bearer token.
    AzureAd {
        tenant_id: String,
        client_id: String,
        client_secret: String,
        authority_host: String,
    },
}

impl Credential {
    /// What kind of credential this is, in words (no secret).
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::SharedKey(_) => "the storage account key",
            Credential::Sas(_) => "a SAS token",
            Credential::AzureAd { .. } => "Azure AD (a service principal's client secret)",
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::SharedKey(_) => f.write_str("SharedKey(<redacted>)"),
            Credential::Sas(_) => f.write_str("Sas(<redacted>)"),
            Credential::AzureAd {
                tenant_id,
                client_id,
                authority_host,
                ..
            } => f
                .debug_struct("AzureAd")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("client_secret", &"<redacted>")
                .field("authority_host", authority_host)
                .finish(),
        }
    }
}

impl fmt::Debug for AzureBlobSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureBlobSettings")
            .field("storage_account_name", &self.storage_account_name)
            .field("container_name", &self.container_name)
            .field("key", &self.key)
            .field("endpoint", &self.endpoint)
            .field("credential", &self.credential)
            .field("snapshot", &self.snapshot)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl AzureBlobSettings {
    /// Resolves `settings` (the backend block's arguments as strings), reading the process
    /// environment for what the block leaves out.
    pub fn resolve(settings: &BTreeMap<String, String>) -> Result<AzureBlobSettings, StateError> {
        AzureBlobSettings::resolve_with(settings, &|name| std::env::var(name).ok())
    }

    /// [`AzureBlobSettings::resolve`] with the environment given as a lookup, for tests.
    pub fn resolve_with(
        settings: &BTreeMap<String, String>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AzureBlobSettings, StateError> {
        if let Some(unknown) = settings.keys().find(|k| {
            ![USED, ACCEPTED_UNUSED, UNSUPPORTED_WHEN_TRUE]
                .iter()
                .any(|names| names.contains(&k.as_str()))
        }) {
            return Err(config_error(
                format!(
                    "the argument `{unknown}` is not supported by clusterform's azurerm backend"
                ),
                format!("supported arguments: {}", USED.join(", ")),
            ));
        }
        let given = |name: &str| {
            settings
                .get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let from_env = |name: &str| {
            env(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let required = |name: &str| {
            given(name).ok_or_else(|| {
                config_error(
                    format!("`{name}` is not set"),
                    format!(
                        "set {name} in the backend \"azurerm\" block, or pass \
                         `clusterform init --backend-config {name}=…`"
                    ),
                )
            })
        };
        // A flag from the block, or else from `var` when there is one.
        let flag =
            |name: &str, var: Option<&str>| match given(name).or_else(|| var.and_then(from_env)) {
                None => Ok(false),
                Some(v) => parse_bool(&v).ok_or_else(|| {
                    config_error(
                        format!("`{name}` must be true or false, not {v:?}"),
                        format!("write {name} = true or {name} = false"),
                    )
                }),
            };
        // Only the block counts here: ARM_USE_CLI and the like are often set for the azurerm
        // provider and say nothing about this backend.
        for name in UNSUPPORTED_WHEN_TRUE {
            if flag(name, None)? {
                return Err(config_error(
                    format!("`{name} = true` is not supported by clusterform's azurerm backend"),
                    "sign in with use_azuread_auth = true and a service principal's client \
                     secret (ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET), the account key \
                     (ARM_ACCESS_KEY) or a SAS token (ARM_SAS_TOKEN)"
                        .into(),
                ));
            }
        }
        let environment = given("environment")
            .or_else(|| from_env("ARM_ENVIRONMENT"))
            .unwrap_or_else(|| "public".into())
            .to_ascii_lowercase();
        let Some(&(_, blob_domain, cloud_authority)) =
            CLOUDS.iter().find(|(name, _, _)| *name == environment)
        else {
            return Err(config_error(
                format!("`environment` {environment:?} is not one clusterform knows"),
                "use public, usgovernment or china, or give the blob service URL with `blob_endpoint`"
                    .into(),
            ));
        };
        let storage_account_name = required("storage_account_name")?;
        let container_name = required("container_name")?;
        let key = required("key")?;
        let endpoint = given("blob_endpoint")
            .unwrap_or_else(|| format!("https://{storage_account_name}.{blob_domain}"));
        let endpoint = endpoint.trim_end_matches('/').to_string();
        if reqwest::Url::parse(&endpoint).is_err()
            || !(endpoint.starts_with("https://") || endpoint.starts_with("http://"))
        {
            return Err(config_error(
                format!("`blob_endpoint` is not an http(s) URL: {endpoint}"),
                "give the blob service URL, such as https://ACCOUNT.blob.core.windows.net".into(),
            ));
        }

        let use_azuread = flag("use_azuread_auth", Some("ARM_USE_AZUREAD"))?;
        let snapshot = flag("snapshot", Some("ARM_SNAPSHOT"))?;
        let credential = if let Some(sas) = given("sas_token").or_else(|| from_env("ARM_SAS_TOKEN"))
        {
            Credential::Sas(sas.trim_start_matches('?').to_string())
        } else if use_azuread {
            let pick = |arg: &str, var: &str| given(arg).or_else(|| from_env(var));
            let tenant_id = pick("tenant_id", "ARM_TENANT_ID");
            let client_id = pick("client_id", "ARM_CLIENT_ID");
            let client_secret = pick("client_secret", "ARM_CLIENT_SECRET");
            match (tenant_id, client_id, client_secret) {
                (Some(tenant_id), Some(client_id), Some(client_secret)) => Credential::AzureAd {
                    tenant_id,
                    client_id,
                    client_secret,
                    authority_host: from_env("ARM_AUTHORITY_HOST")
                        .unwrap_or_else(|| cloud_authority.to_string())
                        .trim_end_matches('/')
                        .to_string(),
                },
                (t, c, s) => {
                    let missing: Vec<&str> = [
                        (t.is_none(), "ARM_TENANT_ID"),
                        (c.is_none(), "ARM_CLIENT_ID"),
                        (s.is_none(), "ARM_CLIENT_SECRET"),
                    ]
                    .into_iter()
                    .filter_map(|(absent, name)| absent.then_some(name))
                    .collect();
                    return Err(config_error(
                        format!(
                            "use_azuread_auth is true, but {} not set",
                            list_with_verb(&missing)
                        ),
                        "set ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET (a service \
                         principal with the Storage Blob Data Contributor role on the container)"
                            .into(),
                    ));
                }
            }
        } else if let Some(key) = given("access_key").or_else(|| from_env("ARM_ACCESS_KEY")) {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(key.as_bytes())
                .map_err(|_| {
                    // The value itself is a secret: say what is wrong without repeating it.
                    config_error(
                        "the storage account key (access_key or ARM_ACCESS_KEY) is not valid \
                         base64"
                            .into(),
                        "copy key1 or key2 from the storage account's Access keys page".into(),
                    )
                })?;
            Credential::SharedKey(bytes)
        } else {
            return Err(config_error(
                format!("no credential for storage account {storage_account_name}"),
                "set ARM_ACCESS_KEY to the account key, ARM_SAS_TOKEN to a SAS token, or \
                 use_azuread_auth = true with ARM_TENANT_ID, ARM_CLIENT_ID and \
                 ARM_CLIENT_SECRET (clusterform does not look the key up through Azure \
                 Resource Manager)"
                    .into(),
            ));
        };
        Ok(AzureBlobSettings {
            storage_account_name,
            container_name,
            key,
            endpoint,
            credential,
            snapshot,
            ca_file: from_env("SSL_CERT_FILE").map(std::path::PathBuf::from),
        })
    }
}

fn config_error(message: String, hint: String) -> StateError {
    StateError::InvalidSettings {
        backend: "azurerm".into(),
        message,
        hint: Some(hint),
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// `A is`, `A and B are`, `A, B and C are`.
fn list_with_verb(names: &[&str]) -> String {
    match names {
        [one] => format!("{one} is"),
        [init @ .., last] => format!("{} and {last} are", init.join(", ")),
        [] => "nothing is".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn base() -> BTreeMap<String, String> {
        settings(&[
            ("storage_account_name", "acct"),
            ("container_name", "tfstate"),
            ("key", "prod.tfstate"),
        ])
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn account_key_from_the_environment_and_the_public_endpoint() {
        let s = AzureBlobSettings::resolve_with(&base(), &env(&[("ARM_ACCESS_KEY", KEY)])).unwrap();
        assert_eq!(s.endpoint, "https://acct.blob.core.windows.net");
        assert!(matches!(s.credential, Credential::SharedKey(ref k) if k.len() == 64));
        let debug = format!("{s:?}");
        assert!(
            !debug.contains(KEY) && debug.contains("<redacted>"),
            "{debug}"
        );
    }

    #[test]
    fn endpoint_override_loses_its_trailing_slash() {
        let mut m = base();
        m.insert(
            "blob_endpoint".into(),
            "http://127.0.0.1:10000/devstoreaccount1/".into(),
        );
        m.insert("access_key".into(), KEY.into());
        let s = AzureBlobSettings::resolve_with(&m, &env(&[])).unwrap();
        assert_eq!(s.endpoint, "http://127.0.0.1:10000/devstoreaccount1");
    }

    #[test]
    fn sas_token_wins_then_azure_ad_then_the_key() {
        let mut m = base();
        m.insert("access_key".into(), KEY.into());
        m.insert("use_azuread_auth".into(), "true".into());
        let ad_env = env(&[
            ("ARM_TENANT_ID", "t"),
            ("ARM_CLIENT_ID", "c"),
            ("ARM_CLIENT_SECRET", "s3cret"),
        ]);
        let s = AzureBlobSettings::resolve_with(&m, &ad_env).unwrap();
        assert!(matches!(
            s.credential,
            Credential::AzureAd { ref authority_host, .. } if authority_host == PUBLIC_AUTHORITY
        ));
        assert!(!format!("{s:?}").contains("s3cret"));

        m.insert("sas_token".into(), "?sv=2023&sig=abc".into());
        let s = AzureBlobSettings::resolve_with(&m, &ad_env).unwrap();
        assert_eq!(s.credential, Credential::Sas("sv=2023&sig=abc".into()));
        assert!(!format!("{s:?}").contains("sig=abc"));
    }

    #[test]
    fn azure_ad_names_every_missing_variable() {
        let mut m = base();
        m.insert("use_azuread_auth".into(), "true".into());
        let err = AzureBlobSettings::resolve_with(&m, &env(&[("ARM_CLIENT_ID", "c")]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ARM_TENANT_ID and ARM_CLIENT_SECRET are not set"),
            "{err}"
        );
    }

    #[test]
    fn missing_and_unknown_arguments_are_named() {
        let mut m = base();
        m.remove("container_name");
        let err = AzureBlobSettings::resolve_with(&m, &env(&[("ARM_ACCESS_KEY", KEY)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`container_name` is not set"), "{err}");
        assert!(err.contains("--backend-config container_name="), "{err}");

        let mut m = base();
        m.insert("bucket".into(), "b".into());
        let err = AzureBlobSettings::resolve_with(&m, &env(&[("ARM_ACCESS_KEY", KEY)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`bucket` is not supported"), "{err}");

        let mut m = base();
        m.insert("use_cli".into(), "true".into());
        let err = AzureBlobSettings::resolve_with(&m, &env(&[("ARM_ACCESS_KEY", KEY)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`use_cli = true` is not supported"), "{err}");

        let mut m = base();
        m.insert("resource_group_name".into(), "rg".into());
        m.insert("use_msi".into(), "false".into());
        m.insert("snapshot".into(), "true".into());
        let s = AzureBlobSettings::resolve_with(&m, &env(&[("ARM_ACCESS_KEY", KEY)])).unwrap();
        assert!(s.snapshot);
    }

    #[test]
    fn environment_picks_the_blob_domain_and_the_authority() {
        let mut m = base();
        m.insert("environment".into(), "USGovernment".into());
        m.insert("use_azuread_auth".into(), "true".into());
        let ad_env = env(&[
            ("ARM_TENANT_ID", "t"),
            ("ARM_CLIENT_ID", "c"),
            ("ARM_CLIENT_SECRET", "s"),
        ]);
        let s = AzureBlobSettings::resolve_with(&m, &ad_env).unwrap();
        assert_eq!(s.endpoint, "https://acct.blob.core.usgovcloudapi.net");
        assert!(matches!(
            s.credential,
            Credential::AzureAd { ref authority_host, .. }
                if authority_host == "https://login.microsoftonline.us"
        ));
        m.insert("environment".into(), "stack".into());
        let err = AzureBlobSettings::resolve_with(&m, &ad_env)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"stack\" is not one clusterform knows"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_key_is_reported_without_its_value() {
        let mut m = base();
        m.insert("access_key".into(), "not base64 at all!".into());
        let err = AzureBlobSettings::resolve_with(&m, &env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not valid base64"), "{err}");
        assert!(!err.contains("not base64 at all"), "{err}");
    }

    #[test]
    fn no_credential_says_what_to_set() {
        let err = AzureBlobSettings::resolve_with(&base(), &env(&[]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no credential for storage account acct"),
            "{err}"
        );
        assert!(err.contains("hint: set ARM_ACCESS_KEY"), "{err}");
    }
}
