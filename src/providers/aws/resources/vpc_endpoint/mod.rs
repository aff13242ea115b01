//! `aws_vpc_endpoint`: a private path from a VPC to an AWS service. A Gateway endpoint (S3,
//! DynamoDB) adds a route to the service's prefix list in the given route tables; an
//! Interface endpoint puts a network interface in each subnet, and with private DNS the
//! service's public name resolves to those interfaces inside the VPC. Fully private EKS
//! nodes pull images and reach AWS APIs only through them.
//!
//! The VPC, service and type force a new endpoint; route tables, subnets, security groups,
//! the policy and (for Interface endpoints) private DNS change in place with one
//! ModifyVpcEndpoint call. Refresh reads every endpoint of the type with one
//! DescribeVpcEndpoints call, and the prefix lists of Gateway endpoints with one more.

mod api;

use std::time::Duration;

use async_trait::async_trait;

use super::{id_of, ids_of, just_changed, str_of};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::policy::equivalent;
use crate::providers::aws::schema::{object, string_set};
use crate::providers::aws::tags::{plan_tagged, sync_tags, taggable};
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse};
use crate::value::{Type, Value};

pub struct VpcEndpoint;

/// How long an endpoint may take to become available, and to go: Terraform's defaults.
const CREATE_LIMIT: Duration = Duration::from_secs(10 * 60);
const UPDATE_LIMIT: Duration = Duration::from_secs(10 * 60);
const DELETE_LIMIT: Duration = Duration::from_secs(10 * 60);

/// The endpoint types clusterform makes. Resource and ServiceNetwork endpoints (VPC Lattice)
/// take other arguments it does not know yet.
const TYPES: [&str; 3] = ["Gateway", "Interface", "GatewayLoadBalancer"];

#[async_trait]
impl ResourceType<Clients> for VpcEndpoint {
    fn name(&self) -> &'static str {
        "aws_vpc_endpoint"
    }

    fn schema(&self) -> Schema {
        taggable(
            Schema::new()
                .describe("A VPC endpoint: a private path from the VPC to an AWS service, such as ECR or S3 for nodes without internet access.")
                .attr("id", Attribute::computed(Type::String).describe("The endpoint ID (vpce-…)."))
                .attr("arn", Attribute::computed(Type::String).describe("The endpoint's ARN."))
                .attr("vpc_id", Attribute::required(Type::String).force_new().describe("The VPC the endpoint is in."))
                .attr("service_name", Attribute::required(Type::String).force_new().describe("The service, such as com.amazonaws.us-east-1.ecr.dkr."))
                .attr("vpc_endpoint_type", Attribute::optional(Type::String).default("Gateway").force_new().describe("Gateway (S3, DynamoDB: routes in route tables), Interface (network interfaces in subnets) or GatewayLoadBalancer."))
                .attr("auto_accept", Attribute::optional(Type::Bool).describe("Accept the endpoint when the service is in this account and asks for acceptance."))
                .attr("private_dns_enabled", Attribute::optional_computed(Type::Bool).describe("Whether the service's own name resolves to the endpoint inside the VPC (Interface only; the VPC needs DNS support and hostnames). Unset means false."))
                .attr("route_table_ids", Attribute::optional_computed(string_set()).describe("Route tables that get a route to the service (Gateway)."))
                .attr("subnet_ids", Attribute::optional_computed(string_set()).describe("Subnets that get a network interface, one per Availability Zone (Interface)."))
                .attr("security_group_ids", Attribute::optional_computed(string_set()).describe("Security groups of the network interfaces (Interface); the VPC's default group when unset. They must allow 443 from the nodes."))
                .attr("policy", Attribute::optional_computed(Type::String).describe("The endpoint policy (JSON); AWS's default allows everything. Compared as a policy, not as text."))
                .attr("cidr_blocks", Attribute::computed(Type::list(Type::String)).describe("The service's address ranges (Gateway)."))
                .attr("prefix_list_id", Attribute::computed(Type::String).describe("The service's prefix list, for security group rules (Gateway)."))
                .attr("dns_entry", Attribute::computed(Type::list(object(&[("dns_name", Type::String), ("hosted_zone_id", Type::String)]))).describe("The endpoint's DNS names (Interface)."))
                .attr("network_interface_ids", Attribute::computed(string_set()).describe("The endpoint's network interfaces (Interface)."))
                .attr("owner_id", Attribute::computed(Type::String).describe("The account that owns the endpoint."))
                .attr("requester_managed", Attribute::computed(Type::Bool).describe("Whether an AWS service made the endpoint on your behalf."))
                .attr("state", Attribute::computed(Type::String).describe("available, pendingAcceptance, pending, deleting, …")),
        )
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let mut out = Diagnostics::new();
        let kind = str_of(config, "vpc_endpoint_type").unwrap_or("Gateway");
        if config
            .get("vpc_endpoint_type")
            .is_some_and(Value::is_unknown)
        {
            return out;
        }
        if !TYPES.contains(&kind) {
            out.push(
                Diagnostic::error("Unsupported VPC endpoint type")
                    .at(spans.span(&["vpc_endpoint_type"]))
                    .detail(format!(
                        "vpc_endpoint_type = \"{kind}\" is not one clusterform makes: it makes {}.",
                        TYPES.join(", ")
                    ))
                    .hint("VPC Lattice endpoints (Resource, ServiceNetwork) are not supported yet; make them with the AWS CLI"),
            );
            return out;
        }
        let has = |k: &str| {
            config
                .get(k)
                .is_some_and(|v| v.is_unknown() || v.as_items().is_some_and(|i| !i.is_empty()))
        };
        let wrong = |k: &str, only: &str| {
            Diagnostic::error(format!("{k} is for {only} endpoints"))
                .at(spans.span(&[k]))
                .detail(format!("This is a {kind} endpoint; EC2 refuses {k} on it."))
                .hint(match only {
                    "Gateway" => {
                        "remove it, or set vpc_endpoint_type = \"Gateway\" (S3 and DynamoDB only)"
                            .to_string()
                    }
                    _ => format!("remove it, or set vpc_endpoint_type = \"{only}\""),
                })
        };
        if kind != "Gateway" && has("route_table_ids") {
            out.push(wrong("route_table_ids", "Gateway"));
        }
        if kind == "Gateway" {
            for k in ["subnet_ids", "security_group_ids"] {
                if has(k) {
                    out.push(wrong(k, "Interface"));
                }
            }
            if config.get("private_dns_enabled").and_then(Value::as_bool) == Some(true) {
                out.push(wrong("private_dns_enabled", "Interface"));
            }
        }
        if let Some(policy) = str_of(config, "policy") {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(policy) {
                out.push(
                    Diagnostic::error("policy is not JSON")
                        .at(spans.span(&["policy"]))
                        .detail(format!(
                            "The endpoint policy must be a JSON policy document: {e}."
                        ))
                        .hint(
                            "build it with jsonencode({ ... }) or data \"aws_iam_policy_document\"",
                        ),
                );
            }
        }
        out
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        let mut resp = plan_tagged(cx, req, |m| {
            // Create always sends PrivateDnsEnabled, false when unset, as Terraform does.
            if req.prior.is_none() && m.get("private_dns_enabled").is_some_and(Value::is_unknown) {
                m.insert("private_dns_enabled".into(), Value::from(false));
            }
            let prior = req.prior.and_then(|p| p.get("policy"));
            if let (Some(prior), Some(new)) = (prior, m.get("policy")) {
                if let (Some(a), Some(b)) = (prior.as_str(), new.as_str()) {
                    if equivalent(a, b) {
                        m.insert("policy".into(), prior.clone());
                    }
                }
            }
        });
        if let Some(prior) = req.prior {
            // Only an Interface endpoint's private DNS can be switched on an existing endpoint.
            let interface = str_of(&resp.planned, "vpc_endpoint_type") == Some("Interface");
            let dns = |v: &Value| v.get("private_dns_enabled").cloned();
            if !interface
                && dns(prior) != dns(&resp.planned)
                && !resp
                    .planned
                    .get("private_dns_enabled")
                    .is_some_and(Value::is_unknown)
            {
                resp.requires_replace
                    .push(vec!["private_dns_enabled".into()]);
            }
        }
        resp
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(api::read_endpoints(c, &ids_of(states), states).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        creation: Option<&Creation>,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let id = api::create_endpoint(c, planned, creation).await?;
        ctx.report(&format!(
            "waiting for VPC endpoint {id} to become available"
        ));
        api::wait_available(c, &id, ctx, CREATE_LIMIT).await?;
        just_changed(
            api::read_endpoints(c, std::slice::from_ref(&id), std::slice::from_ref(planned))
                .await?,
            "VPC endpoint",
            &id,
        )
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let id = id_of(prior);
        if api::modify_endpoint(c, &id, prior, planned).await? {
            api::wait_available(c, &id, ctx, UPDATE_LIMIT).await?;
        }
        sync_tags(c, &id, prior.get("tags_all"), planned.get("tags_all")).await?;
        just_changed(
            api::read_endpoints(c, std::slice::from_ref(&id), std::slice::from_ref(planned))
                .await?,
            "VPC endpoint",
            &id,
        )
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        api::delete_endpoint(c, &id_of(prior), ctx, DELETE_LIMIT).await
    }

    async fn find_created(
        &self,
        c: &Clients,
        _id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        api::find_marked(c, creation).await
    }
}
