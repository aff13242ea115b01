//! The `azurerm` provider: one configured instance per `provider "azurerm"` block.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use async_trait::async_trait;
use azure_mgmt_containerservice::package_preview_2023_01::models::ManagedCluster;
use serde_json::Value as Json;

use super::arm::{from_arm, parse_cluster_id, to_arm, update_additions};
use super::client::AksClient;
use super::settings::AzureSettings;
use super::{plan, rules, schema};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::{
    already_exists, with_creation_tag, ApplyAction, ApplyRequest, ApplyResponse, ConfigureRequest,
    Creation, ImportResponse, OperationContext, PlanRequest, PlanResponse, Provider,
    ProviderSchema, ReadRequest, ReadResponse, ValidateRequest, CREATION_TAG,
};
use crate::value::Value;

const CLUSTER: &str = "azurerm_kubernetes_cluster";

pub struct AzurermProvider {
    schema: ProviderSchema,
    client: OnceLock<AksClient>,
}

impl AzurermProvider {
    pub fn new() -> AzurermProvider {
        AzurermProvider {
            schema: schema::provider_schema(),
            client: OnceLock::new(),
        }
    }

    fn client(&self) -> Result<&AksClient, Diagnostic> {
        self.client.get().ok_or_else(|| {
            Diagnostic::error("azurerm provider not configured")
                .detail("The azurerm provider was used before its configuration was loaded.")
        })
    }
}

impl Default for AzurermProvider {
    fn default() -> Self {
        AzurermProvider::new()
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
    let planned = &with_creation_tag(planned, "tags", creation);
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

fn failed(prior: Option<Value>, d: Diagnostic) -> ApplyResponse {
    ApplyResponse {
        new_state: prior,
        diagnostics: d.into(),
    }
}

#[async_trait]
impl Provider for AzurermProvider {
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn validate(&self, req: &ValidateRequest<'_>) -> Diagnostics {
        match req.type_name {
            CLUSTER if !req.data => rules::check(req.config, req.spans),
            _ => Diagnostics::new(),
        }
    }

    async fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        let settings = AzureSettings::from_config(&req.config);
        match AksClient::connect(&settings).await {
            Ok(mut c) => {
                // The engine prints "Still creating..." for every operation already.
                c.set_progress_interval(None);
                let _ = self.client.set(c);
                Diagnostics::new()
            }
            Err(d) => d.at(req.spans.root()).into(),
        }
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let c = match self.client() {
            Ok(c) => c,
            Err(d) => {
                return ReadResponse {
                    states: Vec::new(),
                    diagnostics: d.into(),
                }
            }
        };
        let reads = req.instances.iter().map(|(_, v)| async move {
            let (rg, name) = locate(v).ok_or_else(not_located)?;
            c.get(&rg, &name)
                .await
                .map(|found| found.map(|m| from_arm(&to_json(&m))))
        });
        let results = futures::future::join_all(reads).await;
        let mut states = Vec::with_capacity(results.len());
        let mut diagnostics = Diagnostics::new();
        for r in results {
            match r {
                Ok(s) => states.push(s),
                Err(d) => diagnostics.push(d),
            }
        }
        if diagnostics.has_errors() {
            states.clear();
        }
        ReadResponse {
            states,
            diagnostics,
        }
    }

    fn plan(&self, req: &PlanRequest<'_>) -> PlanResponse {
        match req.type_name {
            CLUSTER => plan::plan_cluster(
                &self.schema.resources[CLUSTER],
                req.prior,
                req.config,
                req.spans,
            ),
            _ => crate::providers::default_plan::plan(&self.schema, req),
        }
    }

    async fn apply(&self, req: ApplyRequest, ctx: OperationContext) -> ApplyResponse {
        let c = match self.client() {
            Ok(c) => c,
            Err(d) => return failed(req.prior, d),
        };
        let prior = req.prior.clone();
        let result = match (req.type_name.as_str(), req.action) {
            (CLUSTER, ApplyAction::Create) => create(c, &req.planned, req.creation.as_ref(), &ctx)
                .await
                .map(Some),
            (CLUSTER, ApplyAction::Update) => update(
                c,
                prior.as_ref().unwrap_or(&Value::Null),
                &req.planned,
                &ctx,
            )
            .await
            .map(Some),
            (CLUSTER, ApplyAction::Delete) => match prior.as_ref().and_then(locate) {
                Some((rg, name)) => c.delete(&rg, &name, &ctx).await.map(|_| None),
                None => Err(not_located()),
            },
            (other, _) => Err(Diagnostic::error("Unknown resource type").detail(format!(
                "The azurerm provider has no resource type {other}."
            ))),
        };
        match result {
            Ok(new_state) => ApplyResponse {
                new_state,
                diagnostics: Diagnostics::new(),
            },
            Err(d) => failed(prior, d),
        }
    }

    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics> {
        let c = self.client().map_err(Diagnostics::from)?;
        if type_name != CLUSTER {
            return Err(Diagnostic::error("Unknown data source")
                .detail(format!(
                    "The azurerm provider has no data source {type_name}."
                ))
                .into());
        }
        let (rg, name) = locate(config).ok_or_else(not_located)?;
        match c.get(&rg, &name).await? {
            Some(m) => Ok(from_arm(&to_json(&m))),
            None => Err(Diagnostic::error("No matching AKS cluster")
                .detail(format!("No managed cluster named {name} exists in resource group {rg} of subscription {}.", c.subscription_id()))
                .hint("check the name, the resource group and the provider's subscription")
                .into()),
        }
    }

    fn created_id(&self, type_name: &str, planned: &Value) -> Option<String> {
        let c = self.client().ok()?;
        let (rg, name) = locate(planned).filter(|_| type_name == CLUSTER)?;
        Some(format!(
            "/subscriptions/{}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}",
            c.subscription_id()
        ))
    }

    async fn find_created(
        &self,
        type_name: &str,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostics> {
        let Some((_, rg, name)) = id
            .filter(|_| type_name == CLUSTER)
            .and_then(parse_cluster_id)
        else {
            return Ok(None);
        };
        let c = self.client().map_err(Diagnostics::from)?;
        let found = c.get(&rg, &name).await.map_err(Diagnostics::from)?;
        Ok(found.map(|m| to_json(&m)).and_then(|json| {
            creation
                .marks(json["tags"][CREATION_TAG].as_str())
                .then(|| from_arm(&json))
        }))
    }

    async fn import(&self, type_name: &str, id: &str) -> ImportResponse {
        let result = async {
            let c = self.client()?;
            if type_name != CLUSTER {
                return Err(Diagnostic::error("Import not supported")
                    .detail(format!("The azurerm provider cannot import {type_name}.")));
            }
            let (_, rg, name) = parse_cluster_id(id).ok_or_else(|| {
                Diagnostic::error("Invalid AKS cluster ID")
                    .detail(format!("\"{id}\" is not a managed cluster resource ID."))
                    .hint("use /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>")
            })?;
            c.get(&rg, &name)
                .await
                .map(|found| found.map(|m| from_arm(&to_json(&m))))
        }
        .await;
        match result {
            Ok(state) => ImportResponse {
                state,
                diagnostics: Diagnostics::new(),
            },
            Err(d) => ImportResponse {
                state: None,
                diagnostics: d.into(),
            },
        }
    }

    fn api_calls(&self) -> BTreeMap<String, usize> {
        self.client.get().map(AksClient::calls).unwrap_or_default()
    }
}
