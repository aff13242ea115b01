//! A private EKS endpoint needs DNS in its VPC: DNS resolution and DNS hostnames on, and DHCP
//! options that hand out the Amazon DNS server, or nodes and clients in the VPC cannot
//! resolve the endpoint.
//! <https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html>

use aws_sdk_ec2::types::Filter;

use super::{clusters, deps_of_type, strings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{describe, Request};
use crate::providers::aws::resources::eks_cluster::endpoint::vpc_config;
use crate::providers::aws::resources::vpc::dns_settings;
use crate::providers::PlannedInstance;
use crate::value::Value;

const DNS_HINT: &str = "set enable_dns_support = true and enable_dns_hostnames = true on the VPC (a new VPC has hostnames off)";

/// Clusters with a private endpoint whose VPC is managed in this configuration.
pub fn managed_vpc_has_dns(planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (cluster, access) in clusters(planned) {
        if !access.private {
            continue;
        }
        for subnet in deps_of_type(planned, cluster, "aws_subnet") {
            for vpc in deps_of_type(planned, subnet, "aws_vpc") {
                diags.extend(check_managed_vpc(vpc, cluster));
            }
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

/// Clusters with a private endpoint in subnets that exist already: their VPC, looked up live.
pub async fn existing_vpc_has_dns(c: &Clients, planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (cluster, access) in clusters(planned) {
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
