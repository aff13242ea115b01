//! The `azurerm` backend's lock: an infinite lease on the state blob, with the [`LockInfo`]
//! in the blob's metadata, as Terraform's azurerm backend does it.
//!
//! Taking the lock: create the blob empty if it does not exist, acquire a lease whose ID is
//! the lock's ID, then store the lock info (base64 of its JSON) in the metadata key
//! `terraformlockid`. A second run's acquire is refused with `LeaseAlreadyPresent`; it reads
//! the metadata and reports who holds the lock. Because the lease ID is the lock ID (as in
//! Terraform), `force-unlock ID` can release the lease of a run that died, after checking the
//! ID in the metadata; a lease taken under another ID is broken instead.
//!
//! Leases: <https://learn.microsoft.com/rest/api/storageservices/lease-blob>.
//!
//! Owns: the lease calls, the metadata format and the lock errors. Must not: read or write
//! the state itself (`azure_blob` does).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Method;

use super::errors::remote;
use super::rest::{Answer, Call, Failure};
use super::{Blob, Lease};
use crate::state::{HeldLock, LockInfo, StateError, StateLock};

/// The metadata key Terraform's azurerm backend stores the lock info under.
pub(super) const METADATA_KEY: &str = "terraformlockid";
/// How often a waiting `lock` tries again.
const RETRY_EVERY: Duration = Duration::from_millis(500);
/// How often a refusal re-reads a lease that has no lock info yet (its holder is between
/// acquiring the lease and writing the metadata).
const UNWRITTEN_RETRIES: u32 = 10;

/// The lock info as stored in the metadata: base64 of its JSON.
pub(super) fn encode(info: &LockInfo) -> String {
    let json = serde_json::to_string(info).expect("lock info serialises as JSON");
    base64::engine::general_purpose::STANDARD.encode(json)
}

/// The lock info in a metadata value, or what is wrong with it.
pub(super) fn decode(value: &str) -> Result<LockInfo, String> {
    let json = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .map_err(|e| format!("not base64: {e}"))?;
    serde_json::from_slice(&json).map_err(|e| format!("not lock info JSON: {e}"))
}

/// The lease state and lock info of the blob, from its properties.
pub(super) struct LeaseView {
    pub etag: Option<String>,
    pub leased: bool,
    /// `None` when the metadata has no lock info; `Some(Err)` when it cannot be read.
    pub info: Option<Result<LockInfo, String>>,
    pub metadata: BTreeMap<String, String>,
}

impl LeaseView {
    fn of(answer: &Answer) -> LeaseView {
        let metadata = answer.metadata();
        LeaseView {
            etag: answer.etag(),
            leased: answer.header("x-ms-lease-state") == Some("leased"),
            info: metadata.get(METADATA_KEY).map(|v| decode(v)),
            metadata,
        }
    }
}

/// The blob's lease and lock info; `None` when the blob does not exist.
pub(super) fn view(blob: &Blob) -> Result<Option<LeaseView>, StateError> {
    match blob
        .service
        .call(Call::new(Method::HEAD, &blob.container, Some(&blob.name)))
    {
        Ok(answer) => Ok(Some(LeaseView::of(&answer))),
        Err(f) if f.status() == Some(404) && f.code() != "ContainerNotFound" => Ok(None),
        Err(f) => Err(remote(blob, format!("HEAD blob {}", blob.path), f)),
    }
}

/// Who holds the lock now, if anyone.
pub(super) fn current(blob: &Blob) -> Result<Option<LockInfo>, StateError> {
    match holder(blob)? {
        Holder::Nobody => Ok(None),
        Holder::Known(info) => Ok(Some(info)),
        Holder::Unknown(problem) => Err(unreadable(blob, problem)),
    }
}

enum Holder {
    Nobody,
    Known(LockInfo),
    /// A lease without readable lock info, and what is wrong with the info if there is some.
    Unknown(Option<String>),
}

/// Who holds the lease. A holder that has not yet written its lock info (it is between
/// acquiring the lease and setting the metadata) is given a moment to.
fn holder(blob: &Blob) -> Result<Holder, StateError> {
    let mut problem = None;
    for attempt in 0..UNWRITTEN_RETRIES {
        if attempt > 0 {
            thread::sleep(Duration::from_millis(100));
        }
        match view(blob)? {
            None | Some(LeaseView { leased: false, .. }) => return Ok(Holder::Nobody),
            Some(LeaseView {
                info: Some(Ok(info)),
                ..
            }) => return Ok(Holder::Known(info)),
            Some(LeaseView { info, .. }) => problem = info.and_then(Result::err),
        }
    }
    Ok(Holder::Unknown(problem))
}

/// Takes the lock for `operation`, trying again every 500 ms until `timeout` has passed.
pub(super) fn acquire(
    blob: &Arc<Blob>,
    operation: &str,
    timeout: Duration,
) -> Result<StateLock, StateError> {
    let info = LockInfo::new(operation, "", &blob.path);
    let deadline = Instant::now() + timeout;
    loop {
        let refusal = match try_acquire(blob, &info)? {
            None => {
                return Ok(StateLock::new(Box::new(LeaseLock {
                    blob: Arc::clone(blob),
                    info,
                })))
            }
            Some(refusal) => refusal,
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(refusal);
        }
        thread::sleep(RETRY_EVERY.min(deadline - now));
    }
}

/// One attempt: `Ok(None)` when we now hold the lock, `Ok(Some(refusal))` when someone else
/// does.
fn try_acquire(blob: &Blob, info: &LockInfo) -> Result<Option<StateError>, StateError> {
    let what = format!("acquire lease on blob {}", blob.path);
    let mut created = None;
    loop {
        let call = Call::new(Method::PUT, &blob.container, Some(&blob.name))
            .query("comp", "lease")
            .header("x-ms-lease-action", "acquire")
            .header("x-ms-lease-duration", "-1")
            .header("x-ms-proposed-lease-id", info.id.as_str());
        match blob.service.call(call) {
            Ok(_) => break,
            Err(f) if f.code() == "BlobNotFound" && created.is_none() => {
                created = Some(create_empty(blob)?);
            }
            Err(f) if f.code() == "LeaseAlreadyPresent" => match refusal(blob)? {
                Some(refusal) => return Ok(Some(refusal)),
                // The lease went away while we looked: try again at once.
                None => continue,
            },
            Err(f) => return Err(remote(blob, what, f)),
        }
    }
    let lease = Lease {
        id: info.id.clone(),
        lock_value: encode(info),
    };
    if let Err(e) = write_lock_info(blob, &lease, created.flatten()) {
        let _ = lease_action(blob, "release", &lease.id);
        return Err(e);
    }
    if let Ok(mut held) = blob.lease.lock() {
        *held = Some(lease);
    }
    Ok(None)
}

/// An empty block blob to hold the lease; someone else creating it first is fine. Returns
/// the ETag of the blob we made, `None` when someone else made it.
fn create_empty(blob: &Blob) -> Result<Option<String>, StateError> {
    let call = Call::new(Method::PUT, &blob.container, Some(&blob.name))
        .header("x-ms-blob-type", "BlockBlob")
        .header("if-none-match", "*");
    match blob.service.call(call) {
        Ok(answer) => Ok(answer.etag()),
        Err(f)
            if matches!(
                f.code(),
                "BlobAlreadyExists" | "ConditionNotMet" | "LeaseIdMissing"
            ) =>
        {
            Ok(None)
        }
        Err(f) => Err(remote(blob, format!("PUT blob {} (empty)", blob.path), f)),
    }
}

/// Stores the lock info in the metadata, keeping any other metadata the blob has.
/// `created`: the ETag of the empty blob this lock just made, if it made one.
fn write_lock_info(blob: &Blob, lease: &Lease, created: Option<String>) -> Result<(), StateError> {
    let (before, mut metadata) = match view(blob)? {
        Some(v) => (v.etag, v.metadata),
        None => (None, BTreeMap::new()),
    };
    metadata.insert(METADATA_KEY.into(), lease.lock_value.clone());
    let after = try_set_metadata(blob, &metadata, Some(&lease.id))
        .map_err(|f| remote(blob, format!("set metadata on blob {}", blob.path), f))?;
    // The metadata (and the empty blob) are ours, not a change of state: a read made before
    // the lock still stands. Nobody else could write in between: we hold the lease.
    let mut unchanged = vec![before.clone()];
    if created.is_some() && created == before {
        unchanged.push(None);
    }
    blob.carry_seen(&unchanged, after);
    Ok(())
}

fn set_metadata(
    blob: &Blob,
    metadata: &BTreeMap<String, String>,
    lease_id: Option<&str>,
) -> Result<(), StateError> {
    try_set_metadata(blob, metadata, lease_id)
        .map(drop)
        .map_err(|f| remote(blob, format!("set metadata on blob {}", blob.path), f))
}

/// Replaces the blob's metadata (Set Blob Metadata replaces it whole); returns the new ETag.
fn try_set_metadata(
    blob: &Blob,
    metadata: &BTreeMap<String, String>,
    lease_id: Option<&str>,
) -> Result<Option<String>, Failure> {
    let mut call =
        Call::new(Method::PUT, &blob.container, Some(&blob.name)).query("comp", "metadata");
    for (name, value) in metadata {
        call = call.header(format!("x-ms-meta-{name}"), value.as_str());
    }
    if let Some(id) = lease_id {
        call = call.header("x-ms-lease-id", id);
    }
    blob.service.call(call).map(|answer| answer.etag())
}

/// `release` or `break` (at once) the lease; `lease_id` is ignored by `break`. Returns the
/// blob's ETag as the answer gives it.
fn lease_action(blob: &Blob, action: &str, lease_id: &str) -> Result<Option<String>, Failure> {
    let mut call = Call::new(Method::PUT, &blob.container, Some(&blob.name))
        .query("comp", "lease")
        .header("x-ms-lease-action", action);
    call = if action == "break" {
        call.header("x-ms-lease-break-period", "0")
    } else {
        call.header("x-ms-lease-id", lease_id)
    };
    blob.service.call(call).map(|answer| answer.etag())
}

/// The error for a lease someone else holds. `Ok(None)` when the lease is gone by the time
/// we look.
fn refusal(blob: &Blob) -> Result<Option<StateError>, StateError> {
    Ok(match holder(blob)? {
        Holder::Nobody => None,
        // Never "stale": the holder may be another machine with the same host name.
        Holder::Known(info) => Some(StateError::Locked {
            info: Box::new(info),
            holder_gone: false,
        }),
        Holder::Unknown(problem) => Some(unreadable(blob, problem)),
    })
}

/// A lease without (readable) lock info: another tool's, or a run that died half-way.
fn unreadable(blob: &Blob, problem: Option<String>) -> StateError {
    let message = match problem {
        Some(p) => format!("the blob is leased, but its lock info ({METADATA_KEY}) is {p}"),
        None => format!("the blob is leased, but its metadata has no lock info ({METADATA_KEY})"),
    };
    StateError::Remote {
        what: format!("lock blob {}", blob.path),
        message,
        hint: Some(format!(
            "if no clusterform or Terraform run is using this state, break the lease: \
             `az storage blob lease break --account-name {} --container-name {} --blob-name {}`",
            blob.account, blob.container, blob.name
        )),
    }
}

/// Removes the lock with ID `id`, whoever took it.
pub(super) fn force_unlock(blob: &Blob, id: &str) -> Result<(), StateError> {
    let view = match view(blob)? {
        Some(v) if v.leased => v,
        _ => {
            return Err(StateError::Remote {
                what: format!("force-unlock of blob {}", blob.path),
                message: "the state is not locked: the blob has no lease".into(),
                hint: None,
            })
        }
    };
    let holder = match view.info {
        Some(Ok(info)) => info,
        Some(Err(problem)) => return Err(unreadable(blob, Some(problem))),
        None => return Err(unreadable(blob, None)),
    };
    if holder.id != id {
        return Err(StateError::LockIdMismatch {
            path: blob.location().into(),
            given: id.to_string(),
            actual: holder.id,
        });
    }
    let mut metadata = view.metadata;
    metadata.remove(METADATA_KEY);
    // clusterform and Terraform take the lease with the lock ID as its ID, so the lease can
    // be released by that ID. A lease taken under another ID is broken.
    match try_set_metadata(blob, &metadata, Some(id)) {
        Ok(_) => match lease_action(blob, "release", id) {
            Ok(_) => Ok(()),
            Err(f) if f.code().starts_with("LeaseIdMismatch") => break_lease(blob),
            Err(f) => Err(remote(
                blob,
                format!("release lease on blob {}", blob.path),
                f,
            )),
        },
        Err(f) if f.code().starts_with("LeaseIdMismatch") => {
            break_lease(blob)?;
            set_metadata(blob, &metadata, None)
        }
        Err(f) => Err(remote(
            blob,
            format!("set metadata on blob {}", blob.path),
            f,
        )),
    }
}

fn break_lease(blob: &Blob) -> Result<(), StateError> {
    lease_action(blob, "break", "")
        .map(drop)
        .map_err(|f| remote(blob, format!("break lease on blob {}", blob.path), f))
}

/// The lock this process holds: released only if the lease is still ours.
struct LeaseLock {
    blob: Arc<Blob>,
    info: LockInfo,
}

impl HeldLock for LeaseLock {
    fn info(&self) -> &LockInfo {
        &self.info
    }

    fn release(&mut self) -> Result<(), StateError> {
        let blob = &self.blob;
        if let Ok(mut held) = blob.lease.lock() {
            *held = None;
        }
        let view = match view(blob)? {
            // Force-unlocked (and not taken since), or the blob is gone: nothing of ours.
            None | Some(LeaseView { leased: false, .. }) => return Ok(()),
            Some(v) => v,
        };
        let lost = |now: String| StateError::LockLost {
            path: blob.location().into(),
            ours: self.info.id.clone(),
            now,
        };
        match &view.info {
            Some(Ok(holder)) if holder.id != self.info.id => return Err(lost(holder.id.clone())),
            Some(Ok(_)) => {}
            _ => return Err(lost("(a lease without lock info)".into())),
        }
        let mut metadata = view.metadata;
        metadata.remove(METADATA_KEY);
        let released = try_set_metadata(blob, &metadata, Some(&self.info.id)).and_then(|etag| {
            // Lease Blob answers with the blob's ETag; should releasing ever change it, that
            // one is the newest.
            Ok(lease_action(blob, "release", &self.info.id)?.or(etag))
        });
        match released {
            Ok(etag) => {
                // Clearing our lock info changed the ETag, not the state.
                blob.carry_seen(&[view.etag], etag);
                Ok(())
            }
            // Force-unlocked between our look and our calls.
            Err(f) if f.code().starts_with("LeaseNotPresent") => Ok(()),
            Err(f) if f.code().starts_with("LeaseIdMismatch") => {
                let now = current(blob).ok().flatten().map(|i| i.id);
                Err(lost(now.unwrap_or_else(|| "(unknown)".into())))
            }
            Err(f) => Err(remote(
                blob,
                format!("release lease on blob {}", blob.path),
                f,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_info_round_trips_through_metadata() {
        let info = LockInfo::new("OperationTypeApply", "", "tfstate/dev.tfstate");
        let value = encode(&info);
        assert!(value.bytes().all(|b| b.is_ascii_graphic()), "{value}");
        assert_eq!(decode(&value).unwrap(), info);
    }

    #[test]
    fn terraforms_lock_info_reads() {
        // What Terraform 1.9 stores: its LockInfo JSON, no Pid.
        let json = r#"{"ID":"3c1a5b4e-7c3e-4b8f-9a51-2f0b1f3f1e11","Operation":"OperationTypeApply","Info":"","Who":"ana@build-7","Version":"1.9.5","Created":"2026-01-01T00:00:00.1Z","Path":"tfstate/prod.tfstate"}"#;
        let value = base64::engine::general_purpose::STANDARD.encode(json);
        let info = decode(&value).unwrap();
        assert_eq!(info.who, "ana@build-7");
        assert_eq!(info.pid, 0);
        assert!(decode("%%%").unwrap_err().starts_with("not base64"));
        assert!(decode("e30K").is_err(), "`{{}}` lacks the ID");
    }
}
