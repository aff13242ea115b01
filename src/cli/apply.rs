//! `clusterform apply [PLANFILE]` and `clusterform destroy`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::args::PlanOptions;
use super::operation::{interrupts, make_plan, prepare, settings, Prepared};
use super::ui::Ui;
use super::workspace::Workspace;
use super::Exit;
use crate::apply::{ApplySettings, StateWriter};
use crate::config::inputs::VarArg;
use crate::diag::Diagnostic;
use crate::plan::model::Plan;
use crate::plan::{planfile, PlanMode, Planned};
use crate::render::human;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform apply                 # plan, show, ask, apply\n  clusterform apply tfplan          # apply exactly a saved plan\n  clusterform apply --auto-approve --var 'region=eu-west-1'"
)]
pub struct ApplyArgs {
    /// A plan saved with `plan --out`; applied exactly, or refused if anything changed since.
    pub plan_file: Option<PathBuf>,
    #[command(flatten)]
    pub opts: PlanOptions,
    /// Destroy everything instead.
    #[arg(long)]
    pub destroy: bool,
    /// Skip the confirmation prompt.
    #[arg(long)]
    pub auto_approve: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform destroy\n  clusterform destroy --auto-approve --target aws_eks_cluster.dev"
)]
pub struct DestroyArgs {
    #[command(flatten)]
    pub opts: PlanOptions,
    /// Skip the confirmation prompt.
    #[arg(long)]
    pub auto_approve: bool,
}

pub async fn run_destroy(ws: &Workspace, ui: &Ui, args: DestroyArgs, vars: Vec<VarArg>) -> Exit {
    if args.opts.refresh_only {
        ui.error(
            Diagnostic::error("Conflicting options")
                .detail("destroy and --refresh-only ask for different things.")
                .hint("use clusterform apply --refresh-only to update the state only"),
        );
        return Exit::Error;
    }
    run(
        ws,
        ui,
        ApplyArgs {
            plan_file: None,
            opts: args.opts,
            destroy: true,
            auto_approve: args.auto_approve,
        },
        vars,
    )
    .await
}

fn env_duration(name: &str, default: Duration) -> Duration {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(default)
}

pub async fn run(ws: &Workspace, ui: &Ui, args: ApplyArgs, vars: Vec<VarArg>) -> Exit {
    if let Some(file) = &args.plan_file {
        let o = &args.opts;
        if !vars.is_empty()
            || !o.target.is_empty()
            || !o.replace.is_empty()
            || o.refresh_only
            || args.destroy
        {
            ui.error(
                Diagnostic::error("Options not allowed with a saved plan")
                    .detail("A saved plan already records its variables, targets and mode; --var, --var-file, --target, --replace, --refresh-only and --destroy cannot change it.")
                    .hint("make a new plan with those options: clusterform plan --out FILE …"),
            );
            return Exit::Error;
        }
        return apply_saved(ws, ui, &ws.dir.join(file), &args.opts).await;
    }
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
    let op = crate::state::lock::OPERATION_APPLY;
    let Some(prepared) = prepare(ws, ui, &args.opts, &vars, op, &Default::default()) else {
        return Exit::Error;
    };
    let stop = interrupts(ui);
    let Some(planned) = make_plan(ws, ui, &prepared, settings, stop.clone()).await else {
        return Exit::Error;
    };
    ui.out(&human::legend(&planned.plan, ui.color_out));
    ui.out(&human::render_plan(
        &planned.plan,
        &prepared.loaded.registry,
        ui.color_out,
    ));
    if !planned.plan.has_changes() && planned.plan.drift.is_empty() {
        return execute(ws, ui, prepared, planned, &args.opts, stop).await;
    }
    if !args.auto_approve && !confirm(ui, args.destroy) {
        ui.err("\nApply cancelled: nothing was changed.\n");
        return Exit::Error;
    }
    execute(ws, ui, prepared, planned, &args.opts, stop).await
}

/// Asks for "yes" on a terminal; refuses without one.
fn confirm(ui: &Ui, destroy: bool) -> bool {
    let (question, detail) = if destroy {
        ("Do you really want to destroy all resources?", "clusterform will destroy all your managed infrastructure, as shown above.\nThere is no undo. Only 'yes' will be accepted to confirm.")
    } else {
        ("Do you want to perform these actions?", "clusterform will perform the actions described above.\nOnly 'yes' will be accepted to approve.")
    };
    ui.confirm(
        question,
        detail,
        "review the plan and run with --auto-approve, or save it with plan --out and apply the file",
    )
}

async fn execute(
    ws: &Workspace,
    ui: &Ui,
    prepared: Prepared,
    planned: Planned,
    opts: &PlanOptions,
    stop: tokio_util::sync::CancellationToken,
) -> Exit {
    let writer = StateWriter::new((*prepared.state).clone(), prepared.backend.clone());
    let settings = ApplySettings {
        parallelism: opts.parallelism.max(1),
        progress_interval: env_duration(
            "CLUSTERFORM_PROGRESS_INTERVAL_MS",
            Duration::from_secs(10),
        ),
        poll_interval: env_duration("CLUSTERFORM_POLL_INTERVAL_MS", Duration::from_secs(5)),
    };
    let ui_progress = ui.clone();
    let progress: crate::apply::Progress =
        Arc::new(move |line: &str| ui_progress.err(&format!("{line}\n")));
    let destroy = planned.plan.mode == PlanMode::Destroy;
    let sources = prepared.loaded.config.sources.clone();
    let outcome = crate::apply::apply(planned, writer.clone(), settings, progress, stop).await;
    ui.diagnostics(&outcome.diagnostics, &sources);
    let recovery = writer
        .unsaved()
        .map(|error| super::recovery::save_errored_state(ws, ui, &writer.snapshot(), &error));
    if let Some(l) = prepared.lock {
        let id = l.info().id.clone();
        if let Err(e) = l.release() {
            super::recovery::report_unreleased_lock(ui, &id, &e);
        }
    }
    let summary = if destroy {
        format!("Resources: {} destroyed.", outcome.destroyed)
    } else {
        format!(
            "Resources: {} added, {} changed, {} destroyed.",
            outcome.added, outcome.changed, outcome.destroyed
        )
    };
    if let Some(recovery) = recovery {
        ui.err(&format!("\nApply failed. {summary}\n{recovery}"));
        return Exit::Error;
    }
    if outcome.interrupted {
        ui.err(&format!("\nApply interrupted: the state records every operation that completed. {summary}\nRun apply again to finish.\n"));
        return Exit::Error;
    }
    if outcome.diagnostics.has_errors() {
        ui.err(&format!("\nApply failed. {summary}\nThe state records every operation that completed; fix the errors above and run apply again.\n"));
        return Exit::Error;
    }
    let word = if destroy { "Destroy" } else { "Apply" };
    ui.out(&format!("\n{word} complete! {summary}\n"));
    if !destroy {
        ui.out(&super::output::render_outputs(&writer.snapshot()));
    }
    Exit::Ok
}

/// Applies a saved plan after checking that nothing it depends on has changed.
async fn apply_saved(ws: &Workspace, ui: &Ui, file: &std::path::Path, opts: &PlanOptions) -> Exit {
    let (saved, saved_workspace) = match planfile::read_with_workspace(file) {
        Ok(p) => p,
        Err(e) => {
            ui.error(Diagnostic::error("Cannot read the saved plan").detail(e.to_string()));
            return Exit::Error;
        }
    };
    let recorded: std::collections::BTreeMap<String, crate::value::Value> = saved
        .variables
        .iter()
        .map(|(k, v)| {
            // Sensitive values are not in the plan: an unknown placeholder lets loading go on,
            // and the digest check then says how to supply the real value.
            let value = v
                .value
                .as_ref()
                .map_or(crate::value::Value::Unknown, crate::value::Value::from_json);
            (k.clone(), value)
        })
        .collect();
    let Some(mut prepared) = prepare(
        ws,
        ui,
        opts,
        &[],
        crate::state::lock::OPERATION_APPLY,
        &recorded,
    ) else {
        return Exit::Error;
    };
    if saved_workspace != prepared.workspace {
        ui.error(
            Diagnostic::error("Saved plan is for a different workspace")
                .detail(format!(
                    "The plan was made in workspace \"{saved_workspace}\", and the selected workspace is \"{}\": applying it would change the wrong state.",
                    prepared.workspace
                ))
                .hint(format!("select the plan's workspace (clusterform workspace select {saved_workspace}), or make a new plan in this one")),
        );
        return Exit::Error;
    }
    if let Err(d) = check_fresh(&saved, &mut prepared) {
        ui.error(d);
        return Exit::Error;
    }
    let mut settings = match settings(opts, saved.mode) {
        Ok(s) => s,
        Err(d) => {
            ui.error(d);
            return Exit::Error;
        }
    };
    settings.targets = saved
        .targets
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    settings.replace = saved
        .replace
        .iter()
        .filter_map(|t| match t.parse::<crate::addr::TargetAddr>() {
            Ok(crate::addr::TargetAddr::Instance(i)) => Some(i),
            _ => None,
        })
        .collect();
    let stop = interrupts(ui);
    let Some(planned) = make_plan(ws, ui, &prepared, settings, stop.clone()).await else {
        return Exit::Error;
    };
    if let Err(d) = same_actions(&saved, &planned.plan) {
        ui.error(d);
        return Exit::Error;
    }
    execute(ws, ui, prepared, planned, opts, stop).await
}

/// Refuses a plan made against other state, other configuration or other variables.
fn check_fresh(saved: &Plan, p: &mut Prepared) -> Result<(), Diagnostic> {
    let stale = |detail: String| {
        Diagnostic::error("Saved plan is stale")
            .detail(detail)
            .hint("run clusterform plan --out FILE again and apply the new plan")
    };
    let (lineage, serial) = if p.stored {
        (Some(p.state.lineage.clone()), Some(p.state.serial))
    } else {
        (None, None)
    };
    match (&saved.state_lineage, &lineage) {
        (None, Some(_)) => return Err(stale("The plan was made before any state existed, and something has been applied since.".into())),
        (Some(_), None) => return Err(stale("The plan was made against a state that no longer exists.".into())),
        (a, b) if a != b => return Err(stale("The plan was made for a different state (its lineage does not match), so it may not describe the infrastructure it would change.".into())),
        _ => {}
    }
    if saved.state_serial != serial {
        return Err(stale(format!(
            "The state changed since the plan was made (serial {} then, {} now): something was applied in between.",
            saved.state_serial.map_or("none".into(), |s| s.to_string()),
            serial.map_or("none".into(), |s| s.to_string())
        )));
    }
    if saved.config_digest != p.loaded.config.digest() {
        return Err(stale(
            "The configuration files changed since the plan was made.".into(),
        ));
    }
    for (name, rec) in &saved.variables {
        let current = p.variables.get(name);
        match (&rec.value, &rec.sha256) {
            (Some(v), _) => {
                let value = crate::value::Value::from_json(v);
                p.variables.insert(name.clone(), value);
            }
            (None, Some(digest)) => {
                let ok = current.is_some_and(|c| planfile::digest_matches(c, digest));
                if !ok {
                    return Err(Diagnostic::error("Sensitive variable differs from the plan")
                        .detail(format!("The plan was made with a value for the sensitive variable \"{name}\" that clusterform does not store. The value available now is missing or different."))
                        .hint(format!("set the same value again with TF_VAR_{name} or a .tfvars file")));
                }
            }
            (None, None) => {}
        }
    }
    Ok(())
}

/// The fresh plan must do exactly what the saved one said.
fn same_actions(saved: &Plan, fresh: &Plan) -> Result<(), Diagnostic> {
    let list = |p: &Plan| -> Vec<String> {
        p.effective_changes()
            .map(|c| format!("{} ({:?})", c.addr, c.action))
            .collect()
    };
    let (a, b) = (list(saved), list(fresh));
    if a != b {
        let missing: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
        let extra: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
        return Err(Diagnostic::error("Saved plan is stale")
            .detail(format!(
                "The live infrastructure changed since the plan was made, so applying it would not do what it says.\nIn the saved plan only: {}\nNeeded now: {}",
                if missing.is_empty() { "nothing".to_string() } else { missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ") },
                if extra.is_empty() { "nothing".to_string() } else { extra.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ") }
            ))
            .hint("run clusterform plan --out FILE again, review it, and apply the new plan"));
    }
    Ok(())
}
