//! The `provider "azurerm"` block, evaluated, and its resolution against the environment:
//! which subscription, which cloud's endpoints, which api-version.
//!
//! Owns the names clusterform reads (Terraform azurerm's `ARM_*` variables, the Azure SDKs'
//! `AZURE_*` ones) and the table of clouds. Must not talk to Azure or choose credentials
//! (`auth.rs` does).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::diag::Diagnostic;
use crate::value::Value;

/// The managedClusters api-version clusterform sends unless the provider block sets
/// `api_version`: the newest GA swagger (`aks/stable/2026-10-01/managedClusters.json`).
pub const DEFAULT_API_VERSION: &str = "2026-10-01";

/// The clouds Terraform's azurerm provider knows by name, with their ARM and Entra ID hosts.
/// <https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure>
const CLOUDS: [(&str, &str, &str); 3] = [
    (
        "public",
        "https://management.azure.com",
        "https://login.microsoftonline.com",
    ),
    (
        "usgovernment",
        "https://management.usgovcloudapi.net",
        "https://login.microsoftonline.us",
    ),
    (
        "china",
        "https://management.chinacloudapi.cn",
        "https://login.chinacloudapi.cn",
    ),
];

/// The base wait between polls; `CLUSTERFORM_POLL_INTERVAL_MS` below it speeds every wait up.
pub const BASE_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// The `provider "azurerm"` block, evaluated. `features {}` is accepted and ignored.
#[derive(Clone, Default, PartialEq)]
pub struct AzureSettings {
    pub subscription_id: Option<String>,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// `public` (the default), `usgovernment` or `china`.
    pub environment: Option<String>,
    pub resource_manager_endpoint: Option<String>,
    pub authority_host: Option<String>,
    pub api_version: Option<String>,
}

impl fmt::Debug for AzureSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureSettings")
            .field("subscription_id", &self.subscription_id)
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| Sensitive),
            )
            .field("environment", &self.environment)
            .field("resource_manager_endpoint", &self.resource_manager_endpoint)
            .field("authority_host", &self.authority_host)
            .field("api_version", &self.api_version)
            .finish()
    }
}

/// Prints as `(sensitive)`, as Terraform shows secrets.
struct Sensitive;

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(sensitive)")
    }
}

/// One Azure cloud's endpoints, after the provider block and the environment had their say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cloud {
    pub environment: String,
    /// `https://management.azure.com`, without a trailing slash.
    pub resource_manager_endpoint: String,
    /// `https://login.microsoftonline.com`, without a trailing slash.
    pub authority_host: String,
}

impl Cloud {
    /// The OAuth resource for ARM tokens. Credentials append `/.default`, so Entra ID is asked
    /// for `https://management.azure.com/.default`.
    pub fn token_resource(&self) -> &str {
        &self.resource_manager_endpoint
    }
}

/// The process environment, or a fixed one in tests (so they never change the real one).
#[derive(Clone, Debug, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

impl Environment {
    /// A snapshot of this process's environment.
    pub fn process() -> Environment {
        Environment {
            vars: std::env::vars().collect(),
        }
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Environment {
        Environment {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The variable's value; an empty value counts as unset, as Terraform treats it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// `CLUSTERFORM_POLL_INTERVAL_MS`, else the 5 s default.
    pub fn poll_interval(&self) -> Duration {
        self.get("CLUSTERFORM_POLL_INTERVAL_MS")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis)
            .unwrap_or(BASE_POLL_INTERVAL)
    }

    /// Whether `CLUSTERFORM_LOG=debug` asks for one stderr line per HTTP call.
    pub fn debug_log(&self) -> bool {
        self.get("CLUSTERFORM_LOG")
            .is_some_and(|v| v.eq_ignore_ascii_case("debug"))
    }
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn trim_slash(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

impl AzureSettings {
    pub fn from_config(v: &Value) -> AzureSettings {
        let s = |name: &str| v.get(name).and_then(Value::as_str).map(str::to_string);
        AzureSettings {
            subscription_id: s("subscription_id"),
            tenant_id: s("tenant_id"),
            client_id: s("client_id"),
            client_secret: s("client_secret"),
            environment: s("environment"),
            resource_manager_endpoint: s("resource_manager_endpoint"),
            authority_host: s("authority_host"),
            api_version: s("api_version"),
        }
    }

    /// The subscription: the block's, else `ARM_SUBSCRIPTION_ID`, else `AZURE_SUBSCRIPTION_ID`.
    pub fn subscription(&self, env: &Environment) -> Result<String, Diagnostic> {
        non_empty(&self.subscription_id)
            .or_else(|| env.get("ARM_SUBSCRIPTION_ID"))
            .or_else(|| env.get("AZURE_SUBSCRIPTION_ID"))
            .map(|s| s.trim().to_string())
            .ok_or_else(|| {
                Diagnostic::error("No Azure subscription")
                    .detail("clusterform looked for a subscription in the provider block's subscription_id, ARM_SUBSCRIPTION_ID and AZURE_SUBSCRIPTION_ID, and found none.")
                    .hint("set subscription_id in the provider \"azurerm\" block, or export ARM_SUBSCRIPTION_ID")
            })
    }

    /// The cloud's endpoints: the block's, else `ARM_RESOURCE_MANAGER_ENDPOINT` and
    /// `ARM_AUTHORITY_HOST` (clusterform's names for pointing at an emulator), else the
    /// named environment's.
    pub fn cloud(&self, env: &Environment) -> Result<Cloud, Diagnostic> {
        let name = non_empty(&self.environment)
            .or_else(|| env.get("ARM_ENVIRONMENT"))
            .unwrap_or("public")
            .to_ascii_lowercase();
        let Some((_, arm, login)) = CLOUDS.iter().find(|(n, _, _)| *n == name) else {
            let valid: Vec<&str> = CLOUDS.iter().map(|(n, _, _)| *n).collect();
            return Err(Diagnostic::error("Unknown Azure environment")
                .detail(format!(
                    "The provider \"azurerm\" block (or ARM_ENVIRONMENT) names the environment \"{name}\"; clusterform knows {}.",
                    valid.join(", ")
                ))
                .hint("set environment to one of those, or set resource_manager_endpoint and authority_host for another cloud"));
        };
        let endpoint = non_empty(&self.resource_manager_endpoint)
            .or_else(|| env.get("ARM_RESOURCE_MANAGER_ENDPOINT"))
            .unwrap_or(arm);
        let authority = non_empty(&self.authority_host)
            .or_else(|| env.get("ARM_AUTHORITY_HOST"))
            .unwrap_or(login);
        for (what, url) in [
            ("resource_manager_endpoint", endpoint),
            ("authority_host", authority),
        ] {
            if azure_core::Url::parse(url).is_err() {
                return Err(Diagnostic::error(format!("Invalid Azure {what}"))
                    .detail(format!("\"{url}\" is not a URL."))
                    .hint("write the whole URL, e.g. https://management.azure.com"));
            }
        }
        Ok(Cloud {
            environment: name,
            resource_manager_endpoint: trim_slash(endpoint),
            authority_host: trim_slash(authority),
        })
    }

    /// The api-version to send: the block's `api_version`, else [`DEFAULT_API_VERSION`].
    pub fn api_version(&self) -> String {
        non_empty(&self.api_version)
            .unwrap_or(DEFAULT_API_VERSION)
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(pairs: &[(&str, &str)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (*k, Value::from(*v))))
    }

    #[test]
    fn reads_the_block_and_ignores_features() {
        let mut v = block(&[
            ("subscription_id", "sub"),
            ("client_secret", "s3cret"),
            ("api_version", "2025-10-01"),
        ]);
        if let Value::Object(m) = &mut v {
            m.insert("features".into(), Value::object([("x", Value::Null)]));
        }
        let s = AzureSettings::from_config(&v);
        assert_eq!(s.subscription_id.as_deref(), Some("sub"));
        assert_eq!(s.api_version(), "2025-10-01");
        assert_eq!(s.environment, None);
    }

    #[test]
    fn debug_hides_the_secret() {
        let s = AzureSettings {
            client_secret: Some("s3cret".into()),
            ..Default::default()
        };
        let text = format!("{s:?}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("(sensitive)"), "{text}");
    }

    #[test]
    fn subscription_comes_from_the_block_then_arm_then_azure() {
        let env = Environment::from_pairs([
            ("ARM_SUBSCRIPTION_ID", "arm"),
            ("AZURE_SUBSCRIPTION_ID", "azure"),
        ]);
        let from_block = AzureSettings {
            subscription_id: Some("block".into()),
            ..Default::default()
        };
        assert_eq!(from_block.subscription(&env).unwrap(), "block");
        assert_eq!(AzureSettings::default().subscription(&env).unwrap(), "arm");
        let only_azure = Environment::from_pairs([("AZURE_SUBSCRIPTION_ID", "azure")]);
        assert_eq!(
            AzureSettings::default().subscription(&only_azure).unwrap(),
            "azure"
        );
        let none = AzureSettings::default()
            .subscription(&Environment::default())
            .unwrap_err();
        assert!(none.hint.unwrap().contains("ARM_SUBSCRIPTION_ID"));
    }

    #[test]
    fn clouds_by_name_and_overrides() {
        let env = Environment::default();
        let public = AzureSettings::default().cloud(&env).unwrap();
        assert_eq!(
            public.resource_manager_endpoint,
            "https://management.azure.com"
        );
        assert_eq!(public.authority_host, "https://login.microsoftonline.com");
        let gov = AzureSettings {
            environment: Some("USGovernment".into()),
            ..Default::default()
        }
        .cloud(&env)
        .unwrap();
        assert_eq!(
            gov.resource_manager_endpoint,
            "https://management.usgovcloudapi.net"
        );
        assert_eq!(gov.authority_host, "https://login.microsoftonline.us");
        let china = AzureSettings {
            environment: Some("china".into()),
            ..Default::default()
        }
        .cloud(&env)
        .unwrap();
        assert_eq!(china.authority_host, "https://login.chinacloudapi.cn");

        let emulator = Environment::from_pairs([
            ("ARM_RESOURCE_MANAGER_ENDPOINT", "http://127.0.0.1:9999/"),
            ("ARM_AUTHORITY_HOST", "http://127.0.0.1:9999"),
        ]);
        let c = AzureSettings::default().cloud(&emulator).unwrap();
        assert_eq!(c.resource_manager_endpoint, "http://127.0.0.1:9999");
        assert_eq!(c.token_resource(), "http://127.0.0.1:9999");
        let block_wins = AzureSettings {
            resource_manager_endpoint: Some("https://arm.example".into()),
            ..Default::default()
        }
        .cloud(&emulator)
        .unwrap();
        assert_eq!(block_wins.resource_manager_endpoint, "https://arm.example");
        assert_eq!(block_wins.authority_host, "http://127.0.0.1:9999");
    }

    #[test]
    fn an_unknown_environment_names_the_valid_ones() {
        let err = AzureSettings {
            environment: Some("german".into()),
            ..Default::default()
        }
        .cloud(&Environment::default())
        .unwrap_err();
        let detail = err.detail.unwrap();
        assert!(detail.contains("\"german\""), "{detail}");
        assert!(detail.contains("public, usgovernment, china"), "{detail}");
    }

    #[test]
    fn api_version_defaults_to_the_swagger() {
        assert_eq!(AzureSettings::default().api_version(), DEFAULT_API_VERSION);
    }

    #[test]
    fn poll_interval_from_the_environment() {
        let env = Environment::from_pairs([("CLUSTERFORM_POLL_INTERVAL_MS", "100")]);
        assert_eq!(env.poll_interval(), Duration::from_millis(100));
        assert_eq!(Environment::default().poll_interval(), BASE_POLL_INTERVAL);
    }
}
