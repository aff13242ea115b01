//! `aws_eks_addon`: an EKS add-on (vpc-cni, coredns, kube-proxy, …) installed in a cluster.
//! The ID and the import ID are `<cluster>:<add-on>`. A new version, configuration or
//! service account role is one UpdateAddon followed by DescribeUpdate until it succeeds.
//! EKS has no batch read: refresh describes every add-on at once, one DescribeAddon each.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_eks::types::{Addon, AddonStatus, ResolveConflicts};

use super::eks_cluster::outcome;
use super::{eks, s, string_of as text};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::tags::{plan_tagged, split_tags, string_map, sync_eks_tags, taggable};
use crate::providers::kit::{read, wait, PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse,
    CREATION_TAG,
};
use crate::value::{Type, Value};

pub struct EksAddon;

/// How long an add-on may take to become ACTIVE, to update, or to go (Terraform: 20/20/40).
const WAIT_LIMIT: Duration = Duration::from_secs(40 * 60);
const BUSY_LIMIT: Duration = Duration::from_secs(20 * 60);

fn id_for(v: &Value) -> Option<String> {
    Some(format!(
        "{}:{}",
        text(v, "cluster_name")?,
        text(v, "addon_name")?
    ))
}

fn names(v: &Value) -> (String, String) {
    (
        text(v, "cluster_name").unwrap_or_default(),
        text(v, "addon_name").unwrap_or_default(),
    )
}

const RESOLVE: [&str; 3] = ["NONE", "OVERWRITE", "PRESERVE"];

#[async_trait]
impl ResourceType<Clients> for EksAddon {
    fn name(&self) -> &'static str {
        "aws_eks_addon"
    }

    fn schema(&self) -> Schema {
        taggable(
            Schema::new()
                .describe("An EKS add-on installed in a cluster.")
                .attr("id", Attribute::computed(Type::String).describe("<cluster>:<add-on>."))
                .attr("arn", Attribute::computed(Type::String).describe("The add-on's ARN."))
                .attr("created_at", Attribute::computed(Type::String).describe("When the add-on was installed."))
                .attr("modified_at", Attribute::computed(Type::String).describe("When it last changed."))
                .attr("cluster_name", Attribute::required(Type::String).force_new().describe("The cluster."))
                .attr("addon_name", Attribute::required(Type::String).force_new().describe("The add-on, such as vpc-cni, coredns or kube-proxy."))
                .attr("addon_version", Attribute::optional_computed(Type::String).describe("The version, such as v1.19.2-eksbuild.1; the default for the cluster's Kubernetes version when unset."))
                .attr("configuration_values", Attribute::optional_computed(Type::String).describe("The add-on's settings as a JSON string."))
                .attr("service_account_role_arn", Attribute::optional(Type::String).describe("The IAM role for the add-on's service account (IRSA)."))
                .attr("resolve_conflicts_on_create", Attribute::optional(Type::String).describe("NONE or OVERWRITE: what to do with fields someone changed in the cluster."))
                .attr("resolve_conflicts_on_update", Attribute::optional(Type::String).describe("NONE, OVERWRITE or PRESERVE."))
                .attr("preserve", Attribute::optional(Type::Bool).describe("Whether destroy leaves the add-on's software in the cluster.")),
        )
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let mut out = Diagnostics::new();
        for (key, allowed) in [
            ("resolve_conflicts_on_create", &RESOLVE[..2]),
            ("resolve_conflicts_on_update", &RESOLVE[..]),
        ] {
            if let Some(v) = config.get(key).and_then(Value::as_str) {
                if !allowed.contains(&v) {
                    out.push(
                        Diagnostic::error(format!("Unknown {key}"))
                            .at(spans.span(&[key]))
                            .detail(format!("\"{v}\" is not one of {}.", allowed.join(", "))),
                    );
                }
            }
        }
        if let Some(v) = config.get("configuration_values").and_then(Value::as_str) {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(v) {
                out.push(
                    Diagnostic::error("configuration_values is not JSON")
                        .at(spans.span(&["configuration_values"]))
                        .detail(format!(
                            "EKS takes an add-on's settings as a JSON document: {e}."
                        ))
                        .hint("build it with jsonencode({ ... })"),
                );
            }
        }
        out
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |m| {
            // The same settings written otherwise are no change.
            let prior = req.prior.and_then(|p| p.get("configuration_values"));
            if let (Some(p), Some(n)) = (prior, m.get("configuration_values")) {
                if same_json(p, n) {
                    m.insert("configuration_values".into(), p.clone());
                }
            }
            let planned = Value::Object(m.clone());
            if let Some(id) = id_for(&planned) {
                m.insert("id".into(), Value::from(id));
            }
            if let Some(prior) = req.prior {
                let changed = [
                    "addon_version",
                    "configuration_values",
                    "service_account_role_arn",
                ]
                .iter()
                .any(|k| prior.get(k) != m.get(*k));
                if changed {
                    m.insert("modified_at".into(), Value::Unknown);
                }
            }
        })
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        read::each(states, |prior| async move {
            let (cluster, name) = names(prior);
            Ok(get(c, &cluster, &name)
                .await?
                .map(|a| addon_value(&a, Some(prior), &c.default_tags)))
        })
        .await
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        creation: Option<&Creation>,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let (cluster, name) = names(planned);
        let id = format!("{cluster}:{name}");
        let tags: HashMap<String, String> =
            string_map(planned.get("tags_all")).into_iter().collect();
        let token = creation.map_or_else(|| uuid::Uuid::new_v4().to_string(), |c| c.id.clone());
        let sent = c
            .eks
            .create_addon()
            .cluster_name(&cluster)
            .addon_name(&name)
            .set_addon_version(text(planned, "addon_version"))
            .set_configuration_values(text(planned, "configuration_values"))
            .set_service_account_role_arn(text(planned, "service_account_role_arn"))
            .set_resolve_conflicts(
                text(planned, "resolve_conflicts_on_create")
                    .map(|r| ResolveConflicts::from(r.as_str())),
            )
            .set_tags(Some(tags))
            .client_request_token(token)
            .send()
            .await;
        if let Err(e) = sent {
            if code(&e).as_deref() != Some("ResourceInUseException") {
                return Err(describe(eks("CreateAddon", &id), &e)
                    .hint("an add-on needs an ACTIVE cluster and a version EKS offers for its Kubernetes version (aws eks describe-addon-versions)"));
            }
            let found = get(c, &cluster, &name).await?;
            let mark = found
                .as_ref()
                .and_then(|a| a.tags())
                .and_then(|t| t.get(CREATION_TAG))
                .map(String::as_str);
            match creation {
                Some(cr) if cr.marks(mark) => ctx.report("found the add-on an interrupted apply of this state started installing; finishing it"),
                _ => {
                    return Err(already_exists(
                        &format!("The add-on {name} of cluster {cluster}"),
                        &id,
                        "CreateAddon answered ResourceInUseException: the cluster has this add-on installed.",
                    ))
                }
            }
        }
        ctx.report(&format!("waiting for add-on {id} to become ACTIVE"));
        let a = wait_active(c, &cluster, &name, ctx).await?;
        Ok(addon_value(&a, Some(planned), &c.default_tags))
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let (cluster, name) = names(prior);
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("addon_version")
            || changed("configuration_values")
            || changed("service_account_role_arn")
        {
            run_update(c, &cluster, &name, prior, planned, ctx).await?;
        }
        sync_eks_tags(c, &text(prior, "arn").unwrap_or_default(), prior, planned).await?;
        let a = wait_active(c, &cluster, &name, ctx).await?;
        Ok(addon_value(&a, Some(planned), &c.default_tags))
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let (cluster, name) = names(prior);
        let id = format!("{cluster}:{name}");
        let preserve = prior
            .get("preserve")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match c
            .eks
            .delete_addon()
            .cluster_name(&cluster)
            .addon_name(&name)
            .preserve(preserve)
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => return Ok(()),
            Err(e) => return Err(describe(eks("DeleteAddon", &id), &e)),
        }
        let started = Instant::now();
        while let Some(a) = get(c, &cluster, &name).await? {
            if a.status() == Some(&AddonStatus::DeleteFailed) || started.elapsed() > WAIT_LIMIT {
                return Err(Diagnostic::error("Add-on not deleted").detail(format!(
                    "EKS reports add-on {id} as {}: {}",
                    a.status().map(|st| st.as_str()).unwrap_or("?"),
                    health(&a)
                )));
            }
            wait::pause(ctx, ctx.poll_interval, "AWS").await?;
        }
        Ok(())
    }

    /// `<cluster>:<add-on>`; neither name has a colon.
    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        let Some((cluster, name)) = id
            .split_once(':')
            .filter(|(c, n)| !c.is_empty() && !n.is_empty())
        else {
            return Err(Diagnostic::error("Invalid add-on ID")
                .detail(format!("\"{id}\" is not <cluster name>:<add-on name>."))
                .hint("use, for example, prod:vpc-cni"));
        };
        Ok(get(c, cluster, name)
            .await?
            .map(|a| addon_value(&a, None, &c.default_tags)))
    }

    fn created_id(&self, _c: &Clients, planned: &Value) -> Option<String> {
        id_for(planned)
    }

    async fn find_created(
        &self,
        c: &Clients,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let Some((cluster, name)) = id.and_then(|i| i.split_once(':')) else {
            return Ok(None);
        };
        let Some(a) = get(c, cluster, name).await? else {
            return Ok(None);
        };
        let mark = a
            .tags()
            .and_then(|t| t.get(CREATION_TAG))
            .map(String::as_str);
        Ok(creation
            .marks(mark)
            .then(|| addon_value(&a, None, &c.default_tags)))
    }
}

fn same_json(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => {
            let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
            a == b || (parse(a).is_some() && parse(a) == parse(b))
        }
        _ => false,
    }
}

async fn get(c: &Clients, cluster: &str, name: &str) -> Result<Option<Addon>, Diagnostic> {
    match c
        .eks
        .describe_addon()
        .cluster_name(cluster)
        .addon_name(name)
        .send()
        .await
    {
        Ok(o) => Ok(o.addon().cloned()),
        Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(describe(
            eks("DescribeAddon", &format!("{cluster}:{name}")),
            &e,
        )),
    }
}

fn health(a: &Addon) -> String {
    let issues: Vec<String> = a
        .health()
        .map(|h| {
            h.issues()
                .iter()
                .map(|i| {
                    format!(
                        "{}: {}",
                        i.code().map(|c| c.as_str()).unwrap_or("Issue"),
                        i.message().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if issues.is_empty() {
        "no health issue given".into()
    } else {
        issues.join("; ")
    }
}

async fn wait_active(
    c: &Clients,
    cluster: &str,
    name: &str,
    ctx: &OperationContext,
) -> Result<Addon, Diagnostic> {
    let started = Instant::now();
    loop {
        let a = get(c, cluster, name).await?.ok_or_else(|| {
            Diagnostic::error("Add-on disappeared").detail(format!(
                "EKS no longer knows add-on {name} of cluster {cluster} while waiting for it to become ACTIVE."
            ))
        })?;
        match a.status() {
            Some(AddonStatus::Active) => return Ok(a),
            Some(AddonStatus::CreateFailed | AddonStatus::UpdateFailed) => {
                return Err(Diagnostic::error("Add-on failed").detail(format!(
                    "EKS reports add-on {name} of cluster {cluster} as {}: {}",
                    a.status().map(|st| st.as_str()).unwrap_or("?"),
                    health(&a)
                ))
                .hint("add-ons other than vpc-cni and kube-proxy need nodes to run on: create a node group first (depends_on it)"))
            }
            _ => {}
        }
        if started.elapsed() > WAIT_LIMIT {
            return Err(Diagnostic::error("Timed out").detail(format!(
                "Add-on {name} of cluster {cluster} did not become ACTIVE within {} minutes.",
                WAIT_LIMIT.as_secs() / 60
            )));
        }
        wait::pause(ctx, ctx.poll_interval, "AWS").await?;
    }
}

async fn run_update(
    c: &Clients,
    cluster: &str,
    name: &str,
    prior: &Value,
    planned: &Value,
    ctx: &OperationContext,
) -> Result<(), Diagnostic> {
    let id = format!("{cluster}:{name}");
    let changed = |k: &str| prior.get(k) != planned.get(k);
    let token = uuid::Uuid::new_v4().to_string();
    let started = Instant::now();
    let mut backoff = ctx.poll_interval;
    loop {
        wait_active(c, cluster, name, ctx).await?;
        let sent = c
            .eks
            .update_addon()
            .cluster_name(cluster)
            .addon_name(name)
            .set_addon_version(text(planned, "addon_version").filter(|_| changed("addon_version")))
            .set_configuration_values(
                text(planned, "configuration_values").filter(|_| changed("configuration_values")),
            )
            // Terraform sends the role whenever one is set; an empty one removes it.
            .service_account_role_arn(text(planned, "service_account_role_arn").unwrap_or_default())
            .set_resolve_conflicts(
                text(planned, "resolve_conflicts_on_update")
                    .map(|r| ResolveConflicts::from(r.as_str())),
            )
            .client_request_token(&token)
            .send()
            .await;
        match sent {
            Ok(o) => {
                let Some(u) = o.update() else {
                    return wait_active(c, cluster, name, ctx).await.map(drop);
                };
                let update = u.id().unwrap_or_default().to_string();
                ctx.report(&format!("add-on update {update} started"));
                let whose = format!("add-on {name} of cluster {cluster}");
                loop {
                    let out = c
                        .eks
                        .describe_update()
                        .name(cluster)
                        .addon_name(name)
                        .update_id(&update)
                        .send()
                        .await
                        .map_err(|e| {
                            describe(eks("DescribeUpdate", &format!("{id} {update}")), &e)
                        })?;
                    if let Some(done) = out
                        .update()
                        .and_then(|u| outcome(u, &whose, "add-on update"))
                    {
                        return done;
                    }
                    if started.elapsed() > WAIT_LIMIT {
                        return Err(Diagnostic::error("Timed out").detail(format!(
                            "The update {update} of {whose} did not finish within {} minutes.",
                            WAIT_LIMIT.as_secs() / 60
                        )));
                    }
                    wait::pause(ctx, ctx.poll_interval, "AWS").await?;
                }
            }
            Err(e)
                if code(&e).as_deref() == Some("ResourceInUseException")
                    && started.elapsed() < BUSY_LIMIT =>
            {
                ctx.report(&format!("another update of {id} is in progress; retrying"));
                wait::pause(ctx, backoff, "AWS").await?;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
            Err(e) => return Err(describe(eks("UpdateAddon", &id), &e)),
        }
    }
}

fn addon_value(a: &Addon, known: Option<&Value>, default_tags: &BTreeMap<String, String>) -> Value {
    let kept = |k: &str| {
        known
            .and_then(|v| v.get(k))
            .filter(|v| !v.is_unknown())
            .cloned()
            .unwrap_or(Value::Null)
    };
    let tag_pairs: Vec<(&str, &str)> = a
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
        .unwrap_or_default();
    let (tags, tags_all) = split_tags(tag_pairs.into_iter(), default_tags);
    let time = |t: Option<&aws_smithy_types::DateTime>| {
        t.map_or(Value::Null, |t| Value::from(t.to_string()))
    };
    // The configuration's text where EKS's says the same.
    let live_config = a
        .configuration_values()
        .filter(|c| !c.is_empty())
        .map(Value::from);
    let config = match (
        known.and_then(|k| k.get("configuration_values")),
        &live_config,
    ) {
        (Some(k), Some(l)) if same_json(k, l) => k.clone(),
        _ => live_config.unwrap_or(Value::Null),
    };
    let (cluster, name) = (
        a.cluster_name().unwrap_or_default(),
        a.addon_name().unwrap_or_default(),
    );
    Value::object([
        ("id", Value::from(format!("{cluster}:{name}"))),
        ("arn", s(a.addon_arn())),
        ("created_at", time(a.created_at())),
        ("modified_at", time(a.modified_at())),
        ("cluster_name", Value::from(cluster)),
        ("addon_name", Value::from(name)),
        ("addon_version", s(a.addon_version())),
        ("configuration_values", config),
        ("service_account_role_arn", s(a.service_account_role_arn())),
        (
            "resolve_conflicts_on_create",
            kept("resolve_conflicts_on_create"),
        ),
        (
            "resolve_conflicts_on_update",
            kept("resolve_conflicts_on_update"),
        ),
        ("preserve", kept("preserve")),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}
