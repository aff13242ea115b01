//! The `azurerm` backend: the state as a block blob in an Azure Storage container, locked
//! with a blob lease — Terraform's azurerm backend, blob for blob, so either tool can use the
//! other's state and see the other's lock.
//!
//! - The default workspace's state is the blob `key`; workspace `NAME`'s is `<key>env:NAME`.
//! - Reads remember the blob's ETag; writes are conditional on it (`If-Match`, or
//!   `If-None-Match: *` when there was no blob) and carry the lease while we hold the lock, so
//!   a concurrent writer is reported ([`StateError::Conflict`]) and never overwritten.
//! - The lock is an infinite lease with the lock info in the blob's metadata
//!   (`lock`).
//!
//! The pieces, one module each: `settings` (arguments, environment, credential choice),
//! `auth` (Shared Key signing, Azure AD tokens), `rest` (the REST calls and retries, on the
//! backend's own runtime), `errors` (failures in words, with hints), `xml` (the XML
//! answers), `lock` (the lease).
//!
//! Must not: print or write a credential anywhere, or know about plans and providers.

mod auth;
mod errors;
mod lock;
mod rest;
mod settings;
mod xml;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;

use self::errors::remote;
use self::rest::{BlobService, Call, Failure};
pub use self::settings::{AzureBlobSettings, Credential};
use super::{Backend, LockInfo, State, StateError, StateLock, DEFAULT_WORKSPACE};

/// What separates the key from a workspace name in the blob name (Terraform's `keyEnvPrefix`).
pub const WORKSPACE_SEPARATOR: &str = "env:";

/// The blob holding `workspace`'s state when the backend's key is `key`.
pub fn blob_name(key: &str, workspace: &str) -> String {
    if workspace == DEFAULT_WORKSPACE {
        key.to_string()
    } else {
        format!("{key}{WORKSPACE_SEPARATOR}{workspace}")
    }
}

/// The workspace whose state `blob` is, if it is one (names with `/` are not).
fn workspace_of(key: &str, blob: &str) -> Option<String> {
    if blob == key {
        return Some(DEFAULT_WORKSPACE.to_string());
    }
    let name = blob.strip_prefix(key)?.strip_prefix(WORKSPACE_SEPARATOR)?;
    (!name.is_empty() && !name.contains('/')).then(|| name.to_string())
}

/// The state of one workspace in an Azure Storage container.
pub struct AzureBlobBackend {
    settings: AzureBlobSettings,
    blob: Arc<Blob>,
}

/// One blob, and what this process knows about it; shared with the lock it hands out.
struct Blob {
    service: Arc<BlobService>,
    account: String,
    container: String,
    name: String,
    /// `container/name`, as Terraform writes it into `LockInfo.Path`.
    path: String,
    endpoint: String,
    /// The lease this process holds on the blob, if any.
    lease: Mutex<Option<Lease>>,
    /// What the last read or write saw; `None` until one happened.
    seen: Mutex<Option<Seen>>,
}

#[derive(Clone, Debug)]
struct Lease {
    /// The lease ID, which is also the lock ID.
    id: String,
    /// The lock info as stored in the metadata.
    lock_value: String,
}

#[derive(Clone, Debug)]
struct Seen {
    /// `None` when there was no blob.
    etag: Option<String>,
    /// The blob's metadata other than the lock info, kept across writes.
    metadata: BTreeMap<String, String>,
}

impl Blob {
    fn new(service: Arc<BlobService>, settings: &AzureBlobSettings, name: String) -> Blob {
        Blob {
            service,
            account: settings.storage_account_name.clone(),
            container: settings.container_name.clone(),
            path: format!("{}/{name}", settings.container_name),
            name,
            endpoint: settings.endpoint.clone(),
            lease: Mutex::new(None),
            seen: Mutex::new(None),
        }
    }

    /// `blob tfstate/prod.tfstate`, for error messages.
    fn location(&self) -> String {
        format!("blob {}", self.path)
    }

    fn seen(&self) -> Option<Seen> {
        self.seen.lock().ok().and_then(|s| s.clone())
    }

    fn remember(&self, seen: Seen) {
        if let Ok(mut s) = self.seen.lock() {
            *s = Some(seen);
        }
    }

    /// The blob's ETag went from one of `unchanged` to `now` through this process's own
    /// lock bookkeeping (metadata, the empty blob a lock makes), not through a change of state:
    /// a read that saw one of `unchanged` now counts as having seen `now`.
    fn carry_seen(&self, unchanged: &[Option<String>], now: Option<String>) {
        let Some(now) = now else { return };
        if let Ok(mut seen) = self.seen.lock() {
            if let Some(seen) = seen.as_mut() {
                if unchanged.contains(&seen.etag) {
                    seen.etag = Some(now);
                }
            }
        }
    }

    fn held_lease(&self) -> Option<Lease> {
        self.lease.lock().ok().and_then(|l| l.clone())
    }
}

impl AzureBlobBackend {
    /// `settings`: the backend block's arguments merged with `init --backend-config`
    /// (storage_account_name, container_name, key, resource_group_name, use_azuread_auth,
    /// endpoint, access_key, …), as strings. Credentials missing from them are read from
    /// Terraform's `ARM_*` variables. Makes no request.
    pub fn new(
        settings: &BTreeMap<String, String>,
        workspace: &str,
    ) -> Result<AzureBlobBackend, StateError> {
        AzureBlobBackend::from_settings(AzureBlobSettings::resolve(settings)?, workspace)
    }

    /// A backend for settings already resolved (say, with
    /// [`AzureBlobSettings::resolve_with`] and an environment of the caller's choosing).
    pub fn from_settings(
        settings: AzureBlobSettings,
        workspace: &str,
    ) -> Result<AzureBlobBackend, StateError> {
        let service =
            BlobService::new(&settings).map_err(|message| StateError::InvalidSettings {
                backend: "azurerm".into(),
                message,
                hint: None,
            })?;
        let name = blob_name(&settings.key, workspace);
        let blob = Arc::new(Blob::new(Arc::new(service), &settings, name));
        Ok(AzureBlobBackend { settings, blob })
    }

    /// The name of the blob holding this workspace's state.
    pub fn blob_name(&self) -> &str {
        &self.blob.name
    }

    /// Creates the container if it does not exist. Terraform expects it to exist already;
    /// this is for bootstrapping (and tests).
    pub fn create_container(&self) -> Result<(), StateError> {
        let blob = &self.blob;
        let call = Call::new(Method::PUT, &blob.container, None).query("restype", "container");
        match blob.service.call(call) {
            Ok(_) => Ok(()),
            Err(f) if f.code() == "ContainerAlreadyExists" => Ok(()),
            Err(f) => Err(remote(
                blob,
                format!("create container {}", blob.container),
                f,
            )),
        }
    }

    /// Who holds the lock on this workspace's state, if anyone.
    pub fn current_lock(&self) -> Result<Option<LockInfo>, StateError> {
        lock::current(&self.blob)
    }

    /// The blob's current ETag, or `None` when it does not exist; remembers nothing.
    fn look(&self) -> Result<Seen, StateError> {
        let blob = &self.blob;
        match blob
            .service
            .call(Call::new(Method::HEAD, &blob.container, Some(&blob.name)))
        {
            Ok(answer) => {
                let mut metadata = answer.metadata();
                metadata.remove(lock::METADATA_KEY);
                Ok(Seen {
                    etag: answer.etag(),
                    metadata,
                })
            }
            Err(f) if f.status() == Some(404) && f.code() != "ContainerNotFound" => Ok(Seen {
                etag: None,
                metadata: BTreeMap::new(),
            }),
            Err(f) => Err(remote(blob, format!("HEAD blob {}", blob.path), f)),
        }
    }

    /// Keeps the blob as it is now in a snapshot (Terraform's `snapshot = true`).
    fn snapshot(&self, lease: Option<&Lease>) -> Result<(), StateError> {
        let blob = &self.blob;
        let mut call =
            Call::new(Method::PUT, &blob.container, Some(&blob.name)).query("comp", "snapshot");
        if let Some(lease) = lease {
            call = call.header("x-ms-lease-id", lease.id.as_str());
        }
        match blob.service.call(call) {
            Ok(_) => Ok(()),
            Err(f) if f.code() == "BlobNotFound" => Ok(()),
            Err(f) => Err(remote(blob, format!("snapshot blob {}", blob.path), f)),
        }
    }

    /// A write was refused because the blob changed. If what is there now is exactly what
    /// we wrote, an earlier attempt of this write landed before its answer was lost.
    fn conflict(&self, seen: &Seen, body: &[u8]) -> Result<(), StateError> {
        let blob = &self.blob;
        let now = match blob
            .service
            .call(Call::new(Method::GET, &blob.container, Some(&blob.name)))
        {
            Ok(answer) if answer.body == body => {
                blob.remember(Seen {
                    etag: answer.etag(),
                    metadata: seen.metadata.clone(),
                });
                return Ok(());
            }
            Ok(answer) => answer.etag(),
            Err(f) if f.code() == "BlobNotFound" => None,
            Err(f) => return Err(remote(blob, format!("GET blob {}", blob.path), f)),
        };
        let version = |etag: &Option<String>| etag.clone().unwrap_or_else(|| "no blob".into());
        Err(StateError::Conflict {
            location: self.describe(),
            expected: version(&seen.etag),
            found: version(&now),
        })
    }

    /// The error for a write or delete refused because someone else holds the lease.
    fn held_by_another(&self, blob: &Blob, what: String, failure: Failure) -> StateError {
        match lock::current(blob) {
            Ok(Some(info)) => StateError::Locked {
                info: Box::new(info),
                holder_gone: false,
            },
            _ => remote(blob, what, failure),
        }
    }
}

impl Backend for AzureBlobBackend {
    /// `None` when the blob does not exist or is empty (a lock taken before any state).
    fn read(&self) -> Result<Option<State>, StateError> {
        let blob = &self.blob;
        let answer =
            match blob
                .service
                .call(Call::new(Method::GET, &blob.container, Some(&blob.name)))
            {
                Ok(answer) => answer,
                Err(f) if f.code() == "BlobNotFound" => {
                    blob.remember(Seen {
                        etag: None,
                        metadata: BTreeMap::new(),
                    });
                    return Ok(None);
                }
                Err(f) => return Err(remote(blob, format!("GET blob {}", blob.path), f)),
            };
        let mut metadata = answer.metadata();
        metadata.remove(lock::METADATA_KEY);
        blob.remember(Seen {
            etag: answer.etag(),
            metadata,
        });
        let text = String::from_utf8(answer.body).map_err(|_| StateError::Invalid {
            path: Some(blob.location().into()),
            message: "the blob is not UTF-8 text".into(),
        })?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        State::from_json_at(&text, Path::new(&blob.location())).map(Some)
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        let blob = &self.blob;
        let body = state.to_json().into_bytes();
        let seen = match blob.seen() {
            Some(seen) => seen,
            // Written without a read (state push): the condition is the blob as it is now.
            None => self.look()?,
        };
        let lease = blob.held_lease();
        if self.settings.snapshot && seen.etag.is_some() {
            self.snapshot(lease.as_ref())?;
        }
        let mut call = Call::new(Method::PUT, &blob.container, Some(&blob.name))
            .header("x-ms-blob-type", "BlockBlob")
            .header("content-type", "application/json")
            .body(body.clone());
        call = match &seen.etag {
            Some(etag) => call.header("if-match", etag.as_str()),
            None => call.header("if-none-match", "*"),
        };
        // Put Blob replaces the metadata: send what the blob had, and our lock info.
        let mut metadata = seen.metadata.clone();
        if let Some(lease) = &lease {
            metadata.insert(lock::METADATA_KEY.into(), lease.lock_value.clone());
            call = call.header("x-ms-lease-id", lease.id.as_str());
        }
        for (name, value) in &metadata {
            call = call.header(format!("x-ms-meta-{name}"), value.as_str());
        }
        let what = format!("PUT blob {}", blob.path);
        match blob.service.call(call) {
            Ok(answer) => {
                blob.remember(Seen {
                    etag: answer.etag(),
                    metadata: seen.metadata,
                });
                Ok(())
            }
            Err(f) if matches!(f.code(), "ConditionNotMet" | "BlobAlreadyExists") => {
                self.conflict(&seen, &body)
            }
            Err(f) if f.code() == "LeaseIdMissing" => Err(self.held_by_another(blob, what, f)),
            Err(f) if f.code().starts_with("LeaseIdMismatch") => Err(StateError::LockLost {
                path: blob.location().into(),
                ours: lease.map(|l| l.id).unwrap_or_default(),
                now: lock::current(blob)
                    .ok()
                    .flatten()
                    .map_or_else(|| "(unknown)".into(), |i| i.id),
            }),
            Err(f) if f.code().starts_with("LeaseNotPresent") => Err(StateError::Remote {
                what,
                message: format!(
                    "the state lock {} was removed (force-unlock) while this run held it; \
                     nothing was written",
                    lease.map(|l| l.id).unwrap_or_default()
                ),
                hint: Some("another run may have changed the state since; check it".into()),
            }),
            Err(f) => Err(remote(blob, what, f)),
        }
    }

    fn lock(&self, operation: &str, timeout: Duration) -> Result<StateLock, StateError> {
        lock::acquire(&self.blob, operation, timeout)
    }

    fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        lock::force_unlock(&self.blob, id)
    }

    fn describe(&self) -> String {
        format!(
            "blob {} in Azure storage account {}",
            self.blob.path, self.blob.account
        )
    }

    /// `default` and every `<key>env:NAME` blob's `NAME`, sorted.
    fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let blob = &self.blob;
        let key = &self.settings.key;
        let mut names = BTreeSet::from([DEFAULT_WORKSPACE.to_string()]);
        let mut marker: Option<String> = None;
        loop {
            let mut call = Call::new(Method::GET, &blob.container, None)
                .query("restype", "container")
                .query("comp", "list")
                .query("prefix", key.as_str());
            if let Some(m) = &marker {
                call = call.query("marker", m.as_str());
            }
            let answer = blob.service.call(call).map_err(|f| {
                remote(
                    blob,
                    format!("list blobs in container {}", blob.container),
                    f,
                )
            })?;
            let (blobs, next) = xml::listed_blobs(&String::from_utf8_lossy(&answer.body));
            names.extend(blobs.iter().filter_map(|b| workspace_of(key, b)));
            match next {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        Ok(names.into_iter().collect())
    }

    /// Deletes `<key>env:NAME` (and its snapshots). Refused while the workspace is locked.
    fn delete_workspace(&self, name: &str) -> Result<(), StateError> {
        let what = format!("delete workspace {name}");
        if name == DEFAULT_WORKSPACE {
            return Err(StateError::Remote {
                what,
                message: "the default workspace cannot be deleted".into(),
                hint: None,
            });
        }
        let target = Blob::new(
            Arc::clone(&self.blob.service),
            &self.settings,
            blob_name(&self.settings.key, name),
        );
        let call = Call::new(Method::DELETE, &target.container, Some(&target.name))
            .header("x-ms-delete-snapshots", "include");
        match target.service.call(call) {
            Ok(_) => Ok(()),
            Err(f) if f.code() == "BlobNotFound" => Ok(()),
            Err(f) if f.code() == "LeaseIdMissing" => Err(self.held_by_another(&target, what, f)),
            Err(f) => Err(remote(&target, format!("DELETE blob {}", target.path), f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspaces_follow_terraforms_blob_names() {
        assert_eq!(blob_name("prod.tfstate", "default"), "prod.tfstate");
        assert_eq!(blob_name("prod.tfstate", "blue"), "prod.tfstateenv:blue");
        assert_eq!(
            workspace_of("prod.tfstate", "prod.tfstate").as_deref(),
            Some("default")
        );
        assert_eq!(
            workspace_of("prod.tfstate", "prod.tfstateenv:blue").as_deref(),
            Some("blue")
        );
        assert_eq!(workspace_of("prod.tfstate", "prod.tfstateenv:"), None);
        assert_eq!(workspace_of("prod.tfstate", "prod.tfstateenv:a/b"), None);
        assert_eq!(workspace_of("prod.tfstate", "prod.tfstate.backup"), None);
    }
}
