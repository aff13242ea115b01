//! Inline rules of `aws_security_group` (`ingress {}` / `egress {}` blocks): conversion
//! between the blocks and EC2's IpPermission, and the normal form plans compare them in.

use aws_sdk_ec2::types::{IpPermission, IpRange, UserIdGroupPair};

use crate::providers::aws::resources::{s, strings};
use crate::value::Value;

/// A port number of a rule.
pub fn num(v: Option<&Value>) -> Option<i32> {
    v.and_then(Value::as_number)
        .and_then(|n| n.as_i64())
        .map(|n| n as i32)
}

/// `tcp`, `TCP` and `6` are the same protocol; `all` is `-1`.
pub fn normalise_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
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

pub fn permission(r: &Value, own_id: &str) -> IpPermission {
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

pub fn rules(v: Option<&Value>) -> Vec<Value> {
    v.and_then(Value::as_items)
        .map(|i| i.iter().map(normalise_rule).collect())
        .unwrap_or_default()
}
