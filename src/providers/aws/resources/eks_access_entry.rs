//! `aws_eks_access_entry`: an IAM principal's entry into a cluster whose authentication mode
//! is API or API_AND_CONFIG_MAP, with the Kubernetes groups and user name it maps to. The ID
//! and the import ID are `<cluster>:<principal ARN>`. EKS has no batch read: refresh describes
//! every entry at once, one DescribeAccessEntry each.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_eks::types::AccessEntry as Entry;

use super::{eks, s, string_of as text, strings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe, message};
use crate::providers::aws::schema::string_set;
use crate::providers::aws::tags::{plan_tagged, split_tags, string_map, sync_eks_tags, taggable};
use crate::providers::kit::{read, wait, PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, Creation, OperationContext, PlanRequest, PlanResponse, CREATION_TAG,
};
use crate::value::{Type, Value};

pub struct AccessEntry;

/// How long a principal made in the same apply may take to be visible to EKS (IAM is
/// eventually consistent); Terraform retries as long.
const PROPAGATION: Duration = Duration::from_secs(120);

/// `<cluster>:<principal ARN>`; cluster names have no colon, ARNs do.
fn split_id(id: &str) -> Option<(&str, &str)> {
    id.split_once(':')
        .filter(|(c, p)| !c.is_empty() && p.starts_with("arn:"))
}

fn id_for(v: &Value) -> Option<String> {
    Some(format!(
        "{}:{}",
        text(v, "cluster_name")?,
        text(v, "principal_arn")?
    ))
}

#[async_trait]
impl ResourceType<Clients> for AccessEntry {
    fn name(&self) -> &'static str {
        "aws_eks_access_entry"
    }

    fn schema(&self) -> Schema {
        taggable(
            Schema::new()
                .describe("An IAM principal's access entry into an EKS cluster.")
                .attr("id", Attribute::computed(Type::String).describe("<cluster>:<principal ARN>."))
                .attr("access_entry_arn", Attribute::computed(Type::String).describe("The entry's ARN."))
                .attr("created_at", Attribute::computed(Type::String).describe("When the entry was made (RFC 3339)."))
                .attr("modified_at", Attribute::computed(Type::String).describe("When it last changed (RFC 3339)."))
                .attr("cluster_name", Attribute::required(Type::String).force_new().describe("The cluster."))
                .attr("principal_arn", Attribute::required(Type::String).force_new().describe("The IAM role or user the entry is for."))
                .attr("type", Attribute::optional(Type::String).default("STANDARD").force_new().describe("STANDARD for people and tools; EC2_LINUX, EC2_WINDOWS or FARGATE_LINUX for nodes."))
                .attr("kubernetes_groups", Attribute::optional_computed(string_set()).describe("Kubernetes groups the principal belongs to (not system:masters)."))
                .attr("user_name", Attribute::optional_computed(Type::String).describe("The Kubernetes user name; EKS generates one when unset.")),
        )
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |m| {
            let planned = Value::Object(m.clone());
            if let Some(id) = id_for(&planned) {
                m.insert("id".into(), Value::from(id));
            }
            // Any change in place moves modified_at on.
            if let Some(prior) = req.prior {
                let changed = ["kubernetes_groups", "user_name", "tags_all"]
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
            let (Some(cluster), Some(principal)) =
                (text(prior, "cluster_name"), text(prior, "principal_arn"))
            else {
                return Ok(None);
            };
            Ok(get(c, &cluster, &principal)
                .await?
                .map(|e| entry_value(&e, &c.default_tags)))
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
        let cluster = text(planned, "cluster_name").unwrap_or_default();
        let principal = text(planned, "principal_arn").unwrap_or_default();
        let id = format!("{cluster}:{principal}");
        let tags: HashMap<String, String> =
            string_map(planned.get("tags_all")).into_iter().collect();
        let groups = strings(planned.get("kubernetes_groups"));
        let started = Instant::now();
        loop {
            let sent = c
                .eks
                .create_access_entry()
                .cluster_name(&cluster)
                .principal_arn(&principal)
                .r#type(text(planned, "type").unwrap_or_else(|| "STANDARD".into()))
                .set_kubernetes_groups(Some(groups.clone()).filter(|g| !g.is_empty()))
                .set_username(text(planned, "user_name"))
                .set_tags(Some(tags.clone()))
                .set_client_request_token(creation.map(|c| c.id.clone()))
                .send()
                .await;
            match sent {
                Ok(out) => {
                    let entry = out.access_entry().cloned().ok_or_else(|| {
                        Diagnostic::error("No access entry returned")
                            .detail(format!("EKS made the access entry {id} but did not describe it."))
                    })?;
                    return Ok(entry_value(&entry, &c.default_tags));
                }
                // A role made moments ago may not be visible to EKS yet.
                Err(e) if code(&e).as_deref() == Some("InvalidParameterException")
                    && message(&e).is_some_and(|m| m.contains("principal"))
                    && started.elapsed() < PROPAGATION =>
                {
                    wait::pause(ctx, ctx.poll_interval.max(Duration::from_secs(1)), "AWS").await?;
                }
                Err(e) if code(&e).as_deref() == Some("ResourceInUseException") => {
                    let found = get(c, &cluster, &principal).await?;
                    let mark = found
                        .as_ref()
                        .and_then(|e| e.tags())
                        .and_then(|t| t.get(CREATION_TAG))
                        .map(String::as_str);
                    let ours = creation.is_some_and(|cr| cr.marks(mark));
                    return match found {
                        Some(e) if ours => Ok(entry_value(&e, &c.default_tags)),
                        _ => Err(already_exists(
                            &format!("The access entry of {principal} in {cluster}"),
                            &id,
                            "CreateAccessEntry answered ResourceInUseException: the cluster has an entry for this principal.",
                        )),
                    };
                }
                Err(e) => {
                    return Err(describe(eks("CreateAccessEntry", &id), &e)
                        .hint("access entries need the cluster's authentication_mode to be API or API_AND_CONFIG_MAP"))
                }
            }
        }
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let cluster = text(prior, "cluster_name").unwrap_or_default();
        let principal = text(prior, "principal_arn").unwrap_or_default();
        let id = format!("{cluster}:{principal}");
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("kubernetes_groups") || changed("user_name") {
            c.eks
                .update_access_entry()
                .cluster_name(&cluster)
                .principal_arn(&principal)
                .set_kubernetes_groups(Some(strings(planned.get("kubernetes_groups"))))
                .set_username(text(planned, "user_name").filter(|_| changed("user_name")))
                .send()
                .await
                .map_err(|e| describe(eks("UpdateAccessEntry", &id), &e))?;
        }
        let arn = text(prior, "access_entry_arn").unwrap_or_default();
        sync_eks_tags(c, &arn, prior, planned).await?;
        let entry = get(c, &cluster, &principal).await?.ok_or_else(|| {
            Diagnostic::error("Access entry disappeared").detail(format!(
                "EKS reports no access entry {id} right after changing it."
            ))
        })?;
        Ok(entry_value(&entry, &c.default_tags))
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let cluster = text(prior, "cluster_name").unwrap_or_default();
        let principal = text(prior, "principal_arn").unwrap_or_default();
        match c
            .eks
            .delete_access_entry()
            .cluster_name(&cluster)
            .principal_arn(&principal)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => Ok(()),
            Err(e) => Err(describe(
                eks("DeleteAccessEntry", &format!("{cluster}:{principal}")),
                &e,
            )),
        }
    }

    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        let Some((cluster, principal)) = split_id(id) else {
            return Err(Diagnostic::error("Invalid access entry ID")
                .detail(format!("\"{id}\" is not <cluster name>:<principal ARN>."))
                .hint("use, for example, prod:arn:aws:iam::123456789012:role/admins"));
        };
        Ok(get(c, cluster, principal)
            .await?
            .map(|e| entry_value(&e, &c.default_tags)))
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
        let Some((cluster, principal)) = id.and_then(split_id) else {
            return Ok(None);
        };
        let Some(entry) = get(c, cluster, principal).await? else {
            return Ok(None);
        };
        let mark = entry
            .tags()
            .and_then(|t| t.get(CREATION_TAG))
            .map(String::as_str);
        Ok(creation
            .marks(mark)
            .then(|| entry_value(&entry, &c.default_tags)))
    }
}

async fn get(c: &Clients, cluster: &str, principal: &str) -> Result<Option<Entry>, Diagnostic> {
    match c
        .eks
        .describe_access_entry()
        .cluster_name(cluster)
        .principal_arn(principal)
        .send()
        .await
    {
        Ok(o) => Ok(o.access_entry().cloned()),
        Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(describe(
            eks("DescribeAccessEntry", &format!("{cluster}:{principal}")),
            &e,
        )),
    }
}

fn entry_value(e: &Entry, default_tags: &std::collections::BTreeMap<String, String>) -> Value {
    let tag_pairs: Vec<(&str, &str)> = e
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
        .unwrap_or_default();
    let (tags, tags_all) = split_tags(tag_pairs.into_iter(), default_tags);
    let (cluster, principal) = (
        e.cluster_name().unwrap_or_default(),
        e.principal_arn().unwrap_or_default(),
    );
    let time = |t: Option<&aws_smithy_types::DateTime>| {
        t.map_or(Value::Null, |t| Value::from(t.to_string()))
    };
    Value::object([
        ("id", Value::from(format!("{cluster}:{principal}"))),
        ("access_entry_arn", s(e.access_entry_arn())),
        ("created_at", time(e.created_at())),
        ("modified_at", time(e.modified_at())),
        ("cluster_name", Value::from(cluster)),
        ("principal_arn", Value::from(principal)),
        ("type", s(e.r#type())),
        (
            "kubernetes_groups",
            Value::set(
                e.kubernetes_groups()
                    .iter()
                    .map(|g| Value::from(g.as_str()))
                    .collect(),
            ),
        ),
        ("user_name", s(e.username())),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}
