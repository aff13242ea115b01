//! The `s3` backend: one workspace's state as an S3 object, as Terraform lays it out (`key`
//! for `default`, `<workspace_key_prefix>/<workspace>/<key>` for the others).
//!
//! Every write is conditional on what this process last saw: `If-Match` with the ETag read
//! (or written) last, `If-None-Match: *` when there was no object. A write that loses —
//! someone else wrote meanwhile — is a [`StateError::Conflict`] and overwrites nothing.
//! Versioned buckets keep every write as a version; nothing here depends on versioning.
//!
//! With `dynamodb_table`, the MD5 of each state written is kept in the table as
//! `<bucket>/<key>-md5` (Terraform's digest item) and checked on read.
//!
//! - [`settings`]: the arguments and the key layout.
//! - [`client`]: SDK clients and errors.
//! - [`lock`]: the `.tflock` object and the DynamoDB lock item.

pub mod client;
pub mod lock;
pub mod settings;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::primitives::ByteStream;
use md5::{Digest, Md5};

use self::client::Clients;
use self::lock::LockTarget;
pub use self::settings::S3Settings;
use super::remote_runtime::RemoteRuntime;
use super::{Backend, State, StateError, StateLock, DEFAULT_WORKSPACE};

/// What this process knows about the state object, for the next conditional write.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    /// Not looked yet: the next write looks first.
    Nothing,
    /// There was no object.
    Absent,
    /// The object had this ETag.
    Etag(String),
}

/// State in S3, for one workspace.
pub struct S3Backend {
    settings: S3Settings,
    workspace: String,
    runtime: Arc<RemoteRuntime>,
    clients: Clients,
    seen: Mutex<Seen>,
}

impl S3Backend {
    /// `settings`: the backend block's arguments merged with `init --backend-config`.
    pub fn new(
        settings: &BTreeMap<String, String>,
        workspace: &str,
    ) -> Result<S3Backend, StateError> {
        let settings = S3Settings::from_settings(settings)?;
        let runtime = Arc::new(RemoteRuntime::new()?);
        let for_connect = settings.clone();
        let clients = runtime.block_on(async move { client::connect(&for_connect).await })?;
        Ok(S3Backend {
            settings,
            workspace: workspace.to_string(),
            runtime,
            clients,
            seen: Mutex::new(Seen::Nothing),
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &S3Settings {
        &self.settings
    }

    fn object_key(&self) -> String {
        self.settings.object_key(&self.workspace)
    }

    fn location(&self) -> String {
        format!("s3://{}/{}", self.settings.bucket, self.object_key())
    }

    fn lock_target(&self) -> LockTarget {
        LockTarget {
            runtime: self.runtime.clone(),
            clients: self.clients.clone(),
            bucket: self.settings.bucket.clone(),
            object_key: self.object_key(),
            use_lockfile: self.settings.use_lockfile,
            table: self.settings.dynamodb_table.clone(),
        }
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The object's bytes and ETag, or `None`.
    fn get(&self, key: &str) -> Result<Option<(Vec<u8>, String)>, StateError> {
        let (s3, bucket, key) = (
            self.clients.s3.clone(),
            self.settings.bucket.clone(),
            key.to_string(),
        );
        self.runtime.block_on(async move {
            let what = || format!("S3 GetObject s3://{bucket}/{key}");
            let out = match s3.get_object().bucket(&bucket).key(&key).send().await {
                Ok(out) => out,
                Err(e) if client::not_found(&e) => return Ok(None),
                Err(e) => return Err(client::remote(what(), &e)),
            };
            let etag = out.e_tag.clone().unwrap_or_default();
            let bytes = out.body.collect().await.map_err(|e| StateError::Remote {
                what: what(),
                message: e.to_string(),
                hint: None,
            })?;
            Ok(Some((bytes.into_bytes().to_vec(), etag)))
        })
    }

    /// The object's current ETag, or `None` when there is no object.
    fn head(&self) -> Result<Option<String>, StateError> {
        let (s3, bucket, key) = (
            self.clients.s3.clone(),
            self.settings.bucket.clone(),
            self.object_key(),
        );
        self.runtime.block_on(async move {
            match s3.head_object().bucket(&bucket).key(&key).send().await {
                Ok(out) => Ok(Some(out.e_tag.unwrap_or_default())),
                Err(e) if client::not_found(&e) => Ok(None),
                Err(e) => Err(client::remote(
                    format!("S3 HeadObject s3://{bucket}/{key}"),
                    &e,
                )),
            }
        })
    }

    /// Puts `body` if the object is still as `expected`. `Ok(None)`: the condition failed.
    fn put_if(&self, body: Vec<u8>, expected: &Seen) -> Result<Option<String>, StateError> {
        let s3 = self.clients.s3.clone();
        let (bucket, key) = (self.settings.bucket.clone(), self.object_key());
        let (encrypt, kms) = (self.settings.encrypt, self.settings.kms_key_id.clone());
        let expected = expected.clone();
        self.runtime.block_on(async move {
            let mut req = s3
                .put_object()
                .bucket(&bucket)
                .key(&key)
                .content_type("application/json")
                .body(ByteStream::from(body));
            req = match &expected {
                Seen::Etag(etag) => req.if_match(etag),
                _ => req.if_none_match("*"),
            };
            if let Some(kms) = kms {
                req = req
                    .server_side_encryption(aws_sdk_s3::types::ServerSideEncryption::AwsKms)
                    .ssekms_key_id(kms);
            } else if encrypt {
                req = req.server_side_encryption(aws_sdk_s3::types::ServerSideEncryption::Aes256);
            }
            match req.send().await {
                Ok(out) => Ok(Some(out.e_tag.unwrap_or_default())),
                // If-Match on an object deleted meanwhile answers 404.
                Err(e) if client::precondition_failed(&e) || client::not_found(&e) => Ok(None),
                Err(e) => Err(client::remote(
                    format!("S3 PutObject s3://{bucket}/{key}"),
                    &e,
                )),
            }
        })
    }

    fn digest_id(&self) -> String {
        format!("{}/{}-md5", self.settings.bucket, self.object_key())
    }

    /// Terraform's digest item: the MD5 of the state last written, with `dynamodb_table`.
    fn digest(&self) -> Result<Option<String>, StateError> {
        let (Some(db), Some(table)) = (&self.clients.dynamodb, &self.settings.dynamodb_table)
        else {
            return Ok(None);
        };
        let (db, table, id) = (db.clone(), table.clone(), self.digest_id());
        self.runtime.block_on(async move {
            let out = db
                .get_item()
                .table_name(&table)
                .key("LockID", AttributeValue::S(id.clone()))
                .consistent_read(true)
                .send()
                .await
                .map_err(|e| client::remote(format!("DynamoDB GetItem {table} LockID={id}"), &e))?;
            Ok(out
                .item
                .and_then(|item| match item.get("Digest") {
                    Some(AttributeValue::S(d)) => Some(d.clone()),
                    _ => None,
                })
                .filter(|d| !d.is_empty()))
        })
    }

    /// Records (or, with `None`, removes) the digest item.
    fn set_digest(&self, digest: Option<String>) -> Result<(), StateError> {
        let (Some(db), Some(table)) = (&self.clients.dynamodb, &self.settings.dynamodb_table)
        else {
            return Ok(());
        };
        let (db, table, id) = (db.clone(), table.clone(), self.digest_id());
        self.runtime.block_on(async move {
            let what = || format!("DynamoDB digest item {table} LockID={id}");
            match digest {
                Some(d) => db
                    .put_item()
                    .table_name(&table)
                    .item("LockID", AttributeValue::S(id.clone()))
                    .item("Digest", AttributeValue::S(d))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| client::remote(what(), &e)),
                None => db
                    .delete_item()
                    .table_name(&table)
                    .key("LockID", AttributeValue::S(id.clone()))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| client::remote(what(), &e)),
            }
        })
    }

    /// The object and its ETag, checked against the digest item when there is one. A
    /// mismatch is read again a few times (the writer may be between its two writes).
    fn get_checked(&self) -> Result<Option<(Vec<u8>, String)>, StateError> {
        let mut attempts = 0;
        loop {
            let found = self.get(&self.object_key())?;
            let Some(expected) = self.digest()? else {
                return Ok(found);
            };
            let actual = found.as_ref().map(|(bytes, _)| md5_hex(bytes));
            if found.is_none() || actual.as_deref() == Some(expected.as_str()) {
                return Ok(found);
            }
            attempts += 1;
            if attempts >= 5 {
                return Err(StateError::Remote {
                    what: format!("reading {}", self.location()),
                    message: format!(
                        "the state's MD5 is {}, but the digest item {} in DynamoDB table {} says {expected}: the object is not the state clusterform or Terraform last wrote",
                        actual.unwrap_or_default(),
                        self.digest_id(),
                        self.settings.dynamodb_table.as_deref().unwrap_or_default(),
                    ),
                    hint: Some(format!(
                        "if the object was restored by hand on purpose, set the item's Digest to {} (or delete the item)",
                        found.map(|(b, _)| md5_hex(&b)).unwrap_or_default()
                    )),
                });
            }
            std::thread::sleep(Duration::from_millis(400));
        }
    }

    fn delete(&self, key: &str) -> Result<(), StateError> {
        let (s3, bucket, key) = (
            self.clients.s3.clone(),
            self.settings.bucket.clone(),
            key.to_string(),
        );
        self.runtime.block_on(async move {
            match s3.delete_object().bucket(&bucket).key(&key).send().await {
                Ok(_) => Ok(()),
                Err(e) if client::not_found(&e) => Ok(()),
                Err(e) => Err(client::remote(
                    format!("S3 DeleteObject s3://{bucket}/{key}"),
                    &e,
                )),
            }
        })
    }

    /// Every object key under `prefix`.
    fn list(&self, prefix: String) -> Result<Vec<String>, StateError> {
        let (s3, bucket) = (self.clients.s3.clone(), self.settings.bucket.clone());
        self.runtime.block_on(async move {
            let mut keys = Vec::new();
            let mut pages = s3
                .list_objects_v2()
                .bucket(&bucket)
                .prefix(&prefix)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| {
                    client::remote(format!("S3 ListObjectsV2 s3://{bucket}/{prefix}"), &e)
                })?;
                keys.extend(
                    page.contents()
                        .iter()
                        .filter_map(|o| o.key().map(str::to_string)),
                );
            }
            Ok(keys)
        })
    }

    /// The same backend for another workspace (new clients share nothing with this one).
    fn for_workspace(&self, name: &str) -> S3Backend {
        S3Backend {
            settings: self.settings.clone(),
            workspace: name.to_string(),
            runtime: self.runtime.clone(),
            clients: self.clients.clone(),
            seen: Mutex::new(Seen::Nothing),
        }
    }
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Backend for S3Backend {
    /// `None` when there is no object, or it is empty (as Terraform treats it).
    fn read(&self) -> Result<Option<State>, StateError> {
        let found = self.get_checked()?;
        let Some((bytes, etag)) = found else {
            *self.seen() = Seen::Absent;
            return Ok(None);
        };
        *self.seen() = Seen::Etag(etag);
        let text = String::from_utf8_lossy(&bytes);
        if text.trim().is_empty() {
            return Ok(None);
        }
        State::from_json_at(&text, &PathBuf::from(self.location())).map(Some)
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        let mut expected = self.seen().clone();
        if expected == Seen::Nothing {
            // Nobody read first (callers normally do): compare with what is there now.
            expected = match self.head()? {
                Some(etag) => Seen::Etag(etag),
                None => Seen::Absent,
            };
        }
        let body = state.to_json().into_bytes();
        let digest = md5_hex(&body);
        match self.put_if(body, &expected)? {
            Some(etag) => {
                *self.seen() = Seen::Etag(etag);
                self.set_digest(Some(digest))
            }
            None => {
                let found = self.head()?;
                Err(StateError::Conflict {
                    location: self.location(),
                    expected: match expected {
                        Seen::Etag(e) => format!("ETag {e}"),
                        _ => "no object".to_string(),
                    },
                    found: found.map_or_else(|| "no object".to_string(), |e| format!("ETag {e}")),
                })
            }
        }
    }

    fn lock(&self, operation: &str, timeout: Duration) -> Result<StateLock, StateError> {
        self.lock_target().acquire(operation, timeout)
    }

    fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        self.lock_target().force_unlock(id)
    }

    fn describe(&self) -> String {
        format!("s3 backend, state in {}", self.location())
    }

    fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let mut names: Vec<String> = self
            .list(self.settings.workspaces_prefix())?
            .iter()
            .filter_map(|key| self.settings.workspace_of(key))
            .collect();
        names.push(DEFAULT_WORKSPACE.to_string());
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Removes the workspace's state object and digest item (Terraform leaves the lock to
    /// whoever holds it).
    fn delete_workspace(&self, name: &str) -> Result<(), StateError> {
        let other = self.for_workspace(name);
        other.delete(&other.object_key())?;
        other.set_digest(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_is_hex_as_terraform_stores_it() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}
