//! `aws_nat_gateway`: outbound internet access for private subnets (public connectivity,
//! through an Elastic IP) or routing into other networks (private connectivity). Everything
//! but tags forces a new gateway. Refresh reads every gateway of the type with one
//! DescribeNatGateways call; a gateway in state `deleted` is gone, as in Terraform.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    ConnectivityType, Filter, NatGateway as Ec2Gateway, NatGatewayState, ResourceType as Ec2Type,
};

use super::{ec2, id_of, ids_of, just_changed, s, string_of as text};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::marks;
use crate::providers::aws::tags::{plan_tagged, sync_tags, tag_spec, tag_values, taggable};
use crate::providers::kit::{wait, PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse};
use crate::value::{Type, Value};

pub struct NatGateway;

/// How long a gateway may take to become available, and to go: Terraform's defaults.
const CREATE_LIMIT: Duration = Duration::from_secs(10 * 60);
const DELETE_LIMIT: Duration = Duration::from_secs(30 * 60);

#[async_trait]
impl ResourceType<Clients> for NatGateway {
    fn name(&self) -> &'static str {
        "aws_nat_gateway"
    }

    fn schema(&self) -> Schema {
        taggable(
            Schema::new()
                .describe("A NAT gateway in a subnet.")
                .attr(
                    "id",
                    Attribute::computed(Type::String).describe("The gateway ID (nat-…)."),
                )
                .attr(
                    "subnet_id",
                    Attribute::required(Type::String).force_new().describe(
                        "The subnet the gateway is in: a public one for public connectivity.",
                    ),
                )
                .attr(
                    "allocation_id",
                    Attribute::optional(Type::String)
                        .force_new()
                        .describe("The Elastic IP address of a public gateway (eipalloc-…)."),
                )
                .attr(
                    "connectivity_type",
                    Attribute::optional(Type::String)
                        .default("public")
                        .force_new()
                        .describe("public (to the internet) or private (to other networks)."),
                )
                .attr(
                    "private_ip",
                    Attribute::optional_computed(Type::String)
                        .force_new()
                        .describe("The gateway's private IPv4 address in the subnet."),
                )
                .attr(
                    "association_id",
                    Attribute::computed(Type::String)
                        .describe("The association of the Elastic IP address."),
                )
                .attr(
                    "network_interface_id",
                    Attribute::computed(Type::String)
                        .describe("The network interface EC2 made for the gateway."),
                )
                .attr(
                    "public_ip",
                    Attribute::computed(Type::String).describe(
                        "The public address: the one nodes behind the gateway are seen from.",
                    ),
                ),
        )
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let private = config.get("connectivity_type").and_then(Value::as_str) == Some("private");
        let allocation = config.get("allocation_id").is_some_and(|v| !v.is_null());
        match config.get("connectivity_type").and_then(Value::as_str) {
            Some(t) if t != "public" && t != "private" => Diagnostic::error("Unknown NAT connectivity type")
                .at(spans.span(&["connectivity_type"]))
                .detail(format!("connectivity_type = \"{t}\" is neither \"public\" nor \"private\"."))
                .hint("set \"public\" for internet access through an Elastic IP, or \"private\"")
                .into(),
            _ if private && allocation => Diagnostic::error("A private NAT gateway has no Elastic IP")
                .at(spans.span(&["allocation_id"]))
                .detail("EC2 refuses an allocation_id with connectivity_type = \"private\": a private gateway only routes into other networks.")
                .hint("remove allocation_id, or set connectivity_type = \"public\"")
                .into(),
            _ => Diagnostics::new(),
        }
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |_| {})
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_gateways(c, &ids_of(states)).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        creation: Option<&Creation>,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let subnet = text(planned, "subnet_id").unwrap_or_default();
        let connectivity = match text(planned, "connectivity_type").as_deref() {
            Some("private") => ConnectivityType::Private,
            _ => ConnectivityType::Public,
        };
        let out = c
            .ec2
            .create_nat_gateway()
            .subnet_id(&subnet)
            .connectivity_type(connectivity)
            .set_allocation_id(text(planned, "allocation_id"))
            .set_private_ip_address(text(planned, "private_ip"))
            // The creation mark doubles as the idempotency token: a retried request after a
            // lost answer makes no second gateway.
            .set_client_token(creation.map(|c| c.id.clone()))
            .set_tag_specifications(
                tag_spec(Ec2Type::Natgateway, planned.get("tags_all")).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| describe(ec2("CreateNatGateway", &subnet), &e))?;
        let id = out
            .nat_gateway()
            .and_then(|g| g.nat_gateway_id())
            .unwrap_or_default()
            .to_string();
        ctx.report(&format!("waiting for NAT gateway {id} to become available"));
        let started = Instant::now();
        loop {
            let found = describe_gateways(c, std::slice::from_ref(&id)).await?;
            match found.first().and_then(|g| g.state()) {
                Some(NatGatewayState::Available) => break,
                _ if started.elapsed() > CREATE_LIMIT => {
                    return Err(Diagnostic::error("Timed out").detail(format!(
                        "NAT gateway {id} did not become available within {} minutes.",
                        CREATE_LIMIT.as_secs() / 60
                    )))
                }
                Some(NatGatewayState::Failed) => {
                    let g = &found[0];
                    return Err(Diagnostic::error("NAT gateway failed")
                        .detail(format!(
                            "NAT gateway {id} in {subnet} failed: {} ({}).",
                            g.failure_message().unwrap_or("no reason given"),
                            g.failure_code().unwrap_or("no code")
                        ))
                        .hint("a public gateway needs an Elastic IP not associated elsewhere, in a subnet whose VPC has an internet gateway"));
                }
                _ => wait::pause(ctx, ctx.poll_interval, "AWS").await?,
            }
        }
        just_changed(
            read_gateways(c, std::slice::from_ref(&id)).await?,
            "NAT gateway",
            &id,
        )
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let id = id_of(prior);
        sync_tags(c, &id, prior.get("tags_all"), planned.get("tags_all")).await?;
        just_changed(
            read_gateways(c, std::slice::from_ref(&id)).await?,
            "NAT gateway",
            &id,
        )
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let id = id_of(prior);
        match c.ec2.delete_nat_gateway().nat_gateway_id(&id).send().await {
            Ok(_) => {}
            Err(e) if code(&e).as_deref() == Some("NatGatewayNotFound") => return Ok(()),
            Err(e) => return Err(describe(ec2("DeleteNatGateway", &id), &e)),
        }
        // Its address and network interface stay in use until the gateway is gone, so the
        // EIP and subnet deletes that follow would fail.
        ctx.report(&format!("waiting for NAT gateway {id} to be deleted"));
        let started = Instant::now();
        while started.elapsed() < DELETE_LIMIT {
            if read_gateways(c, std::slice::from_ref(&id)).await?[0].is_none() {
                return Ok(());
            }
            wait::pause(ctx, ctx.poll_interval, "AWS").await?;
        }
        Err(Diagnostic::error("NAT gateway not deleted").detail(format!(
            "NAT gateway {id} was still being deleted when clusterform stopped waiting."
        )))
    }

    async fn find_created(
        &self,
        c: &Clients,
        _id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let out = c
            .ec2
            .describe_nat_gateways()
            .filter(marks::filter(creation))
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeNatGateways", &marks::target(creation)), &e))?;
        Ok(out
            .nat_gateways()
            .iter()
            .find(|g| !gone(g))
            .map(|g| gateway_value(g, &c.default_tags)))
    }
}

/// EC2 lists a deleted gateway for a while; it is gone all the same. A failed one stays in
/// the state, so the plan shows it instead of silently making another.
fn gone(g: &Ec2Gateway) -> bool {
    g.state() == Some(&NatGatewayState::Deleted)
}

fn gateway_value(g: &Ec2Gateway, default_tags: &BTreeMap<String, String>) -> Value {
    let (tags, tags_all) = tag_values(g.tags(), default_tags);
    // The primary address, or the only one: moto and older gateways mark none as primary.
    let addresses = g.nat_gateway_addresses();
    let primary = addresses
        .iter()
        .find(|a| a.is_primary() == Some(true))
        .or(addresses.first());
    let connectivity = g
        .connectivity_type()
        .map_or("public", |t| t.as_str())
        .to_string();
    let field =
        |f: fn(&aws_sdk_ec2::types::NatGatewayAddress) -> Option<&str>| s(primary.and_then(f));
    Value::object([
        ("id", s(g.nat_gateway_id())),
        ("subnet_id", s(g.subnet_id())),
        ("allocation_id", field(|a| a.allocation_id())),
        ("connectivity_type", Value::from(connectivity)),
        ("private_ip", field(|a| a.private_ip())),
        ("association_id", field(|a| a.association_id())),
        ("network_interface_id", field(|a| a.network_interface_id())),
        ("public_ip", field(|a| a.public_ip())),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}

/// Many gateways with one call. A filter on the IDs, unlike NatGatewayIds, does not fail the
/// whole call when one of them is gone.
async fn describe_gateways(c: &Clients, ids: &[String]) -> Result<Vec<Ec2Gateway>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let out = c
        .ec2
        .describe_nat_gateways()
        .filter(
            Filter::builder()
                .name("nat-gateway-id")
                .set_values(Some(ids.to_vec()))
                .build(),
        )
        .send()
        .await
        .map_err(|e| describe(ec2("DescribeNatGateways", &ids.join(", ")), &e))?;
    Ok(out.nat_gateways().to_vec())
}

async fn read_gateways(c: &Clients, ids: &[String]) -> Result<Vec<Option<Value>>, Diagnostic> {
    let mut by_id: BTreeMap<String, Value> = describe_gateways(c, ids)
        .await?
        .iter()
        .filter(|g| !gone(g))
        .map(|g| {
            (
                g.nat_gateway_id().unwrap_or_default().to_string(),
                gateway_value(g, &c.default_tags),
            )
        })
        .collect();
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}
