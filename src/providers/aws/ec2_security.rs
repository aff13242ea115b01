//! `aws_security_group` (with inline rules) and `aws_vpc_security_group_ingress_rule` against
//! the EC2 API. Refresh reads are batched per type.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_ec2::types::{
    IpPermission, IpRange, ResourceType, SecurityGroup, SecurityGroupRule, UserIdGroupPair,
};

use super::client::Clients;
use super::ec2_network::{sync_tags, tag_spec};
use super::errors::{code, describe, Request};
use crate::diag::Diagnostic;
use crate::providers::already_exists;
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

fn num(v: Option<&Value>) -> Option<i32> {
    v.and_then(Value::as_number)
        .and_then(|n| n.as_i64())
        .map(|n| n as i32)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_items)
        .map(|i| {
            i.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `tcp`, `TCP` and `6` are the same protocol; `all` is `-1`.
pub fn normalise_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "all" => "-1".into(),
        other => other.into(),
    }
}

/// An inline rule as state and plans hold it.
pub fn rule_value(p: &IpPermission, own_id: &str) -> Value {
    let cidrs: Vec<Value> = p
        .ip_ranges()
        .iter()
        .filter_map(|r| r.cidr_ip().map(Value::from))
        .collect();
    let groups: Vec<Value> = p
        .user_id_group_pairs()
        .iter()
        .filter_map(|g| g.group_id())
        .filter(|g| *g != own_id)
        .map(Value::from)
        .collect();
    let is_self = p
        .user_id_group_pairs()
        .iter()
        .any(|g| g.group_id() == Some(own_id));
    let description = p
        .ip_ranges()
        .iter()
        .find_map(|r| r.description())
        .or_else(|| p.user_id_group_pairs().iter().find_map(|g| g.description()));
    let protocol = normalise_protocol(p.ip_protocol().unwrap_or("-1"));
    let all = protocol == "-1";
    Value::object([
        (
            "from_port",
            Value::from(if all {
                0
            } else {
                p.from_port().unwrap_or(0) as i64
            }),
        ),
        (
            "to_port",
            Value::from(if all {
                0
            } else {
                p.to_port().unwrap_or(0) as i64
            }),
        ),
        ("protocol", Value::from(protocol)),
        (
            "cidr_blocks",
            if cidrs.is_empty() {
                Value::Null
            } else {
                Value::List(cidrs)
            },
        ),
        (
            "security_groups",
            if groups.is_empty() {
                Value::Null
            } else {
                Value::set(groups)
            },
        ),
        ("self", Value::Bool(is_self)),
        ("description", s(description)),
    ])
}

/// The rule a configuration object asks for, normalised like [`rule_value`].
pub fn normalise_rule(r: &Value) -> Value {
    let protocol = normalise_protocol(r.get("protocol").and_then(Value::as_str).unwrap_or("-1"));
    let all = protocol == "-1";
    let empty_null = |v: Option<&Value>| match v {
        Some(x) if x.as_items().is_some_and(|i| !i.is_empty()) => x.clone(),
        _ => Value::Null,
    };
    Value::object([
        (
            "from_port",
            Value::from(if all {
                0
            } else {
                num(r.get("from_port")).unwrap_or(0) as i64
            }),
        ),
        (
            "to_port",
            Value::from(if all {
                0
            } else {
                num(r.get("to_port")).unwrap_or(0) as i64
            }),
        ),
        ("protocol", Value::from(protocol)),
        ("cidr_blocks", empty_null(r.get("cidr_blocks"))),
        ("security_groups", empty_null(r.get("security_groups"))),
        (
            "self",
            Value::Bool(r.get("self").and_then(Value::as_bool).unwrap_or(false)),
        ),
        (
            "description",
            r.get("description").cloned().unwrap_or(Value::Null),
        ),
    ])
}

fn permission(r: &Value, own_id: &str) -> IpPermission {
    let desc = r
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut groups: Vec<UserIdGroupPair> = strings(r.get("security_groups"))
        .into_iter()
        .map(|g| {
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(desc.clone())
                .build()
        })
        .collect();
    if r.get("self").and_then(Value::as_bool) == Some(true) {
        groups.push(
            UserIdGroupPair::builder()
                .group_id(own_id)
                .set_description(desc.clone())
                .build(),
        );
    }
    let protocol = normalise_protocol(r.get("protocol").and_then(Value::as_str).unwrap_or("-1"));
    let mut b = IpPermission::builder()
        .ip_protocol(&protocol)
        .set_ip_ranges(Some(
            strings(r.get("cidr_blocks"))
                .into_iter()
                .map(|c| {
                    IpRange::builder()
                        .cidr_ip(c)
                        .set_description(desc.clone())
                        .build()
                })
                .collect(),
        ))
        .set_user_id_group_pairs(Some(groups));
    if protocol != "-1" {
        b = b
            .set_from_port(num(r.get("from_port")))
            .set_to_port(num(r.get("to_port")));
    }
    b.build()
}

fn rules(v: Option<&Value>) -> Vec<Value> {
    v.and_then(Value::as_items)
        .map(|i| i.iter().map(normalise_rule).collect())
        .unwrap_or_default()
}

pub fn group_value(
    c: &Clients,
    g: &SecurityGroup,
    default_tags: &BTreeMap<String, String>,
) -> Value {
    let id = g.group_id().unwrap_or_default();
    let (own, all) = super::ec2_network::tag_values(g.tags(), default_tags);
    Value::object([
        ("id", Value::from(id)),
        (
            "arn",
            Value::from(format!(
                "arn:aws:ec2:{}:{}:security-group/{id}",
                c.region,
                g.owner_id().unwrap_or("")
            )),
        ),
        ("name", s(g.group_name())),
        ("description", s(g.description())),
        ("vpc_id", s(g.vpc_id())),
        (
            "ingress",
            Value::set(
                g.ip_permissions()
                    .iter()
                    .map(|p| rule_value(p, id))
                    .collect(),
            ),
        ),
        (
            "egress",
            Value::set(
                g.ip_permissions_egress()
                    .iter()
                    .map(|p| rule_value(p, id))
                    .collect(),
            ),
        ),
        ("tags", own),
        ("tags_all", all),
    ])
}

pub async fn describe_groups(
    c: &Clients,
    ids: &[String],
) -> Result<Vec<SecurityGroup>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    match c
        .ec2
        .describe_security_groups()
        .set_group_ids(Some(ids.to_vec()))
        .send()
        .await
    {
        Ok(o) => Ok(o.security_groups().to_vec()),
        Err(e) if code(&e).as_deref() == Some("InvalidGroup.NotFound") && ids.len() > 1 => {
            let mut out = Vec::new();
            for id in ids {
                out.extend(Box::pin(describe_groups(c, std::slice::from_ref(id))).await?);
            }
            Ok(out)
        }
        Err(e) if code(&e).as_deref() == Some("InvalidGroup.NotFound") => Ok(Vec::new()),
        Err(e) => Err(describe(req("DescribeSecurityGroups", &ids.join(", ")), &e)),
    }
}

pub async fn read_groups(
    c: &Clients,
    ids: &[String],
    default_tags: &BTreeMap<String, String>,
) -> Result<Vec<Option<Value>>, Diagnostic> {
    let found = describe_groups(c, ids).await?;
    let mut by_id: HashMap<String, Value> = found
        .iter()
        .map(|g| {
            (
                g.group_id().unwrap_or_default().to_string(),
                group_value(c, g, default_tags),
            )
        })
        .collect();
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}

async fn change_rules(
    c: &Clients,
    id: &str,
    egress: bool,
    prior: &[Value],
    planned: &[Value],
) -> Result<(), Diagnostic> {
    let gone: Vec<IpPermission> = prior
        .iter()
        .filter(|r| !planned.iter().any(|p| p.same_as(r)))
        .map(|r| permission(r, id))
        .collect();
    let new: Vec<IpPermission> = planned
        .iter()
        .filter(|r| !prior.iter().any(|p| p.same_as(r)))
        .map(|r| permission(r, id))
        .collect();
    if !gone.is_empty() {
        if egress {
            c.ec2
                .revoke_security_group_egress()
                .group_id(id)
                .set_ip_permissions(Some(gone))
                .send()
                .await
                .map_err(|e| describe(req("RevokeSecurityGroupEgress", id), &e))?;
        } else {
            c.ec2
                .revoke_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(gone))
                .send()
                .await
                .map_err(|e| describe(req("RevokeSecurityGroupIngress", id), &e))?;
        }
    }
    if !new.is_empty() {
        if egress {
            c.ec2
                .authorize_security_group_egress()
                .group_id(id)
                .set_ip_permissions(Some(new))
                .send()
                .await
                .map_err(|e| describe(req("AuthorizeSecurityGroupEgress", id), &e))?;
        } else {
            c.ec2
                .authorize_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(new))
                .send()
                .await
                .map_err(|e| describe(req("AuthorizeSecurityGroupIngress", id), &e))?;
        }
    }
    Ok(())
}

pub async fn create_group(
    c: &Clients,
    planned: &Value,
    default_tags: &BTreeMap<String, String>,
) -> Result<Value, Diagnostic> {
    let name = planned
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "clusterform-{}",
                &uuid::Uuid::new_v4().simple().to_string()[..12]
            )
        });
    let out = c
        .ec2
        .create_security_group()
        .group_name(&name)
        .set_description(
            planned
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
        )
        .set_vpc_id(
            planned
                .get("vpc_id")
                .and_then(Value::as_str)
                .map(str::to_string),
        )
        .set_tag_specifications(
            tag_spec(ResourceType::SecurityGroup, planned.get("tags_all")).map(|t| vec![t]),
        )
        .send()
        .await
        .map_err(|e| match code(&e).as_deref() {
            Some("InvalidGroup.Duplicate") => already_exists(
                &format!("Security group {name}"),
                &name,
                &format!("CreateSecurityGroup({name}) answered InvalidGroup.Duplicate: the VPC has a group with this name."),
            )
            .hint("import it with `clusterform import <address> sg-…` (its ID), or choose another name"),
            _ => describe(req("CreateSecurityGroup", &name), &e),
        })?;
    let id = out.group_id().unwrap_or_default().to_string();
    // AWS adds an allow-all egress rule to every new group; like Terraform, keep only the
    // rules the configuration asks for.
    let created = read_groups(c, std::slice::from_ref(&id), default_tags)
        .await?
        .pop()
        .flatten()
        .unwrap_or(Value::Null);
    change_rules(
        c,
        &id,
        true,
        &rules(created.get("egress")),
        &rules(planned.get("egress")),
    )
    .await?;
    change_rules(
        c,
        &id,
        false,
        &rules(created.get("ingress")),
        &rules(planned.get("ingress")),
    )
    .await?;
    read_groups(c, std::slice::from_ref(&id), default_tags)
        .await?
        .pop()
        .flatten()
        .ok_or_else(|| {
            Diagnostic::error("Security group disappeared")
                .detail(format!("EC2 created {id} but no longer reports it."))
        })
}

pub async fn update_group(
    c: &Clients,
    prior: &Value,
    planned: &Value,
    default_tags: &BTreeMap<String, String>,
) -> Result<Value, Diagnostic> {
    let id = prior
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    change_rules(
        c,
        &id,
        true,
        &rules(prior.get("egress")),
        &rules(planned.get("egress")),
    )
    .await?;
    change_rules(
        c,
        &id,
        false,
        &rules(prior.get("ingress")),
        &rules(planned.get("ingress")),
    )
    .await?;
    sync_tags(c, &id, prior.get("tags_all"), planned.get("tags_all")).await?;
    read_groups(c, std::slice::from_ref(&id), default_tags)
        .await?
        .pop()
        .flatten()
        .ok_or_else(|| {
            Diagnostic::error("Security group disappeared")
                .detail(format!("{id} no longer exists."))
        })
}

pub async fn delete_group(c: &Clients, id: &str) -> Result<(), Diagnostic> {
    match c.ec2.delete_security_group().group_id(id).send().await {
        Ok(_) => Ok(()),
        Err(e) if code(&e).as_deref() == Some("InvalidGroup.NotFound") => Ok(()),
        Err(e) => Err(describe(req("DeleteSecurityGroup", id), &e)),
    }
}

pub fn ingress_rule_value(
    r: &SecurityGroupRule,
    region: &str,
    default_tags: &BTreeMap<String, String>,
) -> Value {
    let id = r.security_group_rule_id().unwrap_or_default();
    let (own, all) = super::ec2_network::tag_values(r.tags(), default_tags);
    let protocol = normalise_protocol(r.ip_protocol().unwrap_or("-1"));
    let all_proto = protocol == "-1";
    Value::object([
        ("id", Value::from(id)),
        ("security_group_rule_id", Value::from(id)),
        (
            "arn",
            Value::from(format!(
                "arn:aws:ec2:{region}:{}:security-group-rule/{id}",
                r.group_owner_id().unwrap_or("")
            )),
        ),
        ("security_group_id", s(r.group_id())),
        ("ip_protocol", Value::from(protocol)),
        (
            "from_port",
            if all_proto {
                Value::Null
            } else {
                r.from_port().map_or(Value::Null, |p| Value::from(p as i64))
            },
        ),
        (
            "to_port",
            if all_proto {
                Value::Null
            } else {
                r.to_port().map_or(Value::Null, |p| Value::from(p as i64))
            },
        ),
        ("cidr_ipv4", s(r.cidr_ipv4())),
        (
            "referenced_security_group_id",
            s(r.referenced_group_info().and_then(|g| g.group_id())),
        ),
        ("description", s(r.description())),
        ("tags", own),
        ("tags_all", all),
    ])
}

pub async fn read_ingress_rules(
    c: &Clients,
    ids: &[String],
    default_tags: &BTreeMap<String, String>,
) -> Result<Vec<Option<Value>>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<SecurityGroupRule> = match c
        .ec2
        .describe_security_group_rules()
        .set_security_group_rule_ids(Some(ids.to_vec()))
        .send()
        .await
    {
        Ok(o) => o.security_group_rules().to_vec(),
        Err(e)
            if code(&e).as_deref() == Some("InvalidSecurityGroupRuleId.NotFound")
                && ids.len() > 1 =>
        {
            let mut out = Vec::new();
            for id in ids {
                out.extend(
                    Box::pin(read_ingress_rules(
                        c,
                        std::slice::from_ref(id),
                        default_tags,
                    ))
                    .await?,
                );
            }
            return Ok(out);
        }
        Err(e) if code(&e).as_deref() == Some("InvalidSecurityGroupRuleId.NotFound") => {
            return Ok(vec![None])
        }
        Err(e) => {
            return Err(describe(
                req("DescribeSecurityGroupRules", &ids.join(", ")),
                &e,
            ))
        }
    };
    let mut by_id: HashMap<String, Value> = found
        .iter()
        .map(|r| {
            (
                r.security_group_rule_id().unwrap_or_default().to_string(),
                ingress_rule_value(r, &c.region, default_tags),
            )
        })
        .collect();
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}

pub async fn create_ingress_rule(
    c: &Clients,
    planned: &Value,
    default_tags: &BTreeMap<String, String>,
) -> Result<Value, Diagnostic> {
    let sg = planned
        .get("security_group_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let desc = planned
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_string);
    let protocol = normalise_protocol(
        planned
            .get("ip_protocol")
            .and_then(Value::as_str)
            .unwrap_or("-1"),
    );
    let mut p = IpPermission::builder().ip_protocol(&protocol);
    if protocol != "-1" {
        p = p
            .set_from_port(num(planned.get("from_port")))
            .set_to_port(num(planned.get("to_port")));
    }
    if let Some(cidr) = planned.get("cidr_ipv4").and_then(Value::as_str) {
        p = p.ip_ranges(
            IpRange::builder()
                .cidr_ip(cidr)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(g) = planned
        .get("referenced_security_group_id")
        .and_then(Value::as_str)
    {
        p = p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(desc.clone())
                .build(),
        );
    }
    let out = c
        .ec2
        .authorize_security_group_ingress()
        .group_id(&sg)
        .ip_permissions(p.build())
        .set_tag_specifications(
            tag_spec(ResourceType::SecurityGroupRule, planned.get("tags_all")).map(|t| vec![t]),
        )
        .send()
        .await
        .map_err(|e| match code(&e).as_deref() {
            Some("InvalidPermission.Duplicate") => already_exists(
                &format!("Ingress rule on {sg}"),
                &sg,
                "AuthorizeSecurityGroupIngress answered InvalidPermission.Duplicate: the group has this rule already.",
            )
            .hint("import it with `clusterform import <address> sgr-…` (the rule's ID), or remove the duplicate"),
            _ => describe(req("AuthorizeSecurityGroupIngress", &sg), &e),
        })?;
    let id = out
        .security_group_rules()
        .first()
        .and_then(|r| r.security_group_rule_id())
        .ok_or_else(|| {
            Diagnostic::error("No rule ID").detail(format!(
                "EC2 authorized the rule on {sg} but returned no rule ID."
            ))
        })?
        .to_string();
    read_ingress_rules(c, std::slice::from_ref(&id), default_tags)
        .await?
        .pop()
        .flatten()
        .ok_or_else(|| {
            Diagnostic::error("Rule disappeared")
                .detail(format!("EC2 created {id} but no longer reports it."))
        })
}

pub async fn delete_ingress_rule(c: &Clients, prior: &Value) -> Result<(), Diagnostic> {
    let id = prior.get("id").and_then(Value::as_str).unwrap_or_default();
    let sg = prior
        .get("security_group_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match c
        .ec2
        .revoke_security_group_ingress()
        .group_id(sg)
        .security_group_rule_ids(id)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                code(&e).as_deref(),
                Some("InvalidSecurityGroupRuleId.NotFound") | Some("InvalidGroup.NotFound")
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(describe(req("RevokeSecurityGroupIngress", id), &e)),
    }
}
