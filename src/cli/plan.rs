//! `clusterform plan`: one directory, or with `--out-dir` several (see `plan_dirs.rs`).

use std::path::{Path, PathBuf};

use clap::Args;
use tokio_util::sync::CancellationToken;

use super::args::PlanOptions;
use super::operation::{interrupts, make_plan, prepare, settings};
use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;
use crate::config::inputs::VarArg;
use crate::diag::Diagnostic;
use crate::plan::{planfile, Plan, PlanMode, Planned};
use crate::render::{human, markdown};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  clusterform plan
  clusterform plan --out tfplan --detailed-exitcode
  clusterform plan --out tfplan --markdown comment.md
  clusterform plan --out-dir plans --detailed-exitcode envs/dev envs/prod
  clusterform plan --destroy
  clusterform plan --target aws_eks_cluster.dev --var 'region=eu-west-1'")]
pub struct PlanArgs {
    #[command(flatten)]
    pub opts: PlanOptions,
    /// Plan to destroy everything.
    #[arg(long)]
    pub destroy: bool,
    /// Save the plan to FILE, for `clusterform apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the plan as a pull-request comment in Markdown to FILE (with --out-dir: the
    /// combined comment, instead of OUT_DIR/plan.md).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Plan each DIR and save OUT_DIR/<dir>.tfplan for each, plus one combined comment,
    /// OUT_DIR/plan.md.
    #[arg(long, value_name = "OUT_DIR", conflicts_with = "out")]
    pub out_dir: Option<PathBuf>,
    /// Configuration directories to plan with --out-dir (default: the working directory).
    #[arg(value_name = "DIR", requires = "out_dir")]
    pub dirs: Vec<PathBuf>,
    /// Exit 0 with no changes, 1 on error, 2 when there are changes.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

pub async fn run(ws: &Workspace, ui: &Ui, args: PlanArgs, vars: Vec<VarArg>) -> Exit {
    if let Some(out_dir) = &args.out_dir {
        return super::plan_dirs::run(ws, ui, &args, out_dir, &vars).await;
    }
    let out = args.out.as_ref().map(|o| SavedAs {
        path: ws.dir.join(o),
        shown: o.display().to_string(),
        apply_command: format!("clusterform apply {}", o.display()),
    });
    let Some(planned) = plan_dir(ws, ui, &args, &vars, out.as_ref(), || interrupts(ui)).await
    else {
        return Exit::Error;
    };
    if out.is_none() && planned.plan.has_changes() {
        ui.out("\nNote: you didn't use the --out option to save this plan, so clusterform can't guarantee to take exactly these actions if you run \"clusterform apply\" now.\n");
    }
    if let Some(file) = &args.markdown {
        let dir = markdown::DirPlan {
            dir: dir_label(&planned.plan),
            plan: Some(&planned.plan),
            plan_file: out.as_ref().map(|o| ws.relative(&o.path)),
        };
        let text = markdown::comment(&dir, &planned.run.registry, &comment_settings());
        if !write_comment(ws, ui, file, &text) {
            return Exit::Error;
        }
    }
    let changes = planned.plan.has_changes();
    // Freeing a plan of thousands of objects is a measurable share of the run, and the
    // process ends right after: let the OS reclaim it.
    std::mem::forget(planned);
    if args.detailed_exitcode && changes {
        Exit::Changes
    } else {
        Exit::Ok
    }
}

/// Where a plan is saved, and how to tell people about it.
pub(super) struct SavedAs {
    pub path: PathBuf,
    /// The file as the "Saved the plan to" line names it.
    pub shown: String,
    /// The command that applies it, from where clusterform was started.
    pub apply_command: String,
}

/// Plans `ws.dir`, prints the plan, and saves it when `out` is given; the state stays locked
/// until the plan is printed and saved. `None` when planning failed (diagnostics printed).
/// `stop` is asked for the Ctrl-C token once the state is locked.
pub(super) async fn plan_dir(
    ws: &Workspace,
    ui: &Ui,
    args: &PlanArgs,
    vars: &[VarArg],
    out: Option<&SavedAs>,
    stop: impl FnOnce() -> CancellationToken,
) -> Option<Planned> {
    let mode = if args.destroy {
        PlanMode::Destroy
    } else {
        PlanMode::Normal
    };
    let settings = match settings(&args.opts, mode) {
        Ok(s) => s,
        Err(d) => {
            ui.error(d);
            return None;
        }
    };
    let prepared = prepare(
        ws,
        ui,
        &args.opts,
        vars,
        crate::state::lock::OPERATION_PLAN,
        &Default::default(),
    )?;
    let planned = make_plan(ws, ui, &prepared, settings, stop()).await?;
    let registry = &prepared.loaded.registry;
    ui.out(&human::legend(&planned.plan, ui.color_out));
    ui.out(&human::render_plan(&planned.plan, registry, ui.color_out));
    if let Some(out) = out {
        if let Err(e) = planfile::write_in_workspace(&out.path, &planned.plan, &prepared.workspace)
        {
            ui.error(Diagnostic::error("Cannot save the plan").detail(e.to_string()));
            return None;
        }
        ui.out(&format!(
            "\nSaved the plan to: {}\n\nTo perform exactly these actions, run:\n    {}\n",
            out.shown, out.apply_command
        ));
    }
    if let Some(l) = prepared.lock {
        let _ = l.release();
    }
    Some(planned)
}

/// The directory a plan was made in, as comments name it.
pub(super) fn dir_label(plan: &Plan) -> String {
    if plan.working_dir.is_empty() {
        ".".to_string()
    } else {
        plan.working_dir.clone()
    }
}

/// Comments for GitHub, titled with the workspace this run uses.
pub(super) fn comment_settings() -> markdown::CommentSettings<'static> {
    markdown::CommentSettings {
        workspace: workspace::selected_name(),
        limit: markdown::GITHUB_COMMENT_LIMIT,
    }
}

/// Writes a comment to `file` (relative to the configuration directory, as `--out` is) and
/// says where. False when it could not be written (diagnostic printed).
pub(super) fn write_comment(ws: &Workspace, ui: &Ui, file: &Path, text: &str) -> bool {
    let path = ws.dir.join(file);
    if let Err(e) = fs_err::write(&path, text) {
        ui.error(Diagnostic::error("Cannot write the pull-request comment").detail(e.to_string()));
        return false;
    }
    ui.out(&format!(
        "\nWrote the pull-request comment to: {}\n",
        ws.relative(&path)
    ));
    true
}
