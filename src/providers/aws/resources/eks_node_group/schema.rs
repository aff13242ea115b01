//! Terraform's `aws_eks_node_group` arguments, and the checks of one configuration that EKS
//! would otherwise make only after the request (or never, leaving nodes that do not join).

use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::schema::string_set;
use crate::providers::aws::tags::taggable;
use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::providers::ConfigSpans;
use crate::value::{Type, Value};

/// A block of at most one, which Terraform configurations read as `name[0].field`.
fn one(schema: Schema) -> NestedBlock {
    NestedBlock {
        max_items: 1,
        ..NestedBlock::list(schema)
    }
}

pub const TAINT_EFFECTS: [&str; 3] = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"];

pub fn schema() -> Schema {
    let number = || Attribute::required(Type::Number);
    taggable(
        Schema::new()
            .describe("A managed node group of an EKS cluster.")
            .attr("id", Attribute::computed(Type::String).describe("<cluster>:<node group>."))
            .attr("arn", Attribute::computed(Type::String).describe("The node group's ARN."))
            .attr("status", Attribute::computed(Type::String).describe("ACTIVE once the nodes have joined."))
            .attr("cluster_name", Attribute::required(Type::String).force_new().describe("The cluster the nodes join."))
            .attr("node_group_name", Attribute::optional_computed(Type::String).force_new().describe("The group's name; generated when unset."))
            .attr("node_group_name_prefix", Attribute::optional_computed(Type::String).force_new().describe("A prefix for a generated name; conflicts with node_group_name."))
            .attr("node_role_arn", Attribute::required(Type::String).force_new().describe("The role the nodes run as: it must trust ec2.amazonaws.com and have AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly and (for the VPC CNI) AmazonEKS_CNI_Policy."))
            .attr("subnet_ids", Attribute::required(string_set()).force_new().describe("The subnets the nodes run in."))
            .attr("ami_type", Attribute::optional_computed(Type::String).force_new().describe("The AMI family, such as AL2023_x86_64_STANDARD or BOTTLEROCKET_x86_64."))
            .attr("capacity_type", Attribute::optional_computed(Type::String).force_new().describe("ON_DEMAND or SPOT."))
            .attr("disk_size", Attribute::optional_computed(Type::Number).force_new().describe("Root volume size in GiB (not with a launch template)."))
            .attr("instance_types", Attribute::optional_computed(Type::list(Type::String)).force_new().describe("Instance types, such as [\"t3.medium\"]."))
            .attr("version", Attribute::optional_computed(Type::String).describe("Kubernetes version of the nodes; the cluster's when unset. Changing it is an UpdateNodegroupVersion."))
            .attr("release_version", Attribute::optional_computed(Type::String).describe("The AMI release; the latest for the version when unset."))
            .attr("force_update_version", Attribute::optional(Type::Bool).describe("Whether a version update goes on when pods cannot be drained."))
            .attr("labels", Attribute::optional(Type::map(Type::String)).describe("Kubernetes labels of the nodes."))
            .attr("resources", Attribute::computed(Type::list(crate::providers::aws::schema::object(&[
                ("autoscaling_groups", Type::list(crate::providers::aws::schema::object(&[("name", Type::String)]))),
                ("remote_access_security_group_id", Type::String),
            ]))).describe("The Auto Scaling groups EKS made for the nodes."))
            .block("scaling_config", NestedBlock { min_items: 1, ..one(
                Schema::new()
                    .attr("desired_size", number().describe("Nodes to run now."))
                    .attr("min_size", number().describe("Fewest nodes."))
                    .attr("max_size", number().describe("Most nodes (at least 1)."))
            )}.describe("How many nodes; changed in place."))
            .block("update_config", NestedBlock { computed: true, ..one(
                Schema::new()
                    .attr("max_unavailable", Attribute::optional(Type::Number).describe("Nodes that may be unavailable during an update."))
                    .attr("max_unavailable_percentage", Attribute::optional(Type::Number).describe("The same, as a percentage."))
            )}.describe("How many nodes an update may take down at once; exactly one of the two."))
            .block("node_repair_config", NestedBlock { computed: true, ..one(
                Schema::new().attr("enabled", Attribute::optional(Type::Bool).describe("Whether EKS replaces unhealthy nodes."))
            )}.describe("Automatic repair of unhealthy nodes."))
            .block("remote_access", one(
                Schema::new()
                    .attr("ec2_ssh_key", Attribute::optional(Type::String).describe("The EC2 key pair for SSH to the nodes."))
                    .attr("source_security_group_ids", Attribute::optional(string_set()).describe("Security groups allowed SSH; anywhere when unset."))
            ).force_new().describe("SSH access to the nodes."))
            .block("launch_template", one(
                Schema::new()
                    .attr("id", Attribute::optional_computed(Type::String).force_new().describe("The launch template's ID; conflicts with name."))
                    .attr("name", Attribute::optional_computed(Type::String).force_new().describe("The launch template's name."))
                    .attr("version", Attribute::required(Type::String).describe("The template version; changed in place."))
            ).describe("A launch template for the nodes."))
            .block("taint", NestedBlock::set(
                Schema::new()
                    .attr("key", Attribute::required(Type::String).describe("The taint's key."))
                    .attr("value", Attribute::optional(Type::String).describe("The taint's value."))
                    .attr("effect", Attribute::required(Type::String).describe("NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE."))
            ).describe("Kubernetes taints of the nodes (at most 50).")),
    )
}

/// The first object of a block of at most one.
pub fn first<'a>(v: &'a Value, block: &str) -> Option<&'a Value> {
    v.get(block)?.as_items()?.first()
}

fn number(v: Option<&Value>, key: &str) -> Option<i64> {
    v?.get(key)?.as_number()?.as_i64()
}

pub fn check(config: &Value, spans: &ConfigSpans) -> Diagnostics {
    let mut out = Diagnostics::new();
    let set = |v: Option<&Value>, k: &str| v.and_then(|o| o.get(k)).is_some_and(|x| !x.is_null());
    if set(Some(config), "node_group_name") && set(Some(config), "node_group_name_prefix") {
        out.push(
            Diagnostic::error("node_group_name and node_group_name_prefix together")
                .at(spans.span(&["node_group_name_prefix"]))
                .detail("A node group has one name: set node_group_name, or node_group_name_prefix for a generated one.")
                .hint("remove one of the two"),
        );
    }
    let scaling = first(config, "scaling_config");
    if let (Some(min), Some(desired), Some(max)) = (
        number(scaling, "min_size"),
        number(scaling, "desired_size"),
        number(scaling, "max_size"),
    ) {
        if max < 1 || min > desired || desired > max {
            out.push(
                Diagnostic::error("Scaling sizes out of order")
                    .at(spans.span(&["scaling_config"]))
                    .detail(format!("EKS needs 0 <= min_size <= desired_size <= max_size and max_size >= 1; here min_size = {min}, desired_size = {desired}, max_size = {max}."))
                    .hint("raise max_size or lower min_size"),
            );
        }
    }
    let update = first(config, "update_config");
    if update.is_some()
        && set(update, "max_unavailable") == set(update, "max_unavailable_percentage")
    {
        out.push(
            Diagnostic::error("update_config needs exactly one setting")
                .at(spans.span(&["update_config"]))
                .detail("Set max_unavailable (a number of nodes) or max_unavailable_percentage, not both and not neither."),
        );
    }
    for key in ["max_unavailable", "max_unavailable_percentage"] {
        if let Some(n) = number(update, key).filter(|n| !(1..=100).contains(n)) {
            out.push(
                Diagnostic::error(format!("{key} out of range"))
                    .at(spans.span(&["update_config"]))
                    .detail(format!("EKS accepts 1 to 100, not {n}.")),
            );
        }
    }
    let template = first(config, "launch_template");
    if set(template, "id") && set(template, "name") {
        out.push(
            Diagnostic::error("Launch template by id and by name")
                .at(spans.span(&["launch_template"]))
                .detail("A launch template is named by its id or its name, not both.")
                .hint("remove one of the two"),
        );
    }
    if template.is_some()
        && (set(Some(config), "disk_size") || first(config, "remote_access").is_some())
    {
        out.push(
            Diagnostic::error("disk_size or remote_access with a launch template")
                .at(spans.span(&["launch_template"]))
                .detail("EKS refuses both with a launch template: the template sets the disk and the key pair.")
                .hint("set them in the launch template instead"),
        );
    }
    let taints = config.get("taint").and_then(Value::as_items).unwrap_or(&[]);
    if taints.len() > 50 {
        out.push(
            Diagnostic::error("Too many taints")
                .at(spans.span(&["taint"]))
                .detail(format!(
                    "EKS allows at most 50 taints on a node group; this one has {}.",
                    taints.len()
                )),
        );
    }
    for t in taints {
        if let Some(effect) = t.get("effect").and_then(Value::as_str) {
            if !TAINT_EFFECTS.contains(&effect) {
                out.push(
                    Diagnostic::error("Unknown taint effect")
                        .at(spans.span(&["taint"]))
                        .detail(format!(
                            "effect = \"{effect}\" is not one of {}.",
                            TAINT_EFFECTS.join(", ")
                        ))
                        .hint("EKS spells Kubernetes' NoSchedule as NO_SCHEDULE"),
                );
            }
        }
    }
    out
}
