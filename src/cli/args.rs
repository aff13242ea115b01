//! Command-line arguments shared by several commands, and Terraform muscle memory.

use std::path::PathBuf;

use clap::Args;

use crate::config::inputs::VarArg;

/// Terraform's single-dash flags that clusterform accepts as written (`-var`, `-out=plan`).
const TERRAFORM_FLAGS: &[&str] = &[
    "var",
    "var-file",
    "out",
    "auto-approve",
    "target",
    "replace",
    "destroy",
    "refresh-only",
    "refresh",
    "detailed-exitcode",
    "no-color",
    "chdir",
    "parallelism",
    "lock",
    "lock-timeout",
    "json",
    "check",
    "diff",
    "recursive",
    "input",
    "raw",
    "backend-config",
    "migrate-state",
    "force-copy",
    "reconfigure",
    "force",
    "or-create",
];

/// Rewrites `-var x=1` and `-out=f` to `--var x=1` and `--out=f`, and returns the `--var` and
/// `--var-file` arguments in command-line order (their order decides precedence).
pub fn normalise_args(args: Vec<String>) -> (Vec<String>, Vec<VarArg>) {
    let mut out = Vec::with_capacity(args.len());
    let mut vars = Vec::new();
    let mut iter = args.into_iter().enumerate().peekable();
    while let Some((i, a)) = iter.next() {
        let a = if i > 0 && a.starts_with('-') && !a.starts_with("--") {
            let name = a[1..].split('=').next().unwrap_or("");
            if TERRAFORM_FLAGS.contains(&name) {
                format!("-{a}")
            } else {
                a
            }
        } else {
            a
        };
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f == "--var" || f == "--var-file" => {
                (f.to_string(), Some(v.to_string()))
            }
            _ => (a.clone(), None),
        };
        if flag == "--var" || flag == "--var-file" {
            let value = inline
                .clone()
                .or_else(|| iter.peek().map(|(_, v)| v.clone()));
            if let Some(v) = value {
                vars.push(if flag == "--var" {
                    VarArg::Pair(v)
                } else {
                    VarArg::File(PathBuf::from(v))
                });
            }
        }
        out.push(a);
    }
    (out, vars)
}

/// Options of every command that plans.
#[derive(Args, Debug, Clone)]
pub struct PlanOptions {
    /// Set a root variable (repeatable): --var 'region=eu-west-1'.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variables from a .tfvars file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Plan only this resource and what it depends on (repeatable).
    #[arg(long, value_name = "ADDRESS")]
    pub target: Vec<String>,
    /// Replace this resource instance even if nothing changed (repeatable).
    #[arg(long, value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Only update the state to match the live infrastructure.
    #[arg(long)]
    pub refresh_only: bool,
    /// Read the live state of every object first (--refresh=false skips it).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub refresh: bool,
    /// How many operations run at once.
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Wait this long for the state lock, such as 5m (default: fail at once).
    #[arg(long, default_value = "0s", value_name = "DURATION")]
    pub lock_timeout: String,
    /// Take the state lock (--lock=false skips it; only safe when nobody else can run).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub lock: bool,
    /// Accepted for compatibility with Terraform scripts: clusterform never asks for
    /// variable values interactively.
    #[arg(long, default_value_t = false, action = clap::ArgAction::Set, value_name = "BOOL", hide = true)]
    pub input: bool,
}

/// Parses `--lock-timeout` values like `0s`, `30s`, `5m`.
pub fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    if s == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = n
        .parse()
        .map_err(|_| format!("\"{s}\" is not a duration: write 30s, 5m or 1h"))?;
    let secs = match unit {
        "s" | "" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("\"{s}\" is not a duration: write 30s, 5m or 1h")),
    };
    Ok(std::time::Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_flags_get_two_dashes_and_vars_keep_order() {
        let args = [
            "clusterform",
            "plan",
            "-var",
            "a=1",
            "--var-file=x.tfvars",
            "-out=p",
            "-x",
        ]
        .map(String::from)
        .to_vec();
        let (out, vars) = normalise_args(args);
        assert_eq!(
            out,
            [
                "clusterform",
                "plan",
                "--var",
                "a=1",
                "--var-file=x.tfvars",
                "--out=p",
                "-x"
            ]
        );
        assert_eq!(
            vars,
            vec![VarArg::Pair("a=1".into()), VarArg::File("x.tfvars".into())]
        );
    }

    #[test]
    fn lock_timeouts_parse() {
        assert_eq!(parse_timeout("5m").unwrap().as_secs(), 300);
        assert!(parse_timeout("soon").is_err());
    }
}
