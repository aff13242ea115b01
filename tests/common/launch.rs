//! Starting a local cloud emulator: a Python launcher that binds a free loopback port and
//! writes it to a ready file once it listens. Shared by the AWS and Azure harnesses.
//!
//! A missing Python environment is a test failure that says how to install it, never a skip.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `CLUSTERFORM_PYTHON`, else the project's `.venv`.
pub fn python() -> PathBuf {
    std::env::var_os("CLUSTERFORM_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/python"))
}

/// Runs `script` (relative to the repository) with `--port 0 --ready-file` and `args`, and
/// waits up to `limit` for the port. `what` names the emulator in failures.
pub fn launch(
    what: &str,
    script: &str,
    args: &[&str],
    dir: &Path,
    limit: Duration,
) -> (Child, u16) {
    let py = python();
    assert!(
        py.exists(),
        "the {what} needs {}: run `python3 -m venv .venv && .venv/bin/pip install -r emulators/aws/requirements.txt` (scripts/test.sh does this), or set CLUSTERFORM_PYTHON",
        py.display()
    );
    let ready = dir.join("port");
    let mut child = Command::new(&py)
        .arg(repo().join(script))
        .args(["--port", "0", "--ready-file"])
        .arg(&ready)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("start the {what} with {}: {e}", py.display()));
    let started = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&ready) {
            if let Ok(port) = text.trim().parse() {
                return (child, port);
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the {what} exited before it was ready ({status})");
        }
        assert!(
            started.elapsed() < limit,
            "the {what} did not start within {} s",
            limit.as_secs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
