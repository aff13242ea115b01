//! `aws_security_group`, with inline rules. Refresh reads every group of the type with one
//! DescribeSecurityGroups call; rule changes are the difference between two rule sets.

mod inline_rules;

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use aws_sdk_ec2::types::{IpPermission, ResourceType as Ec2Type, SecurityGroup as Ec2Group};

use super::{ec2, id_of, ids_of, just_changed, s};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::marks;
use crate::providers::aws::schema::string_set;
use crate::providers::aws::tags::{plan_tagged, sync_tags, tag_spec, tag_values, taggable};
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::providers::{already_exists, Creation, OperationContext, PlanRequest, PlanResponse};
use crate::value::{Type, Value};
pub use inline_rules::{normalise_protocol, num};
use inline_rules::{normalise_rule, permission, rule_value, rules};

pub struct SecurityGroup;

#[async_trait]
impl ResourceType<Clients> for SecurityGroup {
    fn name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |m| {
            // Rules compare in the form EC2 answers with (`6` is `tcp`, CIDRs sorted…).
            for key in ["ingress", "egress"] {
                if let Some(Value::Set(items)) = m.get(key).cloned() {
                    m.insert(
                        key.into(),
                        Value::set(items.iter().map(normalise_rule).collect()),
                    );
                }
            }
        })
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_groups(c, &ids_of(states), &c.default_tags).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        create_group(c, planned, &c.default_tags).await
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        update_group(c, prior, planned, &c.default_tags).await
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        delete_group(c, &id_of(prior)).await
    }

    async fn find_created(
        &self,
        c: &Clients,
        _id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let out = c
            .ec2
            .describe_security_groups()
            .filters(marks::filter(creation))
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeSecurityGroups", &marks::target(creation)), &e))?;
        match out.security_groups().first().and_then(|g| g.group_id()) {
            Some(id) => Ok(read_groups(c, &[id.to_string()], &c.default_tags)
                .await?
                .pop()
                .flatten()),
            None => Ok(None),
        }
    }
}

fn sg_rule() -> Schema {
    Schema::new()
        .attr(
            "from_port",
            Attribute::required(Type::Number).describe("First port."),
        )
        .attr(
            "to_port",
            Attribute::required(Type::Number).describe("Last port."),
        )
        .attr(
            "protocol",
            Attribute::required(Type::String).describe("tcp, udp, icmp, or -1 for all."),
        )
        .attr(
            "cidr_blocks",
            Attribute::optional(Type::list(Type::String)).describe("IPv4 ranges."),
        )
        .attr(
            "security_groups",
            Attribute::optional(string_set()).describe("Source or destination security groups."),
        )
        .attr(
            "self",
            Attribute::optional(Type::Bool)
                .default(false)
                .describe("Whether the group itself is a source."),
        )
        .attr(
            "description",
            Attribute::optional(Type::String).describe("What the rule is for."),
        )
}

pub fn schema() -> Schema {
    taggable(
        Schema::new()
            .describe("A security group, with inline rules.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The security group ID."),
            )
            .attr(
                "arn",
                Attribute::computed(Type::String).describe("The security group's ARN."),
            )
            .attr(
                "name",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .describe("Name of the group."),
            )
            .attr(
                "description",
                Attribute::optional(Type::String)
                    .default("Managed by Terraform")
                    .force_new()
                    .describe("What the group is for."),
            )
            .attr(
                "vpc_id",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .describe("The VPC."),
            )
            .block(
                "ingress",
                NestedBlock::set(sg_rule())
                    .computed()
                    .describe("Inbound rules. Without any ingress block, rules made elsewhere (aws_vpc_security_group_ingress_rule) are kept."),
            )
            .block(
                "egress",
                NestedBlock::set(sg_rule())
                    .computed()
                    .describe("Outbound rules. A new group gets none (AWS's default allow-all rule is removed); without any egress block, rules made elsewhere are kept."),
            ),
    )
}

pub fn group_value(c: &Clients, g: &Ec2Group, default_tags: &BTreeMap<String, String>) -> Value {
    let id = g.group_id().unwrap_or_default();
    let (own, all) = tag_values(g.tags(), default_tags);
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

pub async fn describe_groups(c: &Clients, ids: &[String]) -> Result<Vec<Ec2Group>, Diagnostic> {
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
        Err(e) => Err(describe(ec2("DescribeSecurityGroups", &ids.join(", ")), &e)),
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
                .map_err(|e| describe(ec2("RevokeSecurityGroupEgress", id), &e))?;
        } else {
            c.ec2
                .revoke_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(gone))
                .send()
                .await
                .map_err(|e| describe(ec2("RevokeSecurityGroupIngress", id), &e))?;
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
                .map_err(|e| describe(ec2("AuthorizeSecurityGroupEgress", id), &e))?;
        } else {
            c.ec2
                .authorize_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(new))
                .send()
                .await
                .map_err(|e| describe(ec2("AuthorizeSecurityGroupIngress", id), &e))?;
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
            tag_spec(Ec2Type::SecurityGroup, planned.get("tags_all")).map(|t| vec![t]),
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
            _ => describe(ec2("CreateSecurityGroup", &name), &e),
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
    just_changed(
        read_groups(c, std::slice::from_ref(&id), default_tags).await?,
        "security group",
        &id,
    )
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
    just_changed(
        read_groups(c, std::slice::from_ref(&id), default_tags).await?,
        "security group",
        &id,
    )
}

pub async fn delete_group(c: &Clients, id: &str) -> Result<(), Diagnostic> {
    match c.ec2.delete_security_group().group_id(id).send().await {
        Ok(_) => Ok(()),
        Err(e) if code(&e).as_deref() == Some("InvalidGroup.NotFound") => Ok(()),
        Err(e) => Err(describe(ec2("DeleteSecurityGroup", id), &e)),
    }
}
