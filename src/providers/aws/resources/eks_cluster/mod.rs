//! `aws_eks_cluster`: an EKS control plane and the network access to its API server.
//!
//! `endpoint` holds the three endpoint-access modes and their rules, `plan` the
//! normalisation that keeps plans quiet, `updates` which EKS update each change needs, and
//! `api` the calls: create and wait for ACTIVE, one update kind at a time, delete until gone.

mod api;
pub mod endpoint;
mod plan;
mod settings;
mod updates;

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::schema::{object, string_set};
use crate::providers::aws::tags::taggable;
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::providers::{
    ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse, CREATION_TAG,
};
use crate::value::{Type, Value};
pub use api::{describe_cluster, outcome, to_value};
pub use settings::LOCAL as REQUEST_ONLY;

pub struct EksCluster;

fn name_of(v: &Value) -> String {
    v.get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[async_trait]
impl ResourceType<Clients> for EksCluster {
    fn name(&self) -> &'static str {
        "aws_eks_cluster"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        endpoint::vpc_config(config)
            .map(|v| endpoint::check(v, spans))
            .unwrap_or_default()
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        let none = BTreeMap::new();
        let tags = cx.client.map_or(&none, |c| &c.default_tags);
        plan::plan_cluster(cx.schema, req.prior, req.config, tags, req.spans)
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        // DescribeCluster takes one name: ask for all of them at once.
        let calls = states.iter().map(|v| async move {
            let name = name_of(v);
            describe_cluster(c, &name).await
        });
        let mut out = Vec::with_capacity(states.len());
        for (found, prior) in futures::future::join_all(calls)
            .await
            .into_iter()
            .zip(states)
        {
            out.push(found?.map(|cl| {
                let mut v = to_value(&cl, &c.default_tags);
                settings::keep_local(Some(prior), &mut v);
                v
            }));
        }
        Ok(out)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        creation: Option<&Creation>,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        api::create(c, planned, creation, &c.default_tags, ctx).await
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        api::update(c, prior, planned, &c.default_tags, ctx).await
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        api::delete(c, prior, ctx).await
    }

    /// The import ID is the cluster's name.
    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        Ok(describe_cluster(c, id).await?.map(|cl| {
            let mut v = to_value(&cl, &c.default_tags);
            settings::keep_local(None, &mut v);
            v
        }))
    }

    fn created_id(&self, _c: &Clients, planned: &Value) -> Option<String> {
        planned
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// A cluster is known by its name: the one with that name, if it carries the mark.
    async fn find_created(
        &self,
        c: &Clients,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let Some(name) = id else {
            return Ok(None);
        };
        let cluster = describe_cluster(c, name).await?;
        Ok(cluster
            .filter(|cl| {
                creation.marks(
                    cl.tags()
                        .and_then(|t| t.get(CREATION_TAG))
                        .map(String::as_str),
                )
            })
            .map(|cl| {
                let mut v = to_value(&cl, &c.default_tags);
                settings::keep_local(None, &mut v);
                v
            }))
    }

    /// CreateCluster resumes by itself: the same attempt sends the same client request
    /// token, and a name clash is taken over only when the cluster carries the mark.
    async fn resume(
        &self,
        _c: &Clients,
        _id: Option<&str>,
        _creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        Ok(None)
    }
}

pub fn schema() -> Schema {
    let vpc = Schema::new()
        .attr("subnet_ids", Attribute::required(string_set()).describe("At least two subnets in different Availability Zones of one VPC; updatable in place."))
        .attr("security_group_ids", Attribute::optional(string_set()).describe("Extra security groups for the control-plane network interfaces."))
        .attr("endpoint_private_access", Attribute::optional(Type::Bool).default(false).describe("Whether the API server is reachable inside the VPC."))
        .attr("endpoint_public_access", Attribute::optional(Type::Bool).default(true).describe("Whether the API server has a public endpoint."))
        .attr(
            "public_access_cidrs",
            Attribute::optional_computed(string_set()).describe("CIDR blocks allowed to reach the public endpoint; EKS uses 0.0.0.0/0 when unset."),
        )
        .attr("cluster_security_group_id", Attribute::computed(Type::String).describe("The security group EKS creates for the cluster."))
        .attr("vpc_id", Attribute::computed(Type::String).describe("The VPC of the subnets."));
    let access = Schema::new()
        .attr("authentication_mode", Attribute::optional_computed(Type::String).describe("CONFIG_MAP, API_AND_CONFIG_MAP or API (access entries need one of the last two); it changes one way only, CONFIG_MAP → API_AND_CONFIG_MAP → API."))
        .attr("bootstrap_cluster_creator_admin_permissions", Attribute::optional_computed(Type::Bool).force_new().describe("Whether the identity that creates the cluster gets a cluster-admin access entry."));
    taggable(settings::add_to_schema(
        Schema::new()
            .describe("An EKS cluster: its Kubernetes control plane and the network access to its API server.")
            .attr("id", Attribute::computed(Type::String).describe("The cluster's name."))
            .attr("name", Attribute::required(Type::String).force_new().describe("Name of the cluster; changing it replaces the cluster."))
            .attr("role_arn", Attribute::required(Type::String).force_new().describe("IAM role EKS uses to manage resources; changing it replaces the cluster."))
            .attr("version", Attribute::optional_computed(Type::String).describe("Kubernetes version, such as 1.31; upgrades go one minor version at a time."))
            .attr("enabled_cluster_log_types", Attribute::optional(string_set()).describe("Control-plane logs sent to CloudWatch: api, audit, authenticator, controllerManager, scheduler."))
            .attr("arn", Attribute::computed(Type::String).describe("The cluster's ARN."))
            .attr("endpoint", Attribute::computed(Type::String).describe("The API server URL."))
            .attr("status", Attribute::computed(Type::String).describe("CREATING, ACTIVE, UPDATING, DELETING or FAILED."))
            .attr("platform_version", Attribute::computed(Type::String).describe("The EKS platform version."))
            .attr("created_at", Attribute::computed(Type::String).describe("When the cluster was created."))
            .attr(
                "certificate_authority",
                Attribute::computed(Type::list(object(&[("data", Type::String)]))).describe("The cluster CA certificate, base64 encoded, as [{ data }]."),
            )
            .attr(
                "identity",
                Attribute::computed(Type::list(object(&[("oidc", Type::list(object(&[("issuer", Type::String)])))])))
                    .describe("The cluster's OIDC issuer, as [{ oidc = [{ issuer }] }]."),
            )
            .block("vpc_config", NestedBlock { max_items: 1, ..NestedBlock::list(vpc) }.required().describe("Networking of the control plane and its API server endpoints."))
            .block("access_config", NestedBlock { max_items: 1, computed: true, ..NestedBlock::list(access) }.describe("How IAM principals authenticate to the API server: access entries, the aws-auth ConfigMap, or both.")),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cluster_schema_uses_terraform_names_and_defaults() {
        let s = super::schema();
        let vpc = &s.blocks["vpc_config"].schema;
        assert_eq!(
            vpc.attributes["endpoint_public_access"].default,
            Some(crate::value::Value::Bool(true))
        );
        assert_eq!(
            vpc.attributes["endpoint_private_access"].default,
            Some(crate::value::Value::Bool(false))
        );
        assert!(vpc.attributes["public_access_cidrs"].computed);
        assert!(s.attributes["name"].force_new && s.attributes["role_arn"].force_new);
        assert!(
            !vpc.attributes["subnet_ids"].force_new,
            "subnets are updatable in place since October 2023"
        );
    }
}
