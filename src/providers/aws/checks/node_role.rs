//! A node group's IAM role must let EC2 assume it and carry the managed policies the EKS
//! docs list for nodes: without them the instances start but never join the cluster, and
//! CreateNodegroup ends CREATE_FAILED twenty minutes later.
//! <https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html>

use serde_json::Value as Json;

use super::cluster_role_trust::allows_service;
use super::deps_of_type;
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::PlannedInstance;
use crate::value::Value;

const EC2: &str = "ec2.amazonaws.com";
const WORKER: &str = "AmazonEKSWorkerNodePolicy";
/// Either lets nodes pull images from ECR (PullOnly is the newer, narrower one).
const REGISTRY: [&str; 2] = [
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEC2ContainerRegistryPullOnly",
];
const CNI: &str = "AmazonEKS_CNI_Policy";

/// Node groups whose role, made in this configuration, does not trust EC2 or lacks the
/// node policies among the attachments made here. Roles from outside are not checked; a role
/// made here with no attachment here gets a warning that its policies could not be checked.
pub fn node_role_trusts_ec2_and_has_node_policies(planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for group in planned
        .iter()
        .filter(|p| p.type_name == "aws_eks_node_group")
    {
        let [role] = deps_of_type(planned, group, "aws_iam_role")[..] else {
            continue;
        };
        let at = group.spans.span(&["node_role_arn"]);
        let trust = role
            .planned
            .get("assume_role_policy")
            .and_then(Value::as_str)
            .and_then(|p| serde_json::from_str::<Json>(p).ok());
        if trust.as_ref().is_some_and(|doc| !allows_service(doc, EC2)) {
            diags.push(
                Diagnostic::error("The node role does not trust EC2")
                    .at(at)
                    .detail(format!(
                        "{}'s nodes run as {}, whose assume_role_policy lets no statement allow sts:AssumeRole to the service {EC2}. The instances could not get the role's credentials and would never join the cluster.",
                        group.addr, role.addr
                    ))
                    .hint(format!(
                        "give {} a trust statement: actions = [\"sts:AssumeRole\"] with principals {{ type = \"Service\", identifiers = [\"{EC2}\"] }}",
                        role.addr
                    )),
            );
        }
        let attached = attached_policies(planned, role);
        if attached.is_empty() {
            diags.push(
                Diagnostic::warning("The node role's policies cannot be checked")
                    .at(at)
                    .detail(format!(
                        "No aws_iam_role_policy_attachment in this configuration attaches a policy to {}, so whether its nodes may join ({WORKER}) and pull images ({}) cannot be told before apply.",
                        role.addr, REGISTRY[0]
                    ))
                    .hint(format!("attach {WORKER}, {} and {CNI} to {} here, or check that they are attached elsewhere", REGISTRY[0], role.addr)),
            );
            continue;
        }
        let has = |name: &str| attached.iter().any(|a| a.ends_with(&format!("/{name}")));
        let mut missing: Vec<&str> = Vec::new();
        if !has(WORKER) {
            missing.push(WORKER);
        }
        if !REGISTRY.iter().any(|r| has(r)) {
            missing.push(REGISTRY[0]);
        }
        if !missing.is_empty() {
            diags.push(
                Diagnostic::error("The node role lacks the node policies")
                    .at(at)
                    .detail(format!(
                        "{} has policies attached here, but not {}: its nodes could not {}.",
                        role.addr,
                        missing.join(" or "),
                        if missing.contains(&WORKER) {
                            "register with the cluster"
                        } else {
                            "pull images from ECR"
                        }
                    ))
                    .hint(format!(
                        "add an aws_iam_role_policy_attachment of arn:aws:iam::aws:policy/{} to {}",
                        missing[0], role.addr
                    )),
            );
        }
        if !has(CNI) {
            // The CNI policy may sit on the aws-node service account's own role instead.
            diags.push(
                Diagnostic::warning("The node role lacks AmazonEKS_CNI_Policy")
                    .at(at)
                    .detail(format!(
                        "Without {CNI} on {} or on the role of the aws-node service account (IRSA or a pod identity), the VPC CNI cannot give pods addresses and nodes stay NotReady.",
                        role.addr
                    ))
                    .hint(format!("attach arn:aws:iam::aws:policy/{CNI} to {}, or to the VPC CNI add-on's service account role", role.addr)),
            );
        }
    }
    diags
}

/// The policy ARNs planned attachments attach to `role` (known ones only).
fn attached_policies(planned: &[PlannedInstance<'_>], role: &PlannedInstance<'_>) -> Vec<String> {
    let role_addr = role.addr.resource.to_string();
    let role_name = role.planned.get("name").and_then(Value::as_str);
    planned
        .iter()
        .filter(|p| p.type_name == "aws_iam_role_policy_attachment")
        .filter(|p| {
            p.dependencies.iter().any(|d| d == &role_addr)
                || (role_name.is_some()
                    && p.planned.get("role").and_then(Value::as_str) == role_name)
        })
        .filter_map(|p| {
            p.planned
                .get("policy_arn")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}
