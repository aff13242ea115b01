//! Azure errors in words: ARM's `error.code` and `error.message`, the request that failed, and
//! what to do about the common ones.
//!
//! Owns: turning `azure_core::Error` and failed long-running operations into [`Diagnostic`]s.
//! Must not: show a Rust debug dump, a header or a token (an `HttpError`'s `Display` prints
//! response headers and the raw body, so it is read field by field instead).

use azure_core::error::ErrorKind;

use super::auth::{chain, CREDENTIAL_HINT};
use crate::diag::Diagnostic;

/// What a failed call was trying to do, for the message: `PUT managedCluster rg-dev/aks-dev`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The swagger's operationId: `ManagedClusters_CreateOrUpdate`.
    pub operation: &'static str,
    pub method: &'static str,
    /// `managedCluster rg-dev/aks-dev`, or `managedClusters in rg-dev`.
    pub target: String,
}

impl Request {
    pub fn cluster(operation: &'static str, method: &'static str, rg: &str, name: &str) -> Request {
        Request {
            operation,
            method,
            target: format!("managedCluster {rg}/{name}"),
        }
    }

    fn summary(&self) -> String {
        format!("Azure {} failed", self.operation)
    }

    fn prefix(&self) -> String {
        format!("{} {}", self.method, self.target)
    }
}

/// ARM's code and message of a failed HTTP response, when the error is one.
pub fn http_code(err: &azure_core::Error) -> Option<(u16, Option<String>, Option<String>)> {
    let e = err.as_http_error()?;
    Some((
        e.status() as u16,
        e.error_code().map(str::to_string),
        e.error_message().map(str::to_string),
    ))
}

/// What to do about an ARM error code, when there is something to say.
fn hint_for(code: &str, api_version: &str) -> Option<String> {
    let h = match code {
        "AuthorizationFailed" | "LinkedAuthorizationFailed" => {
            "the identity clusterform signs in as lacks a role for this action: grant it one (e.g. Azure Kubernetes Service Contributor, or Contributor) on the resource group".to_string()
        }
        "AuthenticationFailed"
        | "InvalidAuthenticationToken"
        | "InvalidAuthenticationTokenTenant"
        | "ExpiredAuthenticationToken" => format!(
            "Azure refused the token: check that the credentials belong to the subscription's tenant; {CREDENTIAL_HINT}"
        ),
        "NoRegisteredProviderFound" | "InvalidApiVersionParameter" | "InvalidResourceType" => format!(
            "clusterform sent api-version {api_version}; set api_version in the provider \"azurerm\" block to a version Azure serves (ARM's message lists them)"
        ),
        "ResourceGroupNotFound" => {
            "create the resource group first (az group create, or an azurerm_resource_group), or correct resource_group_name".to_string()
        }
        "SubscriptionNotFound" | "InvalidSubscriptionId" => {
            "check subscription_id in the provider block, or ARM_SUBSCRIPTION_ID".to_string()
        }
        "MissingSubscriptionRegistration" => {
            "register the resource provider: az provider register --namespace Microsoft.ContainerService".to_string()
        }
        "OperationNotAllowed" | "Conflict" => {
            "another operation is running on the cluster; wait for it to finish (az aks show shows its provisioningState), then apply again".to_string()
        }
        "ConnectionFailed" => {
            "check resource_manager_endpoint (or ARM_RESOURCE_MANAGER_ENDPOINT) and your network".to_string()
        }
        _ => return None,
    };
    Some(h)
}

/// Turns a failed call into a diagnostic that names the request and keeps ARM's words.
pub fn describe(req: &Request, err: &azure_core::Error, api_version: &str) -> Diagnostic {
    if let Some((status, code, message)) = http_code(err) {
        return arm_error(
            req,
            status,
            code.as_deref(),
            message.as_deref(),
            api_version,
        );
    }
    match err.kind() {
        ErrorKind::Credential => Diagnostic::error("Azure authentication failed")
            .detail(format!(
                "{}: could not get an access token: {}",
                req.prefix(),
                chain(err)
            ))
            .hint(CREDENTIAL_HINT),
        ErrorKind::Io => Diagnostic::error(req.summary())
            .detail(format!(
                "{}: ConnectionFailed: could not reach Azure: {}",
                req.prefix(),
                chain(err)
            ))
            .hint(hint_for("ConnectionFailed", api_version).unwrap_or_default()),
        ErrorKind::DataConversion => Diagnostic::error(req.summary()).detail(format!(
            "{}: Azure's response could not be read: {}",
            req.prefix(),
            chain(err)
        )),
        _ => Diagnostic::error(req.summary()).detail(format!("{}: {}", req.prefix(), chain(err))),
    }
}

/// A failed HTTP response from ARM.
pub fn arm_error(
    req: &Request,
    status: u16,
    code: Option<&str>,
    message: Option<&str>,
    api_version: &str,
) -> Diagnostic {
    let words = match (code, message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => format!("{c} (HTTP {status})"),
        (None, Some(m)) => format!("HTTP {status}: {m}"),
        (None, None) => format!("HTTP {status} with no error details"),
    };
    let d = Diagnostic::error(req.summary()).detail(format!("{}: {words}", req.prefix()));
    match code.and_then(|c| hint_for(c, api_version)) {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// A failed response read by clusterform itself (LRO polls, delete): ARM's `error` object.
pub fn from_body(req: &Request, status: u16, body: &[u8], api_version: &str) -> Diagnostic {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let error = json.get("error").unwrap_or(&json);
    let field = |name: &str| error.get(name).and_then(|v| v.as_str());
    arm_error(req, status, field("code"), field("message"), api_version)
}

/// A long-running operation that ended `Failed` or `Canceled`.
pub fn operation_failed(
    req: &Request,
    status: &str,
    code: Option<&str>,
    message: Option<&str>,
    api_version: &str,
) -> Diagnostic {
    let words = match (code, message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        (None, Some(m)) => m.to_string(),
        (None, None) => "Azure gave no reason".to_string(),
    };
    let d = Diagnostic::error(req.summary()).detail(format!(
        "{}: the operation ended {status}: {words}",
        req.prefix()
    ));
    match code.and_then(|c| hint_for(c, api_version)) {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// The wait was cancelled (Ctrl-C); Azure carries on regardless.
pub fn interrupted(req: &Request) -> Diagnostic {
    Diagnostic::error("Interrupted")
        .detail(format!(
            "The wait for {} {} was interrupted; the operation may still be running in Azure.",
            req.method, req.target
        ))
        .hint("check the cluster with az aks show, then run clusterform apply again (a refresh picks up what Azure finished)")
}

/// The wait took longer than clusterform allows.
pub fn timed_out(req: &Request, minutes: u64) -> Diagnostic {
    Diagnostic::error("Timed out")
        .detail(format!(
            "{} {} did not finish within {minutes} minutes; the operation may still be running in Azure.",
            req.method, req.target
        ))
        .hint("check the cluster with az aks show, then run clusterform apply again")
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::error::Error;

    fn put() -> Request {
        Request::cluster("ManagedClusters_CreateOrUpdate", "PUT", "rg-dev", "aks-dev")
    }

    #[test]
    fn arm_errors_name_the_request_and_keep_the_code() {
        let d = arm_error(
            &put(),
            400,
            Some("PropertyChangeNotAllowed"),
            Some("Changing property 'enablePrivateCluster' is not allowed."),
            "2026-10-01",
        );
        assert_eq!(d.summary, "Azure ManagedClusters_CreateOrUpdate failed");
        assert_eq!(
            d.detail.as_deref(),
            Some("PUT managedCluster rg-dev/aks-dev: PropertyChangeNotAllowed: Changing property 'enablePrivateCluster' is not allowed.")
        );
        assert_eq!(d.hint, None);
    }

    #[test]
    fn hints_for_the_common_codes() {
        let h = |code: &str| {
            arm_error(&put(), 400, Some(code), Some("m"), "2099-01-01")
                .hint
                .unwrap_or_default()
        };
        assert!(h("AuthorizationFailed").contains("role"));
        assert!(h("InvalidAuthenticationToken").contains("az login"));
        assert!(h("NoRegisteredProviderFound").contains("api_version"));
        assert!(h("NoRegisteredProviderFound").contains("2099-01-01"));
        assert!(h("ResourceGroupNotFound").contains("resource group"));
    }

    #[test]
    fn connection_and_credential_failures() {
        let io = Error::message(ErrorKind::Io, "tcp connect error: Connection refused");
        let d = describe(&put(), &io, "2026-10-01");
        assert!(d.detail.as_deref().unwrap().contains("ConnectionFailed"));
        assert!(d.hint.unwrap().contains("resource_manager_endpoint"));

        let cred = Error::message(
            ErrorKind::Credential,
            "a client secret from ARM_CLIENT_ID failed: invalid_client: AADSTS7000215",
        );
        let d = describe(&put(), &cred, "2026-10-01");
        assert_eq!(d.summary, "Azure authentication failed");
        assert!(d.detail.unwrap().contains("AADSTS7000215"));
        assert!(d.hint.unwrap().contains("az login"));
    }

    #[test]
    fn bodies_read_by_clusterform() {
        let body = br#"{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'rg-dev' could not be found."}}"#;
        let d = from_body(&put(), 404, body, "2026-10-01");
        assert_eq!(
            d.detail.as_deref(),
            Some("PUT managedCluster rg-dev/aks-dev: ResourceGroupNotFound: Resource group 'rg-dev' could not be found.")
        );
        assert!(d.hint.is_some());
        let d = from_body(&put(), 502, b"<html>bad gateway</html>", "2026-10-01");
        assert_eq!(
            d.detail.as_deref(),
            Some("PUT managedCluster rg-dev/aks-dev: HTTP 502 with no error details")
        );
    }

    #[test]
    fn failed_operations_keep_azure_words() {
        let d = operation_failed(
            &put(),
            "Failed",
            Some("VMExtensionProvisioningError"),
            Some("boom"),
            "2026-10-01",
        );
        assert_eq!(
            d.detail.as_deref(),
            Some("PUT managedCluster rg-dev/aks-dev: the operation ended Failed: VMExtensionProvisioningError: boom")
        );
        let i = interrupted(&put());
        assert!(i.detail.unwrap().contains("may still be running in Azure"));
    }
}
