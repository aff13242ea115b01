//! `clusterform init`: checks the configuration and the backend. Providers are built in, so
//! there is nothing to download.

use clap::Args;

use super::ui::Ui;
use super::workspace::{self, Workspace};
use super::Exit;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform init\n  clusterform --chdir environments/prod init"
)]
pub struct InitArgs {}

pub fn run(ws: &Workspace, ui: &Ui, _args: InitArgs) -> Exit {
    let Some((loaded, diags)) = workspace::load(ws, ui) else {
        return Exit::Error;
    };
    ui.diagnostics(&diags, &loaded.config.sources);
    let backend = workspace::backend(ws, Some(&loaded.config));
    if let Err(e) = backend.read() {
        ui.error(crate::diag::Diagnostic::error("Cannot read the state").detail(e.to_string()));
        return Exit::Error;
    }
    let mut used: Vec<String> = loaded
        .graph
        .providers
        .values()
        .map(|(_, n)| n.split('.').next().unwrap_or(n).to_string())
        .collect();
    used.sort();
    used.dedup();
    ui.out(&format!(
        "Initializing the backend: {}\nProviders (built in): {}\n\nclusterform has been successfully initialized!\n",
        backend.describe(),
        if used.is_empty() { "none used".to_string() } else { used.join(", ") }
    ));
    Exit::Ok
}
