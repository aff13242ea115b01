//! Data sources `aws_vpc`, `aws_subnet`, `aws_security_group` and `aws_eks_cluster`, to build
//! on networks and clusters that exist already.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::Filter;

use super::client::Clients;
use super::ec2_network::{subnet_value, tag_filters, vpc_value};
use super::ec2_security::group_value;
use super::eks_cluster::{describe_cluster, to_value};
use super::errors::{describe, Request};
use crate::diag::Diagnostic;
use crate::value::Value;

fn one<T>(kind: &str, mut found: Vec<T>, asked: &str) -> Result<T, Diagnostic> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Diagnostic::error(format!("No matching {kind}"))
            .detail(format!("No {kind} matches {asked}."))
            .hint("check the ID, name or tags, and the provider's region")),
        n => Err(Diagnostic::error(format!("Several matching {kind}s"))
            .detail(format!(
                "{n} {kind}s match {asked}; a data source must find exactly one."
            ))
            .hint("narrow the lookup with an ID or more tags")),
    }
}

fn asked(config: &Value, keys: &[&str]) -> String {
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            config
                .get(k)
                .filter(|v| !v.is_null())
                .map(|v| format!("{k} = {v}"))
        })
        .collect();
    if parts.is_empty() {
        "the lookup (no id, name or tags given)".to_string()
    } else {
        parts.join(", ")
    }
}

pub async fn read(
    c: &Clients,
    default_tags: &BTreeMap<String, String>,
    type_name: &str,
    config: &Value,
) -> Result<Value, Diagnostic> {
    let id = config.get("id").and_then(Value::as_str).map(str::to_string);
    let filters = tag_filters(config.get("tags"));
    match type_name {
        "aws_eks_cluster" => {
            let name = config
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let cluster = describe_cluster(c, name).await?.ok_or_else(|| {
                Diagnostic::error("No matching EKS cluster")
                    .detail(format!("EKS has no cluster named {name} in {}.", c.region))
            })?;
            Ok(to_value(&cluster, default_tags))
        }
        "aws_vpc" => {
            let out = c
                .ec2
                .describe_vpcs()
                .set_vpc_ids(id.map(|i| vec![i]))
                .set_filters((!filters.is_empty()).then_some(filters))
                .send()
                .await
                .map_err(|e| {
                    describe(
                        Request {
                            service: "EC2",
                            operation: "DescribeVpcs",
                            target: &asked(config, &["id", "tags"]),
                        },
                        &e,
                    )
                })?;
            let vpc = one("VPC", out.vpcs().to_vec(), &asked(config, &["id", "tags"]))?;
            vpc_value(c, &vpc, default_tags).await
        }
        "aws_subnet" => {
            let out = c
                .ec2
                .describe_subnets()
                .set_subnet_ids(id.map(|i| vec![i]))
                .set_filters((!filters.is_empty()).then_some(filters))
                .send()
                .await
                .map_err(|e| {
                    describe(
                        Request {
                            service: "EC2",
                            operation: "DescribeSubnets",
                            target: &asked(config, &["id", "tags"]),
                        },
                        &e,
                    )
                })?;
            let subnet = one(
                "subnet",
                out.subnets().to_vec(),
                &asked(config, &["id", "tags"]),
            )?;
            Ok(subnet_value(c, &subnet, default_tags))
        }
        "aws_security_group" => {
            let mut filters = filters;
            if let Some(n) = config.get("name").and_then(Value::as_str) {
                filters.push(Filter::builder().name("group-name").values(n).build());
            }
            if let Some(v) = config.get("vpc_id").and_then(Value::as_str) {
                filters.push(Filter::builder().name("vpc-id").values(v).build());
            }
            let out = c
                .ec2
                .describe_security_groups()
                .set_group_ids(id.map(|i| vec![i]))
                .set_filters((!filters.is_empty()).then_some(filters))
                .send()
                .await
                .map_err(|e| {
                    describe(
                        Request {
                            service: "EC2",
                            operation: "DescribeSecurityGroups",
                            target: &asked(config, &["id", "name", "vpc_id", "tags"]),
                        },
                        &e,
                    )
                })?;
            let g = one(
                "security group",
                out.security_groups().to_vec(),
                &asked(config, &["id", "name", "vpc_id", "tags"]),
            )?;
            Ok(group_value(c, &g, default_tags))
        }
        other => Err(Diagnostic::error("Unknown data source")
            .detail(format!("The aws provider has no data source {other}."))),
    }
}
