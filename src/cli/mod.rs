//! The command line: one file per command, each turning its `*Args` into one call.

mod apply;
mod args;
mod data_dir;
mod fmt;
mod graph;
mod import;
mod init;
mod migrate;
mod operation;
mod output;
mod plan;
mod plan_dirs;
mod recovery;
mod show;
mod state_cmd;
mod state_push;
pub mod ui;
mod validate;
pub mod workspace;
mod workspace_cmd;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use args::normalise_args;
use ui::{ColorChoice, Ui};

/// How a command ended, as the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Error = 1,
    /// Only with `--detailed-exitcode`: the plan has changes.
    Changes = 2,
    /// Only with `fmt --check`: some files are not formatted (as Terraform's exit code 3).
    Unformatted = 3,
}

const EXAMPLES: &str = "\
Examples:
  clusterform init
  clusterform plan --out tfplan
  clusterform apply tfplan
  clusterform plan --var 'region=eu-west-1' --detailed-exitcode
  clusterform --chdir examples/eks-private plan
  clusterform destroy --auto-approve";

#[derive(Parser, Debug)]
#[command(
    name = "clusterform",
    version,
    about = "Declarative provisioning of Kubernetes clusters and the network access to their API servers (EKS, private AKS).",
    after_help = EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    /// Run as if started in DIR (the configuration directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
    /// Never colour output (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Prepare a working directory: check the configuration and the state backend.
    Init(init::InitArgs),
    /// Check the configuration for errors, without touching any cloud.
    Validate(validate::ValidateArgs),
    /// Rewrite configuration files in the canonical format.
    Fmt(fmt::FmtArgs),
    /// Show what apply would change, against the live infrastructure.
    Plan(plan::PlanArgs),
    /// Make the changes: from a saved plan, or from a fresh plan after confirmation.
    Apply(apply::ApplyArgs),
    /// Destroy everything this configuration manages.
    Destroy(apply::DestroyArgs),
    /// Show a saved plan, or the state.
    Show(show::ShowArgs),
    /// Print the dependency graph in Graphviz DOT format.
    Graph(graph::GraphArgs),
    /// Print root module outputs from the state.
    Output(output::OutputArgs),
    /// Adopt an existing object into the state.
    Import(import::ImportArgs),
    /// Inspect and edit the state.
    #[command(subcommand)]
    State(state_cmd::StateCommand),
    /// Release a lock left behind by a run that died.
    ForceUnlock(state_cmd::ForceUnlockArgs),
    /// Manage workspaces: several states for one configuration.
    #[command(subcommand)]
    Workspace(workspace_cmd::WorkspaceCommand),
    /// Print the version.
    Version,
}

/// Runs one command line; returns the exit code.
pub fn run(cli: Cli, ordered_vars: Vec<crate::config::inputs::VarArg>) -> Exit {
    let ui = Ui::new(cli.color, cli.no_color);
    let ws = match workspace::Workspace::new(cli.chdir.as_deref()) {
        Ok(ws) => ws,
        Err(d) => {
            ui.error(d);
            return Exit::Error;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            ui.error(
                crate::diag::Diagnostic::error("Cannot start the runtime").detail(e.to_string()),
            );
            return Exit::Error;
        }
    };
    match cli.command {
        Command::Init(a) => init::run(&ws, &ui, a),
        Command::Validate(a) => runtime.block_on(validate::run(&ws, &ui, a)),
        Command::Fmt(a) => fmt::run(&ws, &ui, a),
        Command::Plan(a) => runtime.block_on(plan::run(&ws, &ui, a, ordered_vars)),
        Command::Apply(a) => runtime.block_on(apply::run(&ws, &ui, a, ordered_vars)),
        Command::Destroy(a) => runtime.block_on(apply::run_destroy(&ws, &ui, a, ordered_vars)),
        Command::Show(a) => show::run(&ws, &ui, a),
        Command::Graph(a) => graph::run(&ws, &ui, a),
        Command::Output(a) => output::run(&ws, &ui, a),
        Command::Import(a) => runtime.block_on(import::run(&ws, &ui, a, ordered_vars)),
        Command::State(c) => state_cmd::run(&ws, &ui, c),
        Command::ForceUnlock(a) => state_cmd::force_unlock(&ws, &ui, a),
        Command::Workspace(c) => workspace_cmd::run(&ws, &ui, c),
        Command::Version => {
            ui.out(&format!("clusterform v{}\n", env!("CARGO_PKG_VERSION")));
            Exit::Ok
        }
    }
}
