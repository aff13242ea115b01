//! `clusterform show [PLANFILE] [--json | --format human|json|markdown]`.

use std::path::PathBuf;

use clap::Args;

use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;
use crate::diag::Diagnostic;
use crate::render::markdown;
use crate::render::values::{whole, Mark, Out};
use crate::state::State;
use crate::value::Value;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform show                              # the state\n  clusterform show tfplan                       # a saved plan\n  clusterform show --json tfplan                # Terraform's JSON plan format\n  clusterform show --format markdown tfplan     # a pull-request comment"
)]
pub struct ShowArgs {
    /// A plan saved with `plan --out`; without it, the state is shown.
    pub plan_file: Option<PathBuf>,
    /// Print Terraform's JSON plan or state representation (the same as --format json).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// How to print: as `plan` does, Terraform's JSON, or a Markdown pull-request comment
    /// (markdown needs a PLANFILE).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ShowFormat>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    Human,
    Json,
    Markdown,
}

pub fn run(ws: &Workspace, ui: &Ui, args: ShowArgs) -> Exit {
    let format = match (args.json, args.format) {
        (true, _) => ShowFormat::Json,
        (false, f) => f.unwrap_or(ShowFormat::Human),
    };
    if format == ShowFormat::Markdown && args.plan_file.is_none() {
        ui.error(
            Diagnostic::error("Nothing to show as Markdown")
                .detail("--format markdown renders a saved plan as a pull-request comment, so it needs a plan file.")
                .hint("save a plan with clusterform plan --out tfplan, then run clusterform show --format markdown tfplan"),
        );
        return Exit::Error;
    }
    let registry = workspace::registry();
    let config = crate::config::load(&ws.dir, &ws.display_base).0;
    let backend = match workspace::backend(ws, config.as_ref()) {
        Ok(b) => b,
        Err(d) => {
            ui.error(d);
            return Exit::Error;
        }
    };
    let state = match backend.read() {
        Ok(s) => s,
        Err(e) => {
            ui.error(workspace::state_error("Cannot read the state", &e));
            return Exit::Error;
        }
    };
    if let Some(file) = &args.plan_file {
        let (plan, plan_workspace) =
            match crate::plan::planfile::read_with_workspace(&ws.dir.join(file)) {
                Ok(p) => p,
                Err(e) => {
                    ui.error(Diagnostic::error("Cannot read the saved plan").detail(e.to_string()));
                    return Exit::Error;
                }
            };
        if format == ShowFormat::Markdown {
            let dir = markdown::DirPlan {
                dir: super::plan::dir_label(&plan),
                plan: Some(&plan),
                plan_file: Some(ws.relative(&ws.dir.join(file))),
            };
            let settings = markdown::CommentSettings {
                workspace: &plan_workspace,
                ..super::plan::comment_settings()
            };
            ui.out(&markdown::comment(&dir, &registry, &settings));
        } else if format == ShowFormat::Json {
            let json =
                crate::render::json::plan_json(&plan, state.as_ref(), config.as_ref(), &registry);
            ui.out(&format!(
                "{}\n",
                serde_json::to_string(&json).unwrap_or_default()
            ));
        } else {
            for m in &plan.messages {
                let at = m
                    .location
                    .as_deref()
                    .map(|l| format!("\n  --> {l}"))
                    .unwrap_or_default();
                let detail = m
                    .detail
                    .as_deref()
                    .map(|d| format!("\n   = {d}"))
                    .unwrap_or_default();
                let hint = m
                    .hint
                    .as_deref()
                    .map(|h| format!("\n   = hint: {h}"))
                    .unwrap_or_default();
                ui.err(&format!(
                    "\n{}: {}{at}{detail}{hint}\n",
                    m.severity, m.summary
                ));
            }
            ui.out(&crate::render::human::legend(&plan, ui.color_out));
            ui.out(&crate::render::human::render_plan(
                &plan,
                &registry,
                ui.color_out,
            ));
        }
        return Exit::Ok;
    }
    let state = state.unwrap_or_else(State::new);
    if format == ShowFormat::Json {
        let json = crate::render::json::state_json(&state, &registry);
        ui.out(&format!(
            "{}\n",
            serde_json::to_string(&json).unwrap_or_default()
        ));
        return Exit::Ok;
    }
    if state.is_empty() {
        ui.out("The state has no resources.\n");
        return Exit::Ok;
    }
    ui.out(&render_state(&state));
    Exit::Ok
}

/// Every instance in the state, as resource blocks with sensitive values hidden.
pub fn render_state(state: &State) -> String {
    let mut buf = String::new();
    for (addr, _, inst) in state.instances() {
        buf.push_str(&render_instance(&addr.to_string(), &addr.resource, inst));
    }
    buf.push_str(&super::output::render_outputs(state));
    buf
}

pub fn render_instance(
    label: &str,
    r: &crate::addr::ResourceAddr,
    inst: &crate::state::InstanceState,
) -> String {
    let v = crate::value::paths::mark_sensitive_paths(
        Value::from_json(&inst.attributes),
        &inst.sensitive_attributes,
    );
    let kind = if r.mode == crate::addr::Mode::Data {
        "data"
    } else {
        "resource"
    };
    let mut out = Out::new();
    if let Some(map) = v.as_object() {
        let width = map
            .iter()
            .filter(|(_, v)| !matches!(v, Value::Null))
            .map(|(k, _)| k)
            .map(|k| crate::value::object_key(k).len())
            .max()
            .unwrap_or(0);
        for (k, item) in map {
            if !item.is_null() {
                whole(
                    &mut out,
                    0,
                    Mark::Same,
                    &format!("{:width$}", crate::value::object_key(k)),
                    item,
                    false,
                );
            }
        }
    }
    let mut buf = format!("# {label}:\n{kind} \"{}\" \"{}\" {{\n", r.type_name, r.name);
    for l in out.lines {
        buf.push_str(&format!("{}  {}\n", " ".repeat(l.indent), l.text).replace("   \n", "\n"));
    }
    buf.push_str("}\n\n");
    buf
}
