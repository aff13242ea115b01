//! What the `cli_*` end-to-end tests share: a scratch project directory (copied from
//! `tests/fixtures/cli/<name>` or written inline), runs of the real `clusterform` binary in it,
//! readers for the files the binary leaves behind (state, lock, saved plans), and the insta
//! filters that make output with ids, temp paths, timestamps and durations stable.
//!
//! Nothing here asserts what the binary should do; the tests do that.

// Each `tests/cli_*.rs` file compiles this module on its own and uses a different part of it.
#![allow(dead_code)]

pub mod aws;
pub mod azure;
pub mod launch;
pub mod s3;
pub mod state_schema;

use std::io::Read;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use tempfile::TempDir;

/// The state file the local backend writes in the working directory.
pub const STATE: &str = "terraform.tfstate";
/// The lock file that exists while an operation holds the state lock.
pub const LOCK: &str = ".terraform.tfstate.lock.info";

/// Environment variables from the developer's shell that would change what the binary does.
fn inherited_env_to_drop() -> Vec<String> {
    std::env::vars()
        .map(|(k, _)| k)
        .filter(|k| {
            k.starts_with("TF_VAR_")
                || k.starts_with("CLUSTERFORM_")
                || k.starts_with("AWS_")
                || k.starts_with("ARM_")
                || k.starts_with("AZURE_")
                || k == "NO_COLOR"
        })
        .collect()
}

/// A configuration directory of its own, removed when the test ends.
pub struct Project {
    dir: TempDir,
}

impl Project {
    /// An empty project.
    pub fn empty() -> Self {
        Project {
            dir: tempfile::Builder::new()
                .prefix("clusterform-cli-")
                .tempdir()
                .expect("create a temporary directory"),
        }
    }

    /// A copy of `tests/fixtures/cli/<name>`, subdirectories included.
    pub fn fixture(name: &str) -> Self {
        Project::fixture_in(name, ".")
    }

    /// A copy of `tests/fixtures/cli/<name>` in the subdirectory `rel`, for `--chdir` tests.
    pub fn fixture_in(name: &str, rel: &str) -> Self {
        let project = Project::empty();
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cli")
            .join(name);
        assert!(source.is_dir(), "no fixture directory {}", source.display());
        copy_tree(&source, &project.path().join(rel));
        project
    }

    /// A copy of `examples/<name>`, as a user would start from it.
    pub fn example(name: &str) -> Self {
        let project = Project::empty();
        copy_tree(&examples_dir().join(name), project.path());
        project
    }

    /// A project holding exactly these files (relative path, contents).
    pub fn with_files(files: &[(&str, &str)]) -> Self {
        let project = Project::empty();
        for (path, text) in files {
            project.write(path, text);
        }
        project
    }

    /// The project's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file, creating its directories.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create fixture directories");
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Reads a file as text.
    pub fn read(&self, rel: &str) -> String {
        let path = self.path().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Reads a file's bytes.
    pub fn read_bytes(&self, rel: &str) -> Vec<u8> {
        let path = self.path().join(rel);
        std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }

    /// Replaces exactly one occurrence of `from` in a file, so a fixture edit cannot silently miss.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "{rel} should contain {from:?} exactly once:\n{text}"
        );
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// `clusterform --no-color ARGS` in this directory, ready for more `.env(…)` before running.
    pub fn command(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd =
            assert_cmd::Command::cargo_bin("clusterform").expect("the clusterform binary");
        cmd.current_dir(self.path()).arg("--no-color").args(args);
        for k in inherited_env_to_drop() {
            cmd.env_remove(k);
        }
        cmd.env("CLUSTERFORM_PROGRESS_INTERVAL_MS", "200");
        cmd.timeout(Duration::from_secs(30));
        cmd
    }

    /// Runs `clusterform ARGS` without the `--no-color` the other runners add, for colour tests.
    pub fn run_with_color_choice(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd =
            assert_cmd::Command::cargo_bin("clusterform").expect("the clusterform binary");
        cmd.current_dir(self.path()).args(args);
        for k in inherited_env_to_drop() {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.timeout(Duration::from_secs(30));
        Run::from(cmd)
    }

    /// Runs `clusterform --no-color ARGS` and captures the result.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args))
    }

    /// Runs with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd)
    }

    /// Starts `clusterform --no-color ARGS` in the background, its output captured as it comes.
    pub fn spawn(&self, args: &[&str]) -> Background {
        self.spawn_env(args, &[])
    }

    /// Starts in the background with extra environment variables.
    pub fn spawn_env(&self, args: &[&str], env: &[(&str, &str)]) -> Background {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("clusterform"));
        cmd.current_dir(self.path()).arg("--no-color").args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        for k in inherited_env_to_drop() {
            cmd.env_remove(k);
        }
        let mut child = cmd
            .env("CLUSTERFORM_PROGRESS_INTERVAL_MS", "200")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start clusterform");
        let stdout = Collected::start(child.stdout.take().expect("piped stdout"));
        let stderr = Collected::start(child.stderr.take().expect("piped stderr"));
        Background {
            child: Some(child),
            started: Instant::now(),
            stdout,
            stderr,
        }
    }

    /// The state file as JSON.
    pub fn state(&self) -> Json {
        serde_json::from_str(&self.read(STATE)).expect("the state file is JSON")
    }

    /// The lock file as JSON, if there is one.
    pub fn lock_info(&self) -> Option<Json> {
        if !self.exists(LOCK) {
            return None;
        }
        Some(serde_json::from_str(&self.read(LOCK)).expect("the lock file is JSON"))
    }

    /// Insta settings that replace this project's path and everything that changes between runs.
    pub fn snapshot_settings(&self) -> insta::Settings {
        let mut settings = insta::Settings::clone_current();
        let mut paths = vec![self.path().to_path_buf()];
        if let Ok(real) = self.path().canonicalize() {
            paths.push(real);
        }
        for p in paths {
            settings.add_filter(&regex_escape(&p.display().to_string()), "[PROJECT]");
        }
        for (pattern, replacement) in VOLATILE {
            settings.add_filter(pattern, *replacement);
        }
        settings
    }
}

/// Patterns for what differs between runs, and what replaces them in snapshots.
pub const VOLATILE: &[(&str, &str)] = &[
    (
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[UUID]",
    ),
    (
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
        "[TIMESTAMP]",
    ),
    (r"after (\d+h)?(\d+m)?\d+(\.\d+)?m?s\b", "after [DURATION]"),
    (r"\[(\d+h)?(\d+m)?\d+s elapsed\]", "[[DURATION] elapsed]"),
];

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn examples_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The names of the committed examples, sorted.
pub fn example_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(examples_dir())
        .expect("the examples directory")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read fixture directory") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// A finished run of the binary.
#[derive(Debug)]
pub struct Run {
    /// The exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl From<assert_cmd::Command> for Run {
    fn from(mut cmd: assert_cmd::Command) -> Self {
        let started = Instant::now();
        let out = cmd.output().expect("run clusterform");
        let run = Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            elapsed: started.elapsed(),
        };
        run.assert_no_debug_text();
        run
    }
}

/// The first line of `text` that shows Rust debug output, which no message may: a struct
/// (`ConnectorError { kind: Io`), an `Option` (`Some(`), or the SDK's dispatch wrapper.
pub fn debug_text(text: &str) -> Option<&str> {
    text.lines().find(|line| {
        line.contains("Some(")
            || line.contains("DispatchFailure")
            || line.match_indices(" { ").any(|(at, _)| {
                let before = line[..at]
                    .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("");
                let after = &line[at + 3..];
                let field: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                before.starts_with(|c: char| c.is_ascii_uppercase())
                    && !field.is_empty()
                    && after[field.len()..].starts_with(": ")
            })
    })
}

impl Run {
    /// Every run of the suite checks this, so no message anywhere shows Rust debug output.
    #[track_caller]
    pub fn assert_no_debug_text(&self) {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            if let Some(line) = debug_text(text) {
                panic!("Rust debug output on {name}: {line}\n--- {name}\n{text}");
            }
        }
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        self.code(0)
    }

    #[track_caller]
    pub fn failure(&self) -> &Self {
        self.code(1)
    }

    /// Asserts that stdout contains every one of `parts`. Runs of spaces count as one, so the
    /// alignment of `=` signs (which the snapshot tests pin down) does not matter here.
    #[track_caller]
    pub fn stdout_has(&self, parts: &[&str]) -> &Self {
        let text = squeeze_spaces(&self.stdout);
        for p in parts {
            assert!(
                text.contains(&squeeze_spaces(p)),
                "stdout lacks {p:?}\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout,
                self.stderr
            );
        }
        self
    }

    /// Asserts that stderr contains every one of `parts`; runs of spaces count as one.
    #[track_caller]
    pub fn stderr_has(&self, parts: &[&str]) -> &Self {
        let text = squeeze_spaces(&self.stderr);
        for p in parts {
            assert!(
                text.contains(&squeeze_spaces(p)),
                "stderr lacks {p:?}\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout,
                self.stderr
            );
        }
        self
    }
}

/// `text` with every run of spaces replaced by one space (line breaks are kept).
pub fn squeeze_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

/// Waits until `ready` holds, polling every 50 ms; panics after `limit`.
#[track_caller]
pub fn wait_until(limit: Duration, what: &str, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < limit,
            "gave up after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Text read from a pipe by a thread of its own, so the child never blocks on a full pipe and
/// the test can watch the output while the child runs.
struct Collected {
    text: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Collected {
    fn start(mut pipe: impl Read + Send + 'static) -> Self {
        let text = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&text);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("output buffer")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Collected {
            text,
            reader: Some(reader),
        }
    }

    fn so_far(&self) -> String {
        self.text.lock().expect("output buffer").clone()
    }

    /// Everything, once the pipe has closed.
    fn all(&mut self) -> String {
        if let Some(reader) = self.reader.take() {
            reader.join().expect("output reader");
        }
        self.so_far()
    }
}

/// A background run of the binary. It is killed if the test ends before it does, so no process
/// outlives its test.
pub struct Background {
    child: Option<Child>,
    started: Instant,
    stdout: Collected,
    stderr: Collected,
}

impl Background {
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("still running").id()
    }

    /// What the process has written to stderr so far.
    pub fn stderr_so_far(&self) -> String {
        self.stderr.so_far()
    }

    /// True once the process has ended by itself.
    pub fn exited(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| c.try_wait().ok().flatten().is_some())
    }

    /// SIGKILL: the process gets no chance to clean up.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGINT, as Ctrl-C in a terminal sends.
    pub fn interrupt(&self) {
        let pid = libc::pid_t::try_from(self.pid()).expect("pid fits pid_t");
        // SAFETY: kill(2) only sends a signal; the pid is our own child, not yet reaped.
        let rc = unsafe { libc::kill(pid, libc::SIGINT) };
        assert_eq!(rc, 0, "send SIGINT to {pid}");
    }

    /// Waits for the process to end (at most `limit` after it started, then kills it) and
    /// returns what it printed.
    #[track_caller]
    pub fn finish(mut self, limit: Duration) -> Run {
        let mut child = self.child.take().expect("still running");
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll child") {
                break status;
            }
            if self.started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "clusterform still running after {limit:?}\n--- stderr so far\n{}",
                    self.stderr_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The pipes close when the process ends; the readers then have everything.
        let stdout = self.stdout.all();
        let stderr = self.stderr.all();
        let run = Run {
            code: status.code(),
            stdout,
            stderr,
            elapsed: self.started.elapsed(),
        };
        run.assert_no_debug_text();
        run
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.kill();
    }
}

/// True for the canonical 8-4-4-4-12 lowercase hex form.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The addresses of every resource instance in a state document, in file order, such as
/// `terraform_data.a`, `terraform_data.many[0]` or `module.m.terraform_data.x`.
pub fn state_addresses(state: &Json) -> Vec<String> {
    let mut out = Vec::new();
    for r in state["resources"]
        .as_array()
        .expect("resources is an array")
    {
        let module = r["module"]
            .as_str()
            .map(|m| format!("{m}."))
            .unwrap_or_default();
        let data = if r["mode"] == "data" { "data." } else { "" };
        let base = format!(
            "{module}{data}{}.{}",
            r["type"].as_str().expect("type"),
            r["name"].as_str().expect("name")
        );
        for inst in r["instances"].as_array().expect("instances is an array") {
            match &inst["index_key"] {
                Json::Null => out.push(base.clone()),
                Json::Number(n) => out.push(format!("{base}[{n}]")),
                Json::String(s) => out.push(format!("{base}[{s:?}]")),
                other => panic!("unexpected index_key {other}"),
            }
        }
    }
    out
}

/// The attributes of one resource instance in a state document.
#[track_caller]
pub fn attributes<'s>(state: &'s Json, addr: &str) -> &'s Json {
    let addresses = state_addresses(state);
    let instances = state["resources"]
        .as_array()
        .expect("resources is an array")
        .iter()
        .flat_map(|r| r["instances"].as_array().expect("instances is an array"));
    match addresses.iter().zip(instances).find(|(a, _)| *a == addr) {
        Some((_, inst)) => &inst["attributes"],
        None => panic!("{addr} is not in the state: {addresses:?}"),
    }
}
