//! `aws_eip`: an Elastic IP address in a VPC, such as the fixed public address of a NAT
//! gateway that a restricted public EKS endpoint must allow. The ID is the allocation ID.
//! Refresh reads every address of the type with one DescribeAddresses call.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::{Address, DomainType, Filter, ResourceType as Ec2Type};

use super::{ec2, id_of, ids_of, just_changed, s};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::marks;
use crate::providers::aws::tags::{plan_tagged, sync_tags, tag_spec, tag_values, taggable};
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse};
use crate::value::{Type, Value};

pub struct Eip;

#[async_trait]
impl ResourceType<Clients> for Eip {
    fn name(&self) -> &'static str {
        "aws_eip"
    }

    fn schema(&self) -> Schema {
        let computed = |d: &str| Attribute::computed(Type::String).describe(d);
        taggable(
            Schema::new()
                .describe("An Elastic IP address for use in a VPC.")
                .attr("id", computed("The allocation ID (eipalloc-…)."))
                .attr("allocation_id", computed("The allocation ID."))
                .attr("public_ip", computed("The public IPv4 address."))
                .attr(
                    "public_dns",
                    computed("The public DNS name of the address."),
                )
                .attr(
                    "private_ip",
                    computed("The private address it is associated with, if any."),
                )
                .attr(
                    "association_id",
                    computed("The association with an instance or network interface, if any."),
                )
                .attr(
                    "domain",
                    Attribute::optional_computed(Type::String)
                        .force_new()
                        .describe("vpc, the only domain left since EC2-Classic retired."),
                )
                .attr(
                    "network_border_group",
                    Attribute::optional_computed(Type::String)
                        .force_new()
                        .describe("Where the address is advertised; the region by default."),
                )
                .attr(
                    "public_ipv4_pool",
                    Attribute::optional_computed(Type::String)
                        .force_new()
                        .describe("The pool to allocate from; amazon by default."),
                ),
        )
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        match config.get("domain").and_then(Value::as_str) {
            Some(d) if d != "vpc" => Diagnostic::error("Unsupported EIP domain")
                .at(spans.span(&["domain"]))
                .detail(format!("domain = \"{d}\" was for EC2-Classic, which AWS has retired; only \"vpc\" addresses exist now."))
                .hint("set domain = \"vpc\", or leave it out")
                .into(),
            _ => Diagnostics::new(),
        }
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |_| {})
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_addresses(c, &ids_of(states)).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let text = |k: &str| planned.get(k).and_then(Value::as_str).map(str::to_string);
        let out = c
            .ec2
            .allocate_address()
            .domain(DomainType::Vpc)
            .set_network_border_group(text("network_border_group"))
            .set_public_ipv4_pool(text("public_ipv4_pool"))
            .set_tag_specifications(
                tag_spec(Ec2Type::ElasticIp, planned.get("tags_all")).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| describe(ec2("AllocateAddress", "a new Elastic IP address"), &e))?;
        let id = out
            .allocation_id()
            .ok_or_else(|| {
                Diagnostic::error("No allocation ID")
                    .detail("EC2 allocated an address but returned no allocation ID.")
            })?
            .to_string();
        just_changed(
            read_addresses(c, std::slice::from_ref(&id)).await?,
            "address",
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
        // Everything but the tags forces a new address.
        let id = id_of(prior);
        sync_tags(c, &id, prior.get("tags_all"), planned.get("tags_all")).await?;
        just_changed(
            read_addresses(c, std::slice::from_ref(&id)).await?,
            "address",
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
        let mut release = c.ec2.release_address().allocation_id(&id);
        if let Some(group) = prior.get("network_border_group").and_then(Value::as_str) {
            release = release.network_border_group(group);
        }
        match release.send().await {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("InvalidAllocationID.NotFound") => Ok(()),
            Err(e) => Err(describe(ec2("ReleaseAddress", &id), &e)
                .hint("an address still used by a NAT gateway or instance cannot be released: delete or disassociate that first")),
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
            .describe_addresses()
            .filters(marks::filter(creation))
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeAddresses", &marks::target(creation)), &e))?;
        Ok(out
            .addresses()
            .first()
            .map(|a| address_value(c, a, &c.default_tags)))
    }
}

fn address_value(c: &Clients, a: &Address, default_tags: &BTreeMap<String, String>) -> Value {
    let id = a.allocation_id().unwrap_or_default();
    let (tags, tags_all) = tag_values(a.tags(), default_tags);
    // EC2's public DNS name of an address, as the AWS provider derives it.
    let dns = a.public_ip().map(|ip| {
        let host = format!("ec2-{}", ip.replace('.', "-"));
        if c.region == "us-east-1" {
            format!("{host}.compute-1.amazonaws.com")
        } else {
            format!("{host}.{}.compute.amazonaws.com", c.region)
        }
    });
    Value::object([
        ("id", Value::from(id)),
        ("allocation_id", Value::from(id)),
        ("public_ip", s(a.public_ip())),
        ("public_dns", dns.map_or(Value::Null, Value::from)),
        ("private_ip", s(a.private_ip_address())),
        ("association_id", s(a.association_id())),
        (
            "domain",
            Value::from(a.domain().map_or("vpc", |d| d.as_str())),
        ),
        ("network_border_group", s(a.network_border_group())),
        ("public_ipv4_pool", s(a.public_ipv4_pool())),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}

/// Many addresses with one call, filtered on the allocation IDs so that one gone does not
/// fail the others.
async fn read_addresses(c: &Clients, ids: &[String]) -> Result<Vec<Option<Value>>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let out = c
        .ec2
        .describe_addresses()
        .filters(
            Filter::builder()
                .name("allocation-id")
                .set_values(Some(ids.to_vec()))
                .build(),
        )
        .send()
        .await
        .map_err(|e| describe(ec2("DescribeAddresses", &ids.join(", ")), &e))?;
    let mut by_id: BTreeMap<String, Value> = out
        .addresses()
        .iter()
        .map(|a| {
            (
                a.allocation_id().unwrap_or_default().to_string(),
                address_value(c, a, &c.default_tags),
            )
        })
        .collect();
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}
