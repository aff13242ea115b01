//! A private-only cluster needs a way in: without a rule that lets port 443 in to it from a
//! bastion, VPN or other source, nobody can reach the API server once it is private.

use super::{clusters, strings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::resources::eks_cluster::endpoint::{vpc_config, EndpointMode};
use crate::providers::aws::resources::security_group::normalise_protocol;
use crate::providers::PlannedInstance;
use crate::value::Value;

/// Private-only clusters without a 443 rule in the plan (a warning: the rule may exist
/// outside this configuration).
pub fn private_only_cluster_has_a_way_in(planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (cluster, access) in clusters(planned) {
        if access.mode() == EndpointMode::Private && !has_443_path(planned, cluster) {
            diags.push(
                Diagnostic::warning("No way in to the private API server in this configuration")
                    .at(cluster.spans.span(&["vpc_config", "endpoint_public_access"]))
                    .detail(format!(
                        "{} will have a private-only endpoint, and no security group rule here lets port 443 in to it from a bastion, VPN or other source.",
                        cluster.addr
                    ))
                    .hint("add an aws_vpc_security_group_ingress_rule for 443 from your bastion's security group to vpc_config.cluster_security_group_id, or check that one exists outside this configuration"),
            );
        }
    }
    diags
}

/// True when a rule in the plan lets TCP 443 in to the cluster's security groups.
fn has_443_path(planned: &[PlannedInstance<'_>], cluster: &PlannedInstance<'_>) -> bool {
    let cluster_addr = cluster.addr.resource.to_string();
    let cluster_sgs =
        strings(vpc_config(cluster.planned).and_then(|v| v.get("security_group_ids")));
    let allows_443 = |proto: Option<&str>, from: Option<&Value>, to: Option<&Value>| {
        let proto = proto.map(normalise_protocol).unwrap_or_default();
        let n = |v: Option<&Value>| v.and_then(Value::as_number).and_then(|n| n.as_i64());
        proto == "-1"
            || (proto == "tcp" && n(from).unwrap_or(0) <= 443 && n(to).unwrap_or(65535) >= 443)
    };
    planned.iter().any(|p| match p.type_name {
        "aws_vpc_security_group_ingress_rule" => {
            let targets_cluster = p.dependencies.iter().any(|d| d == &cluster_addr)
                || p.planned
                    .get("security_group_id")
                    .and_then(Value::as_str)
                    .is_some_and(|g| cluster_sgs.iter().any(|s| s == g));
            targets_cluster
                && allows_443(
                    p.planned.get("ip_protocol").and_then(Value::as_str),
                    p.planned.get("from_port"),
                    p.planned.get("to_port"),
                )
        }
        "aws_security_group" => {
            let used = cluster
                .dependencies
                .iter()
                .any(|d| d == &p.addr.resource.to_string())
                || p.planned
                    .get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|g| cluster_sgs.iter().any(|s| s == g));
            used && p
                .planned
                .get("ingress")
                .and_then(Value::as_items)
                .is_some_and(|rules| {
                    rules.iter().any(|r| {
                        allows_443(
                            r.get("protocol").and_then(Value::as_str),
                            r.get("from_port"),
                            r.get("to_port"),
                        )
                    })
                })
        }
        _ => false,
    })
}
