//! The state lock: who holds it ([`LockInfo`]) and the local backend's lock file.
//!
//! The local lock is a file, `.terraform.tfstate.lock.info` beside `terraform.tfstate`,
//! created with `O_EXCL` so exactly one run can make it. It holds a [`LockInfo`] in
//! Terraform's field names (plus our `Pid`), so a person can read who holds it and
//! `force-unlock` can check the ID. A lock is only ever removed by the ID it was taken with.
//!
//! This module does not decide when to lock: commands do, through [`super::Backend::lock`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{HeldLock, StateError, StateLock};

/// Operation names as Terraform writes them into `LockInfo.Operation`. State commands use
/// free-form names such as `state-mv`.
pub const OPERATION_APPLY: &str = "OperationTypeApply";
pub const OPERATION_PLAN: &str = "OperationTypePlan";
pub const OPERATION_REFRESH: &str = "OperationTypeRefresh";

/// How often a waiting `acquire` tries again.
const RETRY_EVERY: Duration = Duration::from_millis(250);

/// Who holds a lock, since when, and for what. Serialised with Terraform's field names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// A UUID naming this lock; `force-unlock` needs it.
    #[serde(rename = "ID")]
    pub id: String,
    /// `OperationTypeApply`, `OperationTypePlan`, … or a state command such as `state-mv`.
    #[serde(rename = "Operation", default)]
    pub operation: String,
    /// Free text from the operation; usually empty.
    #[serde(rename = "Info", default)]
    pub info: String,
    /// `user@host`.
    #[serde(rename = "Who", default)]
    pub who: String,
    /// Version of the tool that took the lock.
    #[serde(rename = "Version", default)]
    pub version: String,
    /// When the lock was taken, RFC 3339 in UTC.
    #[serde(rename = "Created", default)]
    pub created: String,
    /// The state the lock protects.
    #[serde(rename = "Path", default)]
    pub path: String,
    /// Process ID of the holder (ours only; 0 when Terraform took the lock).
    #[serde(rename = "Pid", default)]
    pub pid: u32,
}

impl LockInfo {
    /// A new lock description for this process, with a fresh ID.
    pub fn new(operation: &str, info: &str, path: &str) -> LockInfo {
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_string(),
            info: info.to_string(),
            who: format!("{}@{}", user_name(), host_name()),
            version: env!("CARGO_PKG_VERSION").to_string(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            path: path.to_string(),
            pid: std::process::id(),
        }
    }

    /// The host part of `who`.
    pub fn host(&self) -> &str {
        self.who.rsplit_once('@').map_or("", |(_, host)| host)
    }

    /// True when the lock was taken on this host by a process that has since gone, so the
    /// lock is certainly stale. False when that cannot be known (another host, no PID).
    pub fn holder_is_gone(&self) -> bool {
        self.pid != 0 && self.host() == host_name() && process_is_gone(self.pid)
    }
}

/// The lock file for the state file at `state_path`: `.terraform.tfstate.lock.info`.
pub fn lock_path(state_path: &Path) -> PathBuf {
    let name = state_path.file_name().map_or_else(
        || "terraform.tfstate".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    state_path.with_file_name(format!(".{name}.lock.info"))
}

/// Takes the lock on the state file at `state_path`, trying every 250ms until `timeout`
/// has passed (a zero timeout tries once).
pub fn acquire(
    state_path: &Path,
    operation: &str,
    timeout: Duration,
) -> Result<StateLock, StateError> {
    let path = lock_path(state_path);
    let info = LockInfo::new(operation, "", &state_path.display().to_string());
    let deadline = Instant::now() + timeout;
    loop {
        let refusal = match try_create(&path, &info)? {
            None => {
                return Ok(StateLock::new(Box::new(LocalLock { path, info })));
            }
            // Released between our attempt and reading it: try again at once.
            Some(StateError::NotLocked { .. }) => continue,
            Some(refusal) => refusal,
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(refusal);
        }
        thread::sleep(RETRY_EVERY.min(deadline - now));
    }
}

/// What one attempt to take a remote lock came to.
pub enum Attempt<T> {
    /// We hold the lock now.
    Taken(T),
    /// Someone else holds it: this is the error to report if waiting runs out.
    Refused(StateError),
    /// The lock went away while we looked at it: try again at once.
    Vanished,
}

/// Calls `attempt` until it takes the lock, every `every`, for up to `timeout` (a zero timeout
/// tries once). Errors from `attempt` (the store failed) end the wait at once. For backends
/// other than the local one, which has [`acquire`].
pub fn keep_trying<T>(
    timeout: Duration,
    every: Duration,
    mut attempt: impl FnMut() -> Result<Attempt<T>, StateError>,
) -> Result<T, StateError> {
    let deadline = Instant::now() + timeout;
    let mut vanished = 0;
    loop {
        let refusal = match attempt()? {
            Attempt::Taken(held) => return Ok(held),
            // Bounded, so a lock that keeps appearing and vanishing cannot spin forever.
            Attempt::Vanished if vanished < 10 => {
                vanished += 1;
                continue;
            }
            Attempt::Vanished => StateError::Remote {
                what: "taking the state lock".to_string(),
                message: "the lock kept changing hands while clusterform tried to take it"
                    .to_string(),
                hint: Some("try again, or pass --lock-timeout to wait".to_string()),
            },
            Attempt::Refused(refusal) => refusal,
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(refusal);
        }
        thread::sleep(every.min(deadline - now));
    }
}

/// Who holds the lock on the state file at `state_path`, if anyone.
pub fn current(state_path: &Path) -> Result<Option<LockInfo>, StateError> {
    read_lock(&lock_path(state_path))
}

/// Removes the lock on the state at `state_path` if, and only if, its ID is `id`.
pub fn force_unlock(state_path: &Path, id: &str) -> Result<(), StateError> {
    let path = lock_path(state_path);
    match read_lock(&path)? {
        None => Err(StateError::NotLocked { path }),
        Some(held) if held.id == id => remove(&path),
        Some(held) => Err(StateError::LockIdMismatch {
            path,
            given: id.to_string(),
            actual: held.id,
        }),
    }
}

/// The local backend's lock: the file we created and the ID we wrote into it.
struct LocalLock {
    path: PathBuf,
    info: LockInfo,
}

impl HeldLock for LocalLock {
    fn info(&self) -> &LockInfo {
        &self.info
    }

    fn release(&mut self) -> Result<(), StateError> {
        match read_lock(&self.path)? {
            // Someone force-unlocked it already: nothing of ours to remove.
            None => Ok(()),
            Some(held) if held.id == self.info.id => remove(&self.path),
            Some(held) => Err(StateError::LockLost {
                path: self.path.clone(),
                ours: self.info.id.clone(),
                now: held.id,
            }),
        }
    }
}

/// Creates the lock file. `Ok(None)` when we now hold the lock, `Ok(Some(refusal))` when
/// someone else does.
fn try_create(path: &Path, info: &LockInfo) -> Result<Option<StateError>, StateError> {
    let created = fs_err::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    let mut file = match created {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(Some(refusal(path)?)),
        Err(e) => return Err(StateError::io(path)(e)),
    };
    let mut text = serde_json::to_string_pretty(info).expect("lock info serialises as JSON");
    text.push('\n');
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = fs_err::remove_file(path);
        return Err(StateError::io(path)(e));
    }
    Ok(None)
}

/// The error for a lock file that exists. Another run may be between creating the file and
/// writing it, so an empty or half-written file is read again before it is called unreadable.
fn refusal(path: &Path) -> Result<StateError, StateError> {
    let mut last = String::new();
    for attempt in 0..5 {
        if attempt > 0 {
            thread::sleep(Duration::from_millis(20));
        }
        match read_lock(path) {
            Ok(Some(info)) => {
                let holder_gone = info.holder_is_gone();
                return Ok(StateError::Locked {
                    info: Box::new(info),
                    holder_gone,
                });
            }
            // Released between our attempt and the read: let the caller try again.
            Ok(None) => return Ok(StateError::NotLocked { path: path.into() }),
            Err(StateError::LockUnreadable { message, .. }) => last = message,
            Err(e) => return Err(e),
        }
    }
    Ok(StateError::LockUnreadable {
        path: path.to_path_buf(),
        message: last,
    })
}

fn read_lock(path: &Path) -> Result<Option<LockInfo>, StateError> {
    let text = match fs_err::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StateError::io(path)(e)),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| StateError::LockUnreadable {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

fn remove(path: &Path) -> Result<(), StateError> {
    match fs_err::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StateError::io(path)(e)),
        _ => Ok(()),
    }
}

fn user_name() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

fn host_name() -> String {
    system_host_name()
        .or_else(|| {
            let text = fs_err::read_to_string("/etc/hostname").ok()?;
            Some(text.trim().to_string()).filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

#[cfg(unix)]
fn system_host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the pointer and length describe `buf`, which gethostname writes at most
    // `buf.len()` bytes into.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let name = String::from_utf8_lossy(&buf[..end]).into_owned();
    Some(name).filter(|s| !s.is_empty())
}

#[cfg(not(unix))]
fn system_host_name() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}

/// True only when the system says no process has this PID (`kill(pid, 0)` fails with
/// ESRCH). A process we may not signal (EPERM) still exists.
#[cfg(unix)]
fn process_is_gone(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 delivers nothing; the kernel only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_is_gone(_pid: u32) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_in(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("terraform.tfstate")
    }

    fn write_lock(state: &Path, info: &LockInfo) {
        fs_err::write(lock_path(state), serde_json::to_string(info).unwrap()).unwrap();
    }

    #[test]
    fn lock_file_sits_beside_the_state() {
        assert_eq!(
            lock_path(Path::new("envs/prod/terraform.tfstate")),
            Path::new("envs/prod/.terraform.tfstate.lock.info")
        );
        assert_eq!(
            lock_path(Path::new("x.tfstate")),
            Path::new(".x.tfstate.lock.info")
        );
    }

    #[test]
    fn acquire_refuse_release() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        let lock = acquire(&state, OPERATION_APPLY, Duration::ZERO).unwrap();
        let ours = lock.info().clone();
        assert_eq!(current(&state).unwrap().as_ref(), Some(&ours));

        let err = acquire(&state, OPERATION_PLAN, Duration::ZERO)
            .err()
            .unwrap();
        let StateError::Locked { info, holder_gone } = &err else {
            panic!("expected Locked, got {err}");
        };
        assert_eq!(info.id, ours.id);
        assert!(!holder_gone, "we are alive");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!(
                "locked by {} for OperationTypeApply since",
                ours.who
            )),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("`clusterform force-unlock {}`", ours.id)),
            "{msg}"
        );
        assert!(!msg.contains("no longer running"), "{msg}");

        lock.release().unwrap();
        assert!(!lock_path(&state).exists());
        acquire(&state, OPERATION_PLAN, Duration::ZERO).unwrap();
    }

    #[test]
    fn drop_releases_and_leaves_other_locks_alone() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        drop(acquire(&state, OPERATION_APPLY, Duration::ZERO).unwrap());
        assert!(!lock_path(&state).exists());

        // Our lock was force-unlocked and someone else took it: dropping ours keeps theirs.
        let lock = acquire(&state, OPERATION_APPLY, Duration::ZERO).unwrap();
        force_unlock(&state, &lock.info().id).unwrap();
        let theirs = LockInfo::new(OPERATION_APPLY, "", "terraform.tfstate");
        write_lock(&state, &theirs);
        let err = lock.release().unwrap_err();
        assert!(matches!(err, StateError::LockLost { .. }), "{err}");
        assert_eq!(current(&state).unwrap(), Some(theirs));
    }

    #[test]
    fn lock_of_a_dead_process_on_this_host_is_reported_stale() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead_pid = child.id();
        child.wait().unwrap();
        let mut info = LockInfo::new(OPERATION_APPLY, "", "terraform.tfstate");
        info.pid = dead_pid;
        write_lock(&state, &info);

        let err = acquire(&state, OPERATION_APPLY, Duration::ZERO)
            .err()
            .unwrap();
        assert!(matches!(
            err,
            StateError::Locked {
                holder_gone: true,
                ..
            }
        ));
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("(pid {dead_pid}) is no longer running")),
            "{msg}"
        );
        assert!(
            lock_path(&state).exists(),
            "a stale lock is reported, never removed"
        );

        // The same PID on another host proves nothing.
        info.who = "someone@elsewhere.example".into();
        write_lock(&state, &info);
        let err = acquire(&state, OPERATION_APPLY, Duration::ZERO)
            .err()
            .unwrap();
        assert!(matches!(
            err,
            StateError::Locked {
                holder_gone: false,
                ..
            }
        ));
    }

    #[test]
    fn force_unlock_needs_the_right_id() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        let err = force_unlock(&state, "abc").unwrap_err();
        assert!(
            err.to_string().starts_with("the state is not locked"),
            "{err}"
        );

        let lock = acquire(&state, OPERATION_APPLY, Duration::ZERO).unwrap();
        let id = lock.info().id.clone();
        let err = force_unlock(&state, "wrong-id").unwrap_err().to_string();
        assert!(
            err.contains(&format!("has ID {id}, not wrong-id; nothing was unlocked")),
            "{err}"
        );
        assert!(lock_path(&state).exists());

        force_unlock(&state, &id).unwrap();
        assert!(!lock_path(&state).exists());
        drop(lock);
    }

    #[test]
    fn waits_until_the_other_lock_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        let first = acquire(&state, OPERATION_APPLY, Duration::ZERO).unwrap();
        let start = Instant::now();
        let releaser = thread::spawn(move || {
            thread::sleep(Duration::from_millis(600));
            first.release().unwrap();
        });
        let second = acquire(&state, OPERATION_PLAN, Duration::from_secs(20)).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(500));
        releaser.join().unwrap();
        assert_eq!(current(&state).unwrap().unwrap().operation, OPERATION_PLAN);
        drop(second);
    }

    #[test]
    fn gives_up_after_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        let _held = acquire(&state, OPERATION_APPLY, Duration::ZERO).unwrap();
        let start = Instant::now();
        let err = acquire(&state, OPERATION_PLAN, Duration::from_millis(600))
            .err()
            .unwrap();
        assert!(matches!(err, StateError::Locked { .. }));
        assert!(start.elapsed() >= Duration::from_millis(600));
    }

    #[test]
    fn an_unreadable_lock_file_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        fs_err::write(lock_path(&state), "{").unwrap();
        let err = acquire(&state, OPERATION_APPLY, Duration::ZERO)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("cannot be read"), "{err}");
        assert!(err.contains(".terraform.tfstate.lock.info"), "{err}");
    }

    #[test]
    fn lock_info_uses_terraforms_field_names() {
        let info = LockInfo::new(OPERATION_APPLY, "", "terraform.tfstate");
        let json = serde_json::to_value(&info).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "Created",
                "ID",
                "Info",
                "Operation",
                "Path",
                "Pid",
                "Version",
                "Who"
            ]
        );
        assert!(chrono::DateTime::parse_from_rfc3339(&info.created).is_ok());
        assert!(info.who.contains('@'));
        // A lock Terraform wrote has no Pid; it reads with pid 0 and is never called stale.
        let theirs: LockInfo = serde_json::from_str(
            r#"{"ID":"x","Operation":"OperationTypeApply","Info":"","Who":"a@b","Version":"1.9.5",
                "Created":"2026-01-01T00:00:00.123Z","Path":"terraform.tfstate"}"#,
        )
        .unwrap();
        assert_eq!(theirs.pid, 0);
        assert!(!theirs.holder_is_gone());
    }
}
