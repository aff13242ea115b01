//! `aws_vpc_security_group_ingress_rule`: one inbound rule of a security group, with its own
//! ID and tags. Refresh reads every rule of the type with one DescribeSecurityGroupRules call.
//!
//! As in Terraform, only the group and the kind of source (a CIDR or another group) force a
//! new rule; the protocol, ports, source and description change in place with one
//! ModifySecurityGroupRules call.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, ResourceType as Ec2Type, SecurityGroupRule, SecurityGroupRuleRequest,
    SecurityGroupRuleUpdate, UserIdGroupPair,
};

use super::security_group::normalise_protocol;
use super::{ec2, id_of, ids_of, just_changed, s};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::marks;
use crate::providers::aws::tags::{plan_tagged, sync_tags, tag_spec, tag_values, taggable};
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse,
};
use crate::value::{Type, Value};

pub struct IngressRule;

#[async_trait]
impl ResourceType<Clients> for IngressRule {
    fn name(&self) -> &'static str {
        "aws_vpc_security_group_ingress_rule"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let has = |k: &str| config.get(k).is_some_and(|v| !v.is_null());
        if has("cidr_ipv4") == has("referenced_security_group_id") {
            Diagnostic::error("Rule needs exactly one source")
                .at(spans.root())
                .detail("Set either cidr_ipv4 or referenced_security_group_id, not both and not neither.")
                .into()
        } else {
            Diagnostics::new()
        }
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        let mut resp = plan_tagged(cx, req, |m| {
            if let Some(p) = m
                .get("ip_protocol")
                .and_then(Value::as_str)
                .map(normalise_protocol)
            {
                m.insert("ip_protocol".into(), Value::from(p));
            }
        });
        if let Some(prior) = req.prior {
            // ModifySecurityGroupRules cannot turn a CIDR rule into a group rule or back.
            for source in SOURCES {
                let set = |v: &Value| v.get(source).is_some_and(|x| !x.is_null());
                if set(prior) != set(&resp.planned) {
                    resp.requires_replace.push(vec![source.to_string()]);
                }
            }
        }
        resp
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_ingress_rules(c, &ids_of(states), &c.default_tags).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        create_ingress_rule(c, planned, &c.default_tags).await
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let id = id_of(prior);
        if RULE.iter().any(|k| prior.get(k) != planned.get(k)) {
            modify_ingress_rule(c, &id, planned).await?;
        }
        sync_tags(c, &id, prior.get("tags_all"), planned.get("tags_all")).await?;
        just_changed(
            read_ingress_rules(c, std::slice::from_ref(&id), &c.default_tags).await?,
            "rule",
            &id,
        )
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        delete_ingress_rule(c, prior).await
    }

    async fn find_created(
        &self,
        c: &Clients,
        _id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let out = c
            .ec2
            .describe_security_group_rules()
            .filters(marks::filter(creation))
            .send()
            .await
            .map_err(|e| {
                describe(
                    ec2("DescribeSecurityGroupRules", &marks::target(creation)),
                    &e,
                )
            })?;
        match out
            .security_group_rules()
            .first()
            .and_then(|r| r.security_group_rule_id())
        {
            Some(id) => Ok(read_ingress_rules(c, &[id.to_string()], &c.default_tags)
                .await?
                .pop()
                .flatten()),
            None => Ok(None),
        }
    }
}

/// The kinds of source a rule can have; a change of kind forces a new rule.
const SOURCES: [&str; 2] = ["cidr_ipv4", "referenced_security_group_id"];

/// What ModifySecurityGroupRules changes.
const RULE: [&str; 6] = [
    "ip_protocol",
    "from_port",
    "to_port",
    "cidr_ipv4",
    "referenced_security_group_id",
    "description",
];

/// Sends the whole rule as planned: ModifySecurityGroupRules replaces every field it is given.
async fn modify_ingress_rule(c: &Clients, id: &str, planned: &Value) -> Result<(), Diagnostic> {
    let sg = planned
        .get("security_group_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = |k: &str| planned.get(k).and_then(Value::as_str).map(str::to_string);
    let protocol = normalise_protocol(text("ip_protocol").as_deref().unwrap_or("-1"));
    // Every protocol takes ports here; -1 stands for all of them.
    let port = |k: &str| {
        if protocol == "-1" {
            Some(-1)
        } else {
            super::security_group::num(planned.get(k))
        }
    };
    let rule = SecurityGroupRuleRequest::builder()
        .ip_protocol(&protocol)
        .set_from_port(port("from_port"))
        .set_to_port(port("to_port"))
        .set_cidr_ipv4(text("cidr_ipv4"))
        .set_referenced_group_id(text("referenced_security_group_id"))
        .set_description(text("description"))
        .build();
    c.ec2
        .modify_security_group_rules()
        .group_id(sg)
        .security_group_rules(
            SecurityGroupRuleUpdate::builder()
                .security_group_rule_id(id)
                .security_group_rule(rule)
                .build(),
        )
        .send()
        .await
        .map_err(|e| describe(ec2("ModifySecurityGroupRules", id), &e))?;
    Ok(())
}

pub fn schema() -> Schema {
    taggable(
        Schema::new()
            .describe("One inbound rule of a security group, such as 443 from a bastion's group to the cluster's group.")
            .attr("id", Attribute::computed(Type::String).describe("The rule ID."))
            .attr("security_group_rule_id", Attribute::computed(Type::String).describe("The rule ID."))
            .attr("arn", Attribute::computed(Type::String).describe("The rule's ARN."))
            .attr("security_group_id", Attribute::required(Type::String).force_new().describe("The group the rule belongs to."))
            .attr("ip_protocol", Attribute::required(Type::String).describe("tcp, udp, icmp, or -1 for all."))
            .attr("from_port", Attribute::optional(Type::Number).describe("First port."))
            .attr("to_port", Attribute::optional(Type::Number).describe("Last port."))
            .attr("cidr_ipv4", Attribute::optional(Type::String).describe("Source IPv4 range; switching between it and referenced_security_group_id replaces the rule."))
            .attr("referenced_security_group_id", Attribute::optional(Type::String).describe("Source security group; switching between it and cidr_ipv4 replaces the rule."))
            .attr("description", Attribute::optional(Type::String).describe("What the rule is for.")),
    )
}

pub fn ingress_rule_value(
    r: &SecurityGroupRule,
    region: &str,
    default_tags: &BTreeMap<String, String>,
) -> Value {
    let id = r.security_group_rule_id().unwrap_or_default();
    let (own, all) = tag_values(r.tags(), default_tags);
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
                ec2("DescribeSecurityGroupRules", &ids.join(", ")),
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
            .set_from_port(super::security_group::num(planned.get("from_port")))
            .set_to_port(super::security_group::num(planned.get("to_port")));
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
            tag_spec(Ec2Type::SecurityGroupRule, planned.get("tags_all")).map(|t| vec![t]),
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
            _ => describe(ec2("AuthorizeSecurityGroupIngress", &sg), &e),
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
    just_changed(
        read_ingress_rules(c, std::slice::from_ref(&id), default_tags).await?,
        "rule",
        &id,
    )
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
        Err(e) => Err(describe(ec2("RevokeSecurityGroupIngress", id), &e)),
    }
}
