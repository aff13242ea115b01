//! `aws_internet_gateway`: a VPC's way to and from the internet, for public subnets and NAT
//! gateways. Moving it to another VPC is in place (detach, then attach), as in Terraform.
//! Refresh reads every gateway of the type with one DescribeInternetGateways call.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, InternetGateway as Ec2Gateway, ResourceType as Ec2Type};

use super::{ec2, id_of, ids_of, just_changed, s};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::marks;
use crate::providers::aws::tags::{plan_tagged, sync_tags, tag_spec, tag_values, taggable};
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{Creation, OperationContext, PlanRequest, PlanResponse};
use crate::value::{Type, Value};

pub struct InternetGateway;

#[async_trait]
impl ResourceType<Clients> for InternetGateway {
    fn name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> Schema {
        taggable(
            Schema::new()
                .describe("An internet gateway, attached to a VPC.")
                .attr(
                    "id",
                    Attribute::computed(Type::String).describe("The gateway ID (igw-…)."),
                )
                .attr(
                    "arn",
                    Attribute::computed(Type::String).describe("The gateway's ARN."),
                )
                .attr(
                    "owner_id",
                    Attribute::computed(Type::String)
                        .describe("The account that owns the gateway."),
                )
                .attr(
                    "vpc_id",
                    Attribute::optional_computed(Type::String).describe(
                        "The VPC to attach to; changing it detaches and attaches in place.",
                    ),
                ),
        )
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
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let out = c
            .ec2
            .create_internet_gateway()
            .set_tag_specifications(
                tag_spec(Ec2Type::InternetGateway, planned.get("tags_all")).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| describe(ec2("CreateInternetGateway", "a new internet gateway"), &e))?;
        let id = out
            .internet_gateway()
            .and_then(|g| g.internet_gateway_id())
            .ok_or_else(|| {
                Diagnostic::error("No gateway ID")
                    .detail("EC2 created an internet gateway but returned no ID.")
            })?
            .to_string();
        if let Some(vpc) = vpc_of(planned) {
            attach(c, &id, vpc).await?;
        }
        just_changed(
            read_gateways(c, std::slice::from_ref(&id)).await?,
            "internet gateway",
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
        if vpc_of(prior) != vpc_of(planned) {
            if let Some(old) = vpc_of(prior) {
                detach(c, &id, old).await?;
            }
            if let Some(new) = vpc_of(planned) {
                attach(c, &id, new).await?;
            }
        }
        sync_tags(c, &id, prior.get("tags_all"), planned.get("tags_all")).await?;
        just_changed(
            read_gateways(c, std::slice::from_ref(&id)).await?,
            "internet gateway",
            &id,
        )
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let id = id_of(prior);
        // What the gateway is attached to now, which may differ from the state.
        let Some(live) = read_gateways(c, std::slice::from_ref(&id))
            .await?
            .pop()
            .flatten()
        else {
            return Ok(());
        };
        if let Some(vpc) = vpc_of(&live) {
            detach(c, &id, vpc).await?;
        }
        match c
            .ec2
            .delete_internet_gateway()
            .internet_gateway_id(&id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("InvalidInternetGatewayID.NotFound") => Ok(()),
            Err(e) => Err(describe(ec2("DeleteInternetGateway", &id), &e)),
        }
    }

    async fn find_created(
        &self,
        c: &Clients,
        _id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let out = c
            .ec2
            .describe_internet_gateways()
            .filters(marks::filter(creation))
            .send()
            .await
            .map_err(|e| {
                describe(
                    ec2("DescribeInternetGateways", &marks::target(creation)),
                    &e,
                )
            })?;
        Ok(out
            .internet_gateways()
            .first()
            .map(|g| gateway_value(c, g, &c.default_tags)))
    }
}

fn vpc_of(v: &Value) -> Option<&str> {
    v.get("vpc_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

async fn attach(c: &Clients, id: &str, vpc: &str) -> Result<(), Diagnostic> {
    c.ec2
        .attach_internet_gateway()
        .internet_gateway_id(id)
        .vpc_id(vpc)
        .send()
        .await
        .map(drop)
        .map_err(|e| describe(ec2("AttachInternetGateway", &format!("{id} to {vpc}")), &e))
}

async fn detach(c: &Clients, id: &str, vpc: &str) -> Result<(), Diagnostic> {
    match c.ec2.detach_internet_gateway().internet_gateway_id(id).vpc_id(vpc).send().await {
        Ok(_) => Ok(()),
        Err(e) if code(&e).as_deref() == Some("Gateway.NotAttached") => Ok(()),
        Err(e) => Err(describe(ec2("DetachInternetGateway", &format!("{id} from {vpc}")), &e)
            .hint("public IP addresses in the VPC (NAT gateways, load balancers, instances) keep the gateway attached: remove them first")),
    }
}

/// The state of a gateway; an unattached one has vpc_id "", as in Terraform.
fn gateway_value(c: &Clients, g: &Ec2Gateway, default_tags: &BTreeMap<String, String>) -> Value {
    let id = g.internet_gateway_id().unwrap_or_default();
    let (tags, tags_all) = tag_values(g.tags(), default_tags);
    let vpc = g
        .attachments()
        .iter()
        .find(|a| a.state().is_some_and(|s| s.as_str() != "detached"))
        .and_then(|a| a.vpc_id())
        .unwrap_or_default();
    Value::object([
        ("id", Value::from(id)),
        (
            "arn",
            Value::from(format!(
                "arn:aws:ec2:{}:{}:internet-gateway/{id}",
                c.region,
                g.owner_id().unwrap_or("")
            )),
        ),
        ("owner_id", s(g.owner_id())),
        ("vpc_id", Value::from(vpc)),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}

/// Many gateways with one call. A filter on the IDs, unlike InternetGatewayIds, does not fail
/// the whole call when one of them is gone.
async fn read_gateways(c: &Clients, ids: &[String]) -> Result<Vec<Option<Value>>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let out = c
        .ec2
        .describe_internet_gateways()
        .filters(
            Filter::builder()
                .name("internet-gateway-id")
                .set_values(Some(ids.to_vec()))
                .build(),
        )
        .send()
        .await
        .map_err(|e| describe(ec2("DescribeInternetGateways", &ids.join(", ")), &e))?;
    let mut by_id: BTreeMap<String, Value> = out
        .internet_gateways()
        .iter()
        .map(|g| {
            (
                g.internet_gateway_id().unwrap_or_default().to_string(),
                gateway_value(c, g, &c.default_tags),
            )
        })
        .collect();
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}
