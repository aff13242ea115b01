//! `aws_iam_role`: an IAM role, such as the one EKS assumes to run a cluster or the one its
//! nodes run as. The ID is the role's name; import by name.
//!
//! The trust policy is compared as a policy, not as text: a document that says the same in
//! other words or another key order plans no change, and the state keeps the text the
//! configuration wrote. IAM has no batch read, so refresh gets every role at once, one
//! GetRole each.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_iam::types::{Role, Tag};

use super::{iam, id_of, s};
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

pub struct IamRole;

#[async_trait]
impl ResourceType<Clients> for IamRole {
    fn name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let mut out = Diagnostics::new();
        let text = |k: &str| config.get(k).and_then(Value::as_str);
        if text("name").is_some() && text("name_prefix").is_some() {
            out.push(
                Diagnostic::error("name and name_prefix together")
                    .at(spans.span(&["name_prefix"]))
                    .detail("A role has one name: set name, or name_prefix for a generated one.")
                    .hint("remove one of the two"),
            );
        }
        if let Some(n) = text("name").filter(|n| n.len() > 64) {
            out.push(
                Diagnostic::error("Role name too long")
                    .at(spans.span(&["name"]))
                    .detail(format!(
                        "IAM role names have at most 64 characters; {n:?} has {}.",
                        n.len()
                    )),
            );
        }
        if let Some(p) = text("name_prefix").filter(|p| p.len() > 38) {
            out.push(
                Diagnostic::error("Role name prefix too long")
                    .at(spans.span(&["name_prefix"]))
                    .detail(format!("A generated suffix of 26 characters follows the prefix, so it may have at most 38; {p:?} has {}.", p.len())),
            );
        }
        if let Some(n) = seconds(config) {
            if !(3600..=43200).contains(&n) {
                out.push(
                    Diagnostic::error("max_session_duration out of range")
                        .at(spans.span(&["max_session_duration"]))
                        .detail(format!(
                            "IAM allows 3600 to 43200 seconds (1 to 12 hours), not {n}."
                        )),
                );
            }
        }
        if let Some(p) = text("assume_role_policy") {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(p) {
                out.push(
                    Diagnostic::error("assume_role_policy is not JSON")
                        .at(spans.span(&["assume_role_policy"]))
                        .detail(format!(
                            "The trust policy must be a JSON policy document: {e}."
                        ))
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
            let prior = req.prior.and_then(|p| p.get("assume_role_policy"));
            if let (Some(prior), Some(new)) = (prior, m.get("assume_role_policy")) {
                if same_policy(prior, new) {
                    m.insert("assume_role_policy".into(), prior.clone());
                }
            }
            if let Some(name) = m.get("name").filter(|n| n.as_str().is_some()).cloned() {
                m.insert("id".into(), name);
            }
        })
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        read::each(states, |prior| async move {
            let found = get_role(c, &id_of(prior)).await?;
            Ok(found.map(|r| role_value(&r, Some(prior), &c.default_tags)))
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
        let text = |k: &str| planned.get(k).and_then(Value::as_str).map(str::to_string);
        let name = match text("name") {
            Some(n) => n,
            None => generated_name(text("name_prefix").as_deref().unwrap_or("terraform-")),
        };
        let out = c
            .iam
            .create_role()
            .role_name(&name)
            .path(text("path").unwrap_or_else(|| "/".into()))
            .assume_role_policy_document(text("assume_role_policy").unwrap_or_default())
            .set_description(text("description"))
            .set_max_session_duration(seconds(planned).map(|n| n as i32))
            .set_permissions_boundary(text("permissions_boundary"))
            .set_tags(Some(iam_tags(planned.get("tags_all"))))
            .send()
            .await
            .map_err(|e| match code(&e).as_deref() {
                Some("EntityAlreadyExists") => already_exists(
                    &format!("IAM role {name}"),
                    &name,
                    "CreateRole answered EntityAlreadyExists: the account has a role with this name.",
                ),
                _ => describe(iam("CreateRole", &name), &e),
            })?;
        let role = out.role().ok_or_else(|| {
            Diagnostic::error("No role returned").detail(format!(
                "IAM created the role {name} but did not describe it."
            ))
        })?;
        Ok(role_value(role, Some(planned), &c.default_tags))
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let name = id_of(prior);
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let text = |k: &str| planned.get(k).and_then(Value::as_str).map(str::to_string);
        if changed("assume_role_policy") {
            c.iam
                .update_assume_role_policy()
                .role_name(&name)
                .policy_document(text("assume_role_policy").unwrap_or_default())
                .send()
                .await
                .map_err(|e| describe(iam("UpdateAssumeRolePolicy", &name), &e))?;
        }
        if changed("description") || changed("max_session_duration") {
            c.iam
                .update_role()
                .role_name(&name)
                // IAM keeps a description that is not sent; an empty one removes it.
                .description(text("description").unwrap_or_default())
                .set_max_session_duration(seconds(planned).map(|n| n as i32))
                .send()
                .await
                .map_err(|e| describe(iam("UpdateRole", &name), &e))?;
        }
        if changed("permissions_boundary") {
            match text("permissions_boundary") {
                Some(arn) => c
                    .iam
                    .put_role_permissions_boundary()
                    .role_name(&name)
                    .permissions_boundary(arn)
                    .send()
                    .await
                    .map(drop)
                    .map_err(|e| describe(iam("PutRolePermissionsBoundary", &name), &e))?,
                None => c
                    .iam
                    .delete_role_permissions_boundary()
                    .role_name(&name)
                    .send()
                    .await
                    .map(drop)
                    .map_err(|e| describe(iam("DeleteRolePermissionsBoundary", &name), &e))?,
            }
        }
        let (set, gone) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !set.is_empty() {
            let tags = set
                .iter()
                .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
                .collect();
            c.iam
                .tag_role()
                .role_name(&name)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| describe(iam("TagRole", &name), &e))?;
        }
        if !gone.is_empty() {
            c.iam
                .untag_role()
                .role_name(&name)
                .set_tag_keys(Some(gone))
                .send()
                .await
                .map_err(|e| describe(iam("UntagRole", &name), &e))?;
        }
        let role = get_role(c, &name).await?.ok_or_else(|| {
            Diagnostic::error("Role disappeared").detail(format!(
                "IAM reports no role {name} right after changing it."
            ))
        })?;
        Ok(role_value(&role, Some(planned), &c.default_tags))
    }

    /// Detaches what IAM would refuse to delete the role with: instance profiles always, and
    /// policies attached elsewhere when force_detach_policies is set.
    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let name = id_of(prior);
        let gone = |e: Option<String>| e.as_deref() == Some("NoSuchEntity");
        let profiles = match c
            .iam
            .list_instance_profiles_for_role()
            .role_name(&name)
            .send()
            .await
        {
            Ok(o) => o.instance_profiles().to_vec(),
            Err(e) if gone(code(&e)) => return Ok(()),
            Err(e) => return Err(describe(iam("ListInstanceProfilesForRole", &name), &e)),
        };
        for p in profiles {
            c.iam
                .remove_role_from_instance_profile()
                .instance_profile_name(p.instance_profile_name())
                .role_name(&name)
                .send()
                .await
                .map_err(|e| describe(iam("RemoveRoleFromInstanceProfile", &name), &e))?;
        }
        if prior.get("force_detach_policies").and_then(Value::as_bool) == Some(true) {
            detach_everything(c, &name).await?;
        }
        match c.iam.delete_role().role_name(&name).send().await {
            Ok(_) => Ok(()),
            Err(e) if gone(code(&e)) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("DeleteConflict") => Err(describe(iam("DeleteRole", &name), &e)
                .hint("policies attached outside this configuration keep the role: detach them, or set force_detach_policies = true")),
            Err(e) => Err(describe(iam("DeleteRole", &name), &e)),
        }
    }

    fn created_id(&self, _c: &Clients, planned: &Value) -> Option<String> {
        planned
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// A role is known by its name: the one with that name, if it carries the mark.
    async fn find_created(
        &self,
        c: &Clients,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let Some(name) = id else {
            return Ok(None);
        };
        let Some(role) = get_role(c, name).await? else {
            return Ok(None);
        };
        let mark = role
            .tags()
            .iter()
            .find(|t| t.key() == CREATION_TAG)
            .map(|t| t.value());
        Ok(creation
            .marks(mark)
            .then(|| role_value(&role, None, &c.default_tags)))
    }
}

pub fn schema() -> Schema {
    taggable(
        Schema::new()
            .describe("An IAM role: who may assume it (the trust policy) and how long its sessions last.")
            .attr("id", Attribute::computed(Type::String).describe("The role's name."))
            .attr("arn", Attribute::computed(Type::String).describe("The role's ARN."))
            .attr("unique_id", Attribute::computed(Type::String).describe("The stable ID IAM gives the role (AROA…)."))
            .attr("create_date", Attribute::computed(Type::String).describe("When the role was created."))
            .attr("name", Attribute::optional_computed(Type::String).force_new().describe("The role's name; generated when unset."))
            .attr("name_prefix", Attribute::optional(Type::String).force_new().describe("A prefix for a generated name; conflicts with name."))
            .attr("path", Attribute::optional(Type::String).default("/").force_new().describe("The path of the role, such as /eks/."))
            .attr("assume_role_policy", Attribute::required(Type::String).describe("The trust policy as JSON; compared as a policy, so formatting changes are no diff."))
            .attr("description", Attribute::optional(Type::String).describe("What the role is for."))
            .attr("max_session_duration", Attribute::optional(Type::Number).default(3600).describe("Longest session, in seconds (3600 to 43200)."))
            .attr("permissions_boundary", Attribute::optional(Type::String).describe("ARN of the policy that bounds the role's permissions."))
            .attr("force_detach_policies", Attribute::optional(Type::Bool).default(false).describe("Whether destroy first detaches policies attached outside this configuration.")),
    )
}

pub async fn get_role(c: &Clients, name: &str) -> Result<Option<Role>, Diagnostic> {
    match c.iam.get_role().role_name(name).send().await {
        Ok(o) => Ok(o.role().cloned()),
        Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(None),
        Err(e) => Err(describe(iam("GetRole", name), &e)),
    }
}

/// The state of a role; `known` (the prior state or the plan) gives the trust policy's text
/// when IAM's says the same, and the settings IAM does not report.
pub fn role_value(
    r: &Role,
    known: Option<&Value>,
    default_tags: &BTreeMap<String, String>,
) -> Value {
    let live = r
        .assume_role_policy_document()
        .map(url_decoded)
        .unwrap_or_default();
    let policy = known
        .and_then(|k| k.get("assume_role_policy"))
        .filter(|k| same_policy(k, &Value::from(live.as_str())))
        .cloned()
        .unwrap_or_else(|| Value::from(live.as_str()));
    let (tags, tags_all) = split_tags(r.tags().iter().map(|t| (t.key(), t.value())), default_tags);
    let kept = |k: &str, default: Value| {
        known
            .and_then(|v| v.get(k))
            .filter(|v| !v.is_null())
            .cloned()
            .unwrap_or(default)
    };
    Value::object([
        ("id", Value::from(r.role_name())),
        ("name", Value::from(r.role_name())),
        ("name_prefix", kept("name_prefix", Value::Null)),
        ("arn", Value::from(r.arn())),
        ("unique_id", Value::from(r.role_id())),
        ("create_date", Value::from(r.create_date().to_string())),
        ("path", Value::from(r.path())),
        ("assume_role_policy", policy),
        ("description", s(r.description().filter(|d| !d.is_empty()))),
        (
            "max_session_duration",
            Value::from(i64::from(r.max_session_duration().unwrap_or(3600))),
        ),
        (
            "permissions_boundary",
            s(r.permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())),
        ),
        (
            "force_detach_policies",
            kept("force_detach_policies", Value::from(false)),
        ),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}

fn seconds(v: &Value) -> Option<i64> {
    v.get("max_session_duration")?.as_number()?.as_i64()
}

fn same_policy(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => equivalent(a, b),
        _ => false,
    }
}

fn iam_tags(tags_all: Option<&Value>) -> Vec<Tag> {
    string_map(tags_all)
        .iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect()
}

/// Terraform's generated names: the prefix, a UTC timestamp to the hundredth of a
/// millisecond and a counter, 26 characters after the prefix.
pub(crate) fn generated_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(1);
    let now = chrono::Utc::now();
    let stamp = now.format("%Y%m%d%H%M%S").to_string();
    let fraction = now.timestamp_subsec_nanos() / 100_000;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}{stamp}{fraction:04}{n:08}")
}

async fn detach_everything(c: &Clients, name: &str) -> Result<(), Diagnostic> {
    let attached = c
        .iam
        .list_attached_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(|e| describe(iam("ListAttachedRolePolicies", name), &e))?;
    for p in attached.attached_policies() {
        if let Some(arn) = p.policy_arn() {
            c.iam
                .detach_role_policy()
                .role_name(name)
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| describe(iam("DetachRolePolicy", name), &e))?;
        }
    }
    let inline = c
        .iam
        .list_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(|e| describe(iam("ListRolePolicies", name), &e))?;
    for policy in inline.policy_names() {
        c.iam
            .delete_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await
            .map_err(|e| describe(iam("DeleteRolePolicy", name), &e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_names_have_26_characters_after_the_prefix_and_differ() {
        let (a, b) = (super::generated_name("eks-"), super::generated_name("eks-"));
        assert_eq!(a.len(), 4 + 26);
        assert!(a.starts_with("eks-") && a != b);
    }
}
