//! `aws_iam_policy`: a customer managed IAM policy, such as the one the AWS Load Balancer
//! Controller or a node's extra permissions need. The ID and the import ID are its ARN.
//!
//! The document is compared as a policy, not as text, like a role's trust policy. A changed
//! document is a new default version (CreatePolicyVersion); IAM keeps at most five, so the
//! oldest is deleted first when five exist, as Terraform does. IAM has no batch read:
//! refresh reads every policy at once, GetPolicy and GetPolicyVersion each.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_iam::types::{Policy, Tag};

use super::iam_role::generated_name;
use super::{iam, id_of, s, string_of as text};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::policy::{equivalent, url_decoded};
use crate::providers::aws::tags::{plan_tagged, split_tags, string_map, tag_changes, taggable};
use crate::providers::kit::{read, PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse,
    CREATION_TAG,
};
use crate::value::{Type, Value};

pub struct IamPolicy;

/// IAM keeps at most this many versions of a policy.
const MAX_VERSIONS: usize = 5;

#[async_trait]
impl ResourceType<Clients> for IamPolicy {
    fn name(&self) -> &'static str {
        "aws_iam_policy"
    }

    fn schema(&self) -> Schema {
        taggable(
            Schema::new()
                .describe("A customer managed IAM policy.")
                .attr("id", Attribute::computed(Type::String).describe("The policy's ARN."))
                .attr("arn", Attribute::computed(Type::String).describe("The policy's ARN."))
                .attr("policy_id", Attribute::computed(Type::String).describe("The stable ID IAM gives the policy (ANPA…)."))
                .attr("attachment_count", Attribute::computed(Type::Number).describe("How many roles, users and groups it is attached to."))
                .attr("name", Attribute::optional_computed(Type::String).force_new().describe("The policy's name; generated when unset."))
                .attr("name_prefix", Attribute::optional(Type::String).force_new().describe("A prefix for a generated name; conflicts with name."))
                .attr("path", Attribute::optional(Type::String).default("/").force_new().describe("The path of the policy, such as /eks/."))
                .attr("description", Attribute::optional(Type::String).force_new().describe("What the policy is for; IAM cannot change it afterwards."))
                .attr("policy", Attribute::required(Type::String).describe("The policy document as JSON; compared as a policy, so formatting changes are no diff.")),
        )
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let mut out = Diagnostics::new();
        let text = |k: &str| config.get(k).and_then(Value::as_str);
        if text("name").is_some() && text("name_prefix").is_some() {
            out.push(
                Diagnostic::error("name and name_prefix together")
                    .at(spans.span(&["name_prefix"]))
                    .detail("A policy has one name: set name, or name_prefix for a generated one.")
                    .hint("remove one of the two"),
            );
        }
        if let Some(n) = text("name").filter(|n| n.len() > 128) {
            out.push(
                Diagnostic::error("Policy name too long")
                    .at(spans.span(&["name"]))
                    .detail(format!(
                        "IAM policy names have at most 128 characters; this one has {}.",
                        n.len()
                    )),
            );
        }
        if let Some(p) = text("policy") {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(p) {
                out.push(
                    Diagnostic::error("policy is not JSON")
                        .at(spans.span(&["policy"]))
                        .detail(format!("The policy must be a JSON policy document: {e}."))
                        .hint(
                            "build it with jsonencode({ ... }) or data \"aws_iam_policy_document\"",
                        ),
                );
            }
        }
        out
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |m| {
            let prior = req.prior.and_then(|p| p.get("policy"));
            if let (Some(prior), Some(new)) = (prior, m.get("policy")) {
                if same_policy(prior, new) {
                    m.insert("policy".into(), prior.clone());
                }
            }
        })
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        read::each(states, |prior| async move {
            get_policy(c, &id_of(prior), Some(prior)).await
        })
        .await
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let name = match text(planned, "name") {
            Some(n) => n,
            None => generated_name(
                text(planned, "name_prefix")
                    .as_deref()
                    .unwrap_or("terraform-"),
            ),
        };
        let tags = string_map(planned.get("tags_all"))
            .iter()
            .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
            .collect();
        let out = c
            .iam
            .create_policy()
            .policy_name(&name)
            .path(text(planned, "path").unwrap_or_else(|| "/".into()))
            .policy_document(text(planned, "policy").unwrap_or_default())
            .set_description(text(planned, "description"))
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| match code(&e).as_deref() {
                Some("EntityAlreadyExists") => already_exists(
                    &format!("IAM policy {name}"),
                    &name,
                    "CreatePolicy answered EntityAlreadyExists: the account has a policy with this name and path.",
                ),
                _ => describe(iam("CreatePolicy", &name), &e),
            })?;
        let arn = out
            .policy()
            .and_then(|p| p.arn())
            .unwrap_or_default()
            .to_string();
        get_policy(c, &arn, Some(planned))
            .await?
            .ok_or_else(|| gone_after(&arn))
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let arn = id_of(prior);
        if prior.get("policy") != planned.get("policy") {
            let versions = versions(c, &arn).await?;
            if versions.len() >= MAX_VERSIONS {
                if let Some(oldest) = versions
                    .iter()
                    .filter(|v| !v.1)
                    .min_by(|a, b| a.2.cmp(&b.2))
                {
                    delete_version(c, &arn, &oldest.0).await?;
                }
            }
            c.iam
                .create_policy_version()
                .policy_arn(&arn)
                .policy_document(text(planned, "policy").unwrap_or_default())
                .set_as_default(true)
                .send()
                .await
                .map_err(|e| describe(iam("CreatePolicyVersion", &arn), &e))?;
        }
        let (set, gone) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !set.is_empty() {
            let tags = set
                .iter()
                .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
                .collect();
            c.iam
                .tag_policy()
                .policy_arn(&arn)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| describe(iam("TagPolicy", &arn), &e))?;
        }
        if !gone.is_empty() {
            c.iam
                .untag_policy()
                .policy_arn(&arn)
                .set_tag_keys(Some(gone))
                .send()
                .await
                .map_err(|e| describe(iam("UntagPolicy", &arn), &e))?;
        }
        get_policy(c, &arn, Some(planned))
            .await?
            .ok_or_else(|| gone_after(&arn))
    }

    /// IAM deletes a policy only without its other versions.
    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let arn = id_of(prior);
        let all = match versions(c, &arn).await {
            Ok(v) => v,
            Err(_) if get_policy(c, &arn, None).await?.is_none() => return Ok(()),
            Err(e) => return Err(e),
        };
        for (id, default, _) in all {
            if !default {
                delete_version(c, &arn, &id).await?;
            }
        }
        match c.iam.delete_policy().policy_arn(&arn).send().await {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(()),
            Err(e) if code(&e).as_deref() == Some("DeleteConflict") => Err(describe(iam("DeletePolicy", &arn), &e)
                .hint("the policy is still attached to a role, user or group outside this configuration: detach it first")),
            Err(e) => Err(describe(iam("DeletePolicy", &arn), &e)),
        }
    }

    /// `<path><name>`, which names the policy within the account; `None` for generated names.
    fn created_id(&self, _c: &Clients, planned: &Value) -> Option<String> {
        let name = text(planned, "name")?;
        Some(format!(
            "{}{name}",
            text(planned, "path").unwrap_or_else(|| "/".into())
        ))
    }

    /// The account's own policy with that path and name, if it carries the mark.
    async fn find_created(
        &self,
        c: &Clients,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let Some((path, name)) = id.and_then(|i| i.rsplit_once('/')) else {
            return Ok(None);
        };
        let path = format!("{path}/");
        let mut marker = None;
        loop {
            let page = c
                .iam
                .list_policies()
                .scope(aws_sdk_iam::types::PolicyScopeType::Local)
                .path_prefix(&path)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| describe(iam("ListPolicies", &path), &e))?;
            let found = page
                .policies()
                .iter()
                .find(|p| p.policy_name() == Some(name) && p.path() == Some(path.as_str()));
            if let Some(arn) = found.and_then(|p| p.arn()) {
                let Some(policy) = raw_policy(c, arn).await? else {
                    return Ok(None);
                };
                let mark = policy
                    .tags()
                    .iter()
                    .find(|t| t.key() == CREATION_TAG)
                    .map(|t| t.value());
                if !creation.marks(mark) {
                    return Ok(None);
                }
                return get_policy(c, arn, None).await;
            }
            match page.marker() {
                Some(m) if page.is_truncated() => marker = Some(m.to_string()),
                _ => return Ok(None),
            }
        }
    }
}

fn gone_after(arn: &str) -> Diagnostic {
    Diagnostic::error("Policy disappeared").detail(format!(
        "IAM reports no policy {arn} right after changing it."
    ))
}

fn same_policy(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => equivalent(a, b),
        _ => false,
    }
}

async fn raw_policy(c: &Clients, arn: &str) -> Result<Option<Policy>, Diagnostic> {
    match c.iam.get_policy().policy_arn(arn).send().await {
        Ok(o) => Ok(o.policy().cloned()),
        Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(None),
        Err(e) => Err(describe(iam("GetPolicy", arn), &e)),
    }
}

/// The state of the policy at `arn`; `known` (the prior state or the plan) gives the
/// document's text when IAM's says the same, and the name prefix IAM does not report.
async fn get_policy(
    c: &Clients,
    arn: &str,
    known: Option<&Value>,
) -> Result<Option<Value>, Diagnostic> {
    let Some(p) = raw_policy(c, arn).await? else {
        return Ok(None);
    };
    let version = p.default_version_id().unwrap_or("v1");
    let document = match c
        .iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
    {
        Ok(o) => o
            .policy_version()
            .and_then(|v| v.document())
            .map(url_decoded)
            .unwrap_or_default(),
        Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => return Ok(None),
        Err(e) => {
            return Err(describe(
                iam("GetPolicyVersion", &format!("{arn} {version}")),
                &e,
            ))
        }
    };
    Ok(Some(policy_value(&p, &document, known, &c.default_tags)))
}

fn policy_value(
    p: &Policy,
    document: &str,
    known: Option<&Value>,
    default_tags: &BTreeMap<String, String>,
) -> Value {
    let policy = known
        .and_then(|k| k.get("policy"))
        .filter(|k| same_policy(k, &Value::from(document)))
        .cloned()
        .unwrap_or_else(|| Value::from(document));
    let (tags, tags_all) = split_tags(p.tags().iter().map(|t| (t.key(), t.value())), default_tags);
    Value::object([
        ("id", s(p.arn())),
        ("arn", s(p.arn())),
        ("policy_id", s(p.policy_id())),
        (
            "attachment_count",
            Value::from(i64::from(p.attachment_count().unwrap_or(0))),
        ),
        ("name", s(p.policy_name())),
        (
            "name_prefix",
            known
                .and_then(|k| k.get("name_prefix"))
                .cloned()
                .unwrap_or(Value::Null),
        ),
        ("path", s(p.path())),
        ("description", s(p.description().filter(|d| !d.is_empty()))),
        ("policy", policy),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}

/// Every version of the policy: (version ID, whether it is the default, when it was made).
async fn versions(c: &Clients, arn: &str) -> Result<Vec<(String, bool, String)>, Diagnostic> {
    let out = c
        .iam
        .list_policy_versions()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| describe(iam("ListPolicyVersions", arn), &e))?;
    Ok(out
        .versions()
        .iter()
        .map(|v| {
            (
                v.version_id().unwrap_or_default().to_string(),
                v.is_default_version(),
                v.create_date().map(|d| d.to_string()).unwrap_or_default(),
            )
        })
        .collect())
}

async fn delete_version(c: &Clients, arn: &str, id: &str) -> Result<(), Diagnostic> {
    c.iam
        .delete_policy_version()
        .policy_arn(arn)
        .version_id(id)
        .send()
        .await
        .map(drop)
        .map_err(|e| describe(iam("DeletePolicyVersion", &format!("{arn} {id}")), &e))
}
