//! `aws_eks_node_group` against the EKS API.
//!
//! <https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html>

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use aws_sdk_eks::types::{
    AmiTypes, CapacityTypes, LaunchTemplateSpecification, NodeRepairConfig, Nodegroup,
    NodegroupScalingConfig, NodegroupStatus, NodegroupUpdateConfig, RemoteAccessConfig, Taint,
    TaintEffect, UpdateLabelsPayload, UpdateTaintsPayload,
};

use super::schema::first;
use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::resources::eks_cluster::outcome;
use crate::providers::aws::resources::iam_role::generated_name;
use crate::providers::aws::resources::{eks, s, string_of as text, strings};
use crate::providers::aws::tags::{split_tags, string_map, sync_eks_tags};
use crate::providers::kit::wait;
use crate::providers::{already_exists, Creation, OperationContext, CREATION_TAG};
use crate::value::Value;

/// How long to retry while another update of the group runs, and how long a group may take
/// to become ACTIVE or to go (Terraform's default is 60 minutes for each).
const BUSY_LIMIT: Duration = Duration::from_secs(30 * 60);
const WAIT_LIMIT: Duration = Duration::from_secs(60 * 60);

fn num(v: Option<&Value>, key: &str) -> Option<i32> {
    v?.get(key)?.as_number()?.as_i64().map(|n| n as i32)
}

/// DescribeNodegroup; `None` when the group (or its cluster) does not exist.
async fn describe_group(
    c: &Clients,
    cluster: &str,
    name: &str,
) -> Result<Option<Nodegroup>, Diagnostic> {
    match c
        .eks
        .describe_nodegroup()
        .cluster_name(cluster)
        .nodegroup_name(name)
        .send()
        .await
    {
        Ok(o) => Ok(o.nodegroup().cloned()),
        Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(describe(
            eks("DescribeNodegroup", &format!("{cluster}:{name}")),
            &e,
        )),
    }
}

/// The group's state; `known` (the prior state or the plan) gives what EKS does not report.
pub async fn get(
    c: &Clients,
    cluster: &str,
    name: &str,
    known: Option<&Value>,
) -> Result<Option<Value>, Diagnostic> {
    Ok(describe_group(c, cluster, name)
        .await?
        .map(|g| to_value(&g, known, &c.default_tags)))
}

/// The group at `cluster:name`, if it carries the mark of `creation`.
pub async fn find_marked(
    c: &Clients,
    cluster: &str,
    name: &str,
    creation: &Creation,
) -> Result<Option<Value>, Diagnostic> {
    let Some(g) = describe_group(c, cluster, name).await? else {
        return Ok(None);
    };
    let mark = g
        .tags()
        .and_then(|t| t.get(CREATION_TAG))
        .map(String::as_str);
    Ok(creation
        .marks(mark)
        .then(|| to_value(&g, None, &c.default_tags)))
}

fn block(items: Vec<(&str, Value)>) -> Value {
    Value::List(vec![Value::object(items)])
}

fn to_value(
    g: &Nodegroup,
    known: Option<&Value>,
    default_tags: &BTreeMap<String, String>,
) -> Value {
    // What EKS does not report: the configuration's, never a value unknown at plan time.
    let kept = |k: &str| {
        known
            .and_then(|v| v.get(k))
            .filter(|v| !v.is_unknown())
            .cloned()
            .unwrap_or(Value::Null)
    };
    let strings_of = |items: &[String]| {
        items
            .iter()
            .map(|i| Value::from(i.as_str()))
            .collect::<Vec<_>>()
    };
    let scaling = g.scaling_config().map_or(Value::List(vec![]), |sc| {
        let n = |v: Option<i32>| v.map_or(Value::Null, |n| Value::from(i64::from(n)));
        block(vec![
            ("desired_size", n(sc.desired_size())),
            ("min_size", n(sc.min_size())),
            ("max_size", n(sc.max_size())),
        ])
    });
    let update = g.update_config().map_or(Value::List(vec![]), |u| {
        let n = |v: Option<i32>| v.map_or(Value::Null, |n| Value::from(i64::from(n)));
        block(vec![
            ("max_unavailable", n(u.max_unavailable())),
            (
                "max_unavailable_percentage",
                n(u.max_unavailable_percentage()),
            ),
        ])
    });
    let repair = g.node_repair_config().map_or(Value::List(vec![]), |r| {
        block(vec![(
            "enabled",
            r.enabled().map_or(Value::Null, Value::Bool),
        )])
    });
    let remote = g.remote_access().map_or(Value::List(vec![]), |r| {
        let groups = r.source_security_groups();
        block(vec![
            ("ec2_ssh_key", s(r.ec2_ssh_key())),
            (
                "source_security_group_ids",
                if groups.is_empty() {
                    Value::Null
                } else {
                    Value::set(strings_of(groups))
                },
            ),
        ])
    });
    let template = g.launch_template().map_or(Value::List(vec![]), |t| {
        block(vec![
            ("id", s(t.id())),
            ("name", s(t.name())),
            ("version", s(t.version())),
        ])
    });
    let labels = g
        .labels()
        .filter(|l| !l.is_empty())
        .map_or(Value::Null, |l| {
            Value::object(l.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))))
        });
    let taints = Value::set(
        g.taints()
            .iter()
            .map(|t| {
                Value::object([
                    ("key", s(t.key())),
                    ("value", s(t.value())),
                    (
                        "effect",
                        t.effect().map_or(Value::Null, |e| Value::from(e.as_str())),
                    ),
                ])
            })
            .collect(),
    );
    let resources = g.resources().map_or(Value::List(vec![]), |r| {
        Value::List(vec![Value::object([
            (
                "autoscaling_groups",
                Value::List(
                    r.auto_scaling_groups()
                        .iter()
                        .map(|a| Value::object([("name", s(a.name()))]))
                        .collect(),
                ),
            ),
            (
                "remote_access_security_group_id",
                s(r.remote_access_security_group()),
            ),
        ])])
    });
    let tag_pairs: Vec<(&str, &str)> = g
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
        .unwrap_or_default();
    let (tags, tags_all) = split_tags(tag_pairs.into_iter(), default_tags);
    let (cluster, name) = (
        g.cluster_name().unwrap_or_default(),
        g.nodegroup_name().unwrap_or_default(),
    );
    Value::object([
        ("id", Value::from(format!("{cluster}:{name}"))),
        ("arn", s(g.nodegroup_arn())),
        (
            "status",
            g.status()
                .map_or(Value::Null, |st| Value::from(st.as_str())),
        ),
        ("cluster_name", Value::from(cluster)),
        ("node_group_name", Value::from(name)),
        ("node_group_name_prefix", kept("node_group_name_prefix")),
        ("node_role_arn", s(g.node_role())),
        ("subnet_ids", Value::set(strings_of(g.subnets()))),
        (
            "ami_type",
            g.ami_type()
                .map_or(Value::Null, |a| Value::from(a.as_str())),
        ),
        (
            "capacity_type",
            g.capacity_type()
                .map_or(Value::Null, |t| Value::from(t.as_str())),
        ),
        (
            "disk_size",
            g.disk_size()
                .map_or(Value::Null, |d| Value::from(i64::from(d))),
        ),
        (
            "instance_types",
            Value::List(strings_of(g.instance_types())),
        ),
        ("version", s(g.version())),
        ("release_version", s(g.release_version())),
        ("force_update_version", kept("force_update_version")),
        ("labels", labels),
        ("resources", resources),
        ("scaling_config", scaling),
        ("update_config", update),
        ("node_repair_config", repair),
        ("remote_access", remote),
        ("launch_template", template),
        ("taint", taints),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}

fn scaling_request(v: &Value) -> Option<NodegroupScalingConfig> {
    let sc = first(v, "scaling_config")?;
    Some(
        NodegroupScalingConfig::builder()
            .set_desired_size(num(Some(sc), "desired_size"))
            .set_min_size(num(Some(sc), "min_size"))
            .set_max_size(num(Some(sc), "max_size"))
            .build(),
    )
}

fn update_request(v: &Value) -> Option<NodegroupUpdateConfig> {
    let u = first(v, "update_config")?;
    Some(
        NodegroupUpdateConfig::builder()
            .set_max_unavailable(num(Some(u), "max_unavailable"))
            .set_max_unavailable_percentage(num(Some(u), "max_unavailable_percentage"))
            .build(),
    )
}

fn repair_request(v: &Value) -> Option<NodeRepairConfig> {
    let r = first(v, "node_repair_config")?;
    Some(
        NodeRepairConfig::builder()
            .set_enabled(r.get("enabled").and_then(Value::as_bool))
            .build(),
    )
}

fn template_request(v: &Value, with_version: bool) -> Option<LaunchTemplateSpecification> {
    let t = first(v, "launch_template")?;
    let id = text(t, "id");
    // By id or by name, not both: the id wins when both are known.
    let name = if id.is_some() { None } else { text(t, "name") };
    let version = if with_version {
        text(t, "version")
    } else {
        None
    };
    Some(
        LaunchTemplateSpecification::builder()
            .set_id(id)
            .set_name(name)
            .set_version(version)
            .build(),
    )
}

fn taints_of(v: &Value) -> Vec<Value> {
    v.get("taint")
        .and_then(Value::as_items)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

fn taint(t: &Value) -> Taint {
    Taint::builder()
        .set_key(text(t, "key"))
        .set_value(text(t, "value"))
        .set_effect(text(t, "effect").map(|e| TaintEffect::from(e.as_str())))
        .build()
}

pub async fn create(
    c: &Clients,
    planned: &Value,
    creation: Option<&Creation>,
    ctx: &OperationContext,
) -> Result<Value, Diagnostic> {
    let cluster = text(planned, "cluster_name").unwrap_or_default();
    let name = text(planned, "node_group_name").unwrap_or_else(|| {
        generated_name(
            text(planned, "node_group_name_prefix")
                .as_deref()
                .unwrap_or("terraform-"),
        )
    });
    let target = format!("{cluster}:{name}");
    let token = creation.map_or_else(|| uuid::Uuid::new_v4().to_string(), |c| c.id.clone());
    let remote = first(planned, "remote_access").map(|r| {
        RemoteAccessConfig::builder()
            .set_ec2_ssh_key(text(r, "ec2_ssh_key"))
            .set_source_security_groups(
                Some(strings(r.get("source_security_group_ids"))).filter(|g| !g.is_empty()),
            )
            .build()
    });
    let labels: HashMap<String, String> = string_map(planned.get("labels")).into_iter().collect();
    let tags: HashMap<String, String> = string_map(planned.get("tags_all")).into_iter().collect();
    let instance_types = strings(planned.get("instance_types"));
    let result = c
        .eks
        .create_nodegroup()
        .cluster_name(&cluster)
        .nodegroup_name(&name)
        .node_role(text(planned, "node_role_arn").unwrap_or_default())
        .set_subnets(Some(strings(planned.get("subnet_ids"))))
        .set_scaling_config(scaling_request(planned))
        .set_update_config(update_request(planned))
        .set_node_repair_config(repair_request(planned))
        .set_ami_type(text(planned, "ami_type").map(|a| AmiTypes::from(a.as_str())))
        .set_capacity_type(text(planned, "capacity_type").map(|t| CapacityTypes::from(t.as_str())))
        .set_disk_size(
            planned
                .get("disk_size")
                .and_then(Value::as_number)
                .and_then(|n| n.as_i64())
                .map(|n| n as i32),
        )
        .set_instance_types(Some(instance_types).filter(|t| !t.is_empty()))
        .set_version(text(planned, "version"))
        .set_release_version(text(planned, "release_version"))
        .set_remote_access(remote)
        .set_launch_template(template_request(planned, true))
        .set_labels(Some(labels).filter(|l| !l.is_empty()))
        .set_taints(
            Some(taints_of(planned).iter().map(taint).collect::<Vec<_>>())
                .filter(|t| !t.is_empty()),
        )
        .set_tags(Some(tags))
        .client_request_token(token)
        .send()
        .await;
    if let Err(e) = result {
        if code(&e).as_deref() != Some("ResourceInUseException") {
            return Err(describe(eks("CreateNodegroup", &target), &e)
                .hint("a node group needs an ACTIVE cluster, a node role EKS may pass to EC2, and subnets of the cluster's VPC"));
        }
        // The name is taken: only a group this very attempt made is ours to finish.
        match creation {
            Some(cr) if find_marked(c, &cluster, &name, cr).await?.is_some() => {
                ctx.report("found the node group an interrupted apply of this state started creating; finishing it")
            }
            _ => {
                return Err(already_exists(
                    &format!("Node group {name} of cluster {cluster}"),
                    &target,
                    "CreateNodegroup answered ResourceInUseException: the cluster has a node group with this name.",
                ))
            }
        }
    }
    ctx.report(
        "EKS accepted the node group; waiting for its nodes to join (this usually takes 3 minutes)",
    );
    let g = wait_active(c, &cluster, &name, ctx).await?;
    Ok(to_value(&g, Some(planned), &c.default_tags))
}

async fn wait_active(
    c: &Clients,
    cluster: &str,
    name: &str,
    ctx: &OperationContext,
) -> Result<Nodegroup, Diagnostic> {
    let started = Instant::now();
    loop {
        let g = describe_group(c, cluster, name).await?.ok_or_else(|| {
            Diagnostic::error("Node group disappeared").detail(format!(
                "EKS no longer knows node group {name} of cluster {cluster} while waiting for it to become ACTIVE."
            ))
        })?;
        match g.status() {
            Some(NodegroupStatus::Active) => return Ok(g),
            Some(NodegroupStatus::CreateFailed | NodegroupStatus::Degraded) => {
                return Err(Diagnostic::error("Node group failed").detail(format!(
                    "EKS reports node group {name} of cluster {cluster} as {}: {}",
                    g.status().map(|st| st.as_str()).unwrap_or("?"),
                    health(&g)
                ))
                .hint("nodes that cannot join usually lack a route to the API server, to ECR and S3, or the node role's managed policies"))
            }
            _ => {}
        }
        if started.elapsed() > WAIT_LIMIT {
            return Err(Diagnostic::error("Timed out").detail(format!(
                "Node group {name} of cluster {cluster} did not become ACTIVE within {} minutes.",
                WAIT_LIMIT.as_secs() / 60
            )));
        }
        wait::pause(ctx, ctx.poll_interval, "AWS").await?;
    }
}

/// The health issues EKS reports, in words.
fn health(g: &Nodegroup) -> String {
    let issues: Vec<String> = g
        .health()
        .map(|h| {
            h.issues()
                .iter()
                .map(|i| {
                    format!(
                        "{}: {}",
                        i.code().map(|c| c.as_str()).unwrap_or("Issue"),
                        i.message().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if issues.is_empty() {
        "no health issue given".into()
    } else {
        issues.join("; ")
    }
}

/// One of the two kinds of node group update.
enum Change {
    Version,
    Config,
}

pub async fn update(
    c: &Clients,
    prior: &Value,
    planned: &Value,
    ctx: &OperationContext,
) -> Result<Value, Diagnostic> {
    let cluster = text(prior, "cluster_name").unwrap_or_default();
    let name = text(prior, "node_group_name").unwrap_or_default();
    let changed = |k: &str| prior.get(k) != planned.get(k);
    let template_version = |v: &Value| {
        first(v, "launch_template")
            .and_then(|t| t.get("version"))
            .cloned()
    };
    if changed("version")
        || changed("release_version")
        || template_version(prior) != template_version(planned)
    {
        run(c, &cluster, &name, prior, planned, Change::Version, ctx).await?;
    }
    if [
        "labels",
        "scaling_config",
        "taint",
        "update_config",
        "node_repair_config",
    ]
    .iter()
    .any(|k| changed(k))
    {
        run(c, &cluster, &name, prior, planned, Change::Config, ctx).await?;
    }
    sync_eks_tags(c, &text(prior, "arn").unwrap_or_default(), prior, planned).await?;
    let g = wait_active(c, &cluster, &name, ctx).await?;
    Ok(to_value(&g, Some(planned), &c.default_tags))
}

/// Sends one update, retrying while EKS is busy with another, and waits until it succeeds.
async fn run(
    c: &Clients,
    cluster: &str,
    name: &str,
    prior: &Value,
    planned: &Value,
    change: Change,
    ctx: &OperationContext,
) -> Result<(), Diagnostic> {
    let target = format!("{cluster}:{name}");
    let token = uuid::Uuid::new_v4().to_string();
    let (operation, kind) = match change {
        Change::Version => ("UpdateNodegroupVersion", "version update"),
        Change::Config => ("UpdateNodegroupConfig", "configuration update"),
    };
    let started = Instant::now();
    let mut backoff = ctx.poll_interval;
    loop {
        wait_active(c, cluster, name, ctx).await?;
        let sent = match change {
            Change::Version => {
                let changed = |k: &str| prior.get(k) != planned.get(k);
                c.eks
                    .update_nodegroup_version()
                    .cluster_name(cluster)
                    .nodegroup_name(name)
                    .set_version(text(planned, "version").filter(|_| changed("version")))
                    .set_release_version(
                        text(planned, "release_version").filter(|_| changed("release_version")),
                    )
                    .set_launch_template(template_request(planned, true))
                    .force(
                        planned
                            .get("force_update_version")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                    )
                    .client_request_token(&token)
                    .send()
                    .await
                    .map(|o| o.update().cloned())
                    .map_err(|e| (code(&e), describe(eks(operation, &target), &e)))
            }
            Change::Config => config_call(c, cluster, name, prior, planned, &token)
                .send()
                .await
                .map(|o| o.update().cloned())
                .map_err(|e| (code(&e), describe(eks(operation, &target), &e))),
        };
        match sent {
            Ok(Some(u)) => {
                return wait_update(c, cluster, name, u.id().unwrap_or_default(), kind, ctx).await
            }
            Ok(None) => return wait_active(c, cluster, name, ctx).await.map(drop),
            Err((Some(code), _))
                if code == "ResourceInUseException" && started.elapsed() < BUSY_LIMIT =>
            {
                ctx.report(&format!(
                    "another update of {target} is in progress; retrying the {kind} in {}s",
                    backoff.as_secs().max(1)
                ));
                wait::pause(ctx, backoff, "AWS").await?;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
            Err((_, d)) => return Err(d),
        }
    }
}

/// UpdateNodegroupConfig with only what changed: labels and taints as additions and
/// removals, the scaling, update and repair settings when they differ.
fn config_call(
    c: &Clients,
    cluster: &str,
    name: &str,
    prior: &Value,
    planned: &Value,
    token: &str,
) -> aws_sdk_eks::operation::update_nodegroup_config::builders::UpdateNodegroupConfigFluentBuilder {
    let changed = |k: &str| prior.get(k) != planned.get(k);
    let mut call = c
        .eks
        .update_nodegroup_config()
        .cluster_name(cluster)
        .nodegroup_name(name)
        .client_request_token(token);
    if changed("labels") {
        let (old, new) = (
            string_map(prior.get("labels")),
            string_map(planned.get("labels")),
        );
        let add: HashMap<String, String> = new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let remove: Vec<String> = old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect();
        call = call.labels(
            UpdateLabelsPayload::builder()
                .set_add_or_update_labels(Some(add).filter(|a| !a.is_empty()))
                .set_remove_labels(Some(remove).filter(|r| !r.is_empty()))
                .build(),
        );
    }
    if changed("taint") {
        let (old, new) = (taints_of(prior), taints_of(planned));
        // A taint is known by its key and effect; a new value for the same pair is an update.
        let same_slot = |a: &Value, b: &Value| {
            a.get("key") == b.get("key") && a.get("effect") == b.get("effect")
        };
        let add: Vec<Taint> = new
            .iter()
            .filter(|t| !old.iter().any(|o| o.same_as(t)))
            .map(taint)
            .collect();
        let remove: Vec<Taint> = old
            .iter()
            .filter(|o| !new.iter().any(|t| same_slot(o, t)))
            .map(taint)
            .collect();
        call = call.taints(
            UpdateTaintsPayload::builder()
                .set_add_or_update_taints(Some(add).filter(|a| !a.is_empty()))
                .set_remove_taints(Some(remove).filter(|r| !r.is_empty()))
                .build(),
        );
    }
    if changed("scaling_config") {
        call = call.set_scaling_config(scaling_request(planned));
    }
    if changed("update_config") {
        call = call.set_update_config(update_request(planned));
    }
    if changed("node_repair_config") {
        call = call.set_node_repair_config(repair_request(planned));
    }
    call
}

async fn wait_update(
    c: &Clients,
    cluster: &str,
    name: &str,
    id: &str,
    kind: &str,
    ctx: &OperationContext,
) -> Result<(), Diagnostic> {
    ctx.report(&format!("{kind} {id} started"));
    let whose = format!("node group {name} of cluster {cluster}");
    let started = Instant::now();
    loop {
        let out = c
            .eks
            .describe_update()
            .name(cluster)
            .nodegroup_name(name)
            .update_id(id)
            .send()
            .await
            .map_err(|e| describe(eks("DescribeUpdate", &format!("{cluster}:{name} {id}")), &e))?;
        if let Some(done) = out.update().and_then(|u| outcome(u, &whose, kind)) {
            return done;
        }
        if started.elapsed() > WAIT_LIMIT {
            return Err(Diagnostic::error("Timed out").detail(format!(
                "The {kind} {id} of {whose} did not finish within {} minutes.",
                WAIT_LIMIT.as_secs() / 60
            )));
        }
        wait::pause(ctx, ctx.poll_interval, "AWS").await?;
    }
}

pub async fn delete(c: &Clients, prior: &Value, ctx: &OperationContext) -> Result<(), Diagnostic> {
    let cluster = text(prior, "cluster_name").unwrap_or_default();
    let name = text(prior, "node_group_name").unwrap_or_default();
    let target = format!("{cluster}:{name}");
    let started = Instant::now();
    let mut backoff = ctx.poll_interval;
    loop {
        match c
            .eks
            .delete_nodegroup()
            .cluster_name(&cluster)
            .nodegroup_name(&name)
            .send()
            .await
        {
            Ok(_) => break,
            Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => return Ok(()),
            Err(e)
                if code(&e).as_deref() == Some("ResourceInUseException")
                    && started.elapsed() < BUSY_LIMIT =>
            {
                ctx.report(&format!(
                    "an update of {target} is in progress; retrying the delete"
                ));
                wait::pause(ctx, backoff, "AWS").await?;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
            Err(e) => return Err(describe(eks("DeleteNodegroup", &target), &e)),
        }
    }
    ctx.report(&format!("waiting for node group {target} to drain and go"));
    while let Some(g) = describe_group(c, &cluster, &name).await? {
        if g.status() == Some(&NodegroupStatus::DeleteFailed) {
            return Err(
                Diagnostic::error("Node group delete failed").detail(format!(
                    "EKS could not delete node group {target}: {}",
                    health(&g)
                )),
            );
        }
        if started.elapsed() > WAIT_LIMIT {
            return Err(Diagnostic::error("Timed out").detail(format!(
                "Node group {target} was not deleted within {} minutes.",
                WAIT_LIMIT.as_secs() / 60
            )));
        }
        wait::pause(ctx, ctx.poll_interval, "AWS").await?;
    }
    Ok(())
}
