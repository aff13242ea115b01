//! The state: what clusterform remembers about every object it manages, the JSON file that
//! holds it, where that file is stored (backends) and the lock that keeps two runs apart.
//!
//! The file format is Terraform's state format version 4, so a state written by either tool
//! reads in the other. The pieces:
//!
//! - [`model`]: the in-memory shape ([`State`], [`ResourceState`], [`InstanceState`]) and the
//!   operations the engine and the `state` commands need. No I/O.
//! - [`file`]: parsing and writing the JSON text, with errors that say what is wrong.
//! - [`moves`]: `state mv` — renaming resources and instances.
//! - [`local`]: the local backend, a file written atomically with a `.backup` beside it.
//! - [`lock`]: the local lock file and the [`LockInfo`] every backend reports.
//! - [`s3`]: the `s3` backend (an S3 object, locked with a `.tflock` object or DynamoDB).
//! - [`backends`]: which backend a configuration names, opened for one workspace.
//!
//! Here: [`StateError`], the [`Backend`] trait and the [`StateLock`] guard it hands out.
//!
//! This module must not know about plans, providers or configuration: it stores what it is
//! given. Bumping the serial is the caller's job ([`State::bump_serial`]).

pub mod azure_blob;
pub mod backends;
pub mod file;
pub mod local;
pub mod lock;
pub mod model;
pub mod moves;
pub mod remote_runtime;
pub mod s3;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use local::{LocalBackend, DEFAULT_STATE_PATH};
pub use lock::LockInfo;
pub use model::{
    index_key_json, instance_key, InstanceState, OutputState, ResourceState, State, STATE_VERSION,
};

/// Where state lives. Implemented by [`LocalBackend`]; remote backends (S3, Azure Blob) will
/// implement it too, supplying their own [`HeldLock`].
pub trait Backend: Send + Sync {
    /// The stored state, or `None` when nothing has been stored yet.
    fn read(&self) -> Result<Option<State>, StateError>;
    /// Replaces the stored state. The caller bumps the serial first.
    fn write(&self, state: &State) -> Result<(), StateError>;
    /// Takes the lock for `operation` (such as [`lock::OPERATION_APPLY`]), waiting up to
    /// `timeout` for another holder to let go.
    fn lock(&self, operation: &str, timeout: Duration) -> Result<StateLock, StateError>;
    /// Removes a lock left behind by a run that died, if its ID is `id`.
    fn force_unlock(&self, id: &str) -> Result<(), StateError>;
    /// Where the state lives, for messages: `local state file terraform.tfstate`.
    fn describe(&self) -> String;
    /// Workspaces that have state (or were created), sorted; `default` is always there.
    fn workspaces(&self) -> Result<Vec<String>, StateError> {
        Ok(vec![DEFAULT_WORKSPACE.to_string()])
    }
    /// Deletes a workspace's state (and lock). Never called for `default`.
    fn delete_workspace(&self, name: &str) -> Result<(), StateError> {
        Err(StateError::Remote {
            what: format!("delete workspace {name}"),
            message: "this backend has no workspaces".to_string(),
            hint: None,
        })
    }
}

/// The workspace every backend has, as Terraform names it.
pub const DEFAULT_WORKSPACE: &str = "default";

/// A lock held by this process. Released by [`StateLock::release`] or, best effort, on drop.
pub struct StateLock {
    held: Box<dyn HeldLock>,
    released: bool,
}

/// What a backend must do to give a lock back. Remote backends implement it for their own
/// lock objects (an S3 `.tflock` object, an Azure blob lease).
pub trait HeldLock: Send {
    fn info(&self) -> &LockInfo;
    /// The lock a run that died left behind, when taking ours replaced it.
    fn took_over(&self) -> Option<&LockInfo> {
        None
    }
    /// Gives the lock back, but only if it is still ours.
    fn release(&mut self) -> Result<(), StateError>;
}

impl StateLock {
    pub fn new(held: Box<dyn HeldLock>) -> StateLock {
        StateLock {
            held,
            released: false,
        }
    }

    /// What this lock says about us; `info().id` is what `force-unlock` needs.
    pub fn info(&self) -> &LockInfo {
        self.held.info()
    }

    /// The lock a run that died left behind, when taking this one replaced it.
    pub fn took_over(&self) -> Option<&LockInfo> {
        self.held.took_over()
    }

    /// Gives the lock back now, reporting any problem (dropping does the same silently).
    pub fn release(mut self) -> Result<(), StateError> {
        self.released = true;
        self.held.release()
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        if !self.released {
            // Best effort: a lock left behind is reported, with its ID, by the next run.
            let _ = self.held.release();
        }
    }
}

impl std::fmt::Debug for StateLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateLock")
            .field("info", self.info())
            .finish()
    }
}

/// Everything that can go wrong reading, writing or locking state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// A file operation failed. `error` comes from `fs_err`, so its text names the path.
    #[error("{error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },

    /// The text is not valid JSON, or valid JSON of the wrong shape.
    #[error(
        "cannot parse {}: {message} at line {line}, column {column}{}",
        origin(path.as_deref()),
        hint_line(hint.as_deref())
    )]
    Parse {
        path: Option<PathBuf>,
        line: usize,
        column: usize,
        message: String,
        hint: Option<String>,
    },

    /// A state file in a format version other than 4.
    #[error("{}", unsupported_version(path.as_deref(), *found))]
    UnsupportedVersion { path: Option<PathBuf>, found: u64 },

    /// Well-formed JSON whose content makes no sense as state (bad mode, duplicate instance…).
    #[error("{} is not valid: {message}", origin(path.as_deref()))]
    Invalid {
        path: Option<PathBuf>,
        message: String,
    },

    /// Someone else holds the lock. `holder_gone` is true when the lock was taken on this
    /// host by a process that no longer runs.
    #[error("{}", locked(info, *holder_gone))]
    Locked {
        info: Box<LockInfo>,
        holder_gone: bool,
    },

    /// A lock file exists but does not hold a readable lock.
    #[error(
        "the state is locked, but the lock file {} cannot be read: {message}\n\n\
         hint: if no clusterform or Terraform run is using this state, delete {}",
        path.display(),
        path.display()
    )]
    LockUnreadable { path: PathBuf, message: String },

    /// `force-unlock` when there is no lock.
    #[error("the state is not locked: there is no lock file {}", path.display())]
    NotLocked { path: PathBuf },

    /// `force-unlock` with an ID that is not the one in the lock file.
    #[error(
        "the lock in {} has ID {actual}, not {given}; nothing was unlocked\n\n\
         hint: check that the lock is stale, then run `clusterform force-unlock {actual}`",
        path.display()
    )]
    LockIdMismatch {
        path: PathBuf,
        given: String,
        actual: String,
    },

    /// Our lock was removed while we held it (by `force-unlock`) and someone else took one.
    #[error(
        "the state lock {ours} was removed while this run held it, and {} now holds lock \
         {now}; another run may have changed the state since",
        path.display()
    )]
    LockLost {
        path: PathBuf,
        ours: String,
        now: String,
    },

    /// `state mv` (or a lookup) named an address the state does not have.
    #[error("{0} is not in the state")]
    NotInState(String),

    /// `state mv` to an address that is taken, or between different resource types.
    #[error("{0}")]
    AddressConflict(String),

    /// A remote store (S3, DynamoDB, Azure Blob) refused or failed a request: `what` names the
    /// request and the object, `message` carries the service's own words (never a secret).
    #[error("{what} failed: {message}{}", hint_line(hint.as_deref()))]
    Remote {
        what: String,
        message: String,
        hint: Option<String>,
    },

    /// A conditional write lost: someone else wrote the state since we read it (ETag or lease
    /// mismatch). Nothing was overwritten.
    #[error(
        "{} changed since this run read it (expected version {expected}, found {found}); \
         nothing was overwritten\n\nhint: another run wrote the state; run the command again",
        location
    )]
    Conflict {
        location: String,
        expected: String,
        found: String,
    },

    /// A backend's settings are missing something or make no sense (checked before any request).
    #[error("invalid {backend} backend configuration: {message}{}", hint_line(hint.as_deref()))]
    InvalidSettings {
        backend: String,
        message: String,
        hint: Option<String>,
    },
}

impl StateError {
    /// Wraps an I/O error (from `fs_err`) about `path`.
    pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StateError + '_ {
        move |error| StateError::Io {
            path: path.to_path_buf(),
            error,
        }
    }
}

fn origin(path: Option<&Path>) -> String {
    match path {
        Some(p) => format!("state file {}", p.display()),
        None => "state".to_string(),
    }
}

fn hint_line(hint: Option<&str>) -> String {
    hint.map(|h| format!("\n\nhint: {h}")).unwrap_or_default()
}

fn unsupported_version(path: Option<&Path>, found: u64) -> String {
    let prefix = path
        .map(|p| format!("{}: ", p.display()))
        .unwrap_or_default();
    let advice = if found < u64::from(STATE_VERSION) {
        "run `terraform apply -refresh-only` once with Terraform 0.12 or later; it rewrites \
         the file as version 4"
    } else {
        "it was written by a newer tool; use that tool, or a clusterform release that reads \
         this version"
    };
    format!(
        "{prefix}state file version {found} is not supported; clusterform reads version \
         {STATE_VERSION}\n\nhint: {advice}"
    )
}

fn locked(info: &LockInfo, holder_gone: bool) -> String {
    let mut msg = format!(
        "the state {} is locked by {} for {} since {} (lock ID {})",
        info.path, info.who, info.operation, info.created, info.id
    );
    if holder_gone {
        msg += &format!(
            "\nThe process that took it (pid {}) is no longer running on this host, so the \
             lock is stale.",
            info.pid
        );
    }
    msg += &format!(
        "\n\nhint: if no other clusterform or Terraform run is using this state, clear the lock \
         with `clusterform force-unlock {}`",
        info.id
    );
    msg
}
