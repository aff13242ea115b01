//! Nodes in subnets with no route out of the VPC (no internet or NAT gateway) reach AWS only
//! through VPC endpoints, and the API server only through the private endpoint. The EKS user
//! guide lists what they need: interface endpoints for EC2, ECR (api and dkr), STS with IAM
//! roles for service accounts and CloudWatch Logs, each with private DNS and a security group
//! that lets HTTPS in from the nodes, and the S3 gateway endpoint on their route tables for
//! image layers. Without one of them the nodes never pull their images and the node group
//! fails after twenty minutes.
//! <https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html>

use std::collections::BTreeSet;

use super::nodes_reach_api::{contains, has_default_route, route_tables_of};
use super::{cluster_of, deps_of_type, strings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::resources::security_group::normalise_protocol;
use crate::providers::PlannedInstance;
use crate::value::Value;

/// A service a node without internet access reaches through an endpoint, and why.
struct Need {
    service: &'static str,
    why: &'static str,
}

const ALWAYS: [Need; 3] = [
    Need {
        service: "ec2",
        why: "the node names itself through EC2",
    },
    Need {
        service: "ecr.api",
        why: "image pulls authenticate with ECR",
    },
    Need {
        service: "ecr.dkr",
        why: "images come from ECR",
    },
];
const STS: Need = Need {
    service: "sts",
    why: "IAM roles for service accounts exchange tokens with STS",
};
const LOGS: Need = Need {
    service: "logs",
    why: "logging is on",
};

/// Node groups in isolated subnets whose way to the API server or to AWS is missing.
pub fn isolated_nodes_have_their_endpoints(planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    // Once per resource and finding, however many instances share them.
    let mut seen = BTreeSet::new();
    for group in planned
        .iter()
        .filter(|p| p.type_name == "aws_eks_node_group")
    {
        let Some((cluster, access)) = cluster_of(planned, group) else {
            continue;
        };
        let isolated: Vec<&PlannedInstance<'_>> = deps_of_type(planned, group, "aws_subnet")
            .into_iter()
            .filter(|s| is_isolated(planned, s))
            .collect();
        let Some(first) = isolated.first() else {
            continue;
        };
        let subnets: BTreeSet<String> = isolated
            .iter()
            .map(|s| s.addr.resource.to_string())
            .collect();
        let subnets = subnets.into_iter().collect::<Vec<_>>().join(", ");
        let group_addr = group.addr.resource.to_string();
        if !access.private && seen.insert(format!("private-off {group_addr}")) {
            diags.push(
                Diagnostic::error("Nodes cannot reach the API server")
                    .at(cluster.spans.span(&["vpc_config", "endpoint_private_access"]))
                    .detail(format!(
                        "{group_addr} runs in {subnets}, which have no route out of the VPC, and {}'s private endpoint is off: the nodes could not reach the public endpoint to register.",
                        cluster.addr.resource
                    ))
                    .hint("set endpoint_private_access = true (the EKS documentation requires it for nodes without internet access), or give the subnets a route to a NAT gateway"),
            );
        }
        let Some(vpc) = deps_of_type(planned, first, "aws_vpc").into_iter().next() else {
            continue;
        };
        let vpc_addr = vpc.addr.resource.to_string();
        let endpoints: Vec<&PlannedInstance<'_>> = planned
            .iter()
            .filter(|p| {
                p.type_name == "aws_vpc_endpoint" && p.dependencies.iter().any(|d| d == &vpc_addr)
            })
            .collect();
        // A service name known only at apply could be any of them.
        if endpoints
            .iter()
            .any(|e| e.planned.get("service_name").is_some_and(Value::is_unknown))
        {
            continue;
        }
        let mut needs: Vec<&Need> = ALWAYS.iter().collect();
        if planned
            .iter()
            .any(|p| p.type_name == "aws_iam_openid_connect_provider")
        {
            needs.push(&STS);
        }
        if cluster
            .planned
            .get("enabled_cluster_log_types")
            .and_then(Value::as_items)
            .is_some_and(|t| !t.is_empty())
        {
            needs.push(&LOGS);
        }
        let mut missing: Vec<String> = Vec::new();
        let cidrs: Vec<String> = isolated
            .iter()
            .filter_map(|s| s.planned.get("cidr_block").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        for need in needs {
            let found: Vec<&&PlannedInstance<'_>> = endpoints
                .iter()
                .filter(|e| serves(e, need.service) && kind(e) == "Interface")
                .collect();
            if found.is_empty() {
                missing.push(format!("{} ({})", need.service, need.why));
            }
            for e in found {
                endpoint_lets_nodes_in(
                    planned,
                    e,
                    need,
                    &cidrs,
                    &group_addr,
                    &mut seen,
                    &mut diags,
                );
            }
        }
        let tables: Vec<&PlannedInstance<'_>> = isolated
            .iter()
            .flat_map(|s| route_tables_of(planned, s))
            .collect();
        let s3 = endpoints.iter().any(|e| {
            serves(e, "s3")
                && (kind(e) == "Interface"
                    || tables.iter().all(|t| {
                        let table_addr = t.addr.resource.to_string();
                        e.dependencies.iter().any(|d| d == &table_addr)
                            || t.planned
                                .get("id")
                                .and_then(Value::as_str)
                                .is_some_and(|id| {
                                    strings(e.planned.get("route_table_ids"))
                                        .iter()
                                        .any(|r| r == id)
                                })
                    }))
        });
        if !s3 {
            missing.push(
                "s3 (a Gateway endpoint on the nodes' route tables: image layers come from S3)"
                    .into(),
            );
        }
        if !missing.is_empty() && seen.insert(format!("missing {group_addr} {vpc_addr}")) {
            diags.push(
                Diagnostic::error("Nodes cannot pull their images")
                    .at(group.spans.span(&["subnet_ids"]))
                    .detail(format!(
                        "{group_addr} runs in {subnets}, which have no route out of the VPC (no internet or NAT gateway), and {vpc_addr} has no endpoint for: {}. The nodes could not start and the node group would fail.",
                        missing.join("; ")
                    ))
                    .hint("add an aws_vpc_endpoint for each (vpc_endpoint_type = \"Interface\", private_dns_enabled = true, and the S3 one as \"Gateway\" with the subnets' route_table_ids), or route the subnets through a NAT gateway"),
            );
        }
    }
    diags
}

/// A subnet whose route tables, all known here, have no default route: nothing leaves the
/// VPC. A subnet without a planned association uses the main table, which is not checked.
fn is_isolated(planned: &[PlannedInstance<'_>], subnet: &PlannedInstance<'_>) -> bool {
    let tables = route_tables_of(planned, subnet);
    !tables.is_empty() && !tables.iter().any(|t| has_default_route(planned, t))
}

fn kind<'a>(e: &'a PlannedInstance<'_>) -> &'a str {
    e.planned
        .get("vpc_endpoint_type")
        .and_then(Value::as_str)
        .unwrap_or("Gateway")
}

/// Whether the endpoint is for `service` (`com.amazonaws.<region>.<service>`).
fn serves(e: &PlannedInstance<'_>, service: &str) -> bool {
    e.planned
        .get("service_name")
        .and_then(Value::as_str)
        .and_then(|n| n.strip_prefix("com.amazonaws."))
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(_, s)| s == service)
}

/// An interface endpoint the nodes need must resolve by the service's own name and let HTTPS
/// in from the node subnets.
fn endpoint_lets_nodes_in(
    planned: &[PlannedInstance<'_>],
    e: &PlannedInstance<'_>,
    need: &Need,
    cidrs: &[String],
    group: &str,
    seen: &mut BTreeSet<String>,
    diags: &mut Diagnostics,
) {
    let addr = e.addr.resource.to_string();
    if e.planned
        .get("private_dns_enabled")
        .and_then(Value::as_bool)
        == Some(false)
        && seen.insert(format!("dns {addr}"))
    {
        diags.push(
            Diagnostic::error("Endpoint without private DNS")
                .at(if e.spans.is_written(&["private_dns_enabled"]) {
                    e.spans.span(&["private_dns_enabled"])
                } else {
                    e.spans.root()
                })
                .detail(format!(
                    "{addr} ({}) has private DNS off (unset means off), so the nodes of {group} would resolve the service's public name, which they cannot reach.",
                    need.service
                ))
                .hint("set private_dns_enabled = true"),
        );
    }
    let groups = deps_of_type(planned, e, "aws_security_group");
    if groups.is_empty() {
        // Groups made elsewhere, or the VPC's default group: nothing to judge here.
        return;
    }
    if cidrs.is_empty() || groups.iter().any(|g| admits_https_from(planned, g, cidrs)) {
        return;
    }
    if seen.insert(format!("sg {addr}")) {
        let names: Vec<String> = groups.iter().map(|g| g.addr.resource.to_string()).collect();
        diags.push(
            Diagnostic::error("Endpoint does not let the nodes in")
                .at(if e.spans.is_written(&["security_group_ids"]) {
                    e.spans.span(&["security_group_ids"])
                } else {
                    e.spans.root()
                })
                .detail(format!(
                    "{addr} ({}) is in {}, which lets HTTPS (443) in from none of the node subnets of {group} ({}).",
                    need.service,
                    names.join(", "),
                    cidrs.join(", ")
                ))
                .hint(format!(
                    "add an aws_vpc_security_group_ingress_rule to {} for tcp 443 from the VPC's CIDR",
                    names[0]
                )),
        );
    }
}

/// Whether a rule in the plan lets TCP 443 in to `group` from every range in `cidrs` (or from
/// another group, or from something known only at apply, which cannot be judged).
fn admits_https_from(
    planned: &[PlannedInstance<'_>],
    group: &PlannedInstance<'_>,
    cidrs: &[String],
) -> bool {
    let group_addr = group.addr.resource.to_string();
    let https = |proto: Option<&Value>, from: Option<&Value>, to: Option<&Value>| {
        let proto = proto.and_then(Value::as_str).map(normalise_protocol);
        let n = |v: Option<&Value>| v.and_then(Value::as_number).and_then(|n| n.as_i64());
        match proto.as_deref() {
            Some("-1") => true,
            Some("tcp") => n(from).unwrap_or(0) <= 443 && n(to).unwrap_or(65535) >= 443,
            _ => false,
        }
    };
    let covers_all = |ranges: &[String]| cidrs.iter().all(|c| ranges.iter().any(|r| covers(r, c)));
    let unknown = |v: Option<&Value>| v.is_some_and(Value::contains_unknown);
    let inline = group
        .planned
        .get("ingress")
        .and_then(Value::as_items)
        .unwrap_or(&[])
        .iter()
        .any(|r| {
            https(r.get("protocol"), r.get("from_port"), r.get("to_port"))
                && (unknown(r.get("cidr_blocks"))
                    || r.get("self").and_then(Value::as_bool) == Some(true)
                    || !strings(r.get("security_groups")).is_empty()
                    || !strings(r.get("prefix_list_ids")).is_empty()
                    || covers_all(&strings(r.get("cidr_blocks"))))
        });
    inline
        || planned.iter().any(|p| {
            p.type_name == "aws_vpc_security_group_ingress_rule"
                && p.dependencies.iter().any(|d| d == &group_addr)
                && https(
                    p.planned.get("ip_protocol"),
                    p.planned.get("from_port"),
                    p.planned.get("to_port"),
                )
                && (unknown(p.planned.get("cidr_ipv4"))
                    || ["referenced_security_group_id", "prefix_list_id"]
                        .iter()
                        .any(|k| p.planned.get(k).is_some_and(|v| !v.is_null()))
                    || p.planned
                        .get("cidr_ipv4")
                        .and_then(Value::as_str)
                        .is_some_and(|r| covers_all(&[r.to_string()])))
        })
}

/// Whether the IPv4 range `outer` holds all of `inner`.
fn covers(outer: &str, inner: &str) -> bool {
    let bits = |c: &str| c.split_once('/').and_then(|(_, b)| b.parse::<u32>().ok());
    let (Some(outer_bits), Some(inner_bits)) = (bits(outer), bits(inner)) else {
        return false;
    };
    let net = inner.split_once('/').map_or(inner, |(n, _)| n);
    inner_bits >= outer_bits && contains(outer, net)
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn a_range_covers_the_ranges_inside_it_only() {
        assert!(covers("10.40.0.0/16", "10.40.16.0/20"));
        assert!(covers("0.0.0.0/0", "10.40.16.0/20"));
        assert!(covers("10.40.16.0/20", "10.40.16.0/20"));
        assert!(!covers("10.40.16.0/20", "10.40.0.0/16"));
        assert!(!covers("10.41.0.0/16", "10.40.16.0/20"));
        assert!(!covers("not a cidr", "10.40.16.0/20"));
    }
}
