//! The state lock: who holds it ([`LockInfo`]) and the local backend's lock file.
//!
//! The local lock is an advisory lock (`flock`) on `.terraform.tfstate.lock.info` beside
//! `terraform.tfstate`, held for as long as the run lives: the operating system gives it back
//! when the holder ends, even by `kill -9`, so a crashed run never blocks the next one (as
//! with Terraform's local backend). The file holds a [`LockInfo`] in Terraform's field names
//! (plus our `Pid`), so a waiting run can say who holds it; a clean release removes the file,
//! and a file left by a run that died is taken over by the next. `force-unlock` removes the
//! file (for a lock file on a shared filesystem whose advisory locks do not reach this host),
//! and only by the ID it was taken with.
//!
//! This module does not decide when to lock: commands do, through [`super::Backend::lock`].

use std::io::{Seek, SeekFrom, Write};
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
        let refusal = match try_take(&path, &info)? {
            Taken::Ours(lock) => return Ok(StateLock::new(lock)),
            // Released between our attempt and reading it: try again at once.
            Taken::Retry => continue,
            Taken::Refused(refusal) => refusal,
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

/// The local backend's lock: the open lock file, whose advisory lock the operating system
/// drops when this process ends, however it ends.
struct LocalLock {
    path: PathBuf,
    info: LockInfo,
    /// Held only for its advisory lock.
    _file: fs_err::File,
    took_over: Option<LockInfo>,
}

impl HeldLock for LocalLock {
    fn info(&self) -> &LockInfo {
        &self.info
    }

    fn took_over(&self) -> Option<&LockInfo> {
        self.took_over.as_ref()
    }

    fn release(&mut self) -> Result<(), StateError> {
        // The file goes while we still hold its lock, so nobody can lock it in between and
        // then find it gone; dropping `_file` afterwards gives the advisory lock back.
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

/// What one attempt to take the local lock came to.
enum Taken {
    Ours(Box<LocalLock>),
    /// The file changed under us (released, or released and made anew): try again at once.
    Retry,
    Refused(StateError),
}

/// Opens the lock file and takes its advisory lock without waiting. A lock file whose
/// advisory lock is free but which still names a holder was left by a run that died: a
/// clusterform run on this host, which would hold the advisory lock if it were alive, is
/// taken over; one from another host or from Terraform (which locks the state file instead)
/// is reported, for `force-unlock`.
fn try_take(path: &Path, info: &LockInfo) -> Result<Taken, StateError> {
    let file = fs_err::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(StateError::io(path))?;
    match file.file().try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Ok(match refusal(path)? {
                StateError::NotLocked { .. } => Taken::Retry,
                refusal => Taken::Refused(refusal),
            });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(StateError::io(path)(e)),
    }
    // The holder before us may have removed the file between our open and our lock: then
    // we hold the lock of a file nobody else will open.
    if !still_at(path, &file)? {
        return Ok(Taken::Retry);
    }
    let took_over = match read_lock(path) {
        Ok(None) => None,
        Err(StateError::LockUnreadable { .. }) if file.metadata().is_ok_and(|m| m.len() == 0) => {
            None
        }
        Err(e) => return Ok(Taken::Refused(e)),
        Ok(Some(left)) if left.pid != 0 && left.host() == host_name() => Some(left),
        Ok(Some(left)) => {
            return Ok(Taken::Refused(StateError::Locked {
                info: Box::new(left),
                holder_gone: false,
            }))
        }
    };
    write_info(&file, info).map_err(StateError::io(path))?;
    Ok(Taken::Ours(Box::new(LocalLock {
        path: path.to_path_buf(),
        info: info.clone(),
        _file: file,
        took_over,
    })))
}

fn write_info(file: &fs_err::File, info: &LockInfo) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(info).expect("lock info serialises as JSON");
    text.push('\n');
    let mut handle = file.file();
    file.set_len(0)?;
    handle.seek(SeekFrom::Start(0))?;
    handle.write_all(text.as_bytes())?;
    file.sync_all()
}

/// True when `path` still names the file we hold open.
#[cfg(unix)]
fn still_at(path: &Path, file: &fs_err::File) -> Result<bool, StateError> {
    use std::os::unix::fs::MetadataExt;
    let ours = file.metadata().map_err(StateError::io(path))?;
    match std::fs::metadata(path) {
        Ok(now) => Ok(now.dev() == ours.dev() && now.ino() == ours.ino()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(StateError::io(path)(e)),
    }
}

#[cfg(not(unix))]
fn still_at(path: &Path, _file: &fs_err::File) -> Result<bool, StateError> {
    Ok(path.exists())
}

/// The error for a lock file whose advisory lock someone holds. They may be between opening
/// the file and writing it, so an empty or half-written file is read again before it is
/// called unreadable.
fn refusal(path: &Path) -> Result<StateError, StateError> {
    let mut last = String::new();
    for attempt in 0..5 {
        if attempt > 0 {
            thread::sleep(Duration::from_millis(20));
        }
        match read_lock(path) {
            Ok(Some(info)) => {
                return Ok(StateError::Locked {
                    info: Box::new(info),
                    holder_gone: false,
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
    fn a_lock_left_by_a_run_that_died_here_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        // What a killed run leaves: its lock file, whose advisory lock died with it.
        let left = LockInfo::new(OPERATION_APPLY, "", "terraform.tfstate");
        write_lock(&state, &left);

        let lock = acquire(&state, OPERATION_PLAN, Duration::ZERO).unwrap();
        assert_eq!(lock.took_over(), Some(&left));
        assert_eq!(current(&state).unwrap().as_ref(), Some(lock.info()));
        lock.release().unwrap();
        assert!(!lock_path(&state).exists());

        // An empty file (a run killed between creating and writing it) is taken over too.
        fs_err::write(lock_path(&state), "").unwrap();
        let lock = acquire(&state, OPERATION_PLAN, Duration::ZERO).unwrap();
        assert_eq!(lock.took_over(), None);
    }

    #[test]
    fn a_lock_file_from_another_host_or_from_terraform_is_never_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        // Advisory locks may not reach across a shared filesystem: only force-unlock helps.
        let mut theirs = LockInfo::new(OPERATION_APPLY, "", "terraform.tfstate");
        theirs.who = "someone@elsewhere.example".into();
        write_lock(&state, &theirs);
        let err = acquire(&state, OPERATION_APPLY, Duration::ZERO)
            .err()
            .unwrap();
        assert!(
            matches!(&err, StateError::Locked { info, holder_gone: false } if **info == theirs),
            "{err}"
        );
        // Terraform locks the state file itself and writes no Pid.
        theirs = LockInfo::new(OPERATION_APPLY, "", "terraform.tfstate");
        theirs.pid = 0;
        write_lock(&state, &theirs);
        let err = acquire(&state, OPERATION_APPLY, Duration::ZERO)
            .err()
            .unwrap();
        assert!(matches!(err, StateError::Locked { .. }), "{err}");
        assert_eq!(current(&state).unwrap(), Some(theirs));
    }

    #[test]
    fn a_live_holder_keeps_its_lock_even_with_its_file_rewritten_around_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(&dir);
        let held = acquire(&state, OPERATION_APPLY, Duration::ZERO).unwrap();
        // The advisory lock, not the file's content, decides: an info file naming a dead
        // process does not let a second run in while the first still holds the lock.
        let mut dead = held.info().clone();
        dead.pid = u32::MAX - 1;
        write_lock(&state, &dead);
        let err = acquire(&state, OPERATION_PLAN, Duration::ZERO)
            .err()
            .unwrap();
        assert!(matches!(err, StateError::Locked { .. }), "{err}");
        drop(held);
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
