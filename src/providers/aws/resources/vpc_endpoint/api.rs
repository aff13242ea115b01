//! The EC2 calls of `aws_vpc_endpoint`, and the state built from what they return.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use aws_sdk_ec2::types::{
    Filter, ResourceType as Ec2Type, VpcEndpoint as Ec2Endpoint, VpcEndpointType,
};

use super::super::{ec2, s, str_of, string_of as text, strings};
use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::marks;
use crate::providers::aws::policy::equivalent;
use crate::providers::aws::tags::{tag_spec, tag_values};
use crate::providers::kit::wait;
use crate::providers::{Creation, OperationContext};
use crate::value::Value;

pub async fn create_endpoint(
    c: &Clients,
    planned: &Value,
    creation: Option<&Creation>,
) -> Result<String, Diagnostic> {
    let service = text(planned, "service_name").unwrap_or_default();
    let kind = str_of(planned, "vpc_endpoint_type").unwrap_or("Gateway");
    let some = |k: &str| Some(strings(planned.get(k))).filter(|v| !v.is_empty());
    let out = c
        .ec2
        .create_vpc_endpoint()
        .set_vpc_id(text(planned, "vpc_id"))
        .service_name(&service)
        .vpc_endpoint_type(VpcEndpointType::from(kind))
        .set_route_table_ids(some("route_table_ids"))
        .set_subnet_ids(some("subnet_ids"))
        .set_security_group_ids(some("security_group_ids"))
        .set_policy_document(text(planned, "policy"))
        .private_dns_enabled(
            planned
                .get("private_dns_enabled")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        )
        // The creation mark doubles as the idempotency token: a retried request after a lost
        // answer makes no second endpoint.
        .set_client_token(creation.map(|c| c.id.clone()))
        .set_tag_specifications(
            tag_spec(Ec2Type::VpcEndpoint, planned.get("tags_all")).map(|t| vec![t]),
        )
        .send()
        .await
        .map_err(|e| {
            let d = describe(ec2("CreateVpcEndpoint", &service), &e);
            match code(&e).as_deref() {
                Some("InvalidServiceName") => d.hint(
                    "service names look like com.amazonaws.<region>.<service>, in the endpoint's region",
                ),
                _ => d,
            }
        })?;
    Ok(out
        .vpc_endpoint()
        .and_then(|e| e.vpc_endpoint_id())
        .unwrap_or_default()
        .to_string())
}

/// Waits for `available`, or `pendingAcceptance` when the service's owner must accept it.
pub async fn wait_available(
    c: &Clients,
    id: &str,
    ctx: &OperationContext,
    limit: Duration,
) -> Result<(), Diagnostic> {
    let started = Instant::now();
    loop {
        let found = describe_endpoints(c, &[id.to_string()]).await?;
        let state = found.first().map(state_of);
        match state.as_deref() {
            Some("available" | "pendingacceptance") => return Ok(()),
            Some(s @ ("failed" | "rejected" | "expired")) => {
                let why = found[0]
                    .last_error()
                    .and_then(|e| e.message())
                    .unwrap_or("no reason given");
                return Err(Diagnostic::error("VPC endpoint failed")
                    .detail(format!("VPC endpoint {id} is {s}: {why}.")));
            }
            _ if started.elapsed() > limit => {
                return Err(Diagnostic::error("Timed out").detail(format!(
                    "VPC endpoint {id} did not become available within {} minutes.",
                    limit.as_secs() / 60
                )))
            }
            _ => wait::pause(ctx, ctx.poll_interval, "AWS").await?,
        }
    }
}

/// One ModifyVpcEndpoint with every difference; false when there was nothing to send.
pub async fn modify_endpoint(
    c: &Clients,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<bool, Diagnostic> {
    let mut call = c.ec2.modify_vpc_endpoint().vpc_endpoint_id(id);
    let mut any = false;
    for key in ["route_table_ids", "subnet_ids", "security_group_ids"] {
        let before: BTreeSet<String> = strings(prior.get(key)).into_iter().collect();
        let after: BTreeSet<String> = strings(planned.get(key)).into_iter().collect();
        let added: Vec<String> = after.difference(&before).cloned().collect();
        let removed: Vec<String> = before.difference(&after).cloned().collect();
        any |= !added.is_empty() || !removed.is_empty();
        let (added, removed) = (
            Some(added).filter(|v| !v.is_empty()),
            Some(removed).filter(|v| !v.is_empty()),
        );
        call = match key {
            "route_table_ids" => call
                .set_add_route_table_ids(added)
                .set_remove_route_table_ids(removed),
            "subnet_ids" => call
                .set_add_subnet_ids(added)
                .set_remove_subnet_ids(removed),
            _ => call
                .set_add_security_group_ids(added)
                .set_remove_security_group_ids(removed),
        };
    }
    if let (Some(before), Some(after)) = (str_of(prior, "policy"), str_of(planned, "policy")) {
        if !equivalent(before, after) {
            call = call.policy_document(after);
            any = true;
        }
    }
    let dns = |v: &Value| v.get("private_dns_enabled").and_then(Value::as_bool);
    if let Some(after) = dns(planned).filter(|a| Some(*a) != dns(prior)) {
        call = call.private_dns_enabled(after);
        any = true;
    }
    if !any {
        return Ok(false);
    }
    call.send()
        .await
        .map_err(|e| describe(ec2("ModifyVpcEndpoint", id), &e))?;
    Ok(true)
}

pub async fn delete_endpoint(
    c: &Clients,
    id: &str,
    ctx: &OperationContext,
    limit: Duration,
) -> Result<(), Diagnostic> {
    let out = c
        .ec2
        .delete_vpc_endpoints()
        .vpc_endpoint_ids(id)
        .send()
        .await
        .map_err(|e| describe(ec2("DeleteVpcEndpoints", id), &e))?;
    // The call succeeds as a whole and lists the endpoints it could not delete.
    if let Some(failed) = out.unsuccessful().first() {
        let err = failed.error();
        if err.and_then(|e| e.code()) == Some("InvalidVpcEndpoint.NotFound") {
            return Ok(());
        }
        return Err(
            Diagnostic::error("VPC endpoint not deleted").detail(format!(
                "DeleteVpcEndpoints did not delete {id}: {} ({}).",
                err.and_then(|e| e.message()).unwrap_or("no reason given"),
                err.and_then(|e| e.code()).unwrap_or("no code")
            )),
        );
    }
    ctx.report(&format!("waiting for VPC endpoint {id} to be deleted"));
    let started = Instant::now();
    while started.elapsed() < limit {
        if describe_endpoints(c, &[id.to_string()])
            .await?
            .iter()
            .all(gone)
        {
            return Ok(());
        }
        wait::pause(ctx, ctx.poll_interval, "AWS").await?;
    }
    Err(
        Diagnostic::error("VPC endpoint not deleted").detail(format!(
            "VPC endpoint {id} was still being deleted when clusterform stopped waiting."
        )),
    )
}

pub async fn find_marked(c: &Clients, creation: &Creation) -> Result<Option<Value>, Diagnostic> {
    let out = c
        .ec2
        .describe_vpc_endpoints()
        .filters(marks::filter(creation))
        .send()
        .await
        .map_err(|e| describe(ec2("DescribeVpcEndpoints", &marks::target(creation)), &e))?;
    let Some(id) = out
        .vpc_endpoints()
        .iter()
        .find(|e| !gone(e))
        .and_then(|e| e.vpc_endpoint_id())
    else {
        return Ok(None);
    };
    Ok(read_endpoints(c, &[id.to_string()], &[])
        .await?
        .pop()
        .flatten())
}

/// The endpoint's state in lower case: EC2 answers `available`, `pendingAcceptance`, …, while
/// the SDK's enum spells its variants `Available`, `PendingAcceptance`, … and so parses none
/// of them.
fn state_of(e: &Ec2Endpoint) -> String {
    e.state()
        .map(|s| s.as_str().to_ascii_lowercase())
        .unwrap_or_default()
}

/// A deleted endpoint stays listed for a while; it is gone all the same.
fn gone(e: &Ec2Endpoint) -> bool {
    matches!(state_of(e).as_str(), "deleted" | "deleting")
}

/// Many endpoints with one call; when one of them is gone EC2 fails the whole call, so they
/// are then asked for one by one.
async fn describe_endpoints(c: &Clients, ids: &[String]) -> Result<Vec<Ec2Endpoint>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    match c
        .ec2
        .describe_vpc_endpoints()
        .set_vpc_endpoint_ids(Some(ids.to_vec()))
        .send()
        .await
    {
        Ok(o) => Ok(o.vpc_endpoints().to_vec()),
        Err(e) if code(&e).as_deref() == Some("InvalidVpcEndpointId.NotFound") && ids.len() > 1 => {
            let mut out = Vec::new();
            for id in ids {
                out.extend(Box::pin(describe_endpoints(c, std::slice::from_ref(id))).await?);
            }
            Ok(out)
        }
        Err(e) if code(&e).as_deref() == Some("InvalidVpcEndpointId.NotFound") => Ok(Vec::new()),
        Err(e) => Err(describe(ec2("DescribeVpcEndpoints", &ids.join(", ")), &e)),
    }
}

/// The states of the endpoints `ids`; `known` (the prior states or the plan, in the same
/// order, or none) gives the policy's text when EC2's says the same.
pub async fn read_endpoints(
    c: &Clients,
    ids: &[String],
    known: &[Value],
) -> Result<Vec<Option<Value>>, Diagnostic> {
    let found: Vec<Ec2Endpoint> = describe_endpoints(c, ids)
        .await?
        .into_iter()
        .filter(|e| !gone(e))
        .collect();
    let lists = prefix_lists(c, &found).await?;
    let mut by_id: HashMap<String, Value> = found
        .iter()
        .map(|e| {
            (
                e.vpc_endpoint_id().unwrap_or_default().to_string(),
                endpoint_value(c, e, &lists),
            )
        })
        .collect();
    Ok(ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut v = by_id.remove(id)?;
            let prior = known.get(i).and_then(|k| str_of(k, "policy"));
            if let (Some(prior), Value::Object(m)) = (prior, &mut v) {
                if str_of(&Value::Object(m.clone()), "policy").is_some_and(|p| equivalent(p, prior))
                {
                    m.insert("policy".into(), Value::from(prior));
                }
            }
            Some(v)
        })
        .collect())
}

/// A service's prefix list: its ID and address ranges, by service name.
type PrefixLists = BTreeMap<String, (String, Vec<String>)>;

/// The prefix lists of the Gateway endpoints' services, with one DescribePrefixLists call.
async fn prefix_lists(c: &Clients, found: &[Ec2Endpoint]) -> Result<PrefixLists, Diagnostic> {
    let names: BTreeSet<String> = found
        .iter()
        .filter(|e| e.vpc_endpoint_type() == Some(&VpcEndpointType::Gateway))
        .filter_map(|e| e.service_name().map(str::to_string))
        .collect();
    if names.is_empty() {
        return Ok(PrefixLists::new());
    }
    let names: Vec<String> = names.into_iter().collect();
    let out = c
        .ec2
        .describe_prefix_lists()
        .filters(
            Filter::builder()
                .name("prefix-list-name")
                .set_values(Some(names.clone()))
                .build(),
        )
        .send()
        .await
        .map_err(|e| describe(ec2("DescribePrefixLists", &names.join(", ")), &e))?;
    Ok(out
        .prefix_lists()
        .iter()
        .filter_map(|p| {
            Some((
                p.prefix_list_name()?.to_string(),
                (p.prefix_list_id()?.to_string(), p.cidrs().to_vec()),
            ))
        })
        .collect())
}

fn endpoint_value(c: &Clients, e: &Ec2Endpoint, lists: &PrefixLists) -> Value {
    let (tags, tags_all) = tag_values(e.tags(), &c.default_tags);
    let id = e.vpc_endpoint_id().unwrap_or_default();
    let owner = e.owner_id().unwrap_or_default();
    let set = |items: Vec<&str>| Value::set(items.into_iter().map(Value::from).collect());
    let list = lists.get(e.service_name().unwrap_or_default());
    Value::object([
        ("id", Value::from(id)),
        (
            "arn",
            Value::from(format!(
                "arn:aws:ec2:{}:{owner}:vpc-endpoint/{id}",
                c.region
            )),
        ),
        ("vpc_id", s(e.vpc_id())),
        ("service_name", s(e.service_name())),
        (
            "vpc_endpoint_type",
            s(e.vpc_endpoint_type().map(|t| t.as_str())),
        ),
        // Not something EC2 reports: it only matters when the endpoint is made.
        ("auto_accept", Value::Null),
        (
            "private_dns_enabled",
            Value::from(e.private_dns_enabled().unwrap_or(false)),
        ),
        (
            "route_table_ids",
            set(e.route_table_ids().iter().map(String::as_str).collect()),
        ),
        (
            "subnet_ids",
            set(e.subnet_ids().iter().map(String::as_str).collect()),
        ),
        (
            "security_group_ids",
            set(e.groups().iter().filter_map(|g| g.group_id()).collect()),
        ),
        ("policy", s(e.policy_document())),
        (
            "cidr_blocks",
            Value::List(
                list.map(|(_, cidrs)| cidrs.iter().map(|c| Value::from(c.as_str())).collect())
                    .unwrap_or_default(),
            ),
        ),
        (
            "prefix_list_id",
            list.map_or(Value::Null, |(id, _)| Value::from(id.as_str())),
        ),
        (
            "dns_entry",
            Value::List(
                e.dns_entries()
                    .iter()
                    .map(|d| {
                        Value::object([
                            ("dns_name", s(d.dns_name())),
                            ("hosted_zone_id", s(d.hosted_zone_id())),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "network_interface_ids",
            set(e
                .network_interface_ids()
                .iter()
                .map(String::as_str)
                .collect()),
        ),
        ("owner_id", Value::from(owner)),
        (
            "requester_managed",
            Value::from(e.requester_managed().unwrap_or(false)),
        ),
        ("state", s(e.state().map(|s| s.as_str()))),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}
