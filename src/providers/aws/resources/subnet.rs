//! `aws_subnet`: a subnet of a VPC. Refresh reads every subnet of the type with one
//! DescribeSubnets call.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType as Ec2Type, Subnet as Ec2Subnet};

use super::{ec2, id_of, ids_of, just_changed, s, str_of};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::marks;
use crate::providers::aws::tags::{plan_tagged, sync_tags, tag_spec, tag_values, taggable};
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{Creation, OperationContext, PlanRequest, PlanResponse};
use crate::value::{Type, Value};

pub struct Subnet;

#[async_trait]
impl ResourceType<Clients> for Subnet {
    fn name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |_| {})
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_subnets(c, &ids_of(states), &c.default_tags).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        create_subnet(c, planned, &c.default_tags).await
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let id = id_of(prior);
        update_subnet(c, &id, Some(prior), planned).await?;
        just_changed(
            read_subnets(c, std::slice::from_ref(&id), &c.default_tags).await?,
            "subnet",
            &id,
        )
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        delete_subnet(c, &id_of(prior)).await
    }

    async fn find_created(
        &self,
        c: &Clients,
        _id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let out = c
            .ec2
            .describe_subnets()
            .filters(marks::filter(creation))
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeSubnets", &marks::target(creation)), &e))?;
        match out.subnets().first().and_then(|s| s.subnet_id()) {
            Some(id) => Ok(read_subnets(c, &[id.to_string()], &c.default_tags)
                .await?
                .pop()
                .flatten()),
            None => Ok(None),
        }
    }
}

pub fn schema() -> Schema {
    taggable(
        Schema::new()
            .describe("A subnet of a VPC.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The subnet ID."),
            )
            .attr(
                "arn",
                Attribute::computed(Type::String).describe("The subnet's ARN."),
            )
            .attr(
                "vpc_id",
                Attribute::required(Type::String)
                    .force_new()
                    .describe("The VPC."),
            )
            .attr(
                "cidr_block",
                Attribute::required(Type::String)
                    .force_new()
                    .describe("The IPv4 range, inside the VPC's."),
            )
            .attr(
                "availability_zone",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .describe("The Availability Zone, such as eu-west-1a."),
            )
            .attr(
                "map_public_ip_on_launch",
                Attribute::optional(Type::Bool)
                    .default(false)
                    .describe("Whether instances get a public IPv4 address."),
            ),
    )
}

pub fn subnet_value(c: &Clients, sn: &Ec2Subnet, default_tags: &BTreeMap<String, String>) -> Value {
    let (tags, tags_all) = tag_values(sn.tags(), default_tags);
    let id = sn.subnet_id().unwrap_or_default();
    // Some emulators leave out the ARN; build the documented one then.
    let arn = sn.subnet_arn().map(str::to_string).unwrap_or_else(|| {
        format!(
            "arn:aws:ec2:{}:{}:subnet/{id}",
            c.region,
            sn.owner_id().unwrap_or("")
        )
    });
    Value::object([
        ("id", s(sn.subnet_id())),
        ("arn", Value::from(arn)),
        ("vpc_id", s(sn.vpc_id())),
        ("cidr_block", s(sn.cidr_block())),
        ("availability_zone", s(sn.availability_zone())),
        (
            "map_public_ip_on_launch",
            Value::Bool(sn.map_public_ip_on_launch().unwrap_or(false)),
        ),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}

pub async fn read_subnets(
    c: &Clients,
    ids: &[String],
    default_tags: &BTreeMap<String, String>,
) -> Result<Vec<Option<Value>>, Diagnostic> {
    let found = describe_subnets(c, ids).await?;
    let mut by_id: HashMap<String, Value> = found
        .iter()
        .map(|sn| {
            (
                sn.subnet_id().unwrap_or_default().to_string(),
                subnet_value(c, sn, default_tags),
            )
        })
        .collect();
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}

async fn describe_subnets(c: &Clients, ids: &[String]) -> Result<Vec<Ec2Subnet>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    match c
        .ec2
        .describe_subnets()
        .set_subnet_ids(Some(ids.to_vec()))
        .send()
        .await
    {
        Ok(o) => Ok(o.subnets().to_vec()),
        Err(e) if code(&e).as_deref() == Some("InvalidSubnetID.NotFound") && ids.len() > 1 => {
            let mut out = Vec::new();
            for id in ids {
                out.extend(Box::pin(describe_subnets(c, std::slice::from_ref(id))).await?);
            }
            Ok(out)
        }
        Err(e) if code(&e).as_deref() == Some("InvalidSubnetID.NotFound") => Ok(Vec::new()),
        Err(e) => Err(describe(ec2("DescribeSubnets", &ids.join(", ")), &e)),
    }
}

pub async fn create_subnet(
    c: &Clients,
    planned: &Value,
    default_tags: &BTreeMap<String, String>,
) -> Result<Value, Diagnostic> {
    let vpc = str_of(planned, "vpc_id").unwrap_or_default();
    let out = c
        .ec2
        .create_subnet()
        .vpc_id(vpc)
        .set_cidr_block(str_of(planned, "cidr_block").map(str::to_string))
        .set_availability_zone(str_of(planned, "availability_zone").map(str::to_string))
        .set_tag_specifications(tag_spec(Ec2Type::Subnet, planned.get("tags_all")).map(|t| vec![t]))
        .send()
        .await
        .map_err(|e| describe(ec2("CreateSubnet", vpc), &e))?;
    let id = out
        .subnet()
        .and_then(|s| s.subnet_id())
        .unwrap_or_default()
        .to_string();
    update_subnet(c, &id, None, planned).await?;
    just_changed(
        read_subnets(c, std::slice::from_ref(&id), default_tags).await?,
        "subnet",
        &id,
    )
}

pub async fn update_subnet(
    c: &Clients,
    id: &str,
    prior: Option<&Value>,
    planned: &Value,
) -> Result<(), Diagnostic> {
    let want = planned
        .get("map_public_ip_on_launch")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let had = prior
        .and_then(|p| p.get("map_public_ip_on_launch"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if want != had {
        c.ec2
            .modify_subnet_attribute()
            .subnet_id(id)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(want).build())
            .send()
            .await
            .map_err(|e| describe(ec2("ModifySubnetAttribute", id), &e))?;
    }
    if prior.is_some() {
        sync_tags(
            c,
            id,
            prior.and_then(|p| p.get("tags_all")),
            planned.get("tags_all"),
        )
        .await?;
    }
    Ok(())
}

pub async fn delete_subnet(c: &Clients, id: &str) -> Result<(), Diagnostic> {
    match c.ec2.delete_subnet().subnet_id(id).send().await {
        Ok(_) => Ok(()),
        Err(e) if code(&e).as_deref() == Some("InvalidSubnetID.NotFound") => Ok(()),
        Err(e) => Err(describe(ec2("DeleteSubnet", id), &e)),
    }
}
