//! The lines of "Who can reach what, after this plan" that take several planned objects to
//! tell: how a node group's nodes reach their cluster's API server (the private endpoint, or
//! the public one through a NAT gateway or their own public IPs), and which principals the
//! access entries and their policies let in.

use super::nodes_reach_api::{egress_of, route_tables_of, Egress};
use super::{cluster_of, deps_of_type, vpc_config, EndpointAccess};
use crate::addr::InstanceAddr;
use crate::providers::PlannedInstance;
use crate::value::Value;

/// Every such line, for the instance it belongs to.
pub fn who_can_reach_what(planned: &[PlannedInstance<'_>]) -> Vec<(InstanceAddr, String)> {
    let mut out = Vec::new();
    for group in planned
        .iter()
        .filter(|p| p.type_name == "aws_eks_node_group")
    {
        let Some((cluster, access)) = cluster_of(planned, group) else {
            continue;
        };
        let path = nodes_path(planned, group, &access);
        out.push((group.addr.clone(), format!("nodes {path}")));
        // A change of the cluster's endpoints changes its nodes' path too: say it there.
        let before = cluster
            .prior
            .and_then(vpc_config)
            .and_then(EndpointAccess::from_vpc_config);
        if before.is_some_and(|b| b != access) {
            out.push((
                cluster.addr.clone(),
                format!("nodes of {} {path}", group.addr.resource),
            ));
        }
    }
    for entry in planned
        .iter()
        .filter(|p| p.type_name == "aws_eks_access_entry")
    {
        let kind = entry
            .planned
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("STANDARD");
        let groups: Vec<&str> = entry
            .planned
            .get("kubernetes_groups")
            .and_then(Value::as_items)
            .unwrap_or(&[])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let mut line = format!(
            "{} can authenticate to {} (access entry, {kind})",
            principal(planned, entry),
            cluster_name(planned, entry)
        );
        if !groups.is_empty() {
            line.push_str(&format!(" in the Kubernetes groups {}", groups.join(", ")));
        }
        out.push((entry.addr.clone(), line));
    }
    for association in planned
        .iter()
        .filter(|p| p.type_name == "aws_eks_access_policy_association")
    {
        let policy = association
            .planned
            .get("policy_arn")
            .and_then(Value::as_str)
            .and_then(|a| a.rsplit('/').next())
            .unwrap_or("an access policy");
        let scope = association
            .planned
            .get("access_scope")
            .and_then(Value::as_items)
            .and_then(|s| s.first());
        let namespaces: Vec<&str> = scope
            .and_then(|s| s.get("namespaces"))
            .and_then(Value::as_items)
            .unwrap_or(&[])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let whom = deps_of_type(planned, association, "aws_eks_access_entry")
            .first()
            .map_or_else(
                || principal(planned, association),
                |e| principal(planned, e),
            );
        let on = if scope.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("namespace") {
            format!("in the namespaces {}", namespaces.join(", "))
        } else {
            format!("on all of {}", cluster_name(planned, association))
        };
        out.push((
            association.addr.clone(),
            format!("{whom} gets {policy} {on}"),
        ));
    }
    out
}

/// How the nodes of `group` reach the API server, in words.
fn nodes_path(
    planned: &[PlannedInstance<'_>],
    group: &PlannedInstance<'_>,
    access: &EndpointAccess,
) -> String {
    if access.private {
        return "reach the API server through the private endpoint, inside the VPC".into();
    }
    if !access.public {
        return "have no endpoint to reach".into();
    }
    let allowed = if access.public_cidrs.iter().any(|c| c == "0.0.0.0/0") {
        ""
    } else {
        ", which public_access_cidrs must allow"
    };
    let subnets = deps_of_type(planned, group, "aws_subnet");
    let mut ways: Vec<String> = Vec::new();
    for subnet in &subnets {
        for egress in egress_of(planned, subnet) {
            let way = match egress {
                Egress::Nat { nat, eip, address } => match (address, eip) {
                    (Some(ip), _) => format!("through {} from {ip}", nat.addr.resource),
                    (None, Some(e)) => format!(
                        "through {} from the address of {}",
                        nat.addr.resource, e.addr.resource
                    ),
                    (None, None) => format!("through {}", nat.addr.resource),
                },
                Egress::Internet => "from their own public IPs".to_string(),
            };
            if !ways.contains(&way) {
                ways.push(way);
            }
        }
    }
    let known = !subnets.is_empty()
        && subnets
            .iter()
            .all(|s| !route_tables_of(planned, s).is_empty());
    match (ways.is_empty(), known) {
        (false, _) => format!("reach the public endpoint {}{allowed}", ways.join(", and ")),
        (true, true) => "have no route to the public endpoint and no private endpoint".into(),
        (true, false) => format!(
            "reach the public endpoint through their subnets' own route out of the VPC{allowed}"
        ),
    }
}

/// Who an access entry is for: the role or user made here, or the ARN it names.
fn principal(planned: &[PlannedInstance<'_>], inst: &PlannedInstance<'_>) -> String {
    ["aws_iam_role", "aws_iam_user"]
        .iter()
        .find_map(|t| {
            deps_of_type(planned, inst, t)
                .first()
                .map(|r| r.addr.resource.to_string())
        })
        .or_else(|| {
            inst.planned
                .get("principal_arn")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "a principal known after apply".into())
}

/// The cluster an object belongs to: the one made here, or the name it gives.
fn cluster_name(planned: &[PlannedInstance<'_>], inst: &PlannedInstance<'_>) -> String {
    deps_of_type(planned, inst, "aws_eks_cluster")
        .first()
        .map(|c| c.addr.resource.to_string())
        .or_else(|| {
            inst.planned
                .get("cluster_name")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "the cluster".into())
}
