//! `clusterform graph`.

use clap::Args;

use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform graph | dot -Tsvg > graph.svg\n  clusterform graph --format mermaid   # paste into Markdown between ```mermaid fences"
)]
pub struct GraphArgs {
    /// dot (Graphviz) or mermaid (renders in GitHub Markdown).
    #[arg(long, value_parser = ["dot", "mermaid"], default_value = "dot")]
    pub format: String,
}

pub fn run(ws: &Workspace, ui: &Ui, args: GraphArgs) -> Exit {
    let Some((loaded, _)) = workspace::load(ws, ui) else {
        return Exit::Error;
    };
    ui.out(&match args.format.as_str() {
        "mermaid" => loaded.graph.to_mermaid(),
        _ => loaded.graph.to_dot(),
    });
    Exit::Ok
}
