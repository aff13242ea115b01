//! `aws_vpc`: a VPC, with the DNS settings private EKS endpoints need. Refresh reads every
//! VPC of the type with one DescribeVpcs call.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, ResourceType as Ec2Type, Vpc as Ec2Vpc, VpcAttributeName,
};

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

pub struct Vpc;

#[async_trait]
impl ResourceType<Clients> for Vpc {
    fn name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |_| {})
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_vpcs(c, &ids_of(states), &c.default_tags).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        create_vpc(c, planned, &c.default_tags).await
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let id = id_of(prior);
        update_vpc(c, &id, Some(prior), planned).await?;
        just_changed(
            read_vpcs(c, std::slice::from_ref(&id), &c.default_tags).await?,
            "VPC",
            &id,
        )
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        delete_vpc(c, &id_of(prior)).await
    }

    async fn find_created(
        &self,
        c: &Clients,
        _id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let out = c
            .ec2
            .describe_vpcs()
            .filters(marks::filter(creation))
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeVpcs", &marks::target(creation)), &e))?;
        match out.vpcs().first().and_then(|v| v.vpc_id()) {
            Some(id) => Ok(read_vpcs(c, &[id.to_string()], &c.default_tags)
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
            .describe("A VPC.")
            .attr("id", Attribute::computed(Type::String).describe("The VPC ID."))
            .attr("arn", Attribute::computed(Type::String).describe("The VPC's ARN."))
            .attr("cidr_block", Attribute::required(Type::String).force_new().describe("The IPv4 range, such as 10.0.0.0/16."))
            .attr("enable_dns_support", Attribute::optional(Type::Bool).default(true).describe("Whether the Amazon DNS server answers in the VPC; private EKS endpoints need it."))
            .attr("enable_dns_hostnames", Attribute::optional(Type::Bool).default(false).describe("Whether instances get DNS hostnames; private EKS endpoints need it."))
            .attr("dhcp_options_id", Attribute::computed(Type::String).describe("The DHCP options set of the VPC.")),
    )
}

/// DNS settings of one VPC (DescribeVpcAttribute answers one attribute per call).
pub async fn dns_settings(c: &Clients, vpc_id: &str) -> Result<(bool, bool), Diagnostic> {
    let mut out = [false, false];
    for (i, attr) in [
        VpcAttributeName::EnableDnsSupport,
        VpcAttributeName::EnableDnsHostnames,
    ]
    .into_iter()
    .enumerate()
    {
        let r = c
            .ec2
            .describe_vpc_attribute()
            .vpc_id(vpc_id)
            .attribute(attr)
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeVpcAttribute", vpc_id), &e))?;
        out[i] = if i == 0 {
            r.enable_dns_support().and_then(|a| a.value())
        } else {
            r.enable_dns_hostnames().and_then(|a| a.value())
        }
        .unwrap_or(false);
    }
    Ok((out[0], out[1]))
}

pub async fn vpc_value(
    c: &Clients,
    v: &Ec2Vpc,
    default_tags: &BTreeMap<String, String>,
) -> Result<Value, Diagnostic> {
    let id = v.vpc_id().unwrap_or_default();
    let (support, hostnames) = dns_settings(c, id).await?;
    let (tags, tags_all) = tag_values(v.tags(), default_tags);
    Ok(Value::object([
        ("id", s(v.vpc_id())),
        (
            "arn",
            Value::from(format!(
                "arn:aws:ec2:{}:{}:vpc/{id}",
                c.region,
                v.owner_id().unwrap_or("")
            )),
        ),
        ("cidr_block", s(v.cidr_block())),
        ("enable_dns_support", Value::Bool(support)),
        ("enable_dns_hostnames", Value::Bool(hostnames)),
        ("dhcp_options_id", s(v.dhcp_options_id())),
        ("tags", tags),
        ("tags_all", tags_all),
    ]))
}

/// Reads many VPCs with one DescribeVpcs call; missing IDs come back as `None`.
pub async fn read_vpcs(
    c: &Clients,
    ids: &[String],
    default_tags: &BTreeMap<String, String>,
) -> Result<Vec<Option<Value>>, Diagnostic> {
    let found = describe_vpcs(c, ids).await?;
    let mut by_id: HashMap<String, Value> = HashMap::new();
    for v in &found {
        by_id.insert(
            v.vpc_id().unwrap_or_default().to_string(),
            vpc_value(c, v, default_tags).await?,
        );
    }
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}

/// DescribeVpcs for several IDs. EC2 fails the whole call when one ID is gone, so fall back
/// to asking one by one to tell which.
async fn describe_vpcs(c: &Clients, ids: &[String]) -> Result<Vec<Ec2Vpc>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    match c
        .ec2
        .describe_vpcs()
        .set_vpc_ids(Some(ids.to_vec()))
        .send()
        .await
    {
        Ok(o) => Ok(o.vpcs().to_vec()),
        Err(e) if code(&e).as_deref() == Some("InvalidVpcID.NotFound") && ids.len() > 1 => {
            let mut out = Vec::new();
            for id in ids {
                out.extend(Box::pin(describe_vpcs(c, std::slice::from_ref(id))).await?);
            }
            Ok(out)
        }
        Err(e) if code(&e).as_deref() == Some("InvalidVpcID.NotFound") => Ok(Vec::new()),
        Err(e) => Err(describe(ec2("DescribeVpcs", &ids.join(", ")), &e)),
    }
}

async fn set_vpc_flag(c: &Clients, id: &str, attr: &str, on: bool) -> Result<(), Diagnostic> {
    let value = AttributeBooleanValue::builder().value(on).build();
    let call = c.ec2.modify_vpc_attribute().vpc_id(id);
    let call = if attr == "enable_dns_support" {
        call.enable_dns_support(value)
    } else {
        call.enable_dns_hostnames(value)
    };
    call.send()
        .await
        .map(|_| ())
        .map_err(|e| describe(ec2("ModifyVpcAttribute", id), &e))
}

pub async fn create_vpc(
    c: &Clients,
    planned: &Value,
    default_tags: &BTreeMap<String, String>,
) -> Result<Value, Diagnostic> {
    let cidr = str_of(planned, "cidr_block").unwrap_or_default();
    let out = c
        .ec2
        .create_vpc()
        .cidr_block(cidr)
        .set_tag_specifications(tag_spec(Ec2Type::Vpc, planned.get("tags_all")).map(|t| vec![t]))
        .send()
        .await
        .map_err(|e| describe(ec2("CreateVpc", cidr), &e))?;
    let id = out
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap_or_default()
        .to_string();
    update_vpc(c, &id, None, planned).await?;
    just_changed(
        read_vpcs(c, std::slice::from_ref(&id), default_tags).await?,
        "VPC",
        &id,
    )
}

pub async fn update_vpc(
    c: &Clients,
    id: &str,
    prior: Option<&Value>,
    planned: &Value,
) -> Result<(), Diagnostic> {
    for attr in ["enable_dns_support", "enable_dns_hostnames"] {
        let want = planned.get(attr).and_then(Value::as_bool);
        let had = prior.and_then(|p| p.get(attr)).and_then(Value::as_bool);
        // A new VPC has DNS support on and hostnames off; only send what differs.
        let current = had.unwrap_or(attr == "enable_dns_support");
        if let Some(w) = want.filter(|w| *w != current) {
            set_vpc_flag(c, id, attr, w).await?;
        }
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

pub async fn delete_vpc(c: &Clients, id: &str) -> Result<(), Diagnostic> {
    match c.ec2.delete_vpc().vpc_id(id).send().await {
        Ok(_) => Ok(()),
        Err(e) if code(&e).as_deref() == Some("InvalidVpcID.NotFound") => Ok(()),
        Err(e) => Err(describe(ec2("DeleteVpc", id), &e)),
    }
}
