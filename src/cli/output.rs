//! `clusterform output [NAME]`.

use clap::Args;

use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;
use crate::diag::Diagnostic;
use crate::state::State;
use crate::value::Value;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform output\n  clusterform output cluster_endpoint\n  clusterform output --json"
)]
pub struct OutputArgs {
    /// Print only this output (its raw value with --raw).
    pub name: Option<String>,
    /// Print as JSON (sensitive values included, as Terraform does: this is for machines).
    #[arg(long)]
    pub json: bool,
    /// Print a string output without quotes.
    #[arg(long)]
    pub raw: bool,
}

/// Outputs as `name = value` lines, sensitive ones hidden.
pub fn render_outputs(state: &State) -> String {
    if state.outputs.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nOutputs:\n\n");
    for (name, o) in &state.outputs {
        let v = Value::from_json(&o.value).mark_if(o.sensitive);
        out.push_str(&format!("{name} = {v}\n"));
    }
    out
}

pub fn run(ws: &Workspace, ui: &Ui, args: OutputArgs) -> Exit {
    let config = crate::config::load(&ws.dir, &ws.display_base).0;
    let backend = match workspace::backend(ws, config.as_ref()) {
        Ok(b) => b,
        Err(d) => {
            ui.error(d);
            return Exit::Error;
        }
    };
    let state = match backend.read() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            ui.error(workspace::state_error("Cannot read the state", &e));
            return Exit::Error;
        }
    };
    match args.name {
        Some(name) => {
            let Some(o) = state.outputs.get(&name) else {
                ui.error(
                    Diagnostic::error(format!("Output \"{name}\" not found"))
                        .detail("The state has no output with that name; outputs appear after an apply.")
                        .hint(format!("outputs in the state: {}", state.outputs.keys().cloned().collect::<Vec<_>>().join(", "))),
                );
                return Exit::Error;
            };
            if args.json {
                ui.out(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&o.value).unwrap_or_default()
                ));
            } else if args.raw {
                match &o.value {
                    serde_json::Value::String(s) => ui.out(&format!("{s}\n")),
                    other => ui.out(&format!("{other}\n")),
                }
            } else {
                let v = Value::from_json(&o.value);
                ui.out(&format!("{v}\n"));
            }
        }
        None if args.json => {
            let map: serde_json::Map<String, serde_json::Value> = state
                .outputs
                .iter()
                .map(|(k, o)| (k.clone(), serde_json::json!({"sensitive": o.sensitive, "type": o.type_, "value": o.value})))
                .collect();
            ui.out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&map).unwrap_or_default()
            ));
        }
        None => {
            let text = render_outputs(&state);
            ui.out(text.trim_start_matches("\nOutputs:\n\n"));
        }
    }
    Exit::Ok
}
