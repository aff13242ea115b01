//! The `s3` backend's lock, as Terraform takes it: a `<key>.tflock` object created with
//! `If-None-Match: *` (`use_lockfile`), an item in a DynamoDB table created only if absent
//! (`dynamodb_table`, LockID `<bucket>/<key>`), or both (object first). Both hold the
//! [`LockInfo`] JSON, so either tool reads who holds the lock.
//!
//! A lock is removed only if it is still ours: the object is deleted with `If-Match` on the
//! ETag it had when we read it, the item with a condition on its `Info`. Nothing here decides
//! when to lock.
//!
//! S3 conditional writes: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html>.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::primitives::ByteStream;

use super::client::{self, Clients};
use crate::state::lock::{self, Attempt, LockInfo};
use crate::state::remote_runtime::RemoteRuntime;
use crate::state::{HeldLock, StateError, StateLock};

/// How often a waiting lock tries again.
const RETRY_EVERY: Duration = Duration::from_millis(500);

/// Where one workspace's lock lives, and what to reach it with.
#[derive(Clone)]
pub struct LockTarget {
    pub runtime: Arc<RemoteRuntime>,
    pub clients: Clients,
    pub bucket: String,
    /// The state object's key.
    pub object_key: String,
    pub use_lockfile: bool,
    pub table: Option<String>,
}

/// The lock object as found: its content (parsed, or why not) and its ETag.
struct LockObject {
    info: Result<LockInfo, String>,
    etag: String,
}

/// Whether a create-if-absent went through.
enum Created {
    /// Ours now.
    Taken,
    Held,
}

impl LockTarget {
    fn lockfile_key(&self) -> String {
        format!("{}{}", self.object_key, super::settings::LOCKFILE_SUFFIX)
    }

    /// `<bucket>/<key>`: the DynamoDB LockID and the lock's `Path`, as Terraform writes them.
    pub fn lock_id(&self) -> String {
        format!("{}/{}", self.bucket, self.object_key)
    }

    /// The lock, for messages: the object when there is one, otherwise the item.
    fn location(&self) -> PathBuf {
        if self.use_lockfile {
            PathBuf::from(format!("s3://{}/{}", self.bucket, self.lockfile_key()))
        } else {
            PathBuf::from(format!(
                "dynamodb://{}/{}",
                self.table.as_deref().unwrap_or_default(),
                self.lock_id()
            ))
        }
    }

    /// Takes the lock for `operation`, waiting up to `timeout` for the holder to let go.
    pub fn acquire(&self, operation: &str, timeout: Duration) -> Result<StateLock, StateError> {
        let info = LockInfo::new(operation, "", &self.lock_id());
        if !self.use_lockfile && self.table.is_none() {
            // Terraform's s3 backend does not lock without use_lockfile or dynamodb_table;
            // init warns about it.
            return Ok(StateLock::new(Box::new(NoLock { info })));
        }
        let body = serde_json::to_string(&info).expect("lock info serialises as JSON");
        let held = lock::keep_trying(timeout, RETRY_EVERY, || self.try_once(&info, &body))?;
        Ok(StateLock::new(Box::new(held)))
    }

    fn try_once(&self, info: &LockInfo, body: &str) -> Result<Attempt<S3Lock>, StateError> {
        let mut held = S3Lock {
            target: self.clone(),
            info: info.clone(),
            object: false,
            item: None,
        };
        if self.use_lockfile {
            match self.create_object(body)? {
                Created::Taken => held.object = true,
                Created::Held => return self.refusal_from_object(),
            }
        }
        if let Some(table) = &self.table {
            let created = self.create_item(table, body);
            match created {
                Ok(Created::Taken) => held.item = Some(body.to_string()),
                Ok(Created::Held) => {
                    // Give back the object just taken: a lock is held whole or not at all.
                    let _ = held.release();
                    return self.refusal_from_item(table);
                }
                Err(e) => {
                    let _ = held.release();
                    return Err(e);
                }
            }
        }
        Ok(Attempt::Taken(held))
    }

    /// Removes the lock if its ID is `id`, wherever it is (object, item or both).
    pub fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        let mut removed = false;
        let mut other = None;
        if self.use_lockfile {
            match self.read_object()? {
                None => {}
                Some(LockObject {
                    info: Ok(info),
                    etag,
                }) if info.id == id => {
                    self.delete_object(&etag)?;
                    removed = true;
                }
                Some(LockObject { info: Ok(info), .. }) => other = Some(info.id),
                Some(LockObject { info: Err(_), etag }) => {
                    // Unreadable: only an exact ID match may remove a lock, so report it.
                    other = Some(format!("(unreadable lock object, ETag {etag})"));
                }
            }
        }
        if let Some(table) = &self.table {
            match self.read_item(table)? {
                None => {}
                Some(text) => match serde_json::from_str::<LockInfo>(&text) {
                    Ok(info) if info.id == id => {
                        self.delete_item(table, &text)?;
                        removed = true;
                    }
                    Ok(info) => other = Some(info.id),
                    Err(_) => other = Some("(unreadable lock item)".to_string()),
                },
            }
        }
        match (removed, other) {
            (true, _) => Ok(()),
            (false, Some(actual)) => Err(StateError::LockIdMismatch {
                path: self.location(),
                given: id.to_string(),
                actual,
            }),
            (false, None) => Err(StateError::NotLocked {
                path: self.location(),
            }),
        }
    }

    fn refusal_from_object(&self) -> Result<Attempt<S3Lock>, StateError> {
        Ok(match self.read_object()? {
            None => Attempt::Vanished,
            Some(LockObject { info: Ok(info), .. }) => Attempt::Refused(locked(info)),
            Some(LockObject {
                info: Err(message), ..
            }) => Attempt::Refused(StateError::LockUnreadable {
                path: self.location(),
                message,
            }),
        })
    }

    fn refusal_from_item(&self, table: &str) -> Result<Attempt<S3Lock>, StateError> {
        Ok(match self.read_item(table)? {
            None => Attempt::Vanished,
            Some(text) => match serde_json::from_str::<LockInfo>(&text) {
                Ok(info) => Attempt::Refused(locked(info)),
                Err(e) => Attempt::Refused(StateError::LockUnreadable {
                    path: self.location(),
                    message: e.to_string(),
                }),
            },
        })
    }

    fn create_object(&self, body: &str) -> Result<Created, StateError> {
        let (s3, bucket, key) = (
            self.clients.s3.clone(),
            self.bucket.clone(),
            self.lockfile_key(),
        );
        let body = body.as_bytes().to_vec();
        self.runtime.block_on(async move {
            let sent = s3
                .put_object()
                .bucket(&bucket)
                .key(&key)
                .content_type("application/json")
                .if_none_match("*")
                .body(ByteStream::from(body))
                .send()
                .await;
            match sent {
                Ok(_) => Ok(Created::Taken),
                Err(e) if client::precondition_failed(&e) => Ok(Created::Held),
                Err(e) => Err(client::remote(
                    format!("S3 PutObject (lock) s3://{bucket}/{key}"),
                    &e,
                )),
            }
        })
    }

    /// The lock object; `None` when there is none.
    fn read_object(&self) -> Result<Option<LockObject>, StateError> {
        let (s3, bucket, key) = (
            self.clients.s3.clone(),
            self.bucket.clone(),
            self.lockfile_key(),
        );
        self.runtime.block_on(async move {
            let out = match s3.get_object().bucket(&bucket).key(&key).send().await {
                Ok(out) => out,
                Err(e) if client::not_found(&e) => return Ok(None),
                Err(e) => {
                    return Err(client::remote(
                        format!("S3 GetObject (lock) s3://{bucket}/{key}"),
                        &e,
                    ))
                }
            };
            let etag = out.e_tag.clone().unwrap_or_default();
            let bytes = out.body.collect().await.map_err(|e| StateError::Remote {
                what: format!("S3 GetObject (lock) s3://{bucket}/{key}"),
                message: e.to_string(),
                hint: None,
            })?;
            let info =
                serde_json::from_slice::<LockInfo>(&bytes.into_bytes()).map_err(|e| e.to_string());
            Ok(Some(LockObject { info, etag }))
        })
    }

    /// Deletes the lock object if it still has `etag`. Gone already is fine.
    fn delete_object(&self, etag: &str) -> Result<Deleted, StateError> {
        let (s3, bucket, key) = (
            self.clients.s3.clone(),
            self.bucket.clone(),
            self.lockfile_key(),
        );
        let etag = etag.to_string();
        self.runtime.block_on(async move {
            let mut req = s3.delete_object().bucket(&bucket).key(&key);
            if !etag.is_empty() {
                req = req.if_match(etag);
            }
            match req.send().await {
                Ok(_) => Ok(Deleted::Yes),
                Err(e) if client::not_found(&e) => Ok(Deleted::Yes),
                Err(e) if client::precondition_failed(&e) => Ok(Deleted::Changed),
                Err(e) => Err(client::remote(
                    format!("S3 DeleteObject (lock) s3://{bucket}/{key}"),
                    &e,
                )),
            }
        })
    }

    fn create_item(&self, table: &str, body: &str) -> Result<Created, StateError> {
        let db = self.dynamodb()?;
        let (table, id, body) = (table.to_string(), self.lock_id(), body.to_string());
        self.runtime.block_on(async move {
            let sent = db
                .put_item()
                .table_name(&table)
                .item("LockID", AttributeValue::S(id.clone()))
                .item("Info", AttributeValue::S(body))
                .condition_expression("attribute_not_exists(LockID)")
                .send()
                .await;
            match sent {
                Ok(_) => Ok(Created::Taken),
                Err(e) if is_condition_failure(&e) => Ok(Created::Held),
                Err(e) => Err(client::remote(
                    format!("DynamoDB PutItem {table} LockID={id}"),
                    &e,
                )),
            }
        })
    }

    /// The lock item's `Info`; `None` when there is no item.
    fn read_item(&self, table: &str) -> Result<Option<String>, StateError> {
        let db = self.dynamodb()?;
        let (table, id) = (table.to_string(), self.lock_id());
        self.runtime.block_on(async move {
            let out = db
                .get_item()
                .table_name(&table)
                .key("LockID", AttributeValue::S(id.clone()))
                .consistent_read(true)
                .send()
                .await
                .map_err(|e| client::remote(format!("DynamoDB GetItem {table} LockID={id}"), &e))?;
            Ok(out.item.map(|item| match item.get("Info") {
                Some(AttributeValue::S(text)) => text.clone(),
                _ => String::new(),
            }))
        })
    }

    /// Deletes the lock item if its `Info` is still `info`.
    fn delete_item(&self, table: &str, info: &str) -> Result<Deleted, StateError> {
        let db = self.dynamodb()?;
        let (table, id, info) = (table.to_string(), self.lock_id(), info.to_string());
        self.runtime.block_on(async move {
            let sent = db
                .delete_item()
                .table_name(&table)
                .key("LockID", AttributeValue::S(id.clone()))
                .condition_expression("attribute_not_exists(LockID) OR Info = :info")
                .expression_attribute_values(":info", AttributeValue::S(info))
                .send()
                .await;
            match sent {
                Ok(_) => Ok(Deleted::Yes),
                Err(e) if is_condition_failure(&e) => Ok(Deleted::Changed),
                Err(e) => Err(client::remote(
                    format!("DynamoDB DeleteItem {table} LockID={id}"),
                    &e,
                )),
            }
        })
    }

    fn dynamodb(&self) -> Result<aws_sdk_dynamodb::Client, StateError> {
        self.clients
            .dynamodb
            .clone()
            .ok_or_else(|| StateError::InvalidSettings {
                backend: "s3".to_string(),
                message: "dynamodb_table is set but no DynamoDB client was made".to_string(),
                hint: None,
            })
    }
}

fn is_condition_failure<E: aws_sdk_dynamodb::error::ProvideErrorMetadata, R>(
    err: &aws_sdk_dynamodb::error::SdkError<E, R>,
) -> bool {
    client::code(err) == Some("ConditionalCheckFailedException")
}

fn locked(info: LockInfo) -> StateError {
    let holder_gone = info.holder_is_gone();
    StateError::Locked {
        info: Box::new(info),
        holder_gone,
    }
}

/// Whether a conditional delete removed the lock.
enum Deleted {
    Yes,
    /// Someone else's lock is there now.
    Changed,
}

/// A lock this process holds: the object, the item (with the `Info` we wrote), or both.
struct S3Lock {
    target: LockTarget,
    info: LockInfo,
    object: bool,
    item: Option<String>,
}

impl S3Lock {
    fn lost(&self) -> StateError {
        let now = self
            .target
            .read_object()
            .ok()
            .flatten()
            .and_then(|found| found.info.ok())
            .map_or_else(|| "another".to_string(), |i| i.id);
        StateError::LockLost {
            path: self.target.location(),
            ours: self.info.id.clone(),
            now,
        }
    }
}

impl HeldLock for S3Lock {
    fn info(&self) -> &LockInfo {
        &self.info
    }

    fn release(&mut self) -> Result<(), StateError> {
        let mut result = Ok(());
        if let Some(info) = self.item.take() {
            let table = self.target.table.clone().unwrap_or_default();
            match self.target.delete_item(&table, &info) {
                Ok(Deleted::Yes) => {}
                Ok(Deleted::Changed) => result = Err(self.lost()),
                Err(e) => result = Err(e),
            }
        }
        if std::mem::take(&mut self.object) {
            // Check the ID too: an ETag is only as unique as the content.
            let current = self.target.read_object();
            let deleted = match current {
                Ok(None) => Ok(Deleted::Yes),
                Ok(Some(LockObject {
                    info: Ok(info),
                    etag,
                })) if info.id == self.info.id => self.target.delete_object(&etag),
                Ok(Some(_)) => Ok(Deleted::Changed),
                Err(e) => Err(e),
            };
            match deleted {
                Ok(Deleted::Yes) => {}
                Ok(Deleted::Changed) => result = result.and(Err(self.lost())),
                Err(e) => result = result.and(Err(e)),
            }
        }
        result
    }
}

/// The "lock" of an s3 backend without locking configured: records who we are, guards
/// nothing.
struct NoLock {
    info: LockInfo,
}

impl HeldLock for NoLock {
    fn info(&self) -> &LockInfo {
        &self.info
    }

    fn release(&mut self) -> Result<(), StateError> {
        Ok(())
    }
}
