//! Checks across planned objects, before any change: a private EKS endpoint needs DNS in its
//! VPC, and a private-only cluster needs a way for people to reach port 443.
//!
//! The VPC is found through the plan's dependencies (cluster → subnets → VPC) when those are
//! managed here, or looked up live when they exist already.

use aws_sdk_ec2::types::Filter;

use super::client::Clients;
use super::ec2_network::dns_settings;
use super::endpoint::{vpc_config, EndpointAccess, EndpointMode};
use super::errors::describe;
use super::errors::Request;
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::PlannedInstance;
use crate::value::Value;

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_items)
        .map(|i| {
            i.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn resource_of(addr: &str) -> &str {
    addr.split('[').next().unwrap_or(addr)
}

/// Planned instances of `type_name` that `inst` depends on.
fn deps_of_type<'p>(
    all: &'p [PlannedInstance<'p>],
    inst: &PlannedInstance<'_>,
    type_name: &str,
) -> Vec<&'p PlannedInstance<'p>> {
    all.iter()
        .filter(|p| {
            p.type_name == type_name
                && inst.dependencies.iter().any(|d| {
                    d == &p.addr.resource.to_string() || resource_of(&p.addr.to_string()) == d
                })
        })
        .collect()
}

const DNS_HINT: &str = "set enable_dns_support = true and enable_dns_hostnames = true on the VPC (a new VPC has hostnames off)";

/// The rules that need no cloud: DNS settings of VPCs managed in this configuration, and 443.
pub fn check_offline(planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for cluster in planned.iter().filter(|p| p.type_name == "aws_eks_cluster") {
        let Some(access) = vpc_config(cluster.planned).and_then(EndpointAccess::from_vpc_config)
        else {
            continue;
        };
        if access.private {
            for subnet in deps_of_type(planned, cluster, "aws_subnet") {
                for vpc in deps_of_type(planned, subnet, "aws_vpc") {
                    diags.extend(check_managed_vpc(vpc, cluster));
                }
            }
        }
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

fn check_managed_vpc(vpc: &PlannedInstance<'_>, cluster: &PlannedInstance<'_>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (attr, what) in [
        ("enable_dns_support", "DNS resolution"),
        ("enable_dns_hostnames", "DNS hostnames"),
    ] {
        if vpc.planned.get(attr).and_then(Value::as_bool) == Some(false) {
            diags.push(
                Diagnostic::error("Private EKS endpoint needs VPC DNS")
                    .at(vpc.spans.span(&[attr]))
                    .detail(format!(
                        "{} has a private API server endpoint, but its VPC {} has {what} disabled, so nodes and clients in the VPC could not resolve the endpoint.",
                        cluster.addr, vpc.addr
                    ))
                    .hint(DNS_HINT),
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
        let proto = proto
            .map(super::ec2_security::normalise_protocol)
            .unwrap_or_default();
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

/// All the rules, looking up VPCs that exist already.
pub async fn check(c: &Clients, planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = check_offline(planned);
    for cluster in planned.iter().filter(|p| p.type_name == "aws_eks_cluster") {
        let Some(access) = vpc_config(cluster.planned).and_then(EndpointAccess::from_vpc_config)
        else {
            continue;
        };
        if !access.private || !deps_of_type(planned, cluster, "aws_subnet").is_empty() {
            continue;
        }
        // Subnets that exist already: find their VPC live.
        let subnets = strings(vpc_config(cluster.planned).and_then(|v| v.get("subnet_ids")));
        if subnets.is_empty() {
            continue;
        }
        match live_vpc_problems(c, &subnets).await {
            Ok(problems) => {
                for p in problems {
                    diags.push(
                        Diagnostic::error("Private EKS endpoint needs VPC DNS")
                            .at(cluster
                                .spans
                                .span(&["vpc_config", "endpoint_private_access"]))
                            .detail(format!(
                                "{} has a private API server endpoint, but {p}.",
                                cluster.addr
                            ))
                            .hint(DNS_HINT),
                    );
                }
            }
            Err(d) => diags.push(d),
        }
    }
    diags
}

async fn live_vpc_problems(c: &Clients, subnets: &[String]) -> Result<Vec<String>, Diagnostic> {
    let out = c
        .ec2
        .describe_subnets()
        .set_subnet_ids(Some(subnets.to_vec()))
        .send()
        .await
        .map_err(|e| {
            describe(
                Request {
                    service: "EC2",
                    operation: "DescribeSubnets",
                    target: &subnets.join(", "),
                },
                &e,
            )
        })?;
    let mut vpcs: Vec<String> = out
        .subnets()
        .iter()
        .filter_map(|s| s.vpc_id().map(str::to_string))
        .collect();
    vpcs.sort();
    vpcs.dedup();
    let mut problems = Vec::new();
    for vpc in vpcs {
        let (support, hostnames) = dns_settings(c, &vpc).await?;
        if !support {
            problems.push(format!(
                "its VPC {vpc} has DNS resolution (enableDnsSupport) disabled"
            ));
        }
        if !hostnames {
            problems.push(format!(
                "its VPC {vpc} has DNS hostnames (enableDnsHostnames) disabled"
            ));
        }
        if let Some(p) = dhcp_problem(c, &vpc).await? {
            problems.push(p);
        }
    }
    Ok(problems)
}

/// The VPC's DHCP options must hand out the Amazon DNS server.
async fn dhcp_problem(c: &Clients, vpc: &str) -> Result<Option<String>, Diagnostic> {
    let out = c
        .ec2
        .describe_vpcs()
        .vpc_ids(vpc)
        .send()
        .await
        .map_err(|e| {
            describe(
                Request {
                    service: "EC2",
                    operation: "DescribeVpcs",
                    target: vpc,
                },
                &e,
            )
        })?;
    let Some(dhcp) = out
        .vpcs()
        .first()
        .and_then(|v| v.dhcp_options_id())
        .map(str::to_string)
    else {
        return Ok(None);
    };
    if dhcp == "default" {
        return Ok(None); // The default options use AmazonProvidedDNS.
    }
    let opts = c
        .ec2
        .describe_dhcp_options()
        .filters(
            Filter::builder()
                .name("dhcp-options-id")
                .values(&dhcp)
                .build(),
        )
        .send()
        .await
        .map_err(|e| {
            describe(
                Request {
                    service: "EC2",
                    operation: "DescribeDhcpOptions",
                    target: &dhcp,
                },
                &e,
            )
        })?;
    let servers: Vec<String> = opts
        .dhcp_options()
        .iter()
        .flat_map(|o| o.dhcp_configurations())
        .filter(|cfg| cfg.key() == Some("domain-name-servers"))
        .flat_map(|cfg| {
            cfg.values()
                .iter()
                .filter_map(|v| v.value().map(str::to_string))
        })
        .collect();
    Ok(
        (!servers.is_empty() && !servers.iter().any(|s| s == "AmazonProvidedDNS")).then(|| {
            format!("the DHCP options {dhcp} of VPC {vpc} do not include AmazonProvidedDNS")
        }),
    )
}
