//! `aws_iam_role_policy_attachment`: a managed policy attached to a role. The ID is
//! `<role>/<policy_arn>`, the import ID too. Everything forces a new attachment.
//!
//! An attachment carries no tags, so nothing marks it as this state's: a create that finds the
//! policy attached already refuses to take it over, unless it finishes an interrupted create
//! of this state (an attachment holds nothing anyone could lose by that).

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::{iam, string_of as text};

use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, default_plan, Creation, OperationContext, PlanRequest, PlanResponse,
};
use crate::value::{Type, Value};

pub struct RolePolicyAttachment;

#[async_trait]
impl ResourceType<Clients> for RolePolicyAttachment {
    fn name(&self) -> &'static str {
        "aws_iam_role_policy_attachment"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .describe("A managed IAM policy attached to a role, such as AmazonEKSClusterPolicy to a cluster's role.")
            .attr("id", Attribute::computed(Type::String).describe("<role>/<policy_arn>."))
            .attr("role", Attribute::required(Type::String).force_new().describe("The role's name."))
            .attr("policy_arn", Attribute::required(Type::String).force_new().describe("The ARN of the policy to attach."))
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        let mut resp = default_plan::plan_type(cx.schema, req);
        if let Some(id) = id_for(&resp.planned) {
            if let Value::Object(m) = &mut resp.planned {
                m.insert("id".into(), Value::from(id));
            }
        }
        resp
    }

    /// One ListAttachedRolePolicies per role, however many attachments it has.
    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        let mut roles: Vec<String> = states.iter().filter_map(|s| text(s, "role")).collect();
        roles.sort();
        roles.dedup();
        let lists = futures::future::join_all(roles.iter().map(|r| attached(c, r))).await;
        let mut by_role = BTreeMap::new();
        let mut errors = Diagnostics::new();
        for (role, list) in roles.iter().zip(lists) {
            match list {
                Ok(l) => {
                    by_role.insert(role.clone(), l);
                }
                Err(d) => errors.push(d),
            }
        }
        if errors.has_errors() {
            return Err(errors);
        }
        Ok(states
            .iter()
            .map(|s| {
                let (role, arn) = (text(s, "role")?, text(s, "policy_arn")?);
                by_role
                    .get(&role)?
                    .as_ref()?
                    .contains(&arn)
                    .then(|| value(&role, &arn))
            })
            .collect())
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let role = text(planned, "role").unwrap_or_default();
        let arn = text(planned, "policy_arn").unwrap_or_default();
        let id = format!("{role}/{arn}");
        let there = attached(c, &role).await?.is_some_and(|l| l.contains(&arn));
        if there {
            if creation.is_some_and(|c| c.resuming) {
                return Ok(value(&role, &arn));
            }
            return Err(already_exists(
                &format!("The attachment of {arn} to {role}"),
                &id,
                "ListAttachedRolePolicies shows the policy attached already.",
            ));
        }
        c.iam
            .attach_role_policy()
            .role_name(&role)
            .policy_arn(&arn)
            .send()
            .await
            .map_err(|e| describe(iam("AttachRolePolicy", &id), &e))?;
        Ok(value(&role, &arn))
    }

    async fn update(
        &self,
        _c: &Clients,
        _prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        // Every argument forces a new attachment, so there is nothing to change in place.
        Ok(planned.clone())
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let role = text(prior, "role").unwrap_or_default();
        let arn = text(prior, "policy_arn").unwrap_or_default();
        match c
            .iam
            .detach_role_policy()
            .role_name(&role)
            .policy_arn(&arn)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(()),
            Err(e) => Err(describe(
                iam("DetachRolePolicy", &format!("{role}/{arn}")),
                &e,
            )),
        }
    }

    /// `<role>/<policy_arn>`: role names have no `/`, ARNs may.
    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        let Some((role, arn)) = id
            .split_once('/')
            .filter(|(r, a)| !r.is_empty() && a.starts_with("arn:"))
        else {
            return Err(Diagnostic::error("Invalid attachment ID")
                .detail(format!("\"{id}\" is not <role name>/<policy ARN>."))
                .hint(
                    "use, for example, eks-cluster/arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
                ));
        };
        let state = value(role, arn);
        let found = self.read(c, std::slice::from_ref(&state)).await;
        found.map(|mut f| f.pop().flatten()).map_err(|d| {
            d.into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::error("Read failed"))
        })
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
        // No mark to recognise an attachment by; `create` finishes an interrupted one.
        Ok(None)
    }
}

fn id_for(v: &Value) -> Option<String> {
    Some(format!("{}/{}", text(v, "role")?, text(v, "policy_arn")?))
}

fn value(role: &str, arn: &str) -> Value {
    Value::object([
        ("id", Value::from(format!("{role}/{arn}"))),
        ("role", Value::from(role)),
        ("policy_arn", Value::from(arn)),
    ])
}

/// The policies attached to `role`, every page; `None` when the role does not exist.
async fn attached(c: &Clients, role: &str) -> Result<Option<Vec<String>>, Diagnostic> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = match c
            .iam
            .list_attached_role_policies()
            .role_name(role)
            .set_marker(marker.take())
            .send()
            .await
        {
            Ok(p) => p,
            Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => return Ok(None),
            Err(e) => return Err(describe(iam("ListAttachedRolePolicies", role), &e)),
        };
        out.extend(
            page.attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string)),
        );
        match page.marker() {
            Some(m) if page.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(Some(out)),
        }
    }
}
