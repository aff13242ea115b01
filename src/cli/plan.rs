//! `clusterform plan`.

use std::path::PathBuf;

use clap::Args;

use super::args::PlanOptions;
use super::operation::{interrupts, make_plan, prepare, settings};
use super::ui::Ui;
use super::workspace::Workspace;
use super::Exit;
use crate::config::inputs::VarArg;
use crate::plan::{planfile, PlanMode};
use crate::render::human;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform plan\n  clusterform plan --out tfplan --detailed-exitcode\n  clusterform plan --destroy\n  clusterform plan --target aws_eks_cluster.dev --var 'region=eu-west-1'"
)]
pub struct PlanArgs {
    #[command(flatten)]
    pub opts: PlanOptions,
    /// Plan to destroy everything.
    #[arg(long)]
    pub destroy: bool,
    /// Save the plan to FILE, for `clusterform apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 with no changes, 1 on error, 2 when there are changes.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

pub async fn run(ws: &Workspace, ui: &Ui, args: PlanArgs, vars: Vec<VarArg>) -> Exit {
    let mode = if args.destroy {
        PlanMode::Destroy
    } else {
        PlanMode::Normal
    };
    let settings = match settings(&args.opts, mode) {
        Ok(s) => s,
        Err(d) => {
            ui.error(d);
            return Exit::Error;
        }
    };
    let Some(prepared) = prepare(
        ws,
        ui,
        &args.opts,
        &vars,
        crate::state::lock::OPERATION_PLAN,
        &Default::default(),
    ) else {
        return Exit::Error;
    };
    let stop = interrupts(ui);
    let Some(planned) = make_plan(ws, ui, &prepared, settings, stop).await else {
        return Exit::Error;
    };
    let registry = &prepared.loaded.registry;
    ui.out(&human::legend(&planned.plan, ui.color_out));
    ui.out(&human::render_plan(&planned.plan, registry, ui.color_out));
    if let Some(out) = &args.out {
        let path = ws.dir.join(out);
        if let Err(e) = planfile::write(&path, &planned.plan) {
            ui.error(crate::diag::Diagnostic::error("Cannot save the plan").detail(e.to_string()));
            return Exit::Error;
        }
        ui.out(&format!(
            "\nSaved the plan to: {}\n\nTo perform exactly these actions, run:\n    clusterform apply {}\n",
            out.display(),
            out.display()
        ));
    } else if planned.plan.has_changes() {
        ui.out("\nNote: you didn't use the --out option to save this plan, so clusterform can't guarantee to take exactly these actions if you run \"clusterform apply\" now.\n");
    }
    if let Some(l) = prepared.lock {
        let _ = l.release();
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
