//! `azurerm_kubernetes_cluster`: an AKS cluster and the network access to its API server.
//!
//! `access` holds the private-cluster and API-server access settings, `rules` Microsoft's
//! rules for them (static checks), `plan` the normalisation that keeps plans quiet, `arm` the
//! mapping between Terraform's schema and the managedCluster body, and `schema` the
//! arguments. This module holds the verbs.

pub mod access;
pub mod arm;
mod plan;
pub mod rules;
mod schema;

use std::collections::BTreeMap;

use async_trait::async_trait;
use azure_mgmt_containerservice::package_preview_2023_01::models::ManagedCluster;
use serde_json::Value as Json;

use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::azurerm::client::AksClient;
use crate::providers::kit::{read, PlanContext, ResourceType};
use crate::providers::{
    already_exists, ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse,
    CREATION_TAG,
};
use crate::value::Value;
use arm::{cluster_id, from_arm, parse_cluster_id, to_arm, update_additions};
pub use schema::schema;

pub struct KubernetesCluster;

#[async_trait]
impl ResourceType<AksClient> for KubernetesCluster {
    fn name(&self) -> &'static str {
        "azurerm_kubernetes_cluster"
    }

    fn schema(&self) -> crate::providers::schema::Schema {
        schema()
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        rules::check(config, spans)
    }

    fn plan(&self, cx: &PlanContext<'_, AksClient>, req: &PlanRequest<'_>) -> PlanResponse {
        plan::plan_cluster(cx.schema, req.prior, req.config, req.spans)
    }

    /// One GET per cluster (ARM has no batch read of named resources), all at once.
    async fn read(
        &self,
        c: &AksClient,
        states: &[Value],
    ) -> Result<Vec<Option<Value>>, Diagnostics> {
        read::each(states, |v| async move {
            let (rg, name) = locate(v).ok_or_else(not_located)?;
            c.get(&rg, &name)
                .await
                .map(|found| found.map(|m| from_arm(&to_json(&m))))
        })
        .await
    }

    async fn create(
        &self,
        c: &AksClient,
        planned: &Value,
        creation: Option<&Creation>,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        create(c, planned, creation, ctx).await
    }

    async fn update(
        &self,
        c: &AksClient,
        prior: &Value,
        planned: &Value,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        update(c, prior, planned, ctx).await
    }

    async fn delete(
        &self,
        c: &AksClient,
        prior: &Value,
        ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let (rg, name) = locate(prior).ok_or_else(not_located)?;
        c.delete(&rg, &name, ctx).await
    }

    /// The import ID is the cluster's ARM resource ID.
    async fn import(&self, c: &AksClient, id: &str) -> Result<Option<Value>, Diagnostic> {
        let (_, rg, name) = parse_cluster_id(id).ok_or_else(|| {
            Diagnostic::error("Invalid AKS cluster ID")
                .detail(format!("\"{id}\" is not a managed cluster resource ID."))
                .hint("use /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>")
        })?;
        c.get(&rg, &name)
            .await
            .map(|found| found.map(|m| from_arm(&to_json(&m))))
    }

    fn created_id(&self, c: &AksClient, planned: &Value) -> Option<String> {
        let (rg, name) = locate(planned)?;
        Some(cluster_id(c.subscription_id(), &rg, &name))
    }

    async fn find_created(
        &self,
        c: &AksClient,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let Some((_, rg, name)) = id.and_then(parse_cluster_id) else {
            return Ok(None);
        };
        let found = c.get(&rg, &name).await?;
        Ok(found.map(|m| to_json(&m)).and_then(|json| {
            creation
                .marks(json["tags"][CREATION_TAG].as_str())
                .then(|| from_arm(&json))
        }))
    }

    /// The create looks before its first PUT and finishes a cluster only when it carries
    /// this attempt's mark, so it resumes by itself.
    async fn resume(
        &self,
        _c: &AksClient,
        _id: Option<&str>,
        _creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        Ok(None)
    }
}

/// The resource group and name of a cluster value: from its ID, else its arguments.
fn locate(v: &Value) -> Option<(String, String)> {
    if let Some((_, rg, name)) = v
        .get("id")
        .and_then(Value::as_str)
        .and_then(parse_cluster_id)
    {
        return Some((rg, name));
    }
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Some((s("resource_group_name")?, s("name")?))
}

fn to_json(c: &ManagedCluster) -> Json {
    serde_json::to_value(c).unwrap_or(Json::Null)
}

fn model(body: Json) -> Result<ManagedCluster, Diagnostic> {
    serde_json::from_value(body).map_err(|e| {
        Diagnostic::error("Could not build the AKS request").detail(format!(
            "The managedCluster body does not fit the API model: {e}."
        ))
    })
}

fn not_located() -> Diagnostic {
    Diagnostic::error("Cluster has no name or resource group")
        .detail("The state of this azurerm_kubernetes_cluster has neither an ID nor a name and resource group.")
}

/// The planned settings clusterform manages, without what only AKS decides.
fn desired_settings(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        for k in ["id", "fqdn", "private_fqdn", "portal_fqdn", "tags"] {
            m.remove(k);
        }
    }
    v
}

/// True when `live` already has every known planned value: sending it would be a no-op.
fn already_there(planned: &Value, live: &Value) -> bool {
    fn covers(p: &Value, l: &Value) -> bool {
        match (p, l) {
            (Value::Unknown, _) => true,
            (Value::Object(pm), Value::Object(lm)) => pm
                .iter()
                .all(|(k, pv)| covers(pv, lm.get(k).unwrap_or(&Value::Null))),
            (Value::List(pi), Value::List(li)) => {
                pi.len() == li.len() && pi.iter().zip(li).all(|(a, b)| covers(a, b))
            }
            _ => p.same_as(l),
        }
    }
    covers(&desired_settings(planned), &desired_settings(live))
}

fn tags_of(v: &Value) -> BTreeMap<String, String> {
    v.get("tags")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

async fn create(
    c: &AksClient,
    planned: &Value,
    creation: Option<&Creation>,
    ctx: &OperationContext,
) -> Result<Value, Diagnostic> {
    let (rg, name) = locate(planned).ok_or_else(not_located)?;
    // An ARM PUT creates or overwrites: look first, so nobody's cluster is rewritten.
    if let Some(existing) = c.get(&rg, &name).await? {
        let existing_json = to_json(&existing);
        let mark = existing_json["tags"][CREATION_TAG].as_str();
        if !creation.is_some_and(|cr| cr.marks(mark)) {
            let id = existing_json["id"].as_str().unwrap_or_default();
            return Err(already_exists(
                &format!("AKS cluster {name}"),
                id,
                &format!("GET {id} found a managed cluster with this name in resource group {rg}."),
            ));
        }
        ctx.report(
            "found the cluster an interrupted apply of this state started creating; finishing it",
        );
        let body = model(to_arm(planned, Some(&existing_json)))?;
        let done = c.create_or_update(&rg, &name, &body, false, ctx).await?;
        return Ok(from_arm(&to_json(&done)));
    }
    let body = model(to_arm(planned, None))?;
    let done = c.create_or_update(&rg, &name, &body, true, ctx).await?;
    Ok(from_arm(&to_json(&done)))
}

async fn update(
    c: &AksClient,
    prior: &Value,
    planned: &Value,
    ctx: &OperationContext,
) -> Result<Value, Diagnostic> {
    let (rg, name) = locate(prior).ok_or_else(not_located)?;
    let Some((existing, raw)) = c.get_with_raw(&rg, &name).await? else {
        return Err(Diagnostic::error(format!("AKS cluster {name} no longer exists"))
            .detail(format!("The cluster was deleted outside clusterform after the plan was made (resource group {rg})."))
            .hint("run plan again: it will propose creating the cluster"));
    };
    let existing_json = to_json(&existing);
    let live = from_arm(&existing_json);
    let mut current = existing;
    if !already_there(planned, &live) {
        let body = model(to_arm(planned, Some(&existing_json)))?;
        let additions = update_additions(&raw, &existing_json, planned);
        current = c.update_keeping(&rg, &name, &body, additions, ctx).await?;
    }
    let want = tags_of(planned);
    if tags_of(&from_arm(&to_json(&current))) != want {
        current = c.update_tags(&rg, &name, &want, ctx).await?;
    }
    Ok(from_arm(&to_json(&current)))
}
