//! Somebody must be able to run kubectl. A cluster that authenticates through access entries
//! (authentication_mode API or API_AND_CONFIG_MAP) without the creator's bootstrap entry
//! (bootstrap_cluster_creator_admin_permissions = false) has no administrator unless an access
//! entry with AmazonEKSClusterAdminPolicy gives it one; with mode API not even the aws-auth
//! ConfigMap can, and nobody could ever reach the Kubernetes API to add one.
//! <https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html>

use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::PlannedInstance;
use crate::value::Value;

const CLUSTER_ADMIN: &str = "AmazonEKSClusterAdminPolicy";

/// New clusters nobody could administer (an error), and existing ones whose administrators
/// are not in this configuration (a warning: they may have been added elsewhere).
pub fn someone_can_administer_the_cluster(planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for cluster in planned.iter().filter(|p| p.type_name == "aws_eks_cluster") {
        let Some(access) = cluster
            .planned
            .get("access_config")
            .and_then(Value::as_items)
            .and_then(|a| a.first())
        else {
            continue;
        };
        let mode = access.get("authentication_mode").and_then(Value::as_str);
        let bootstrap = access
            .get("bootstrap_cluster_creator_admin_permissions")
            .and_then(Value::as_bool);
        if !matches!(mode, Some("API" | "API_AND_CONFIG_MAP")) || bootstrap != Some(false) {
            continue;
        }
        if has_admin_association(planned, cluster) {
            continue;
        }
        let addr = cluster.addr.resource.to_string();
        let detail = format!(
            "{} authenticates with access entries (authentication_mode = \"{}\") and gives its creator no entry (bootstrap_cluster_creator_admin_permissions = false), and no aws_eks_access_policy_association here grants {CLUSTER_ADMIN} on it.{}",
            cluster.addr,
            mode.unwrap_or_default(),
            if mode == Some("API") {
                " Nobody could run kubectl, or add an administrator later through the Kubernetes API."
            } else {
                " Only the aws-auth ConfigMap could let anyone in, and nobody can edit it yet."
            }
        );
        let hint = format!("add an aws_eks_access_entry for your admin role and an aws_eks_access_policy_association of arn:aws:eks::aws:cluster-access-policy/{CLUSTER_ADMIN} with access_scope {{ type = \"cluster\" }} (cluster_name = {addr}.name), or set bootstrap_cluster_creator_admin_permissions = true");
        let at = cluster.spans.span(&[
            "access_config",
            "bootstrap_cluster_creator_admin_permissions",
        ]);
        diags.push(if cluster.prior.is_none() {
            Diagnostic::error("Nobody could run kubectl on this cluster")
                .at(at)
                .detail(detail)
                .hint(hint)
        } else {
            Diagnostic::warning("No cluster administrator in this configuration")
                .at(at)
                .detail(format!(
                    "{detail} Administrators added outside this configuration are not seen here."
                ))
                .hint(hint)
        });
    }
    diags
}

/// Whether a planned association grants cluster admin, cluster-wide, on `cluster`.
fn has_admin_association(planned: &[PlannedInstance<'_>], cluster: &PlannedInstance<'_>) -> bool {
    let addr = cluster.addr.resource.to_string();
    let name = cluster.planned.get("name").and_then(Value::as_str);
    planned
        .iter()
        .filter(|p| p.type_name == "aws_eks_access_policy_association")
        .filter(|p| {
            p.dependencies.iter().any(|d| d == &addr)
                || (name.is_some() && p.planned.get("cluster_name").and_then(Value::as_str) == name)
        })
        .any(|p| {
            let admin = p
                .planned
                .get("policy_arn")
                .and_then(Value::as_str)
                .is_some_and(|a| a.ends_with(&format!("/{CLUSTER_ADMIN}")));
            let cluster_wide = p
                .planned
                .get("access_scope")
                .and_then(Value::as_items)
                .and_then(|s| s.first())
                .and_then(|s| s.get("type"))
                .and_then(Value::as_str)
                == Some("cluster");
            admin && cluster_wide
        })
}
