//! `aws_eks_cluster` against the EKS API: create and wait for ACTIVE, one update kind at a time
//! with DescribeUpdate polling, and delete until gone.
//!
//! <https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterConfig.html>

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_sdk_eks::types::{
    AuthenticationMode, Cluster, CreateAccessConfigRequest, LogSetup, LogType, Logging,
    SupportType, Update, UpdateAccessConfigRequest, UpdateStatus, UpgradePolicyRequest,
    VpcConfigRequest, ZonalShiftConfigRequest,
};

use super::endpoint::EndpointAccess;
use super::settings::{self, SettingUpdate};
use super::updates::{updates, ClusterUpdate};
use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::resources::{eks, strings};
use crate::providers::kit::wait;
use crate::providers::{already_exists, Creation, OperationContext, CREATION_TAG};
use crate::value::Value;

/// How long to keep retrying while EKS says another update is running.
const BUSY_LIMIT: Duration = Duration::from_secs(30 * 60);
/// How long a cluster may take to become ACTIVE or to disappear (Terraform's default is 30 min).
const WAIT_LIMIT: Duration = Duration::from_secs(45 * 60);

fn set(items: &[String]) -> Value {
    Value::set(items.iter().map(|s| Value::from(s.as_str())).collect())
}

/// The cluster as state records it, with Terraform's attribute names.
pub fn to_value(c: &Cluster, default_tags: &BTreeMap<String, String>) -> Value {
    let s = |v: Option<&str>| v.map_or(Value::Null, Value::from);
    let vpc = c.resources_vpc_config();
    let enabled_logs: Vec<String> = c
        .logging()
        .map(|l| {
            l.cluster_logging()
                .iter()
                .filter(|s| s.enabled() == Some(true))
                .flat_map(|s| s.types().iter().map(|t| t.as_str().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let all_tags: BTreeMap<String, String> = c
        .tags()
        .map(|t| {
            t.iter()
                .filter(|(k, _)| k.as_str() != CREATION_TAG)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let own_tags: BTreeMap<String, Value> = all_tags
        .iter()
        .filter(|(k, v)| default_tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    let mut v = Value::object([
        ("id", s(c.name())),
        ("name", s(c.name())),
        ("arn", s(c.arn())),
        ("role_arn", s(c.role_arn())),
        ("version", s(c.version())),
        ("endpoint", s(c.endpoint())),
        (
            "status",
            c.status().map_or(Value::Null, |s| Value::from(s.as_str())),
        ),
        ("platform_version", s(c.platform_version())),
        (
            "created_at",
            c.created_at()
                .map_or(Value::Null, |t| Value::from(t.to_string())),
        ),
        (
            "certificate_authority",
            Value::List(vec![Value::object([(
                "data",
                s(c.certificate_authority().and_then(|ca| ca.data())),
            )])]),
        ),
        (
            "identity",
            Value::List(vec![Value::object([(
                "oidc",
                Value::List(vec![Value::object([(
                    "issuer",
                    s(c.identity().and_then(|i| i.oidc()).and_then(|o| o.issuer())),
                )])]),
            )])]),
        ),
        (
            "enabled_cluster_log_types",
            if enabled_logs.is_empty() {
                Value::Null
            } else {
                set(&enabled_logs)
            },
        ),
        (
            "tags",
            if own_tags.is_empty() {
                Value::Null
            } else {
                Value::Object(own_tags)
            },
        ),
        (
            "tags_all",
            Value::Object(
                all_tags
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                    .collect(),
            ),
        ),
        (
            "access_config",
            c.access_config().map_or(Value::List(vec![]), |a| {
                Value::List(vec![Value::object([
                    (
                        "authentication_mode",
                        a.authentication_mode()
                            .map_or(Value::Null, |m| Value::from(m.as_str())),
                    ),
                    (
                        "bootstrap_cluster_creator_admin_permissions",
                        a.bootstrap_cluster_creator_admin_permissions()
                            .map_or(Value::Null, Value::Bool),
                    ),
                ])])
            }),
        ),
        (
            "vpc_config",
            Value::List(vec![Value::object([
                (
                    "subnet_ids",
                    set(vpc.map(|v| v.subnet_ids()).unwrap_or_default()),
                ),
                ("security_group_ids", {
                    let sgs = vpc.map(|v| v.security_group_ids()).unwrap_or_default();
                    if sgs.is_empty() {
                        Value::Null
                    } else {
                        set(sgs)
                    }
                }),
                (
                    "endpoint_public_access",
                    Value::Bool(vpc.is_some_and(|v| v.endpoint_public_access())),
                ),
                (
                    "endpoint_private_access",
                    Value::Bool(vpc.is_some_and(|v| v.endpoint_private_access())),
                ),
                (
                    "public_access_cidrs",
                    set(vpc.map(|v| v.public_access_cidrs()).unwrap_or_default()),
                ),
                (
                    "cluster_security_group_id",
                    s(vpc.and_then(|v| v.cluster_security_group_id())),
                ),
                ("vpc_id", s(vpc.and_then(|v| v.vpc_id()))),
            ])]),
        ),
    ]);
    if let Value::Object(m) = &mut v {
        m.extend(
            settings::values(c)
                .into_iter()
                .map(|(k, x)| (k.to_string(), x)),
        );
    }
    v
}

/// DescribeCluster; `None` when the cluster does not exist.
pub async fn describe_cluster(c: &Clients, name: &str) -> Result<Option<Cluster>, Diagnostic> {
    match c.eks.describe_cluster().name(name).send().await {
        Ok(out) => Ok(out.cluster().cloned()),
        Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(describe(eks("DescribeCluster", name), &e)),
    }
}

async fn pause(ctx: &OperationContext, d: Duration) -> Result<(), Diagnostic> {
    wait::pause(ctx, d, "AWS").await
}

/// Polls until the cluster is ACTIVE; FAILED is an error.
async fn wait_active(
    c: &Clients,
    name: &str,
    ctx: &OperationContext,
) -> Result<Cluster, Diagnostic> {
    let started = Instant::now();
    loop {
        let cluster = describe_cluster(c, name).await?.ok_or_else(|| {
            Diagnostic::error("Cluster disappeared").detail(format!(
                "EKS no longer knows the cluster {name} while waiting for it to become ACTIVE."
            ))
        })?;
        match cluster.status().map(|s| s.as_str()) {
            Some("ACTIVE") => return Ok(cluster),
            Some("FAILED") => {
                return Err(Diagnostic::error("Cluster creation failed")
                    .detail(format!("EKS reports the cluster {name} as FAILED."))
                    .hint(
                        "check the role's trust policy and the subnets, then replace the cluster",
                    ))
            }
            _ => {}
        }
        if started.elapsed() > WAIT_LIMIT {
            return Err(Diagnostic::error("Timed out").detail(format!(
                "The cluster {name} did not become ACTIVE within {} minutes.",
                WAIT_LIMIT.as_secs() / 60
            )));
        }
        pause(ctx, ctx.poll_interval).await?;
    }
}

fn vpc_request(planned: &Value) -> VpcConfigRequest {
    let vpc = super::endpoint::vpc_config(planned);
    let access = vpc.and_then(EndpointAccess::from_vpc_config);
    let mut b = VpcConfigRequest::builder()
        .set_subnet_ids(Some(strings(vpc.and_then(|v| v.get("subnet_ids")))))
        .set_security_group_ids(Some(strings(vpc.and_then(|v| v.get("security_group_ids")))));
    if let Some(a) = access {
        b = b
            .endpoint_public_access(a.public)
            .endpoint_private_access(a.private);
        if a.public {
            b = b.set_public_access_cidrs(Some(a.public_cidrs));
        }
    }
    b.build()
}

fn logging(enabled: &[String], disabled: &[String]) -> Logging {
    let setup = |types: &[String], on: bool| {
        LogSetup::builder()
            .set_types(Some(
                types.iter().map(|t| LogType::from(t.as_str())).collect(),
            ))
            .enabled(on)
            .build()
    };
    let mut b = Logging::builder();
    if !enabled.is_empty() {
        b = b.cluster_logging(setup(enabled, true));
    }
    if !disabled.is_empty() {
        b = b.cluster_logging(setup(disabled, false));
    }
    b.build()
}

fn tag_map(v: Option<&Value>) -> std::collections::HashMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

pub async fn create(
    c: &Clients,
    planned: &Value,
    creation: Option<&Creation>,
    default_tags: &BTreeMap<String, String>,
    ctx: &OperationContext,
) -> Result<Value, Diagnostic> {
    let name = planned
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    // The same token for the same attempt: EKS answers a repeated request as the first one.
    let token = creation.map_or_else(|| uuid::Uuid::new_v4().to_string(), |c| c.id.clone());
    // The creation mark is in tags_all already (`providers::with_creation_tag`).
    let tags = tag_map(planned.get("tags_all"));
    let logs = strings(planned.get("enabled_cluster_log_types"));
    let mut call = c
        .eks
        .create_cluster()
        .name(&name)
        .set_role_arn(
            planned
                .get("role_arn")
                .and_then(Value::as_str)
                .map(str::to_string),
        )
        .resources_vpc_config(vpc_request(planned))
        .client_request_token(token)
        .set_tags(Some(tags));
    if let Some(v) = planned.get("version").and_then(Value::as_str) {
        call = call.version(v);
    }
    if !logs.is_empty() {
        call = call.logging(logging(&logs, &[]));
    }
    if let Some(access) = planned
        .get("access_config")
        .and_then(Value::as_items)
        .and_then(|a| a.first())
    {
        call = call.access_config(
            CreateAccessConfigRequest::builder()
                .set_authentication_mode(
                    access
                        .get("authentication_mode")
                        .and_then(Value::as_str)
                        .map(AuthenticationMode::from),
                )
                .set_bootstrap_cluster_creator_admin_permissions(
                    access
                        .get("bootstrap_cluster_creator_admin_permissions")
                        .and_then(Value::as_bool),
                )
                .build(),
        );
    }
    call = settings::on_create(call, planned);
    if let Err(e) = call.send().await {
        if code(&e).as_deref() != Some("ResourceInUseException") {
            return Err(describe(eks("CreateCluster", &name), &e));
        }
        // The name is taken. Only the cluster this very attempt made (an earlier run was
        // stopped after sending it) is ours to finish; any other belongs to someone else.
        let existing = describe_cluster(c, &name).await?;
        let mark = existing
            .as_ref()
            .and_then(|cl| cl.tags())
            .and_then(|t| t.get(CREATION_TAG))
            .map(String::as_str);
        match creation {
            Some(cr) if cr.marks(mark) => ctx.report(
                "found the cluster an interrupted apply of this state started creating; finishing it",
            ),
            _ => {
                return Err(already_exists(
                    &format!("EKS cluster {name}"),
                    &name,
                    &format!("CreateCluster({name}) answered ResourceInUseException: a cluster with this name exists in this account and region."),
                ))
            }
        }
    }
    ctx.report("EKS accepted the request; waiting for the cluster to become ACTIVE (this usually takes 10 minutes)");
    let cluster = wait_active(c, &name, ctx).await?;
    let mut v = to_value(&cluster, default_tags);
    settings::keep_local(Some(planned), &mut v);
    Ok(v)
}

/// Sends one update, retrying while EKS is busy with another, and waits for it to finish.
async fn run_update(
    c: &Clients,
    name: &str,
    update: &ClusterUpdate,
    ctx: &OperationContext,
) -> Result<(), Diagnostic> {
    let token = uuid::Uuid::new_v4().to_string();
    let started = Instant::now();
    let mut backoff = ctx.poll_interval;
    loop {
        // Don't start while the cluster is busy: EKS runs one update at a time.
        wait_active(c, name, ctx).await?;
        let result = match update {
            ClusterUpdate::Version { version, force } => c
                .eks
                .update_cluster_version()
                .name(name)
                .version(version)
                .force(*force)
                .client_request_token(&token)
                .send()
                .await
                .map(|o| o.update().and_then(|u| u.id()).map(str::to_string))
                .map_err(|e| (code(&e), describe(eks("UpdateClusterVersion", name), &e))),
            ClusterUpdate::Tags { set, remove } => {
                let arn = describe_cluster(c, name)
                    .await?
                    .and_then(|cl| cl.arn().map(str::to_string))
                    .unwrap_or_default();
                if !set.is_empty() {
                    c.eks
                        .tag_resource()
                        .resource_arn(&arn)
                        .set_tags(Some(set.iter().cloned().collect()))
                        .send()
                        .await
                        .map_err(|e| describe(eks("TagResource", name), &e))?;
                }
                if !remove.is_empty() {
                    c.eks
                        .untag_resource()
                        .resource_arn(&arn)
                        .set_tag_keys(Some(remove.clone()))
                        .send()
                        .await
                        .map_err(|e| describe(eks("UntagResource", name), &e))?;
                }
                return Ok(());
            }
            ClusterUpdate::Setting(SettingUpdate::Encryption { resources, key_arn }) => c
                .eks
                .associate_encryption_config()
                .cluster_name(name)
                .encryption_config(settings::encryption_request(
                    resources.clone(),
                    key_arn.clone(),
                ))
                .client_request_token(&token)
                .send()
                .await
                .map(|o| o.update().and_then(|u| u.id()).map(str::to_string))
                .map_err(|e| {
                    (
                        code(&e),
                        describe(eks("AssociateEncryptionConfig", name), &e),
                    )
                }),
            other => {
                let mut call = c
                    .eks
                    .update_cluster_config()
                    .name(name)
                    .client_request_token(&token);
                call = match other {
                    ClusterUpdate::EndpointAccess(a) => {
                        let mut v = VpcConfigRequest::builder()
                            .endpoint_public_access(a.public)
                            .endpoint_private_access(a.private);
                        if a.public {
                            v = v.set_public_access_cidrs(Some(a.public_cidrs.clone()));
                        }
                        call.resources_vpc_config(v.build())
                    }
                    ClusterUpdate::VpcConfig {
                        subnet_ids,
                        security_group_ids,
                    } => call.resources_vpc_config(
                        VpcConfigRequest::builder()
                            .set_subnet_ids(Some(subnet_ids.clone()))
                            .set_security_group_ids(Some(security_group_ids.clone()))
                            .build(),
                    ),
                    ClusterUpdate::Logging { enabled, disabled } => {
                        call.logging(logging(enabled, disabled))
                    }
                    ClusterUpdate::AccessConfig(mode) => call.access_config(
                        UpdateAccessConfigRequest::builder()
                            .authentication_mode(AuthenticationMode::from(mode.as_str()))
                            .build(),
                    ),
                    ClusterUpdate::Setting(SettingUpdate::UpgradePolicy(t)) => call.upgrade_policy(
                        UpgradePolicyRequest::builder()
                            .support_type(SupportType::from(t.as_str()))
                            .build(),
                    ),
                    ClusterUpdate::Setting(SettingUpdate::ZonalShift(on)) => call
                        .zonal_shift_config(
                            ZonalShiftConfigRequest::builder().enabled(*on).build(),
                        ),
                    ClusterUpdate::Setting(SettingUpdate::DeletionProtection(on)) => {
                        call.deletion_protection(*on)
                    }
                    _ => unreachable!("version, tag and encryption updates are handled above"),
                };
                call.send()
                    .await
                    .map(|o| o.update().and_then(|u| u.id()).map(str::to_string))
                    .map_err(|e| (code(&e), describe(eks("UpdateClusterConfig", name), &e)))
            }
        };
        match result {
            Ok(Some(id)) => return wait_update(c, name, &id, update.kind(), ctx).await,
            // Some implementations return no update object: the cluster's status tells instead.
            Ok(None) => return wait_active(c, name, ctx).await.map(|_| ()),
            Err((Some(code), d))
                if code == "ResourceInUseException" && started.elapsed() < BUSY_LIMIT =>
            {
                ctx.report(&format!(
                    "another update is in progress; retrying the {} in {}s",
                    update.kind(),
                    backoff.as_secs().max(1)
                ));
                let _ = d;
                pause(ctx, backoff).await?;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
            Err((_, d)) => return Err(d),
        }
    }
}

/// Polls DescribeUpdate until the update finishes, reporting its errors when it fails.
async fn wait_update(
    c: &Clients,
    name: &str,
    id: &str,
    kind: &str,
    ctx: &OperationContext,
) -> Result<(), Diagnostic> {
    ctx.report(&format!("{kind} {id} started"));
    let started = Instant::now();
    loop {
        let out = match c
            .eks
            .describe_update()
            .name(name)
            .update_id(id)
            .send()
            .await
        {
            Ok(o) => o,
            // Without DescribeUpdate (some emulators), fall back to the cluster's status.
            Err(e)
                if matches!(e, aws_sdk_eks::error::SdkError::ResponseError(_))
                    || code(&e).is_none() =>
            {
                return wait_active(c, name, ctx).await.map(|_| ());
            }
            Err(e) => return Err(describe(eks("DescribeUpdate", name), &e)),
        };
        let Some(u) = out.update() else {
            return wait_active(c, name, ctx).await.map(|_| ());
        };
        if let Some(done) = outcome(u, &format!("cluster {name}"), kind) {
            return done;
        }
        if started.elapsed() > WAIT_LIMIT {
            return Err(Diagnostic::error("Timed out").detail(format!(
                "{kind} {id} of cluster {name} did not finish within {} minutes.",
                WAIT_LIMIT.as_secs() / 60
            )));
        }
        pause(ctx, ctx.poll_interval).await?;
    }
}

/// What a finished update came to, `None` while it runs; `whose` names what it updates
/// ("cluster x", "node group y of cluster x"). Shared with the types EKS updates the same way.
pub fn outcome(u: &Update, whose: &str, kind: &str) -> Option<Result<(), Diagnostic>> {
    let id = u.id().unwrap_or_default();
    match u.status() {
        Some(UpdateStatus::Successful) => Some(Ok(())),
        Some(UpdateStatus::Failed) | Some(UpdateStatus::Cancelled) => {
            let errors: Vec<String> = u
                .errors()
                .iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        e.error_code().map(|c| c.as_str()).unwrap_or("Error"),
                        e.error_message().unwrap_or("")
                    )
                })
                .collect();
            Some(Err(Diagnostic::error(format!("EKS {kind} failed")).detail(
                format!(
                    "Update {id} of {whose} ended as {}: {}",
                    u.status().map(|s| s.as_str()).unwrap_or("?"),
                    if errors.is_empty() {
                        "no reason given".to_string()
                    } else {
                        errors.join("; ")
                    }
                ),
            )))
        }
        _ => None,
    }
}

pub async fn update(
    c: &Clients,
    prior: &Value,
    planned: &Value,
    default_tags: &BTreeMap<String, String>,
    ctx: &OperationContext,
) -> Result<Value, Diagnostic> {
    let name = prior
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    for u in updates(prior, planned) {
        run_update(c, &name, &u, ctx).await?;
    }
    let cluster = wait_active(c, &name, ctx).await?;
    let mut v = to_value(&cluster, default_tags);
    settings::keep_local(Some(planned), &mut v);
    Ok(v)
}

pub async fn delete(c: &Clients, prior: &Value, ctx: &OperationContext) -> Result<(), Diagnostic> {
    let name = prior
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    // EKS refuses to delete a protected cluster: say how to lift it rather than retry.
    let protected = prior.get("deletion_protection").and_then(Value::as_bool) == Some(true);
    let started = Instant::now();
    let mut backoff = ctx.poll_interval;
    loop {
        match c.eks.delete_cluster().name(&name).send().await {
            Ok(_) => break,
            Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => return Ok(()),
            Err(e) if protected => {
                return Err(describe(eks("DeleteCluster", &name), &e).hint(
                    "the cluster has deletion protection: set deletion_protection = false and apply, then destroy",
                ))
            }
            Err(e)
                if code(&e).as_deref() == Some("ResourceInUseException")
                    && started.elapsed() < BUSY_LIMIT =>
            {
                ctx.report("an update is in progress; retrying the delete");
                pause(ctx, backoff).await?;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
            Err(e) => return Err(describe(eks("DeleteCluster", &name), &e)),
        }
    }
    while describe_cluster(c, &name).await?.is_some() {
        if started.elapsed() > WAIT_LIMIT {
            return Err(Diagnostic::error("Timed out").detail(format!(
                "The cluster {name} was not deleted within {} minutes.",
                WAIT_LIMIT.as_secs() / 60
            )));
        }
        pause(ctx, ctx.poll_interval).await?;
    }
    Ok(())
}
