//! `clusterform fmt`: canonical formatting of `.tf` and `.tfvars` files.

use std::path::{Path, PathBuf};

use clap::Args;

use super::ui::Ui;
use super::workspace::Workspace;
use super::Exit;
use crate::diag::Diagnostic;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform fmt\n  clusterform fmt --check --diff --recursive\n  clusterform fmt main.tf"
)]
pub struct FmtArgs {
    /// Files or directories to format (default: the working directory).
    pub paths: Vec<PathBuf>,
    /// Change nothing; exit 3 when a file is not formatted.
    #[arg(long)]
    pub check: bool,
    /// Print the changes as a unified diff.
    #[arg(long)]
    pub diff: bool,
    /// Also format files in subdirectories.
    #[arg(long)]
    pub recursive: bool,
}

fn collect(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if recursive && !name.starts_with('.') {
                collect(&p, recursive, out);
            }
        } else if name.ends_with(".tf") || name.ends_with(".tfvars") {
            out.push(p);
        }
    }
}

pub fn run(ws: &Workspace, ui: &Ui, args: FmtArgs) -> Exit {
    let mut files = Vec::new();
    let roots = if args.paths.is_empty() {
        vec![ws.dir.clone()]
    } else {
        args.paths.iter().map(|p| ws.dir.join(p)).collect()
    };
    for r in roots {
        if r.is_dir() {
            collect(&r, args.recursive, &mut files);
        } else if r.is_file() {
            files.push(r);
        } else {
            ui.error(
                Diagnostic::error("No such file or directory")
                    .detail(format!("{} does not exist.", ws.relative(&r))),
            );
            return Exit::Error;
        }
    }
    let mut unformatted = false;
    let mut failed = false;
    for f in files {
        let shown = ws.relative(&f);
        let text = match fs_err::read_to_string(&f) {
            Ok(t) => t,
            Err(e) => {
                ui.error(Diagnostic::error("Cannot read file").detail(e.to_string()));
                failed = true;
                continue;
            }
        };
        let formatted = match crate::fmt::format_source(&text) {
            Ok(t) => t,
            Err(e) => {
                ui.error(
                    Diagnostic::error("Cannot format file")
                        .detail(format!("{shown}: {e}"))
                        .hint(
                            "fix the syntax error first; clusterform validate shows it in context",
                        ),
                );
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted = true;
        ui.out(&format!("{shown}\n"));
        if args.diff {
            ui.out(&crate::fmt::unified_diff(&shown, &text, &formatted));
        }
        if !args.check {
            if let Err(e) = fs_err::write(&f, formatted) {
                ui.error(Diagnostic::error("Cannot write file").detail(e.to_string()));
                failed = true;
            }
        }
    }
    if failed {
        Exit::Error
    } else if args.check && unformatted {
        Exit::Unformatted
    } else {
        Exit::Ok
    }
}
