//! `aws_eks_access_policy_association`: an EKS access policy (AmazonEKSClusterAdminPolicy,
//! …) granted to an access entry, cluster-wide or in some namespaces. Everything forces a new
//! association. The ID and the import ID are `<cluster>#<principal ARN>#<policy ARN>`.
//! Refresh lists each access entry's policies once, however many of them are managed here.
//!
//! An association carries no tags: a create that finds the policy associated already refuses
//! to take it over, unless it finishes an interrupted create of this state.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_eks::types::{AccessScope, AccessScopeType, AssociatedAccessPolicy};

use super::{eks, string_of as text, strings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::schema::string_set;
use crate::providers::kit::{wait, PlanContext, ResourceType};
use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::providers::{
    already_exists, default_plan, ConfigSpans, Creation, OperationContext, PlanRequest,
    PlanResponse,
};
use crate::value::{Type, Value};

pub struct AccessPolicyAssociation;

/// How long an access entry made in the same apply may take to be visible; as Terraform.
const PROPAGATION: Duration = Duration::from_secs(120);

fn id_for(v: &Value) -> Option<String> {
    Some(format!(
        "{}#{}#{}",
        text(v, "cluster_name")?,
        text(v, "principal_arn")?,
        text(v, "policy_arn")?
    ))
}

fn scope_of(v: &Value) -> Option<&Value> {
    v.get("access_scope")?.as_items()?.first()
}

#[async_trait]
impl ResourceType<Clients> for AccessPolicyAssociation {
    fn name(&self) -> &'static str {
        "aws_eks_access_policy_association"
    }

    fn schema(&self) -> Schema {
        let scope = Schema::new()
            .attr(
                "type",
                Attribute::required(Type::String)
                    .force_new()
                    .describe("cluster or namespace."),
            )
            .attr(
                "namespaces",
                Attribute::optional(string_set())
                    .force_new()
                    .describe("The namespaces, for a namespace scope."),
            );
        Schema::new()
            .describe("An EKS access policy associated with an access entry.")
            .attr("id", Attribute::computed(Type::String).describe("<cluster>#<principal ARN>#<policy ARN>."))
            .attr("associated_at", Attribute::computed(Type::String).describe("When the policy was associated."))
            .attr("modified_at", Attribute::computed(Type::String).describe("When the association last changed."))
            .attr("cluster_name", Attribute::required(Type::String).force_new().describe("The cluster."))
            .attr("principal_arn", Attribute::required(Type::String).force_new().describe("The access entry's principal."))
            .attr("policy_arn", Attribute::required(Type::String).force_new().describe("The access policy, such as arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy."))
            .block("access_scope", NestedBlock { max_items: 1, ..NestedBlock::list(scope) }.required().force_new().describe("Where the policy applies."))
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let Some(scope) = scope_of(config) else {
            return Diagnostics::new();
        };
        let kind = scope.get("type").and_then(Value::as_str);
        let namespaces = scope
            .get("namespaces")
            .and_then(Value::as_items)
            .is_some_and(|n| !n.is_empty());
        let at = spans.span(&["access_scope"]);
        match kind {
            Some(k) if k != "cluster" && k != "namespace" => Diagnostic::error("Unknown access scope type")
                .at(at)
                .detail(format!("type = \"{k}\" is neither \"cluster\" nor \"namespace\"."))
                .into(),
            Some("namespace") if !namespaces => Diagnostic::error("A namespace scope needs namespaces")
                .at(at)
                .detail("access_scope.type = \"namespace\" grants the policy only in the listed namespaces, and none are listed.")
                .hint("list them in namespaces, or set type = \"cluster\"")
                .into(),
            Some("cluster") if namespaces => Diagnostic::error("A cluster scope takes no namespaces")
                .at(at)
                .detail("access_scope.type = \"cluster\" grants the policy in every namespace; EKS refuses namespaces with it.")
                .hint("remove namespaces, or set type = \"namespace\"")
                .into(),
            _ => Diagnostics::new(),
        }
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

    /// One ListAssociatedAccessPolicies per access entry.
    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        let mut entries: Vec<(String, String)> = states
            .iter()
            .filter_map(|s| Some((text(s, "cluster_name")?, text(s, "principal_arn")?)))
            .collect();
        entries.sort();
        entries.dedup();
        let lists =
            futures::future::join_all(entries.iter().map(|(cl, p)| associated(c, cl, p))).await;
        let mut by_entry = BTreeMap::new();
        let mut errors = Diagnostics::new();
        for (entry, list) in entries.into_iter().zip(lists) {
            match list {
                Ok(l) => {
                    by_entry.insert(entry, l);
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
                let (cluster, principal, policy) = (
                    text(s, "cluster_name")?,
                    text(s, "principal_arn")?,
                    text(s, "policy_arn")?,
                );
                let found = by_entry
                    .get(&(cluster.clone(), principal.clone()))?
                    .as_ref()?;
                found
                    .iter()
                    .find(|a| a.policy_arn() == Some(policy.as_str()))
                    .map(|a| association_value(&cluster, &principal, a))
            })
            .collect())
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        creation: Option<&Creation>,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let cluster = text(planned, "cluster_name").unwrap_or_default();
        let principal = text(planned, "principal_arn").unwrap_or_default();
        let policy = text(planned, "policy_arn").unwrap_or_default();
        let id = id_for(planned).unwrap_or_default();
        let there = associated(c, &cluster, &principal).await?;
        if let Some(a) = there
            .as_ref()
            .and_then(|l| l.iter().find(|a| a.policy_arn() == Some(policy.as_str())))
        {
            if creation.is_some_and(|c| c.resuming) {
                return Ok(association_value(&cluster, &principal, a));
            }
            return Err(already_exists(
                &format!("The association of {policy} with {principal}"),
                &id,
                "ListAssociatedAccessPolicies shows the policy associated with this access entry already.",
            ));
        }
        let scope = scope_of(planned);
        let scope = AccessScope::builder()
            .set_type(
                scope
                    .and_then(|s| text(s, "type"))
                    .map(|t| AccessScopeType::from(t.as_str())),
            )
            .set_namespaces(
                Some(strings(scope.and_then(|s| s.get("namespaces")))).filter(|n| !n.is_empty()),
            )
            .build();
        let started = Instant::now();
        loop {
            match c
                .eks
                .associate_access_policy()
                .cluster_name(&cluster)
                .principal_arn(&principal)
                .policy_arn(&policy)
                .access_scope(scope.clone())
                .send()
                .await
            {
                Ok(out) => {
                    let a = out.associated_access_policy().cloned().unwrap_or_else(|| {
                        AssociatedAccessPolicy::builder().policy_arn(&policy).access_scope(scope.clone()).build()
                    });
                    return Ok(association_value(&cluster, &principal, &a));
                }
                // An access entry made moments ago may not be visible yet.
                Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") && started.elapsed() < PROPAGATION => {
                    wait::pause(ctx, ctx.poll_interval.max(Duration::from_secs(1)), "AWS").await?;
                }
                Err(e) => {
                    return Err(describe(eks("AssociateAccessPolicy", &id), &e)
                        .hint("the principal needs an aws_eks_access_entry in the cluster first (depends_on it)"))
                }
            }
        }
    }

    async fn update(
        &self,
        _c: &Clients,
        _prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        // Every argument forces a new association.
        Ok(planned.clone())
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let id = id_for(prior).unwrap_or_default();
        match c
            .eks
            .disassociate_access_policy()
            .cluster_name(text(prior, "cluster_name").unwrap_or_default())
            .principal_arn(text(prior, "principal_arn").unwrap_or_default())
            .policy_arn(text(prior, "policy_arn").unwrap_or_default())
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => Ok(()),
            Err(e) => Err(describe(eks("DisassociateAccessPolicy", &id), &e)),
        }
    }

    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        let parts: Vec<&str> = id.splitn(3, '#').collect();
        let [cluster, principal, policy] = parts[..] else {
            return Err(Diagnostic::error("Invalid access policy association ID")
                .detail(format!("\"{id}\" is not <cluster>#<principal ARN>#<policy ARN>."))
                .hint("use, for example, prod#arn:aws:iam::123456789012:role/admins#arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"));
        };
        let probe = Value::object([
            ("cluster_name", Value::from(cluster)),
            ("principal_arn", Value::from(principal)),
            ("policy_arn", Value::from(policy)),
        ]);
        let found = self.read(c, std::slice::from_ref(&probe)).await;
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
        // No mark to recognise an association by; `create` finishes an interrupted one.
        Ok(None)
    }
}

fn association_value(cluster: &str, principal: &str, a: &AssociatedAccessPolicy) -> Value {
    let policy = a.policy_arn().unwrap_or_default();
    let time = |t: Option<&aws_smithy_types::DateTime>| {
        t.map_or(Value::Null, |t| Value::from(t.to_string()))
    };
    let scope = a.access_scope().map_or(Value::List(vec![]), |s| {
        let namespaces = s.namespaces();
        Value::List(vec![Value::object([
            (
                "type",
                s.r#type().map_or(Value::Null, |t| Value::from(t.as_str())),
            ),
            (
                "namespaces",
                if namespaces.is_empty() {
                    Value::Null
                } else {
                    Value::set(namespaces.iter().map(|n| Value::from(n.as_str())).collect())
                },
            ),
        ])])
    });
    Value::object([
        ("id", Value::from(format!("{cluster}#{principal}#{policy}"))),
        ("associated_at", time(a.associated_at())),
        ("modified_at", time(a.modified_at())),
        ("cluster_name", Value::from(cluster)),
        ("principal_arn", Value::from(principal)),
        ("policy_arn", Value::from(policy)),
        ("access_scope", scope),
    ])
}

/// Every policy associated with an access entry, every page; `None` when there is no entry.
async fn associated(
    c: &Clients,
    cluster: &str,
    principal: &str,
) -> Result<Option<Vec<AssociatedAccessPolicy>>, Diagnostic> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = match c
            .eks
            .list_associated_access_policies()
            .cluster_name(cluster)
            .principal_arn(principal)
            .set_next_token(token.take())
            .send()
            .await
        {
            Ok(p) => p,
            Err(e) if code(&e).as_deref() == Some("ResourceNotFoundException") => return Ok(None),
            Err(e) => {
                return Err(describe(
                    eks(
                        "ListAssociatedAccessPolicies",
                        &format!("{cluster}:{principal}"),
                    ),
                    &e,
                ))
            }
        };
        out.extend(page.associated_access_policies().iter().cloned());
        match page.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => return Ok(Some(out)),
        }
    }
}
