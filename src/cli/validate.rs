//! `clusterform validate`.

use clap::Args;

use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform validate\n  clusterform --chdir examples/eks-public validate"
)]
pub struct ValidateArgs {}

pub fn run(ws: &Workspace, ui: &Ui, _args: ValidateArgs) -> Exit {
    let Some((loaded, diags)) = workspace::load(ws, ui) else {
        return Exit::Error;
    };
    ui.diagnostics(&diags, &loaded.config.sources);
    let files = loaded.config.sources.files().count();
    let resources: usize = loaded
        .config
        .modules()
        .iter()
        .map(|m| m.resources.len())
        .sum();
    ui.out(&format!(
        "Success! The configuration is valid ({files} files, {resources} resource blocks).\n"
    ));
    Exit::Ok
}
