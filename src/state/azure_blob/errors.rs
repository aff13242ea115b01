//! Failed Blob service calls as [`StateError::Remote`]: the request that failed, the
//! service's code and message, and a hint for the failures a person can fix (a missing
//! container, a wrong credential, a missing role, an endpoint that does not answer).
//!
//! Must not: put a credential in a message (`rest` has already scrubbed them).

use super::rest::Failure;
use super::Blob;
use crate::state::StateError;

/// A failed call as a [`StateError::Remote`]: the request, the service's code and message,
/// and a hint for the failures people can fix.
pub(super) fn remote(blob: &Blob, what: String, failure: Failure) -> StateError {
    match failure {
        Failure::Service {
            status,
            code,
            message,
        } => {
            let hint = match (status, code.as_str()) {
                (_, "ContainerNotFound") => Some(format!(
                    "create the container first: `az storage container create --account-name {} \
                     --name {}`",
                    blob.account, blob.container
                )),
                (_, "ResourceNotFound") | (_, "AccountIsDisabled") => Some(format!(
                    "check storage_account_name ({}) and endpoint ({})",
                    blob.account, blob.endpoint
                )),
                (_, "AuthorizationPermissionMismatch") => Some(
                    "the service principal needs the Storage Blob Data Contributor role on the \
                     container or the storage account"
                        .into(),
                ),
                (401 | 403, _) => Some(format!(
                    "check the credential for storage account {}: the account key \
                     (access_key or ARM_ACCESS_KEY), the SAS token (sas_token or ARM_SAS_TOKEN), \
                     or the service principal (use_azuread_auth)",
                    blob.account
                )),
                _ => None,
            };
            let message = if code.is_empty() {
                message
            } else {
                format!("{code}: {message}")
            };
            StateError::Remote {
                what,
                message,
                hint,
            }
        }
        Failure::Unreachable(message) => StateError::Remote {
            what,
            message,
            hint: Some(format!(
                "check that {} is reachable, and storage_account_name and endpoint",
                blob.endpoint
            )),
        },
        Failure::Credential(message) => StateError::Remote {
            what: format!(
                "{what}: requesting an Azure AD token from {}",
                blob.service.token_authority().unwrap_or("Azure AD")
            ),
            message,
            hint: Some(
                "check ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET (the service \
                 principal's client secret)"
                    .into(),
            ),
        },
    }
}
