//! `aws_eks_node_group`: a managed node group, the EC2 instances that run a cluster's pods.
//! The ID and the import ID are `<cluster>:<node group>`.
//!
//! `schema` holds Terraform's arguments, `api` the calls: create and wait for ACTIVE; a
//! version change (Kubernetes version, AMI release, launch template version) is one
//! UpdateNodegroupVersion and a configuration change (scaling, labels, taints, update and
//! repair settings) one UpdateNodegroupConfig, each followed by DescribeUpdate until it
//! succeeds; delete waits until the group is gone. EKS has no batch read: refresh
//! describes every node group at once, one DescribeNodegroup each.

mod api;
mod schema;

use async_trait::async_trait;

use super::string_of as text;
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::tags::plan_tagged;
use crate::providers::kit::{read, PlanContext, ResourceType};
use crate::providers::schema::Schema;
use crate::providers::{ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse};
use crate::value::Value;

pub struct NodeGroup;

/// `<cluster>:<node group>`, when both are known.
fn id_for(v: &Value) -> Option<String> {
    Some(format!(
        "{}:{}",
        text(v, "cluster_name")?,
        text(v, "node_group_name")?
    ))
}

#[async_trait]
impl ResourceType<Clients> for NodeGroup {
    fn name(&self) -> &'static str {
        "aws_eks_node_group"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        schema::check(config, spans)
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |m| {
            let configured = |k: &str| {
                req.config.get(k).is_some_and(|v| match v {
                    Value::List(items) => !items.is_empty(),
                    other => !other.is_null(),
                })
            };
            match req.prior {
                // EKS fills in what a new group leaves out (one node unavailable at a time).
                None => {
                    if !configured("update_config") {
                        m.insert("update_config".into(), Value::Unknown);
                    }
                }
                // A new Kubernetes version comes with its own AMI release.
                Some(prior) => {
                    if prior.get("version") != m.get("version") && !configured("release_version") {
                        m.insert("release_version".into(), Value::Unknown);
                    }
                }
            }
            // A group named outright has no prefix (Terraform records none either).
            if configured("node_group_name") && !configured("node_group_name_prefix") {
                m.insert("node_group_name_prefix".into(), Value::Null);
            }
            let planned = Value::Object(m.clone());
            if let Some(id) = id_for(&planned) {
                m.insert("id".into(), Value::from(id));
            }
        })
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        read::each(states, |prior| async move {
            let (Some(cluster), Some(name)) =
                (text(prior, "cluster_name"), text(prior, "node_group_name"))
            else {
                return Ok(None);
            };
            api::get(c, &cluster, &name, Some(prior)).await
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
        api::create(c, planned, creation, ctx).await
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        api::update(c, prior, planned, ctx).await
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        api::delete(c, prior, ctx).await
    }

    /// `<cluster>:<node group>`; neither name has a colon.
    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        let Some((cluster, name)) = id
            .split_once(':')
            .filter(|(c, n)| !c.is_empty() && !n.is_empty())
        else {
            return Err(Diagnostic::error("Invalid node group ID")
                .detail(format!("\"{id}\" is not <cluster name>:<node group name>."))
                .hint("use, for example, prod:system"));
        };
        api::get(c, cluster, name, None).await
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
        api::find_marked(c, cluster, name, creation).await
    }
}
