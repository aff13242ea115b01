//! `aws_vpc_security_group_ingress_rule` and `aws_vpc_security_group_egress_rule`: one rule
//! of a security group, with its own ID and tags. The two types share a schema and every call
//! but the authorize and revoke ones, so one module serves both, told apart by [`Direction`].
//! Refresh reads every rule of a type with one DescribeSecurityGroupRules call.
//!
//! As in Terraform, only the group and the kind of peer (an IPv4 or IPv6 range, a prefix list
//! or another group) force a new rule; the protocol, ports, peer and description change in
//! place with one ModifySecurityGroupRules call.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType as Ec2Type, SecurityGroupRule,
    SecurityGroupRuleRequest, SecurityGroupRuleUpdate, UserIdGroupPair,
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

/// Which way a rule lets traffic through.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

/// One registered rule type: [`INGRESS`] or [`EGRESS`].
pub struct VpcRule(Direction);

pub const INGRESS: VpcRule = VpcRule(Direction::Ingress);
pub const EGRESS: VpcRule = VpcRule(Direction::Egress);

impl Direction {
    /// The peer's role in words, for the schema and errors.
    fn peer(self) -> &'static str {
        match self {
            Direction::Ingress => "source",
            Direction::Egress => "destination",
        }
    }

    fn is_egress(self) -> bool {
        self == Direction::Egress
    }
}

#[async_trait]
impl ResourceType<Clients> for VpcRule {
    fn name(&self) -> &'static str {
        match self.0 {
            Direction::Ingress => "aws_vpc_security_group_ingress_rule",
            Direction::Egress => "aws_vpc_security_group_egress_rule",
        }
    }

    fn schema(&self) -> Schema {
        schema(self.0)
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let set: Vec<&str> = PEERS
            .into_iter()
            .filter(|k| config.get(k).is_some_and(|v| !v.is_null()))
            .collect();
        if set.len() == 1 {
            return Diagnostics::new();
        }
        let peer = self.0.peer();
        let (at, found) = match set.as_slice() {
            [] => (spans.root(), "none is set".to_string()),
            [first, rest @ ..] => (
                spans.span(&[rest[0]]),
                format!("{first} and {} are set", rest.join(" and ")),
            ),
        };
        Diagnostic::error(format!("Rule needs exactly one {peer}"))
            .at(at)
            .detail(format!(
                "Set one of cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id; {found}. Use one rule per {peer}."
            ))
            .into()
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
            // ModifySecurityGroupRules keeps the kind of peer: a CIDR rule stays one.
            for source in PEERS {
                let set = |v: &Value| v.get(source).is_some_and(|x| !x.is_null());
                if set(prior) != set(&resp.planned) {
                    resp.requires_replace.push(vec![source.to_string()]);
                }
            }
        }
        resp
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_rules(c, self.0, &ids_of(states), &c.default_tags).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        create_rule(c, self.0, planned, &c.default_tags).await
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
            modify_rule(c, &id, planned).await?;
        }
        sync_tags(c, &id, prior.get("tags_all"), planned.get("tags_all")).await?;
        just_changed(
            read_rules(c, self.0, std::slice::from_ref(&id), &c.default_tags).await?,
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
        delete_rule(c, self.0, prior).await
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
            Some(id) => Ok(read_rules(c, self.0, &[id.to_string()], &c.default_tags)
                .await?
                .pop()
                .flatten()),
            None => Ok(None),
        }
    }
}

/// The kinds of peer a rule can have; a change of kind forces a new rule.
const PEERS: [&str; 4] = [
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
];

/// What ModifySecurityGroupRules changes.
const RULE: [&str; 8] = [
    "ip_protocol",
    "from_port",
    "to_port",
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
    "description",
];

/// Sends the whole rule as planned: ModifySecurityGroupRules replaces every field it is given.
async fn modify_rule(c: &Clients, id: &str, planned: &Value) -> Result<(), Diagnostic> {
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
        .set_cidr_ipv6(text("cidr_ipv6"))
        .set_prefix_list_id(text("prefix_list_id"))
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

pub fn schema(direction: Direction) -> Schema {
    let peer = direction.peer();
    let about = match direction {
        Direction::Ingress => "One inbound rule of a security group, such as 443 from a bastion's group to the cluster's group.",
        Direction::Egress => "One outbound rule of a security group, such as 443 from the nodes to the VPC endpoints' group.",
    };
    let kind = |what: &str| {
        format!("{what} the rule lets traffic {}; exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id and referenced_security_group_id is set, and switching between them replaces the rule.",
            if direction.is_egress() { "to" } else { "from" })
    };
    taggable(
        Schema::new()
            .describe(about)
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The rule ID."),
            )
            .attr(
                "security_group_rule_id",
                Attribute::computed(Type::String).describe("The rule ID."),
            )
            .attr(
                "arn",
                Attribute::computed(Type::String).describe("The rule's ARN."),
            )
            .attr(
                "security_group_id",
                Attribute::required(Type::String)
                    .force_new()
                    .describe("The group the rule belongs to."),
            )
            .attr(
                "ip_protocol",
                Attribute::required(Type::String)
                    .describe("tcp, udp, icmp, icmpv6, a protocol number, or -1 for all."),
            )
            .attr(
                "from_port",
                Attribute::optional(Type::Number).describe("First port (or ICMP type)."),
            )
            .attr(
                "to_port",
                Attribute::optional(Type::Number).describe("Last port (or ICMP code)."),
            )
            .attr(
                "cidr_ipv4",
                Attribute::optional(Type::String)
                    .describe(&kind(&format!("The IPv4 range {peer}:"))),
            )
            .attr(
                "cidr_ipv6",
                Attribute::optional(Type::String)
                    .describe(&kind(&format!("The IPv6 range {peer}:"))),
            )
            .attr(
                "prefix_list_id",
                Attribute::optional(Type::String)
                    .describe(&kind(&format!("The managed prefix list {peer}:"))),
            )
            .attr(
                "referenced_security_group_id",
                Attribute::optional(Type::String)
                    .describe(&kind(&format!("The security group {peer}:"))),
            )
            .attr(
                "description",
                Attribute::optional(Type::String).describe("What the rule is for."),
            ),
    )
}

pub fn rule_value(
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
        ("cidr_ipv6", s(r.cidr_ipv6())),
        ("prefix_list_id", s(r.prefix_list_id())),
        (
            "referenced_security_group_id",
            s(r.referenced_group_info().and_then(|g| g.group_id())),
        ),
        ("description", s(r.description())),
        ("tags", own),
        ("tags_all", all),
    ])
}

/// The rules with these IDs; a rule of the other direction counts as not found, so that an
/// egress rule's ID cannot be imported as an ingress rule.
pub async fn read_rules(
    c: &Clients,
    direction: Direction,
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
                    Box::pin(read_rules(
                        c,
                        direction,
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
        .filter(|r| r.is_egress() == Some(direction.is_egress()))
        .map(|r| {
            (
                r.security_group_rule_id().unwrap_or_default().to_string(),
                rule_value(r, &c.region, default_tags),
            )
        })
        .collect();
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}

pub async fn create_rule(
    c: &Clients,
    direction: Direction,
    planned: &Value,
    default_tags: &BTreeMap<String, String>,
) -> Result<Value, Diagnostic> {
    let text = |k: &str| planned.get(k).and_then(Value::as_str).map(str::to_string);
    let sg = text("security_group_id").unwrap_or_default();
    let desc = text("description");
    let protocol = normalise_protocol(text("ip_protocol").as_deref().unwrap_or("-1"));
    let mut p = IpPermission::builder().ip_protocol(&protocol);
    if protocol != "-1" {
        p = p
            .set_from_port(super::security_group::num(planned.get("from_port")))
            .set_to_port(super::security_group::num(planned.get("to_port")));
    }
    if let Some(cidr) = text("cidr_ipv4") {
        p = p.ip_ranges(
            IpRange::builder()
                .cidr_ip(cidr)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(cidr) = text("cidr_ipv6") {
        p = p.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(cidr)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(list) = text("prefix_list_id") {
        p = p.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(list)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(g) = text("referenced_security_group_id") {
        p = p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(desc.clone())
                .build(),
        );
    }
    let tags = tag_spec(Ec2Type::SecurityGroupRule, planned.get("tags_all")).map(|t| vec![t]);
    let operation = operation_of(direction);
    let sent = match direction {
        Direction::Ingress => c
            .ec2
            .authorize_security_group_ingress()
            .group_id(&sg)
            .ip_permissions(p.build())
            .set_tag_specifications(tags)
            .send()
            .await
            .map(|o| o.security_group_rules().to_vec())
            .map_err(|e| (code(&e), describe(ec2(operation_of(direction), &sg), &e))),
        Direction::Egress => c
            .ec2
            .authorize_security_group_egress()
            .group_id(&sg)
            .ip_permissions(p.build())
            .set_tag_specifications(tags)
            .send()
            .await
            .map(|o| o.security_group_rules().to_vec())
            .map_err(|e| (code(&e), describe(ec2(operation_of(direction), &sg), &e))),
    };
    let rules = sent.map_err(|(code, e)| match code.as_deref() {
        Some("InvalidPermission.Duplicate") => already_exists(
            &format!("{} rule on {sg}", if direction.is_egress() { "Egress" } else { "Ingress" }),
            &sg,
            &format!("{operation} answered InvalidPermission.Duplicate: the group has this rule already."),
        )
        .hint("import it with `clusterform import <address> sgr-…` (the rule's ID), or remove the duplicate"),
        _ => e,
    })?;
    let id = rules
        .first()
        .and_then(|r| r.security_group_rule_id())
        .ok_or_else(|| {
            Diagnostic::error("No rule ID").detail(format!(
                "EC2 authorized the rule on {sg} but returned no rule ID."
            ))
        })?
        .to_string();
    just_changed(
        read_rules(c, direction, std::slice::from_ref(&id), default_tags).await?,
        "rule",
        &id,
    )
}

pub async fn delete_rule(
    c: &Clients,
    direction: Direction,
    prior: &Value,
) -> Result<(), Diagnostic> {
    let id = prior.get("id").and_then(Value::as_str).unwrap_or_default();
    let sg = prior
        .get("security_group_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let sent = match direction {
        Direction::Ingress => c
            .ec2
            .revoke_security_group_ingress()
            .group_id(sg)
            .security_group_rule_ids(id)
            .send()
            .await
            .map(drop)
            .map_err(|e| (code(&e), describe(ec2(revoke_of(direction), id), &e))),
        Direction::Egress => c
            .ec2
            .revoke_security_group_egress()
            .group_id(sg)
            .security_group_rule_ids(id)
            .send()
            .await
            .map(drop)
            .map_err(|e| (code(&e), describe(ec2(revoke_of(direction), id), &e))),
    };
    match sent {
        Ok(()) => Ok(()),
        Err((code, _))
            if matches!(
                code.as_deref(),
                Some("InvalidSecurityGroupRuleId.NotFound") | Some("InvalidGroup.NotFound")
            ) =>
        {
            Ok(())
        }
        Err((_, e)) => Err(e),
    }
}

fn operation_of(direction: Direction) -> &'static str {
    match direction {
        Direction::Ingress => "AuthorizeSecurityGroupIngress",
        Direction::Egress => "AuthorizeSecurityGroupEgress",
    }
}

fn revoke_of(direction: Direction) -> &'static str {
    match direction {
        Direction::Ingress => "RevokeSecurityGroupIngress",
        Direction::Egress => "RevokeSecurityGroupEgress",
    }
}
