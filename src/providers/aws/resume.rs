//! Finishing a create that an earlier run started: EC2 objects get IDs of their own, so
//! the only way to find what an interrupted attempt made is the creation mark it was tagged
//! with (`clusterform:creation-id`). Found objects are the attempt's own, never another's.
//!
//! EKS clusters have names: a resumed create sends CreateCluster again with the same token
//! and takes over the cluster the name clash shows only when it carries the mark
//! (`eks_cluster`); [`find_created`] looks a marked cluster up by its name for destroy.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::Filter;

use super::client::Clients;
use super::ec2_network as net;
use super::ec2_security as sec;
use super::eks_cluster as eks;
use super::errors::{describe, Request};
use crate::diag::Diagnostic;
use crate::providers::{Creation, CREATION_TAG};
use crate::value::Value;

fn mark_filter(cr: &Creation) -> Filter {
    Filter::builder()
        .name(format!("tag:{CREATION_TAG}"))
        .values(&cr.id)
        .build()
}

/// The object an interrupted attempt at `creation` made, as refresh would read it; `None`
/// when it made nothing (or for types that are not EC2 objects).
pub async fn find(
    c: &Clients,
    type_name: &str,
    cr: &Creation,
    default_tags: &BTreeMap<String, String>,
) -> Result<Option<Value>, Diagnostic> {
    let target = format!("{CREATION_TAG}={}", cr.id);
    let req = |operation| Request {
        service: "EC2",
        operation,
        target: &target,
    };
    let id = match type_name {
        "aws_vpc" => c
            .ec2
            .describe_vpcs()
            .filters(mark_filter(cr))
            .send()
            .await
            .map_err(|e| describe(req("DescribeVpcs"), &e))?
            .vpcs()
            .first()
            .and_then(|v| v.vpc_id().map(str::to_string)),
        "aws_subnet" => c
            .ec2
            .describe_subnets()
            .filters(mark_filter(cr))
            .send()
            .await
            .map_err(|e| describe(req("DescribeSubnets"), &e))?
            .subnets()
            .first()
            .and_then(|s| s.subnet_id().map(str::to_string)),
        "aws_security_group" => c
            .ec2
            .describe_security_groups()
            .filters(mark_filter(cr))
            .send()
            .await
            .map_err(|e| describe(req("DescribeSecurityGroups"), &e))?
            .security_groups()
            .first()
            .and_then(|g| g.group_id().map(str::to_string)),
        "aws_vpc_security_group_ingress_rule" => c
            .ec2
            .describe_security_group_rules()
            .filters(mark_filter(cr))
            .send()
            .await
            .map_err(|e| describe(req("DescribeSecurityGroupRules"), &e))?
            .security_group_rules()
            .first()
            .and_then(|r| r.security_group_rule_id().map(str::to_string)),
        _ => None,
    };
    let Some(id) = id else {
        return Ok(None);
    };
    let ids = std::slice::from_ref(&id);
    let found = match type_name {
        "aws_vpc" => net::read_vpcs(c, ids, default_tags).await?,
        "aws_subnet" => net::read_subnets(c, ids, default_tags).await?,
        "aws_security_group" => sec::read_groups(c, ids, default_tags).await?,
        _ => sec::read_ingress_rules(c, ids, default_tags).await?,
    };
    Ok(found.into_iter().next().flatten())
}

/// What an interrupted create of `type_name` made, for a plan that deletes it: an EKS
/// cluster named `id` that carries the mark, or the EC2 object tagged with it.
pub async fn find_created(
    c: &Clients,
    type_name: &str,
    id: Option<&str>,
    cr: &Creation,
    default_tags: &BTreeMap<String, String>,
) -> Result<Option<Value>, Diagnostic> {
    if type_name != "aws_eks_cluster" {
        return find(c, type_name, cr, default_tags).await;
    }
    let Some(name) = id else {
        return Ok(None);
    };
    let cluster = eks::describe_cluster(c, name).await?;
    Ok(cluster
        .filter(|cl| {
            cr.marks(
                cl.tags()
                    .and_then(|t| t.get(CREATION_TAG))
                    .map(String::as_str),
            )
        })
        .map(|cl| eks::to_value(&cl, default_tags)))
}
