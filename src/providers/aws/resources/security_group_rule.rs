//! `aws_security_group_rule`: the older way to write one rule of a security group, still in
//! most published EKS configurations. Unlike `aws_vpc_security_group_ingress_rule` it has no
//! ID of its own at EC2: one resource may stand for several rules (one per CIDR), so it is
//! found by matching its permission inside the group's, and its ID is Terraform's
//! `sgrule-<crc32>` of the permission. Everything but the description forces a new rule.
//! Refresh reads the groups of every rule of the type with one DescribeSecurityGroups call.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, SecurityGroup, UserIdGroupPair,
};

use super::security_group::{normalise_protocol, num};
use super::{crc32, ec2, s, str_of, strings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::kit::{wait, PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, default_plan, ConfigSpans, Creation, OperationContext, PlanRequest,
    PlanResponse,
};
use crate::value::{Type, Value};

pub struct SecurityGroupRule;

/// How long a new rule may take to show in its group: Terraform's create timeout.
const CREATE_LIMIT: Duration = Duration::from_secs(5 * 60);

const SOURCES: [&str; 5] = [
    "cidr_blocks",
    "ipv6_cidr_blocks",
    "prefix_list_ids",
    "self",
    "source_security_group_id",
];

#[async_trait]
impl ResourceType<Clients> for SecurityGroupRule {
    fn name(&self) -> &'static str {
        "aws_security_group_rule"
    }

    fn schema(&self) -> Schema {
        let list = || Type::list(Type::String);
        Schema::new()
            .describe("One ingress or egress rule of a security group, in the older form: a rule per resource, possibly for several CIDR blocks.")
            .attr("id", Attribute::computed(Type::String).describe("sgrule-… (a hash of the rule, as Terraform makes it)."))
            .attr("type", Attribute::required(Type::String).force_new().describe("ingress or egress."))
            .attr("security_group_id", Attribute::required(Type::String).force_new().describe("The group the rule belongs to."))
            .attr("protocol", Attribute::required(Type::String).force_new().describe("tcp, udp, icmp, icmpv6, a protocol number, or -1 (all)."))
            .attr("from_port", Attribute::required(Type::Number).force_new().describe("First port (or ICMP type); 0 with protocol -1."))
            .attr("to_port", Attribute::required(Type::Number).force_new().describe("Last port (or ICMP code); 0 with protocol -1."))
            .attr("cidr_blocks", Attribute::optional(list()).force_new().describe("IPv4 ranges; each becomes a rule of the group."))
            .attr("ipv6_cidr_blocks", Attribute::optional(list()).force_new().describe("IPv6 ranges."))
            .attr("prefix_list_ids", Attribute::optional(list()).force_new().describe("Managed prefix lists, such as a VPC endpoint's."))
            .attr("self", Attribute::optional(Type::Bool).default(false).force_new().describe("The group itself as the peer."))
            .attr("source_security_group_id", Attribute::optional_computed(Type::String).force_new().describe("Another security group as the peer."))
            .attr("description", Attribute::optional(Type::String).describe("What the rule is for; the only setting changed in place."))
            .attr("security_group_rule_id", Attribute::computed(Type::String).describe("The EC2 rule ID (sgr-…), when the resource made exactly one rule."))
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let mut out = Diagnostics::new();
        let set = |k: &str| match config.get(k) {
            Some(Value::Bool(b)) => *b,
            Some(v) if v.is_unknown() => true,
            Some(v) => v.as_items().map_or(!v.is_null(), |i| !i.is_empty()),
            None => false,
        };
        if let Some(t) = str_of(config, "type") {
            if t != "ingress" && t != "egress" {
                out.push(
                    Diagnostic::error("Unknown rule type")
                        .at(spans.span(&["type"]))
                        .detail(format!(
                            "type = \"{t}\" is neither \"ingress\" nor \"egress\"."
                        ))
                        .hint(
                            "set type = \"ingress\" for inbound traffic or \"egress\" for outbound",
                        ),
                );
            }
        }
        if !SOURCES.iter().any(|k| set(k)) {
            out.push(
                Diagnostic::error("Rule has no peer")
                    .at(spans.root())
                    .detail("Set at least one of cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, self or source_security_group_id.")
                    .hint("for traffic from anywhere, write cidr_blocks = [\"0.0.0.0/0\"]"),
            );
        }
        let ranges = ["cidr_blocks", "ipv6_cidr_blocks"]
            .into_iter()
            .find(|k| set(k));
        let group = ["source_security_group_id", "self"]
            .into_iter()
            .find(|k| set(k));
        if let (Some(r), Some(g)) = (ranges, group) {
            out.push(
                Diagnostic::error("Rule mixes address ranges and a security group")
                    .at(spans.span(&[g]))
                    .detail(format!(
                        "{r} and {g} cannot be set together in one aws_security_group_rule."
                    ))
                    .hint("write one rule for the ranges and another for the group"),
            );
        }
        out
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        let mut resp = default_plan::plan_type(cx.schema, req);
        let protocol = str_of(&resp.planned, "protocol").map(normalise_protocol);
        // The ID is a hash of the rule, known as soon as the rule is.
        let id = (req.prior.is_none()
            && !ID_INPUTS
                .iter()
                .any(|k| resp.planned.get(k).is_some_and(Value::contains_unknown)))
        .then(|| rule_id(&resp.planned));
        if let Value::Object(m) = &mut resp.planned {
            if let Some(p) = protocol {
                m.insert("protocol".into(), Value::from(p));
            }
            if let Some(id) = id {
                m.insert("id".into(), Value::from(id));
            }
        }
        if let Some(p) = req.prior {
            resp.requires_replace = default_plan::replace_paths(cx.schema, p, &resp.planned);
        }
        resp
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_rules(c, states).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let sg = str_of(planned, "security_group_id")
            .unwrap_or_default()
            .to_string();
        let permission = permission(planned);
        let egress = is_egress(planned);
        let operation = if egress {
            "AuthorizeSecurityGroupEgress"
        } else {
            "AuthorizeSecurityGroupIngress"
        };
        let sent = if egress {
            c.ec2
                .authorize_security_group_egress()
                .group_id(&sg)
                .ip_permissions(permission)
                .send()
                .await
                .map(|o| o.security_group_rules().to_vec())
                .map_err(|e| (code(&e), describe(ec2(operation, &sg), &e)))
        } else {
            c.ec2
                .authorize_security_group_ingress()
                .group_id(&sg)
                .ip_permissions(permission)
                .send()
                .await
                .map(|o| o.security_group_rules().to_vec())
                .map_err(|e| (code(&e), describe(ec2(operation, &sg), &e)))
        };
        let made = sent.map_err(|(code, d)| match code.as_deref() {
            Some("InvalidPermission.Duplicate") => already_exists(
                &format!("Security group rule on {sg}"),
                &sg,
                &format!("{operation} answered InvalidPermission.Duplicate: the group has this rule already, made outside this state."),
            )
            .hint(format!("import it with `clusterform import <address> {}`", import_id(planned))),
            _ => d,
        })?;
        let mut state = planned.clone();
        if let Value::Object(m) = &mut state {
            // What was left to EC2 (source_security_group_id with self or CIDRs) is none.
            for v in m.values_mut() {
                if v.is_unknown() {
                    *v = Value::Null;
                }
            }
            m.insert("id".into(), Value::from(rule_id(planned)));
            m.insert(
                "security_group_rule_id".into(),
                match made.as_slice() {
                    [one] => s(one.security_group_rule_id()),
                    _ => Value::Null,
                },
            );
        }
        // EC2 is eventually consistent: wait until the group lists the rule.
        let started = Instant::now();
        loop {
            if let Some(found) = read_rules(c, std::slice::from_ref(&state))
                .await?
                .pop()
                .flatten()
            {
                return Ok(found);
            }
            if started.elapsed() > CREATE_LIMIT {
                return Err(Diagnostic::error("Rule not found after create").detail(format!(
                    "{operation} on {sg} succeeded, but the group did not list the rule within {} minutes.",
                    CREATE_LIMIT.as_secs() / 60
                )));
            }
            wait::pause(ctx, ctx.poll_interval, "AWS").await?;
        }
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let sg = str_of(planned, "security_group_id").unwrap_or_default();
        if prior.get("description") != planned.get("description") {
            let p = permission(planned);
            if is_egress(planned) {
                c.ec2
                    .update_security_group_rule_descriptions_egress()
                    .group_id(sg)
                    .ip_permissions(p)
                    .send()
                    .await
                    .map_err(|e| {
                        describe(ec2("UpdateSecurityGroupRuleDescriptionsEgress", sg), &e)
                    })?;
            } else {
                c.ec2
                    .update_security_group_rule_descriptions_ingress()
                    .group_id(sg)
                    .ip_permissions(p)
                    .send()
                    .await
                    .map_err(|e| {
                        describe(ec2("UpdateSecurityGroupRuleDescriptionsIngress", sg), &e)
                    })?;
            }
        }
        let mut known = planned.clone();
        if let (Value::Object(m), Some(id)) = (&mut known, prior.get("security_group_rule_id")) {
            m.insert("security_group_rule_id".into(), id.clone());
        }
        read_rules(c, std::slice::from_ref(&known))
            .await?
            .pop()
            .flatten()
            .ok_or_else(|| {
                Diagnostic::error("Rule disappeared").detail(format!(
                    "The group {sg} no longer lists the rule right after changing it."
                ))
            })
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let sg = str_of(prior, "security_group_id").unwrap_or_default();
        let p = permission(prior);
        let (operation, sent) = if is_egress(prior) {
            (
                "RevokeSecurityGroupEgress",
                c.ec2
                    .revoke_security_group_egress()
                    .group_id(sg)
                    .ip_permissions(p)
                    .send()
                    .await
                    .map(drop)
                    .map_err(|e| (code(&e), describe(ec2("RevokeSecurityGroupEgress", sg), &e))),
            )
        } else {
            (
                "RevokeSecurityGroupIngress",
                c.ec2
                    .revoke_security_group_ingress()
                    .group_id(sg)
                    .ip_permissions(p)
                    .send()
                    .await
                    .map(drop)
                    .map_err(|e| {
                        (
                            code(&e),
                            describe(ec2("RevokeSecurityGroupIngress", sg), &e),
                        )
                    }),
            )
        };
        let _ = operation;
        match sent {
            Ok(()) => Ok(()),
            Err((code, _))
                if matches!(
                    code.as_deref(),
                    Some("InvalidPermission.NotFound") | Some("InvalidGroup.NotFound")
                ) =>
            {
                Ok(())
            }
            Err((_, d)) => Err(d),
        }
    }

    async fn find_created(
        &self,
        _c: &Clients,
        _id: Option<&str>,
        _creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        // A rule carries no tag to mark it by: one an interrupted create made shows as a
        // duplicate on the next create, which says to import it.
        Ok(None)
    }

    /// `SGID_TYPE_PROTOCOL_FROM_TO_SOURCE[_SOURCE]*`, as Terraform documents it:
    /// `sg-0123_ingress_tcp_443_443_10.0.0.0/16`.
    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        let state = parse_import_id(id)?;
        Ok(read_rules(c, std::slice::from_ref(&state))
            .await?
            .pop()
            .flatten())
    }
}

/// What the rule's ID is a hash of.
const ID_INPUTS: [&str; 10] = [
    "type",
    "security_group_id",
    "protocol",
    "from_port",
    "to_port",
    "cidr_blocks",
    "ipv6_cidr_blocks",
    "prefix_list_ids",
    "self",
    "source_security_group_id",
];

fn is_egress(v: &Value) -> bool {
    str_of(v, "type") == Some("egress")
}

fn protocol_of(v: &Value) -> String {
    normalise_protocol(str_of(v, "protocol").unwrap_or("-1"))
}

/// The peers of the rule as EC2 group pairs: the group itself (`self`), another group.
fn groups_of(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let own = str_of(v, "security_group_id").unwrap_or_default();
    if v.get("self").and_then(Value::as_bool) == Some(true) {
        out.push(own.to_string());
    }
    if let Some(g) = str_of(v, "source_security_group_id").filter(|g| *g != own) {
        out.push(g.to_string());
    }
    out
}

/// The rule as the IpPermission EC2 takes and lists.
fn permission(v: &Value) -> IpPermission {
    let protocol = protocol_of(v);
    let desc = str_of(v, "description").map(str::to_string);
    let mut p = IpPermission::builder().ip_protocol(&protocol);
    // EC2 refuses ports with protocol -1.
    if protocol != "-1" {
        p = p
            .set_from_port(num(v.get("from_port")))
            .set_to_port(num(v.get("to_port")));
    }
    for cidr in strings(v.get("cidr_blocks")) {
        p = p.ip_ranges(
            IpRange::builder()
                .cidr_ip(cidr)
                .set_description(desc.clone())
                .build(),
        );
    }
    for cidr in strings(v.get("ipv6_cidr_blocks")) {
        p = p.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(cidr)
                .set_description(desc.clone())
                .build(),
        );
    }
    for list in strings(v.get("prefix_list_ids")) {
        p = p.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(list)
                .set_description(desc.clone())
                .build(),
        );
    }
    for g in groups_of(v) {
        p = p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(desc.clone())
                .build(),
        );
    }
    p.build()
}

/// Terraform's ID for the rule: `sgrule-` and the CRC-32 of the group, the ports (when above
/// zero), protocol, type and sorted peers, each followed by `-`; the same rule gets the same
/// ID in both tools.
fn rule_id(v: &Value) -> String {
    let mut text = format!("{}-", str_of(v, "security_group_id").unwrap_or_default());
    let protocol = protocol_of(v);
    if protocol != "-1" {
        for k in ["from_port", "to_port"] {
            if let Some(n) = num(v.get(k)).filter(|n| *n > 0) {
                text.push_str(&format!("{n}-"));
            }
        }
    }
    text.push_str(&format!(
        "{protocol}-{}-",
        str_of(v, "type").unwrap_or_default()
    ));
    for k in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        let mut items = strings(v.get(k));
        items.sort();
        for i in items {
            text.push_str(&format!("{i}-"));
        }
    }
    let mut groups = groups_of(v);
    groups.sort();
    for g in groups {
        // A VPC group pair has an ID and no name.
        text.push_str(&format!("{g}--"));
    }
    format!("sgrule-{}", crc32(text.as_bytes()))
}

/// The import ID of the rule, for hints.
fn import_id(v: &Value) -> String {
    let mut sources: Vec<String> = ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"]
        .iter()
        .flat_map(|k| strings(v.get(k)))
        .collect();
    if v.get("self").and_then(Value::as_bool) == Some(true) {
        sources.push("self".into());
    }
    if let Some(g) = str_of(v, "source_security_group_id") {
        sources.push(g.to_string());
    }
    let port = |k: &str| num(v.get(k)).unwrap_or(0);
    let protocol = match protocol_of(v).as_str() {
        "-1" => "all".to_string(),
        p => p.to_string(),
    };
    format!(
        "{}_{}_{protocol}_{}_{}_{}",
        str_of(v, "security_group_id").unwrap_or_default(),
        str_of(v, "type").unwrap_or_default(),
        port("from_port"),
        port("to_port"),
        sources.join("_")
    )
}

fn parse_import_id(id: &str) -> Result<Value, Diagnostic> {
    let bad = |why: &str| {
        Diagnostic::error("Invalid import ID")
            .detail(format!("\"{id}\" is not an aws_security_group_rule import ID: {why}."))
            .hint("write SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*, such as sg-0123456789abcdef0_ingress_tcp_443_443_10.0.0.0/16")
    };
    let parts: Vec<&str> = id.split('_').collect();
    let [group, kind, protocol, from, to, sources @ ..] = parts.as_slice() else {
        return Err(bad("it has fewer than six parts"));
    };
    if !group.starts_with("sg-") {
        return Err(bad("it does not start with a security group ID (sg-…)"));
    }
    if *kind != "ingress" && *kind != "egress" {
        return Err(bad("the second part is neither ingress nor egress"));
    }
    let (Ok(from), Ok(to)) = (from.parse::<i64>(), to.parse::<i64>()) else {
        return Err(bad("the ports are not numbers"));
    };
    if sources.is_empty() {
        return Err(bad("it names no source"));
    }
    let (mut cidrs, mut v6, mut lists) = (Vec::new(), Vec::new(), Vec::new());
    let (mut own, mut group_source) = (false, Value::Null);
    for source in sources {
        match source {
            s if *s == "self" => own = true,
            s if s.starts_with("sg-") => group_source = Value::from(*s),
            s if s.starts_with("pl-") => lists.push(Value::from(*s)),
            s if s.contains(':') => v6.push(Value::from(*s)),
            s if s.contains('.') => cidrs.push(Value::from(*s)),
            other => {
                return Err(bad(&format!(
                    "\"{other}\" is not a CIDR, prefix list, security group or self"
                )))
            }
        }
    }
    let list = |items: Vec<Value>| {
        if items.is_empty() {
            Value::Null
        } else {
            Value::List(items)
        }
    };
    let mut v = Value::object([
        ("type", Value::from(*kind)),
        ("security_group_id", Value::from(*group)),
        ("protocol", Value::from(normalise_protocol(protocol))),
        ("from_port", Value::from(from)),
        ("to_port", Value::from(to)),
        ("cidr_blocks", list(cidrs)),
        ("ipv6_cidr_blocks", list(v6)),
        ("prefix_list_ids", list(lists)),
        ("self", Value::Bool(own)),
        ("source_security_group_id", group_source),
        ("description", Value::Null),
        ("security_group_rule_id", Value::Null),
    ]);
    let rid = rule_id(&v);
    if let Value::Object(m) = &mut v {
        m.insert("id".into(), Value::from(rid));
    }
    Ok(v)
}

/// The rules of `states` that their groups still list, with the description EC2 reports;
/// one DescribeSecurityGroups for all of their groups.
async fn read_rules(c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostic> {
    let mut ids: Vec<String> = states
        .iter()
        .filter_map(|s| str_of(s, "security_group_id").map(str::to_string))
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(vec![None; states.len()]);
    }
    let out = c
        .ec2
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-id")
                .set_values(Some(ids.clone()))
                .build(),
        )
        .send()
        .await
        .map_err(|e| describe(ec2("DescribeSecurityGroups", &ids.join(", ")), &e))?;
    let groups: HashMap<&str, &SecurityGroup> = out
        .security_groups()
        .iter()
        .filter_map(|g| Some((g.group_id()?, g)))
        .collect();
    Ok(states
        .iter()
        .map(|state| {
            let group = groups.get(str_of(state, "security_group_id")?)?;
            let listed = if is_egress(state) {
                group.ip_permissions_egress()
            } else {
                group.ip_permissions()
            };
            let description = find_match(&permission(state), listed)?;
            let mut v = state.clone();
            if let Value::Object(m) = &mut v {
                m.insert("protocol".into(), Value::from(protocol_of(state)));
                m.insert(
                    "description".into(),
                    description.map_or(Value::Null, Value::from),
                );
                if m.get("id").is_none_or(Value::is_null) {
                    m.insert("id".into(), Value::from(rule_id(state)));
                }
                m.entry("security_group_rule_id".to_string())
                    .or_insert(Value::Null);
            }
            Some(v)
        })
        .collect())
}

/// Whether `listed` holds every peer of `wanted` under one permission with its protocol and
/// ports; the description found on those peers, if any.
fn find_match(wanted: &IpPermission, listed: &[IpPermission]) -> Option<Option<String>> {
    listed.iter().find_map(|r| {
        let same = |a: Option<i32>, b: Option<i32>| a.is_none() || b.is_none() || a == b;
        if !same(wanted.from_port(), r.from_port())
            || !same(wanted.to_port(), r.to_port())
            || wanted.ip_protocol() != r.ip_protocol()
        {
            return None;
        }
        let mut description: Option<String> = None;
        let mut note = |d: Option<&str>| {
            if let Some(d) = d.filter(|d| !d.is_empty()) {
                description.get_or_insert_with(|| d.to_string());
            }
        };
        for w in wanted.ip_ranges() {
            let found = r.ip_ranges().iter().find(|x| x.cidr_ip() == w.cidr_ip())?;
            note(found.description());
        }
        for w in wanted.ipv6_ranges() {
            let found = r
                .ipv6_ranges()
                .iter()
                .find(|x| x.cidr_ipv6() == w.cidr_ipv6())?;
            note(found.description());
        }
        for w in wanted.prefix_list_ids() {
            let found = r
                .prefix_list_ids()
                .iter()
                .find(|x| x.prefix_list_id() == w.prefix_list_id())?;
            note(found.description());
        }
        for w in wanted.user_id_group_pairs() {
            let found = r
                .user_id_group_pairs()
                .iter()
                .find(|x| x.group_id() == w.group_id())?;
            note(found.description());
        }
        Some(description)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: &str, protocol: &str, from: i64, to: i64, cidrs: &[&str]) -> Value {
        Value::object([
            ("type", Value::from(kind)),
            ("security_group_id", Value::from("sg-0123456789abcdef0")),
            ("protocol", Value::from(protocol)),
            ("from_port", Value::from(from)),
            ("to_port", Value::from(to)),
            (
                "cidr_blocks",
                Value::List(cidrs.iter().map(|c| Value::from(*c)).collect()),
            ),
        ])
    }

    #[test]
    fn the_id_is_terraforms_hash_of_the_rule() {
        // crc32("sg-0123456789abcdef0-443-443-tcp-ingress-10.0.0.0/16-")
        let text = "sg-0123456789abcdef0-443-443-tcp-ingress-10.0.0.0/16-";
        let expected = format!("sgrule-{}", crc32(text.as_bytes()));
        assert_eq!(
            rule_id(&rule("ingress", "tcp", 443, 443, &["10.0.0.0/16"])),
            expected
        );
        // Protocol numbers are names, ports are left out for all protocols, CIDRs are sorted.
        assert_eq!(
            rule_id(&rule("ingress", "6", 443, 443, &["10.0.0.0/16"])),
            expected
        );
        assert_eq!(
            rule_id(&rule("egress", "-1", 0, 0, &["10.1.0.0/16", "10.0.0.0/16"])),
            format!(
                "sgrule-{}",
                crc32(b"sg-0123456789abcdef0--1-egress-10.0.0.0/16-10.1.0.0/16-")
            )
        );
    }

    #[test]
    fn an_import_id_names_the_rule_it_was_made_from() {
        let v = parse_import_id(
            "sg-0123456789abcdef0_ingress_tcp_443_443_10.0.0.0/16_2001:db8::/48_self",
        )
        .expect("a valid ID");
        assert_eq!(strings(v.get("cidr_blocks")), ["10.0.0.0/16"]);
        assert_eq!(strings(v.get("ipv6_cidr_blocks")), ["2001:db8::/48"]);
        assert_eq!(v.get("self"), Some(&Value::Bool(true)));
        assert_eq!(
            import_id(&v),
            "sg-0123456789abcdef0_ingress_tcp_443_443_10.0.0.0/16_2001:db8::/48_self"
        );
        for bad in [
            "sg-1_ingress_tcp_443",
            "vpc-1_ingress_tcp_1_2_10.0.0.0/8",
            "sg-1_inbound_tcp_1_2_10.0.0.0/8",
            "sg-1_ingress_tcp_a_2_10.0.0.0/8",
            "sg-1_ingress_tcp_1_2_nothing",
        ] {
            assert!(parse_import_id(bad).is_err(), "{bad}");
        }
    }
}
