//! `clusterform import ADDRESS ID`: adopts an existing object into the state.

use std::str::FromStr;

use clap::Args;

use super::args::PlanOptions;
use super::operation::{interrupts, make_plan, prepare, settings};
use super::ui::Ui;
use super::workspace::Workspace;
use super::Exit;
use crate::addr::{InstanceKey, TargetAddr};
use crate::config::inputs::VarArg;
use crate::diag::Diagnostic;
use crate::engine::run::lock;
use crate::plan::PlanMode;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  clusterform import aws_eks_cluster.dev dev-cluster\n  clusterform import azurerm_kubernetes_cluster.aks /subscriptions/…/managedClusters/aks1"
)]
pub struct ImportArgs {
    /// The resource address in the configuration, such as aws_eks_cluster.dev.
    pub address: String,
    /// The object's ID in the cloud (what the resource type's docs say to use).
    pub id: String,
    #[command(flatten)]
    pub opts: PlanOptions,
}

pub async fn run(ws: &Workspace, ui: &Ui, args: ImportArgs, vars: Vec<VarArg>) -> Exit {
    match import(ws, ui, args, vars).await {
        Ok(()) => Exit::Ok,
        Err(Some(d)) => {
            ui.error(d);
            Exit::Error
        }
        Err(None) => Exit::Error,
    }
}

async fn import(
    ws: &Workspace,
    ui: &Ui,
    args: ImportArgs,
    vars: Vec<VarArg>,
) -> Result<(), Option<Diagnostic>> {
    let addr = match TargetAddr::from_str(&args.address)
        .map_err(|e| Some(Diagnostic::error("Invalid address").detail(e.to_string())))?
    {
        TargetAddr::Instance(i) => i,
        TargetAddr::Resource(r) => r.instance(InstanceKey::None),
        TargetAddr::Module(_) => {
            return Err(Some(
                Diagnostic::error("Invalid address")
                    .detail("import takes a resource address, not a module."),
            ))
        }
    };
    let prepared = prepare(
        ws,
        ui,
        &args.opts,
        &vars,
        "OperationTypeImport",
        &Default::default(),
    )
    .ok_or(None)?;
    if prepared.state.instance(&addr).is_some() {
        return Err(Some(
            Diagnostic::error("Resource already managed")
                .detail(format!(
                    "{addr} is already in the state, so it cannot be imported again."
                ))
                .hint(format!(
                    "run clusterform state rm {addr} first if it points at the wrong object"
                )),
        ));
    }
    let run_cfg = prepared.loaded.config.clone();
    if !run_cfg.modules().iter().any(|m| {
        m.path == addr.resource.module
            && m.resources.iter().any(|r| r.addr(&m.path) == addr.resource)
    }) {
        return Err(Some(
            Diagnostic::error("Import to non-existent resource address").detail(format!(
                "Before importing, write a resource block for {} in the configuration.",
                addr.resource
            )),
        ));
    }
    // Planning configures every provider exactly as apply would.
    let mut s = settings(&args.opts, PlanMode::Normal).map_err(Some)?;
    s.refresh = false;
    let planned = make_plan(ws, ui, &prepared, s, interrupts(ui))
        .await
        .ok_or(None)?;
    let key = planned.run.provider_key_for(&addr.resource, None);
    let provider = planned.run.provider(&key).ok_or_else(|| {
        Some(
            Diagnostic::error("Provider not configured")
                .detail(format!("The provider for {addr} could not be configured.")),
        )
    })?;
    ui.err(&format!("{addr}: Importing from ID \"{}\"...\n", args.id));
    let resp = provider.import(&addr.resource.type_name, &args.id).await;
    if resp.diagnostics.has_errors() {
        ui.diagnostics(&resp.diagnostics, &prepared.loaded.config.sources);
        return Err(None);
    }
    let Some(value) = resp.state else {
        return Err(Some(
            Diagnostic::error("Cannot import non-existent remote object").detail(format!(
                "No object with ID \"{}\" exists for {}.",
                args.id, addr.resource.type_name
            )),
        ));
    };
    let provider_addr = planned.run.provider_state_address(&key);
    let writer =
        crate::apply::StateWriter::new((*prepared.state).clone(), prepared.backend.clone());
    writer
        .record(&addr, &provider_addr, Some(&value), &[])
        .await
        .map_err(Some)?;
    drop(lock(&planned.run.diags));
    if let Some(l) = prepared.lock {
        let _ = l.release();
    }
    ui.out(&format!("{addr}: Import prepared!\n\nImport successful!\n\nThe resource above is now in the state. Run clusterform plan to compare it with the configuration.\n"));
    Ok(())
}
