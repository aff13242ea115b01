//! `clusterform plan --out-dir OUT_DIR DIR…`: plans several configuration directories in one run
//! (a repository with one directory per environment), saves `OUT_DIR/<dir>.tfplan` for each and
//! writes one combined pull-request comment.
//!
//! Each directory is planned exactly as `clusterform --chdir DIR plan --out …` would plan it;
//! one that fails is reported and the others are still planned.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use super::plan::{comment_settings, dir_label, plan_dir, write_comment, PlanArgs, SavedAs};
use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;
use crate::config::inputs::VarArg;
use crate::diag::Diagnostic;
use crate::plan::Plan;
use crate::render::markdown::{self, DirPlan};

/// The combined comment's file name inside OUT_DIR, unless `--markdown` names another.
const COMMENT_FILE: &str = "plan.md";

/// One directory to plan.
struct Target {
    ws: Workspace,
    /// As comments and headings name it: relative to where clusterform was started.
    label: String,
    saved: SavedAs,
}

pub async fn run(
    ws: &Workspace,
    ui: &Ui,
    args: &PlanArgs,
    out_dir: &Path,
    vars: &[VarArg],
) -> Exit {
    let out_dir = ws.dir.join(out_dir);
    if let Err(e) = fs_err::create_dir_all(&out_dir) {
        ui.error(Diagnostic::error("Cannot create the --out-dir directory").detail(e.to_string()));
        return Exit::Error;
    }
    let dirs = if args.dirs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.dirs.clone()
    };
    let Some(targets) = targets(ws, ui, &dirs, &out_dir) else {
        return Exit::Error;
    };
    let stop = super::operation::interrupts(ui);
    let mut plans: Vec<Option<Plan>> = Vec::new();
    let mut registry = None;
    for t in &targets {
        ui.out(&format!("\n=== {} ===\n", t.label));
        let planned = if stop.is_cancelled() {
            ui.err(&format!(
                "\n{}: not planned, because planning was interrupted.\n",
                t.label
            ));
            None
        } else if !t.ws.dir.is_dir() {
            ui.error(Diagnostic::error("Invalid directory").detail(format!(
                "The directory {} does not exist.",
                t.ws.dir.display()
            )));
            None
        } else {
            plan_dir(&t.ws, ui, args, vars, Some(&t.saved), || stop.clone()).await
        };
        plans.push(planned.map(|p| {
            registry.get_or_insert_with(|| p.run.registry.clone());
            p.plan
        }));
    }
    let comment_dirs: Vec<DirPlan<'_>> = targets
        .iter()
        .zip(&plans)
        .map(|(t, p)| DirPlan {
            dir: p.as_ref().map_or_else(|| t.label.clone(), dir_label),
            plan: p.as_ref(),
            plan_file: p.as_ref().map(|_| t.ws.relative(&t.saved.path)),
        })
        .collect();
    let registry = registry.unwrap_or_else(|| std::sync::Arc::new(workspace::registry()));
    let text = markdown::combined_comment(&comment_dirs, &registry, &comment_settings());
    let failed = plans.iter().filter(|p| p.is_none()).count();
    let changed = plans.iter().flatten().filter(|p| p.has_changes()).count();
    ui.out(&format!(
        "\nPlanned {} director{}: {changed} with changes, {} without, {failed} failed.\n",
        plans.len(),
        if plans.len() == 1 { "y" } else { "ies" },
        plans.len() - changed - failed
    ));
    let comment = args
        .markdown
        .clone()
        .unwrap_or_else(|| out_dir.join(COMMENT_FILE));
    if !write_comment(ws, ui, &comment, &text) || failed > 0 {
        return Exit::Error;
    }
    if args.detailed_exitcode && changed > 0 {
        Exit::Changes
    } else {
        Exit::Ok
    }
}

/// Resolves each directory, and where its plan goes. `None` (error printed) when two
/// directories would write the same plan file.
fn targets(ws: &Workspace, ui: &Ui, dirs: &[PathBuf], out_dir: &Path) -> Option<Vec<Target>> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for d in dirs {
        let dir = lexical(&ws.dir.join(d));
        let dir_ws = Workspace {
            dir: dir.clone(),
            display_base: ws.display_base.clone(),
        };
        let label = match dir_ws.relative(&dir) {
            l if l.is_empty() => ".".to_string(),
            l => l,
        };
        let slug = slug(&relative(&lexical(&ws.dir), &dir).display().to_string());
        if let Some(first) = seen.insert(slug.clone(), label.clone()) {
            ui.error(
                Diagnostic::error("Two directories would share a plan file")
                    .detail(format!(
                        "{first} and {label} would both be saved as {slug}.tfplan."
                    ))
                    .hint("rename one of the directories, or plan them in separate runs"),
            );
            return None;
        }
        let path = out_dir.join(format!("{slug}.tfplan"));
        let from_dir = relative(&dir, &lexical(&path));
        let apply_command = if label == "." {
            format!("clusterform apply {}", from_dir.display())
        } else {
            format!("clusterform --chdir {label} apply {}", from_dir.display())
        };
        out.push(Target {
            ws: dir_ws,
            label,
            saved: SavedAs {
                shown: ws.relative(&path),
                path,
                apply_command,
            },
        });
    }
    Some(out)
}

/// A file name for a directory: `envs/dev` → `envs-dev`. Letters, digits, `_` and `.` are
/// kept, every other run of characters becomes one `-`; `.` (the working directory) → `root`.
pub fn slug(dir: &str) -> String {
    let mut s = String::new();
    for c in dir.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches(|c| c == '-' || c == '.');
    if s.is_empty() {
        "root".to_string()
    } else {
        s.to_string()
    }
}

/// `p` with `.` and `..` resolved by its text, without touching the file system.
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `to` relative to the directory `from` (both absolute and lexical): `../../plans/x.tfplan`.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("envs/dev"), "envs-dev");
        assert_eq!(slug("envs/eu west/prod"), "envs-eu-west-prod");
        assert_eq!(slug("."), "root");
        assert_eq!(slug("../shared/net"), "shared-net");
        assert_eq!(slug("a-b"), "a-b");
    }

    #[test]
    fn relative_paths_climb_out_of_the_directory() {
        assert_eq!(
            relative(
                Path::new("/r/envs/dev"),
                Path::new("/r/plans/envs-dev.tfplan")
            ),
            PathBuf::from("../../plans/envs-dev.tfplan")
        );
        assert_eq!(
            relative(Path::new("/r"), Path::new("/r")),
            PathBuf::from(".")
        );
        assert_eq!(lexical(Path::new("/r/./a/../b")), PathBuf::from("/r/b"));
    }
}
