//! Filesystem functions: `file`, `fileexists`, and the path functions `abspath`, `basename`,
//! `dirname`.
//!
//! `file` and `fileexists` resolve relative paths against the calling module's directory
//! (`CallContext::base_dir`), so a module reads its own files wherever it is called from.
//! `abspath` follows Terraform and resolves against the process's working directory. The path
//! functions work on `/`-separated text, as Go's `path/filepath` does on Unix, and never touch
//! the disk.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::args::{self, exactly, fail};
use super::{CallContext, CallError};
use crate::value::Value;

type Result = std::result::Result<Value, CallError>;

/// `path` made absolute against the module directory, unless it already is.
pub(super) fn resolve(ctx: &CallContext<'_>, path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        ctx.base_dir.join(path)
    }
}

/// Reads a file that must be UTF-8 text. Errors name the path as the user wrote it.
pub(super) fn read_text(path: &Path, given: &str) -> std::result::Result<String, CallError> {
    let bytes = fs_err::read(path).map_err(|e| {
        if e.kind() == ErrorKind::NotFound {
            fail(format!(
                "no file exists at {}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource.",
                crate::value::quote(given)
            ))
        } else {
            // fs_err's message names the full path and the operation that failed.
            fail(format!("{e}."))
        }
    })?;
    String::from_utf8(bytes).map_err(|_| {
        fail(format!(
            "contents of {} are not valid UTF-8; file() reads only text files.",
            crate::value::quote(given)
        ))
    })
}

pub(super) fn file(ctx: &CallContext<'_>, args: Vec<Value>) -> Result {
    let [path] = exactly(args)?;
    let given = args::string(path, "path")?;
    read_text(&resolve(ctx, &given), &given).map(Value::String)
}

pub(super) fn fileexists(ctx: &CallContext<'_>, args: Vec<Value>) -> Result {
    let [path] = exactly(args)?;
    let given = args::string(path, "path")?;
    match fs_err::metadata(resolve(ctx, &given)) {
        Ok(meta) if meta.is_file() => Ok(Value::Bool(true)),
        Ok(_) => Err(fail(format!(
            "{} exists but is not a regular file.",
            crate::value::quote(&given)
        ))),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(e) => Err(fail(format!("{e}."))),
    }
}

pub(super) fn abspath(args: Vec<Value>) -> Result {
    let [path] = exactly(args)?;
    let path = args::string(path, "path")?;
    if path.starts_with('/') {
        return Ok(Value::String(clean(&path)));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| fail(format!("cannot read the current directory: {e}.")))?;
    let cwd = cwd.to_string_lossy().replace('\\', "/");
    Ok(Value::String(clean(&format!("{cwd}/{path}"))))
}

pub(super) fn basename(args: Vec<Value>) -> Result {
    let [path] = exactly(args)?;
    let path = args::string(path, "path")?;
    if path.is_empty() {
        return Ok(Value::from("."));
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(Value::from("/"));
    }
    let base = trimmed.rsplit('/').next().unwrap_or(trimmed);
    Ok(Value::from(base))
}

pub(super) fn dirname(args: Vec<Value>) -> Result {
    let [path] = exactly(args)?;
    let path = args::string(path, "path")?;
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    Ok(Value::String(clean(dir)))
}

/// Lexically simplifies a `/`-separated path, as Go's `filepath.Clean` does.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                // Above the root there is nothing to go up to.
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::*;

    fn in_dir(dir: &Path, name: &str, args: Vec<Value>) -> Result {
        call(&CallContext { base_dir: dir }, name, args)
    }

    #[test]
    fn file_reads_relative_to_base_dir() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("files")).unwrap();
        std::fs::write(dir.path().join("files/hello.txt"), "hi there\n").unwrap();
        let out = in_dir(dir.path(), "file", vec![Value::from("files/hello.txt")]);
        assert_eq!(out, Ok(Value::from("hi there\n")));
        let abs = dir
            .path()
            .join("files/hello.txt")
            .to_string_lossy()
            .to_string();
        assert_eq!(
            in_dir(Path::new("/nonexistent"), "file", vec![Value::from(abs)]),
            Ok(Value::from("hi there\n"))
        );
    }

    #[test]
    fn file_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        match in_dir(dir.path(), "file", vec![Value::from("missing.txt")]) {
            Err(CallError::Failed(m)) => {
                assert!(m.starts_with("no file exists at \"missing.txt\""), "{m}")
            }
            other => panic!("expected failure, got {other:?}"),
        }
        std::fs::write(dir.path().join("bin"), [0xff, 0xfe]).unwrap();
        match in_dir(dir.path(), "file", vec![Value::from("bin")]) {
            Err(CallError::Failed(m)) => assert!(m.contains("not valid UTF-8"), "{m}"),
            other => panic!("expected failure, got {other:?}"),
        }
    }

    #[test]
    fn fileexists_distinguishes_files_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "").unwrap();
        assert_eq!(
            in_dir(dir.path(), "fileexists", vec![Value::from("a.txt")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            in_dir(dir.path(), "fileexists", vec![Value::from("b.txt")]),
            Ok(Value::Bool(false))
        );
        assert!(in_dir(dir.path(), "fileexists", vec![Value::from(".")]).is_err());
    }

    #[test]
    fn basename_and_dirname_follow_go() {
        let base = |p: &str| basename(vec![Value::from(p)]).unwrap();
        let dir = |p: &str| dirname(vec![Value::from(p)]).unwrap();
        assert_eq!(base("foo/bar/baz.txt"), Value::from("baz.txt"));
        assert_eq!(base("foo/bar/"), Value::from("bar"));
        assert_eq!(base("/"), Value::from("/"));
        assert_eq!(base(""), Value::from("."));
        assert_eq!(dir("foo/bar/baz.txt"), Value::from("foo/bar"));
        assert_eq!(dir("baz.txt"), Value::from("."));
        assert_eq!(dir("/baz.txt"), Value::from("/"));
        assert_eq!(dir("a//b/../c/x"), Value::from("a/c"));
    }

    #[test]
    fn abspath_cleans_the_result() {
        assert_eq!(
            abspath(vec![Value::from("/a/b/../c/./d")]),
            Ok(Value::from("/a/c/d"))
        );
        assert_eq!(abspath(vec![Value::from("/../x")]), Ok(Value::from("/x")));
        let rel = abspath(vec![Value::from("x/y")]).unwrap();
        let rel = rel.as_str().unwrap_or_default();
        assert!(rel.starts_with('/') && rel.ends_with("/x/y"), "{rel}");
        assert_eq!(clean("../../a"), "../../a");
        assert_eq!(clean(""), ".");
    }
}
