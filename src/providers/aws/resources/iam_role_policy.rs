//! `aws_iam_role_policy`: an inline policy of a role. The ID and import ID are
//! `<role>:<name>`. The document changes in place (PutRolePolicy); it is compared as a policy,
//! and the configuration's text is kept.
//!
//! PutRolePolicy replaces a policy of the same name without a word, so a create looks first
//! and refuses to overwrite one this state did not write (an inline policy carries no mark),
//! unless it finishes this state's own interrupted create.

use async_trait::async_trait;

use super::{iam, string_of as text};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::policy::{equivalent, url_decoded};
use crate::providers::kit::{read, PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, default_plan, ConfigSpans, Creation, OperationContext, PlanRequest,
    PlanResponse,
};
use crate::value::{Type, Value};

pub struct RolePolicy;

#[async_trait]
impl ResourceType<Clients> for RolePolicy {
    fn name(&self) -> &'static str {
        "aws_iam_role_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .describe("An inline IAM policy of a role.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("<role>:<name>."),
            )
            .attr(
                "role",
                Attribute::required(Type::String)
                    .force_new()
                    .describe("The role's name."),
            )
            .attr(
                "name",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .describe("The policy's name; generated when unset."),
            )
            .attr(
                "name_prefix",
                Attribute::optional(Type::String)
                    .force_new()
                    .describe("A prefix for a generated name; conflicts with name."),
            )
            .attr(
                "policy",
                Attribute::required(Type::String)
                    .describe("The policy document as JSON; compared as a policy."),
            )
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let mut out = Diagnostics::new();
        let text = |k: &str| config.get(k).and_then(Value::as_str);
        if text("name").is_some() && text("name_prefix").is_some() {
            out.push(
                Diagnostic::error("name and name_prefix together")
                    .at(spans.span(&["name_prefix"]))
                    .detail("An inline policy has one name: set name, or name_prefix for a generated one.")
                    .hint("remove one of the two"),
            );
        }
        if let Some(Err(e)) = text("policy").map(serde_json::from_str::<serde_json::Value>) {
            out.push(
                Diagnostic::error("policy is not JSON")
                    .at(spans.span(&["policy"]))
                    .detail(format!("The policy must be a JSON policy document: {e}."))
                    .hint("build it with jsonencode({ ... }) or data \"aws_iam_policy_document\""),
            );
        }
        out
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        let mut resp = default_plan::plan_type(cx.schema, req);
        if let Value::Object(m) = &mut resp.planned {
            let prior = req.prior.and_then(|p| p.get("policy"));
            if let (Some(prior), Some(new)) = (prior, m.get("policy")) {
                if same(prior, new) {
                    m.insert("policy".into(), prior.clone());
                }
            }
            if let Some(id) = id_for(&Value::Object(m.clone())) {
                m.insert("id".into(), Value::from(id));
            }
        }
        resp
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        read::each(states, |prior| async move {
            let (role, name) = parts(prior);
            Ok(get(c, &role, &name)
                .await?
                .map(|doc| value(&role, &name, &doc, Some(prior))))
        })
        .await
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let role = text(planned, "role").unwrap_or_default();
        let name = text(planned, "name").unwrap_or_else(|| {
            let prefix = text(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
            super::iam_role::generated_name(&prefix)
        });
        if get(c, &role, &name).await?.is_some() && !creation.is_some_and(|c| c.resuming) {
            return Err(already_exists(
                &format!("The inline policy {name} of {role}"),
                &format!("{role}:{name}"),
                "GetRolePolicy found a policy of that name on the role.",
            ));
        }
        put(c, &role, &name, planned).await?;
        Ok(value(
            &role,
            &name,
            &text(planned, "policy").unwrap_or_default(),
            Some(planned),
        ))
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let (role, name) = parts(prior);
        put(c, &role, &name, planned).await?;
        Ok(value(
            &role,
            &name,
            &text(planned, "policy").unwrap_or_default(),
            Some(planned),
        ))
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let (role, name) = parts(prior);
        match c
            .iam
            .delete_role_policy()
            .role_name(&role)
            .policy_name(&name)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(()),
            Err(e) => Err(describe(
                iam("DeleteRolePolicy", &format!("{role}:{name}")),
                &e,
            )),
        }
    }

    /// `<role>:<name>`.
    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        let Some((role, name)) = id
            .split_once(':')
            .filter(|(r, n)| !r.is_empty() && !n.is_empty())
        else {
            return Err(Diagnostic::error("Invalid inline policy ID")
                .detail(format!("\"{id}\" is not <role name>:<policy name>."))
                .hint("use, for example, eks-nodes:ecr-pull"));
        };
        Ok(get(c, role, name)
            .await?
            .map(|doc| value(role, name, &doc, None)))
    }

    fn created_id(&self, _c: &Clients, planned: &Value) -> Option<String> {
        id_for(planned)
    }

    async fn find_created(
        &self,
        _c: &Clients,
        _id: Option<&str>,
        _creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        // No mark to recognise an inline policy by; `create` finishes an interrupted one.
        Ok(None)
    }
}

fn parts(v: &Value) -> (String, String) {
    (
        text(v, "role").unwrap_or_default(),
        text(v, "name").unwrap_or_default(),
    )
}

fn id_for(v: &Value) -> Option<String> {
    Some(format!("{}:{}", text(v, "role")?, text(v, "name")?))
}

fn same(a: &Value, b: &Value) -> bool {
    matches!((a.as_str(), b.as_str()), (Some(a), Some(b)) if equivalent(a, b))
}

/// The state of a policy; `known` gives the document's text when IAM's says the same.
fn value(role: &str, name: &str, doc: &str, known: Option<&Value>) -> Value {
    let live = Value::from(doc);
    let policy = known
        .and_then(|k| k.get("policy"))
        .filter(|k| same(k, &live))
        .cloned()
        .unwrap_or(live);
    Value::object([
        ("id", Value::from(format!("{role}:{name}"))),
        ("role", Value::from(role)),
        ("name", Value::from(name)),
        (
            "name_prefix",
            known
                .and_then(|k| k.get("name_prefix"))
                .cloned()
                .unwrap_or(Value::Null),
        ),
        ("policy", policy),
    ])
}

/// The document of a role's inline policy, decoded; `None` when the role or policy is gone.
async fn get(c: &Clients, role: &str, name: &str) -> Result<Option<String>, Diagnostic> {
    match c
        .iam
        .get_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await
    {
        Ok(o) => Ok(Some(url_decoded(o.policy_document()))),
        Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(None),
        Err(e) => Err(describe(
            iam("GetRolePolicy", &format!("{role}:{name}")),
            &e,
        )),
    }
}

async fn put(c: &Clients, role: &str, name: &str, planned: &Value) -> Result<(), Diagnostic> {
    c.iam
        .put_role_policy()
        .role_name(role)
        .policy_name(name)
        .policy_document(text(planned, "policy").unwrap_or_default())
        .send()
        .await
        .map(drop)
        .map_err(|e| describe(iam("PutRolePolicy", &format!("{role}:{name}")), &e))
}
