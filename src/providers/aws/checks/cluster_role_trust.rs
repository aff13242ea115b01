//! A cluster's IAM role must let EKS assume it. With a trust policy that does not allow
//! `eks.amazonaws.com` to call `sts:AssumeRole`, CreateCluster fails after everything before
//! it was made; the plan says so first.

use serde_json::Value as Json;

use super::deps_of_type;
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::PlannedInstance;
use crate::value::Value;

const EKS: &str = "eks.amazonaws.com";

/// Clusters whose role, made in this configuration, does not trust EKS. Roles from outside
/// the configuration, and trust policies known only after apply, are not checked.
pub fn cluster_role_trusts_eks(planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for cluster in planned.iter().filter(|p| p.type_name == "aws_eks_cluster") {
        // The role_arn is unknown until the role exists, so the role is the one the cluster
        // depends on; with several, which one is its role cannot be told.
        let [role] = deps_of_type(planned, cluster, "aws_iam_role")[..] else {
            continue;
        };
        let Some(policy) = role
            .planned
            .get("assume_role_policy")
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<Json>(policy) else {
            continue;
        };
        if !allows_service(&doc, EKS) {
            diags.push(
                Diagnostic::error("The cluster's role does not trust EKS")
                    .at(cluster.spans.span(&["role_arn"]))
                    .detail(format!(
                        "{} runs as {}, whose assume_role_policy lets no statement allow sts:AssumeRole to the service {EKS}. EKS could not assume the role, and CreateCluster would fail after the plan.",
                        cluster.addr, role.addr
                    ))
                    .hint(format!(
                        "give {} a trust statement: actions = [\"sts:AssumeRole\"] with principals {{ type = \"Service\", identifiers = [\"{EKS}\"] }}",
                        role.addr
                    )),
            );
        }
    }
    diags
}

/// Whether an Allow statement lets `service` call sts:AssumeRole.
pub(super) fn allows_service(doc: &Json, service: &str) -> bool {
    let statements = match doc.get("Statement") {
        Some(Json::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    statements.into_iter().any(|st| {
        let allow = st.get("Effect").and_then(Json::as_str) == Some("Allow");
        let action = items(st.get("Action"))
            .iter()
            .any(|a| glob(a, "sts:AssumeRole"));
        let principal = match st.get("Principal") {
            Some(Json::String(s)) => s == "*",
            Some(p) => items(p.get("Service")).iter().any(|s| s == service),
            None => false,
        };
        allow && action && principal
    })
}

fn items(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// IAM's action matching: `*` stands for any run of characters, case-insensitively.
fn glob(pattern: &str, action: &str) -> bool {
    let (p, a) = (pattern.to_ascii_lowercase(), action.to_ascii_lowercase());
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == a;
    }
    let mut rest = a.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{allows_service, glob};

    fn doc(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_trust_policy_for_eks_is_recognised_in_its_usual_spellings() {
        let eks = "eks.amazonaws.com";
        assert!(allows_service(
            &doc(
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"eks.amazonaws.com"}}]}"#
            ),
            eks
        ));
        assert!(allows_service(
            &doc(
                r#"{"Statement":{"Effect":"Allow","Action":["sts:*"],"Principal":{"Service":["ec2.amazonaws.com","eks.amazonaws.com"]}}}"#
            ),
            eks
        ));
        assert!(!allows_service(
            &doc(
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}"#
            ),
            eks
        ));
        assert!(!allows_service(
            &doc(
                r#"{"Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"Service":"eks.amazonaws.com"}}]}"#
            ),
            eks
        ));
        assert!(!allows_service(
            &doc(
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:TagSession","Principal":{"Service":"eks.amazonaws.com"}}]}"#
            ),
            eks
        ));
    }

    #[test]
    fn action_wildcards_match_as_in_iam() {
        assert!(glob("sts:Assume*", "sts:AssumeRole"));
        assert!(glob("*", "sts:AssumeRole"));
        assert!(glob("STS:assumerole", "sts:AssumeRole"));
        assert!(!glob("sts:AssumeRoleWith*", "sts:AssumeRole"));
    }
}
