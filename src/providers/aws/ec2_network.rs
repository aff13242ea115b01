//! `aws_vpc` and `aws_subnet` against the EC2 API. Refresh reads are batched: one DescribeVpcs
//! or DescribeSubnets call for every ID of a type.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, ResourceType, Subnet, Tag, TagSpecification, Vpc,
    VpcAttributeName,
};

use super::client::Clients;
use super::errors::{code, describe, Request};
use crate::diag::Diagnostic;
use crate::providers::CREATION_TAG;
use crate::value::Value;

fn req<'a>(operation: &'a str, target: &'a str) -> Request<'a> {
    Request {
        service: "EC2",
        operation,
        target,
    }
}

fn s(v: Option<&str>) -> Value {
    v.map_or(Value::Null, Value::from)
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Splits EC2 tags into (own tags, all tags), leaving out defaults the provider added and
/// the creation mark, which is clusterform's and not the configuration's.
pub fn tag_values(tags: &[Tag], default_tags: &BTreeMap<String, String>) -> (Value, Value) {
    let all: BTreeMap<String, Value> = tags
        .iter()
        .filter(|t| t.key() != Some(CREATION_TAG))
        .filter_map(|t| Some((t.key()?.to_string(), Value::from(t.value().unwrap_or("")))))
        .collect();
    let own: BTreeMap<String, Value> = all
        .iter()
        .filter(|(k, v)| default_tags.get(*k).map(String::as_str) != v.as_str())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (
        if own.is_empty() {
            Value::Null
        } else {
            Value::Object(own)
        },
        Value::Object(all),
    )
}

pub fn tag_spec(kind: ResourceType, tags_all: Option<&Value>) -> Option<TagSpecification> {
    let tags: Vec<Tag> = tags_all
        .and_then(Value::as_object)?
        .iter()
        .filter_map(|(k, v)| Some(Tag::builder().key(k).value(v.as_str()?).build()))
        .collect();
    (!tags.is_empty()).then(|| {
        TagSpecification::builder()
            .resource_type(kind)
            .set_tags(Some(tags))
            .build()
    })
}

/// Replaces an object's tags with `tags_all` (CreateTags / DeleteTags).
pub async fn sync_tags(
    c: &Clients,
    id: &str,
    prior: Option<&Value>,
    tags_all: Option<&Value>,
) -> Result<(), Diagnostic> {
    let map = |v: Option<&Value>| -> BTreeMap<String, String> {
        v.and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old, new) = (map(prior), map(tags_all));
    let set: Vec<Tag> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let gone: Vec<Tag> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .map(|k| Tag::builder().key(k).build())
        .collect();
    if !set.is_empty() {
        c.ec2
            .create_tags()
            .resources(id)
            .set_tags(Some(set))
            .send()
            .await
            .map_err(|e| describe(req("CreateTags", id), &e))?;
    }
    if !gone.is_empty() {
        c.ec2
            .delete_tags()
            .resources(id)
            .set_tags(Some(gone))
            .send()
            .await
            .map_err(|e| describe(req("DeleteTags", id), &e))?;
    }
    Ok(())
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
            .map_err(|e| describe(req("DescribeVpcAttribute", vpc_id), &e))?;
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
    v: &Vpc,
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

pub fn subnet_value(c: &Clients, sn: &Subnet, default_tags: &BTreeMap<String, String>) -> Value {
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
async fn describe_vpcs(c: &Clients, ids: &[String]) -> Result<Vec<Vpc>, Diagnostic> {
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
        Err(e) => Err(describe(req("DescribeVpcs", &ids.join(", ")), &e)),
    }
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

async fn describe_subnets(c: &Clients, ids: &[String]) -> Result<Vec<Subnet>, Diagnostic> {
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
        Err(e) => Err(describe(req("DescribeSubnets", &ids.join(", ")), &e)),
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
        .map_err(|e| describe(req("ModifyVpcAttribute", id), &e))
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
        .set_tag_specifications(
            tag_spec(ResourceType::Vpc, planned.get("tags_all")).map(|t| vec![t]),
        )
        .send()
        .await
        .map_err(|e| describe(req("CreateVpc", cidr), &e))?;
    let id = out
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap_or_default()
        .to_string();
    update_vpc(c, &id, None, planned).await?;
    read_vpcs(c, std::slice::from_ref(&id), default_tags)
        .await?
        .pop()
        .flatten()
        .ok_or_else(|| {
            Diagnostic::error("VPC disappeared")
                .detail(format!("EC2 created {id} but no longer reports it."))
        })
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
        Err(e) => Err(describe(req("DeleteVpc", id), &e)),
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
        .set_tag_specifications(
            tag_spec(ResourceType::Subnet, planned.get("tags_all")).map(|t| vec![t]),
        )
        .send()
        .await
        .map_err(|e| describe(req("CreateSubnet", vpc), &e))?;
    let id = out
        .subnet()
        .and_then(|s| s.subnet_id())
        .unwrap_or_default()
        .to_string();
    update_subnet(c, &id, None, planned).await?;
    read_subnets(c, std::slice::from_ref(&id), default_tags)
        .await?
        .pop()
        .flatten()
        .ok_or_else(|| {
            Diagnostic::error("Subnet disappeared")
                .detail(format!("EC2 created {id} but no longer reports it."))
        })
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
            .map_err(|e| describe(req("ModifySubnetAttribute", id), &e))?;
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
        Err(e) => Err(describe(req("DeleteSubnet", id), &e)),
    }
}

/// Finds VPCs or subnets by tags, for data sources.
pub fn tag_filters(tags: Option<&Value>) -> Vec<Filter> {
    tags.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    Some(
                        Filter::builder()
                            .name(format!("tag:{k}"))
                            .values(v.as_str()?)
                            .build(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
