//! `clusterform validate`: every check that needs no cloud and no state.
//!
//! Besides the static checks it evaluates the whole configuration with every root variable
//! unknown, as Terraform does, so type errors and bad references inside expressions are found
//! without credentials.

use std::collections::BTreeMap;

use clap::Args;
use tokio_util::sync::CancellationToken;

use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;
use crate::engine::run::{lock, Run};
use crate::plan::{PlanMeta, PlanSettings};
use crate::value::Value;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform validate\n  clusterform --chdir examples/eks-public validate"
)]
pub struct ValidateArgs {}

pub async fn run(ws: &Workspace, ui: &Ui, _args: ValidateArgs) -> Exit {
    let Some((loaded, diags)) = workspace::load(ws, ui) else {
        return Exit::Error;
    };
    let unknowns: BTreeMap<String, Value> = loaded
        .config
        .root
        .variables
        .iter()
        .map(|(name, v)| (name.clone(), Value::Unknown.mark_if(v.sensitive)))
        .collect();
    let mut run = Run::new(
        loaded.config.clone(),
        loaded.graph.clone(),
        loaded.registry.clone(),
        std::sync::Arc::new(crate::state::State::new()),
        unknowns,
    );
    run.offline = true;
    run.extend(diags);
    let meta = PlanMeta {
        working_dir: String::new(),
        state_lineage: None,
        state_serial: None,
        variables: BTreeMap::new(),
    };
    let settings = PlanSettings {
        refresh: false,
        ..PlanSettings::default()
    };
    let planned = crate::plan::plan(run, settings, meta, CancellationToken::new()).await;
    let diags = lock(&planned.run.diags).clone();
    ui.diagnostics(&diags, &loaded.config.sources);
    if diags.has_errors() {
        return Exit::Error;
    }
    let files = loaded.config.sources.files().count();
    let resources: usize = loaded
        .config
        .modules()
        .iter()
        .map(|m| m.resources.len())
        .sum();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    ui.out(&format!(
        "Success! The configuration is valid ({}, {}).\n",
        plural(files, "file"),
        plural(resources, "resource block")
    ));
    Exit::Ok
}
