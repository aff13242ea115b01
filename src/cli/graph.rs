//! `clusterform graph`.

use clap::Args;

use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;

#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  clusterform graph | dot -Tsvg > graph.svg")]
pub struct GraphArgs {}

pub fn run(ws: &Workspace, ui: &Ui, _args: GraphArgs) -> Exit {
    let Some((loaded, _)) = workspace::load(ws, ui) else {
        return Exit::Error;
    };
    ui.out(&loaded.graph.to_dot());
    Exit::Ok
}
