//! The local backend: the state in one file, `terraform.tfstate` by default.
//!
//! Writes are atomic. The new state goes to a temporary file in the same directory
//! (`.terraform.tfstate.tmp-<random>`), which is flushed to disk; the current file is kept as
//! `terraform.tfstate.backup`; the temporary file is renamed over the state; the directory is
//! flushed so the rename survives a crash. At every moment `terraform.tfstate` is either the
//! complete old state or the complete new one — never missing, never half written.
//!
//! Workspaces other than `default` keep their state in `terraform.tfstate.d/<name>/terraform.tfstate`
//! (the directory is the block's `workspace_dir`), as Terraform's local backend does.
//!
//! This module does not bump serials or decide when to write; callers do.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{lock, Backend, State, StateError, StateLock, DEFAULT_WORKSPACE};

/// Where the local backend keeps state unless told otherwise.
pub const DEFAULT_STATE_PATH: &str = "terraform.tfstate";

/// Where the local backend keeps other workspaces' states unless told otherwise.
pub const DEFAULT_WORKSPACE_DIR: &str = "terraform.tfstate.d";

/// State in a local file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalBackend {
    pub path: PathBuf,
    /// The directory of non-default workspaces; `None`: this backend has only `default`.
    pub workspaces_dir: Option<PathBuf>,
}

impl Default for LocalBackend {
    fn default() -> LocalBackend {
        LocalBackend::new(DEFAULT_STATE_PATH)
    }
}

impl LocalBackend {
    pub fn new(path: impl Into<PathBuf>) -> LocalBackend {
        LocalBackend {
            path: path.into(),
            workspaces_dir: None,
        }
    }

    /// The state of `workspace` for a configuration in `dir`: `path` (default
    /// `terraform.tfstate`) for `default`, `<workspace_dir>/<workspace>/terraform.tfstate`
    /// otherwise. Relative paths are taken from `dir`.
    pub fn for_workspace(
        dir: &Path,
        path: Option<&str>,
        workspace_dir: Option<&str>,
        workspace: &str,
    ) -> LocalBackend {
        let workspaces_dir = dir.join(workspace_dir.unwrap_or(DEFAULT_WORKSPACE_DIR));
        let path = if workspace == DEFAULT_WORKSPACE {
            dir.join(path.unwrap_or(DEFAULT_STATE_PATH))
        } else {
            workspaces_dir.join(workspace).join(DEFAULT_STATE_PATH)
        };
        LocalBackend {
            path,
            workspaces_dir: Some(workspaces_dir),
        }
    }

    /// `terraform.tfstate.backup`: the state as it was before the last write.
    pub fn backup_path(&self) -> PathBuf {
        with_suffix(&self.path, ".backup")
    }

    /// `.terraform.tfstate.lock.info`.
    pub fn lock_path(&self) -> PathBuf {
        lock::lock_path(&self.path)
    }

    /// Creates the state's directory: a new workspace's is made on its first lock or write.
    fn make_dir(&self) -> Result<(), StateError> {
        match self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(parent) => fs_err::create_dir_all(parent).map_err(StateError::io(parent)),
            None => Ok(()),
        }
    }
}

impl Backend for LocalBackend {
    /// `None` when the file does not exist or is empty (as Terraform treats an empty file).
    fn read(&self) -> Result<Option<State>, StateError> {
        let text = match fs_err::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StateError::io(&self.path)(e)),
        };
        if text.trim().is_empty() {
            return Ok(None);
        }
        State::from_json_at(&text, &self.path).map(Some)
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        self.make_dir()?;
        write_atomically(&self.path, &self.backup_path(), state.to_json().as_bytes())
    }

    fn lock(&self, operation: &str, timeout: Duration) -> Result<StateLock, StateError> {
        self.make_dir()?;
        lock::acquire(&self.path, operation, timeout)
    }

    fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        lock::force_unlock(&self.path, id)
    }

    fn describe(&self) -> String {
        format!("local state file {}", self.path.display())
    }

    /// `default` and every directory in the workspaces directory.
    fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let mut names = vec![DEFAULT_WORKSPACE.to_string()];
        let Some(dir) = &self.workspaces_dir else {
            return Ok(names);
        };
        let entries = match fs_err::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(names),
            Err(e) => return Err(StateError::io(dir)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(StateError::io(dir))?;
            if entry.file_type().map_err(StateError::io(dir))?.is_dir() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Removes `<workspace_dir>/<name>` with everything in it.
    fn delete_workspace(&self, name: &str) -> Result<(), StateError> {
        let Some(dir) = &self.workspaces_dir else {
            return Err(StateError::Remote {
                what: format!("delete workspace {name}"),
                message: "this local backend has no workspaces directory".to_string(),
                hint: None,
            });
        };
        let target = dir.join(name);
        match fs_err::remove_dir_all(&target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StateError::io(&target)(e)),
            _ => Ok(()),
        }
    }
}

/// Replaces `path` with `contents`, keeping the old file as `backup`.
fn write_atomically(path: &Path, backup: &Path, contents: &[u8]) -> Result<(), StateError> {
    let temp = TempFile::create(path)?;
    let mut file = open_new(&temp.0)?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(StateError::io(&temp.0))?;
    drop(file);

    match fs_err::metadata(path) {
        Ok(previous) => {
            // The new file gets the old one's permissions: state holds secrets, and whoever
            // restricted the file meant it to stay restricted.
            fs_err::set_permissions(&temp.0, previous.permissions())
                .map_err(StateError::io(&temp.0))?;
            keep_backup(path, backup)?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(StateError::io(path)(e)),
    }

    fs_err::rename(&temp.0, path).map_err(StateError::io(path))?;
    temp.keep();
    sync_dir(path)
}

/// Makes `backup` a copy of the current `path` without ever removing `path`: a hard link
/// (or, where links are not supported, a flushed copy) under a temporary name, renamed over
/// the old backup.
fn keep_backup(path: &Path, backup: &Path) -> Result<(), StateError> {
    let staged = TempFile::create(backup)?;
    if fs_err::hard_link(path, &staged.0).is_err() {
        fs_err::copy(path, &staged.0).map_err(StateError::io(path))?;
        fs_err::File::open(&staged.0)
            .and_then(|f| f.sync_all())
            .map_err(StateError::io(&staged.0))?;
    }
    fs_err::rename(&staged.0, backup).map_err(StateError::io(backup))?;
    staged.keep();
    Ok(())
}

/// A temporary file beside a target, `.NAME.tmp-<random>`, removed on drop unless kept.
struct TempFile(PathBuf);

impl TempFile {
    fn create(target: &Path) -> Result<TempFile, StateError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| StateError::Io {
                path: target.to_path_buf(),
                error: std::io::Error::other(format!(
                    "state path `{}` does not name a file",
                    target.display()
                )),
            })?;
        let random = uuid::Uuid::new_v4().simple().to_string();
        Ok(TempFile(
            target.with_file_name(format!(".{name}.tmp-{}", &random[..12])),
        ))
    }

    /// The file has been renamed into place: nothing to clean up.
    fn keep(mut self) {
        self.0 = PathBuf::new();
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.0.as_os_str().is_empty() {
            let _ = fs_err::remove_file(&self.0);
        }
    }
}

fn open_new(path: &Path) -> Result<fs_err::File, StateError> {
    let mut options = fs_err::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        // A brand-new state file is readable by its owner only: it holds secrets in plain
        // text. An existing file's permissions are carried over instead.
        use fs_err::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(StateError::io(path))
}

/// Flushes the directory holding `path`, so the rename itself is on disk.
fn sync_dir(path: &Path) -> Result<(), StateError> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        fs_err::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(StateError::io(dir))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::{InstanceKey, ModulePath, ResourceAddr};
    use crate::state::InstanceState;
    use serde_json::json;

    fn backend(dir: &tempfile::TempDir) -> LocalBackend {
        LocalBackend::new(dir.path().join("terraform.tfstate"))
    }

    fn state_with(id: &str) -> State {
        let mut s = State::new();
        let vpc = ResourceAddr::managed(ModulePath::root(), "aws_vpc", "main");
        s.set_instance(
            &vpc.instance(InstanceKey::None),
            "provider[\"registry.terraform.io/hashicorp/aws\"]",
            InstanceState::new(json!({ "id": id })),
        );
        s
    }

    fn names(dir: &tempfile::TempDir) -> Vec<String> {
        let mut names: Vec<String> = fs_err::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn reading_nothing_gives_none() {
        let dir = tempfile::tempdir().unwrap();
        let b = backend(&dir);
        assert_eq!(b.read().unwrap(), None);
        fs_err::write(&b.path, "\n").unwrap();
        assert_eq!(b.read().unwrap(), None);
    }

    #[test]
    fn write_then_read_round_trips_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let b = backend(&dir);
        let s = state_with("vpc-1");
        b.write(&s).unwrap();
        assert_eq!(b.read().unwrap(), Some(s.clone()));
        assert_eq!(fs_err::read_to_string(&b.path).unwrap(), s.to_json());
        assert_eq!(
            names(&dir),
            ["terraform.tfstate"],
            "no backup of nothing, no temp file"
        );
    }

    #[test]
    fn each_write_keeps_the_previous_file_as_backup() {
        let dir = tempfile::tempdir().unwrap();
        let b = backend(&dir);
        let mut s = state_with("vpc-1");
        b.write(&s).unwrap();
        let first = fs_err::read_to_string(&b.path).unwrap();
        s.bump_serial();
        b.write(&s).unwrap();
        assert_eq!(fs_err::read_to_string(b.backup_path()).unwrap(), first);
        let second = fs_err::read_to_string(&b.path).unwrap();
        s.bump_serial();
        b.write(&s).unwrap();
        assert_eq!(fs_err::read_to_string(b.backup_path()).unwrap(), second);
        assert_eq!(b.read().unwrap().unwrap().serial, 2);
        assert_eq!(
            names(&dir),
            ["terraform.tfstate", "terraform.tfstate.backup"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_private_and_existing_permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let b = backend(&dir);
        b.write(&state_with("a")).unwrap();
        let mode = |p: &Path| fs_err::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&b.path), 0o600);
        fs_err::set_permissions(&b.path, std::fs::Permissions::from_mode(0o640)).unwrap();
        b.write(&state_with("b")).unwrap();
        assert_eq!(mode(&b.path), 0o640);
    }

    #[test]
    fn a_failed_write_leaves_the_state_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let b = backend(&dir);
        b.write(&state_with("a")).unwrap();
        // A directory where the backup should go makes the backup step fail.
        fs_err::create_dir(b.backup_path()).unwrap();
        fs_err::write(b.backup_path().join("x"), "").unwrap();
        let before = fs_err::read_to_string(&b.path).unwrap();
        let err = b.write(&state_with("b")).unwrap_err();
        assert!(
            err.to_string().contains("terraform.tfstate.backup"),
            "{err}"
        );
        assert_eq!(fs_err::read_to_string(&b.path).unwrap(), before);
        assert_eq!(
            names(&dir),
            ["terraform.tfstate", "terraform.tfstate.backup"]
        );
    }

    #[test]
    fn a_corrupt_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let b = backend(&dir);
        fs_err::write(&b.path, "{\"version\": 4, \"serial\": ").unwrap();
        let msg = b.read().unwrap_err().to_string();
        assert!(msg.contains("terraform.tfstate: EOF"), "{msg}");
        assert!(msg.contains("cut short"), "{msg}");
    }

    #[test]
    fn workspaces_live_in_their_own_directories() {
        let dir = tempfile::tempdir().unwrap();
        let default = LocalBackend::for_workspace(dir.path(), None, None, "default");
        assert_eq!(default.path, dir.path().join("terraform.tfstate"));
        assert_eq!(default.workspaces().unwrap(), ["default"]);

        let dev = LocalBackend::for_workspace(dir.path(), None, None, "dev");
        assert_eq!(
            dev.path,
            dir.path().join("terraform.tfstate.d/dev/terraform.tfstate")
        );
        dev.write(&state_with("vpc-dev")).unwrap();
        assert_eq!(
            default.read().unwrap(),
            None,
            "workspaces do not share state"
        );
        assert_eq!(default.workspaces().unwrap(), ["default", "dev"]);

        default.delete_workspace("dev").unwrap();
        assert_eq!(default.workspaces().unwrap(), ["default"]);
        assert_eq!(dev.read().unwrap(), None);

        let custom = LocalBackend::for_workspace(dir.path(), Some("s/x.tfstate"), Some("ws"), "qa");
        assert_eq!(custom.path, dir.path().join("ws/qa/terraform.tfstate"));
    }

    #[test]
    fn locks_through_the_backend() {
        let dir = tempfile::tempdir().unwrap();
        let b = backend(&dir);
        let held = b.lock(lock::OPERATION_APPLY, Duration::ZERO).unwrap();
        assert!(b.lock_path().exists());
        assert!(b.lock(lock::OPERATION_PLAN, Duration::ZERO).is_err());
        b.force_unlock(&held.info().id).unwrap();
        assert!(b.describe().starts_with("local state file "));
    }
}
