//! Nodes register with the API server. With the public endpoint restricted to some CIDRs and
//! the private endpoint off, nodes in private subnets reach it through their NAT gateway, from
//! the gateway's Elastic IP: when that address is not inside the CIDRs, the nodes never join
//! and CreateNodegroup fails after twenty minutes.
//! <https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html>

use std::net::Ipv4Addr;

use super::{cluster_of, deps_of_type};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::PlannedInstance;
use crate::value::Value;

const DEFAULT_ROUTE: &str = "0.0.0.0/0";

/// How a route table's default route leaves the VPC.
pub(super) enum Egress<'p> {
    /// Through a NAT gateway, from its address (unknown for a new Elastic IP).
    Nat {
        nat: &'p PlannedInstance<'p>,
        eip: Option<&'p PlannedInstance<'p>>,
        address: Option<String>,
    },
    /// Straight out through an internet gateway, from each node's own public IP.
    Internet,
}

/// Node groups whose nodes would reach their cluster's public endpoint from an address it
/// does not accept, while its private endpoint is off.
pub fn nodes_can_reach_the_api_server(planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for group in planned
        .iter()
        .filter(|p| p.type_name == "aws_eks_node_group")
    {
        let Some((cluster, access)) = cluster_of(planned, group) else {
            continue;
        };
        if access.private
            || !access.public
            || access.public_cidrs.iter().any(|c| c == DEFAULT_ROUTE)
        {
            continue;
        }
        let cidrs = access.public_cidrs.join(", ");
        // Once per subnet resource and way out, however many instances share them.
        let mut seen = std::collections::BTreeSet::new();
        for subnet in deps_of_type(planned, group, "aws_subnet") {
            let subnet_addr = subnet.addr.resource.to_string();
            for egress in egress_of(planned, subnet) {
                let via = match &egress {
                    Egress::Nat { nat, .. } => nat.addr.to_string(),
                    Egress::Internet => String::new(),
                };
                if !seen.insert((subnet_addr.clone(), via)) {
                    continue;
                }
                let at = cluster.spans.span(&["vpc_config", "public_access_cidrs"]);
                match egress {
                    Egress::Nat { nat, eip, address } => {
                        if address.as_deref().is_some_and(|ip| access.public_cidrs.iter().any(|c| contains(c, ip))) {
                            continue;
                        }
                        let from = match (&address, eip) {
                            (Some(ip), _) => ip.clone(),
                            (None, Some(e)) => format!("the address {} gets at apply", e.addr),
                            (None, None) => "an address known only after apply".into(),
                        };
                        let add = match eip {
                            Some(e) => format!("\"${{{}.public_ip}}/32\"", e.addr),
                            None => address.map_or_else(|| "the NAT gateway's address as /32".into(), |ip| format!("\"{ip}/32\"")),
                        };
                        diags.push(
                            Diagnostic::error("Nodes cannot reach the API server")
                                .at(at)
                                .detail(format!(
                                    "{} runs in {subnet_addr}, whose internet traffic leaves through {} from {from}. {}'s public endpoint accepts only {cidrs} and its private endpoint is off, so the nodes could not register and the node group would fail.",
                                    group.addr, nat.addr, cluster.addr
                                ))
                                .hint(format!("set endpoint_private_access = true (nodes then use the private endpoint), or add {add} to public_access_cidrs")),
                        );
                    }
                    Egress::Internet => diags.push(
                        Diagnostic::error("Nodes cannot reach the API server")
                            .at(at)
                            .detail(format!(
                                "{} runs in {subnet_addr}, which routes straight to an internet gateway: each node reaches the public endpoint from its own public IP, which no CIDR can name in advance. {}'s public endpoint accepts only {cidrs} and its private endpoint is off.",
                                group.addr, cluster.addr
                            ))
                            .hint("set endpoint_private_access = true, or run the nodes in private subnets behind a NAT gateway whose address public_access_cidrs includes"),
                    ),
                }
            }
        }
    }
    diags
}

/// Where the default routes of `subnet`'s route tables (through planned associations) go.
pub(super) fn egress_of<'p>(
    planned: &'p [PlannedInstance<'p>],
    subnet: &PlannedInstance<'_>,
) -> Vec<Egress<'p>> {
    let mut out = Vec::new();
    for table in route_tables_of(planned, subnet) {
        for (owner, route) in default_routes(planned, table) {
            let set = |k: &str| route.get(k).is_some_and(|v| !v.is_null());
            if set("nat_gateway_id") {
                for nat in deps_of_type(planned, owner, "aws_nat_gateway") {
                    let eip = deps_of_type(planned, nat, "aws_eip").into_iter().next();
                    let address = nat
                        .planned
                        .get("public_ip")
                        .and_then(Value::as_str)
                        .or_else(|| {
                            eip.and_then(|e| e.planned.get("public_ip"))
                                .and_then(Value::as_str)
                        })
                        .map(str::to_string);
                    out.push(Egress::Nat { nat, eip, address });
                }
            } else if route
                .get("gateway_id")
                .and_then(Value::as_str)
                .is_some_and(|g| g.starts_with("igw-"))
                || (set("gateway_id")
                    && !deps_of_type(planned, owner, "aws_internet_gateway").is_empty())
            {
                out.push(Egress::Internet);
            }
        }
    }
    out
}

/// The planned route tables `subnet` is associated with through planned associations.
pub(super) fn route_tables_of<'p>(
    planned: &'p [PlannedInstance<'p>],
    subnet: &PlannedInstance<'_>,
) -> Vec<&'p PlannedInstance<'p>> {
    let subnet_addr = subnet.addr.resource.to_string();
    planned
        .iter()
        .filter(|p| {
            p.type_name == "aws_route_table_association"
                && p.dependencies.iter().any(|d| d == &subnet_addr)
        })
        .flat_map(|a| deps_of_type(planned, a, "aws_route_table"))
        .collect()
}

/// The default routes of `table`, inline or separate, with the instance that holds each.
fn default_routes<'p>(
    planned: &'p [PlannedInstance<'p>],
    table: &'p PlannedInstance<'p>,
) -> Vec<(&'p PlannedInstance<'p>, &'p Value)> {
    let table_addr = table.addr.resource.to_string();
    let inline = table
        .planned
        .get("route")
        .and_then(Value::as_items)
        .unwrap_or(&[])
        .iter()
        .filter(|r| r.get("cidr_block").and_then(Value::as_str) == Some(DEFAULT_ROUTE))
        .map(move |r| (table, r));
    let separate = planned
        .iter()
        .filter(move |r| {
            r.type_name == "aws_route" && r.dependencies.iter().any(|d| d == &table_addr)
        })
        .filter(|r| {
            r.planned
                .get("destination_cidr_block")
                .and_then(Value::as_str)
                == Some(DEFAULT_ROUTE)
        })
        .map(|r| (r, r.planned));
    inline.chain(separate).collect()
}

/// Whether `table` has a default route to anything: a NAT or internet gateway, or a transit
/// gateway or peering towards a network that has one.
pub(super) fn has_default_route<'p>(
    planned: &'p [PlannedInstance<'p>],
    table: &'p PlannedInstance<'p>,
) -> bool {
    !default_routes(planned, table).is_empty()
}

/// Whether the IPv4 `cidr` holds `ip`.
pub(super) fn contains(cidr: &str, ip: &str) -> bool {
    let (net, bits) = cidr.split_once('/').unwrap_or((cidr, "32"));
    let (Ok(net), Ok(bits), Ok(ip)) = (
        net.parse::<Ipv4Addr>(),
        bits.parse::<u32>(),
        ip.parse::<Ipv4Addr>(),
    ) else {
        return false;
    };
    if bits > 32 {
        return false;
    }
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    u32::from(net) & mask == u32::from(ip) & mask
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn cidrs_hold_the_addresses_inside_them() {
        assert!(contains("203.0.113.0/24", "203.0.113.77"));
        assert!(contains("198.51.100.7/32", "198.51.100.7"));
        assert!(!contains("198.51.100.7/32", "198.51.100.8"));
        assert!(contains("0.0.0.0/0", "8.8.8.8"));
        assert!(!contains("not a cidr", "8.8.8.8"));
    }
}
