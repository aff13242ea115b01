//! Schemas of the `aws` provider, with Terraform's resource and attribute names so existing
//! configurations and knowledge carry over.

use crate::providers::schema::{lookup, Attribute, NestedBlock, Schema};
use crate::providers::ProviderSchema;
use crate::value::types::ObjectAttr;
use crate::value::Type;

fn strings() -> Type {
    Type::set(Type::String)
}

fn tags(s: Schema) -> Schema {
    s.attr(
        "tags",
        Attribute::optional(Type::map(Type::String))
            .describe("Tags for the object; merged over the provider's default_tags."),
    )
    .attr(
        "tags_all",
        Attribute::computed(Type::map(Type::String))
            .describe("All tags, including the provider's default_tags."),
    )
}

fn object(fields: &[(&str, Type)]) -> Type {
    Type::Object(
        fields
            .iter()
            .map(|(n, t)| {
                (
                    n.to_string(),
                    ObjectAttr {
                        ty: t.clone(),
                        optional: false,
                        default: None,
                    },
                )
            })
            .collect(),
    )
}

pub fn provider() -> Schema {
    Schema::new()
        .describe("Amazon Web Services: EKS clusters and the VPC networking they run in.")
        .attr("region", Attribute::optional(Type::String).describe("The AWS region, such as eu-west-1; else AWS_REGION or the profile's region."))
        .attr("profile", Attribute::optional(Type::String).describe("A named profile from the shared config and credentials files."))
        .block(
            "endpoints",
            NestedBlock::single(
                Schema::new()
                    .attr("eks", Attribute::optional(Type::String).describe("Endpoint URL for EKS, such as a local emulator."))
                    .attr("ec2", Attribute::optional(Type::String).describe("Endpoint URL for EC2."))
                    .attr("sts", Attribute::optional(Type::String).describe("Accepted for compatibility with Terraform configurations; clusterform makes no STS calls of its own (AWS_ENDPOINT_URL_STS still applies to credential providers that use STS).")),
            )
            .describe("Per-service endpoint overrides (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> also work)."),
        )
        .block(
            "default_tags",
            NestedBlock::single(Schema::new().attr("tags", Attribute::optional(Type::map(Type::String)).describe("Tags added to every taggable object.")))
                .describe("Tags applied to every resource this provider creates."),
        )
}

pub fn eks_cluster() -> Schema {
    let vpc = Schema::new()
        .attr("subnet_ids", Attribute::required(strings()).describe("At least two subnets in different Availability Zones of one VPC; updatable in place."))
        .attr("security_group_ids", Attribute::optional(strings()).describe("Extra security groups for the control-plane network interfaces."))
        .attr("endpoint_private_access", Attribute::optional(Type::Bool).default(false).describe("Whether the API server is reachable inside the VPC."))
        .attr("endpoint_public_access", Attribute::optional(Type::Bool).default(true).describe("Whether the API server has a public endpoint."))
        .attr(
            "public_access_cidrs",
            Attribute::optional_computed(strings()).describe("CIDR blocks allowed to reach the public endpoint; EKS uses 0.0.0.0/0 when unset."),
        )
        .attr("cluster_security_group_id", Attribute::computed(Type::String).describe("The security group EKS creates for the cluster."))
        .attr("vpc_id", Attribute::computed(Type::String).describe("The VPC of the subnets."));
    tags(
        Schema::new()
            .describe("An EKS cluster: its Kubernetes control plane and the network access to its API server.")
            .attr("id", Attribute::computed(Type::String).describe("The cluster's name."))
            .attr("name", Attribute::required(Type::String).force_new().describe("Name of the cluster; changing it replaces the cluster."))
            .attr("role_arn", Attribute::required(Type::String).force_new().describe("IAM role EKS uses to manage resources; changing it replaces the cluster."))
            .attr("version", Attribute::optional_computed(Type::String).describe("Kubernetes version, such as 1.31; upgrades go one minor version at a time."))
            .attr("enabled_cluster_log_types", Attribute::optional(strings()).describe("Control-plane logs sent to CloudWatch: api, audit, authenticator, controllerManager, scheduler."))
            .attr("arn", Attribute::computed(Type::String).describe("The cluster's ARN."))
            .attr("endpoint", Attribute::computed(Type::String).describe("The API server URL."))
            .attr("status", Attribute::computed(Type::String).describe("CREATING, ACTIVE, UPDATING, DELETING or FAILED."))
            .attr("platform_version", Attribute::computed(Type::String).describe("The EKS platform version."))
            .attr("created_at", Attribute::computed(Type::String).describe("When the cluster was created."))
            .attr(
                "certificate_authority",
                Attribute::computed(Type::list(object(&[("data", Type::String)]))).describe("The cluster CA certificate, base64 encoded, as [{ data }]."),
            )
            .attr(
                "identity",
                Attribute::computed(Type::list(object(&[("oidc", Type::list(object(&[("issuer", Type::String)])))])))
                    .describe("The cluster's OIDC issuer, as [{ oidc = [{ issuer }] }]."),
            )
            .block("vpc_config", NestedBlock { max_items: 1, ..NestedBlock::list(vpc) }.required().describe("Networking of the control plane and its API server endpoints.")),
    )
}

pub fn vpc() -> Schema {
    tags(
        Schema::new()
            .describe("A VPC.")
            .attr("id", Attribute::computed(Type::String).describe("The VPC ID."))
            .attr("arn", Attribute::computed(Type::String).describe("The VPC's ARN."))
            .attr("cidr_block", Attribute::required(Type::String).force_new().describe("The IPv4 range, such as 10.0.0.0/16."))
            .attr("enable_dns_support", Attribute::optional(Type::Bool).default(true).describe("Whether the Amazon DNS server answers in the VPC; private EKS endpoints need it."))
            .attr("enable_dns_hostnames", Attribute::optional(Type::Bool).default(false).describe("Whether instances get DNS hostnames; private EKS endpoints need it."))
            .attr("dhcp_options_id", Attribute::computed(Type::String).describe("The DHCP options set of the VPC.")),
    )
}

pub fn subnet() -> Schema {
    tags(
        Schema::new()
            .describe("A subnet of a VPC.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The subnet ID."),
            )
            .attr(
                "arn",
                Attribute::computed(Type::String).describe("The subnet's ARN."),
            )
            .attr(
                "vpc_id",
                Attribute::required(Type::String)
                    .force_new()
                    .describe("The VPC."),
            )
            .attr(
                "cidr_block",
                Attribute::required(Type::String)
                    .force_new()
                    .describe("The IPv4 range, inside the VPC's."),
            )
            .attr(
                "availability_zone",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .describe("The Availability Zone, such as eu-west-1a."),
            )
            .attr(
                "map_public_ip_on_launch",
                Attribute::optional(Type::Bool)
                    .default(false)
                    .describe("Whether instances get a public IPv4 address."),
            ),
    )
}

fn sg_rule() -> Schema {
    Schema::new()
        .attr(
            "from_port",
            Attribute::required(Type::Number).describe("First port."),
        )
        .attr(
            "to_port",
            Attribute::required(Type::Number).describe("Last port."),
        )
        .attr(
            "protocol",
            Attribute::required(Type::String).describe("tcp, udp, icmp, or -1 for all."),
        )
        .attr(
            "cidr_blocks",
            Attribute::optional(Type::list(Type::String)).describe("IPv4 ranges."),
        )
        .attr(
            "security_groups",
            Attribute::optional(strings()).describe("Source or destination security groups."),
        )
        .attr(
            "self",
            Attribute::optional(Type::Bool)
                .default(false)
                .describe("Whether the group itself is a source."),
        )
        .attr(
            "description",
            Attribute::optional(Type::String).describe("What the rule is for."),
        )
}

pub fn security_group() -> Schema {
    tags(
        Schema::new()
            .describe("A security group, with inline rules.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The security group ID."),
            )
            .attr(
                "arn",
                Attribute::computed(Type::String).describe("The security group's ARN."),
            )
            .attr(
                "name",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .describe("Name of the group."),
            )
            .attr(
                "description",
                Attribute::optional(Type::String)
                    .default("Managed by Terraform")
                    .force_new()
                    .describe("What the group is for."),
            )
            .attr(
                "vpc_id",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .describe("The VPC."),
            )
            .block(
                "ingress",
                NestedBlock::set(sg_rule())
                    .computed()
                    .describe("Inbound rules. Without any ingress block, rules made elsewhere (aws_vpc_security_group_ingress_rule) are kept."),
            )
            .block(
                "egress",
                NestedBlock::set(sg_rule())
                    .computed()
                    .describe("Outbound rules. A new group gets none (AWS's default allow-all rule is removed); without any egress block, rules made elsewhere are kept."),
            ),
    )
}

pub fn ingress_rule() -> Schema {
    tags(
        Schema::new()
            .describe("One inbound rule of a security group, such as 443 from a bastion's group to the cluster's group.")
            .attr("id", Attribute::computed(Type::String).describe("The rule ID."))
            .attr("security_group_rule_id", Attribute::computed(Type::String).describe("The rule ID."))
            .attr("arn", Attribute::computed(Type::String).describe("The rule's ARN."))
            .attr("security_group_id", Attribute::required(Type::String).force_new().describe("The group the rule belongs to."))
            .attr("ip_protocol", Attribute::required(Type::String).force_new().describe("tcp, udp, icmp, or -1 for all."))
            .attr("from_port", Attribute::optional(Type::Number).force_new().describe("First port."))
            .attr("to_port", Attribute::optional(Type::Number).force_new().describe("Last port."))
            .attr("cidr_ipv4", Attribute::optional(Type::String).force_new().describe("Source IPv4 range."))
            .attr("referenced_security_group_id", Attribute::optional(Type::String).force_new().describe("Source security group."))
            .attr("description", Attribute::optional(Type::String).describe("What the rule is for.")),
    )
}

/// The schema of a data source: the lookup keys are settable, everything else computed.
pub fn provider_schema() -> ProviderSchema {
    let mut p = ProviderSchema {
        provider: provider(),
        ..ProviderSchema::default()
    };
    p.resources.insert("aws_eks_cluster".into(), eks_cluster());
    p.resources.insert("aws_vpc".into(), vpc());
    p.resources.insert("aws_subnet".into(), subnet());
    p.resources
        .insert("aws_security_group".into(), security_group());
    p.resources
        .insert("aws_vpc_security_group_ingress_rule".into(), ingress_rule());
    p.data_sources.insert(
        "aws_vpc".into(),
        lookup(
            vpc(),
            &["id", "tags"],
            "Looks up an existing VPC by ID or tags.",
        ),
    );
    p.data_sources.insert(
        "aws_subnet".into(),
        lookup(
            subnet(),
            &["id", "tags"],
            "Looks up an existing subnet by ID or tags.",
        ),
    );
    p.data_sources.insert(
        "aws_security_group".into(),
        lookup(
            security_group(),
            &["id", "name", "vpc_id", "tags"],
            "Looks up an existing security group.",
        ),
    );
    p.data_sources.insert(
        "aws_eks_cluster".into(),
        lookup(
            eks_cluster(),
            &["name"],
            "Looks up an existing EKS cluster by name.",
        ),
    );
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_schema_uses_terraform_names_and_defaults() {
        let s = eks_cluster();
        let vpc = &s.blocks["vpc_config"].schema;
        assert_eq!(
            vpc.attributes["endpoint_public_access"].default,
            Some(crate::value::Value::Bool(true))
        );
        assert_eq!(
            vpc.attributes["endpoint_private_access"].default,
            Some(crate::value::Value::Bool(false))
        );
        assert!(vpc.attributes["public_access_cidrs"].computed);
        assert!(s.attributes["name"].force_new && s.attributes["role_arn"].force_new);
        assert!(
            !vpc.attributes["subnet_ids"].force_new,
            "subnets are updatable in place since October 2023"
        );
    }

    #[test]
    fn data_sources_only_take_their_lookup_keys() {
        let p = provider_schema();
        let d = &p.data_sources["aws_eks_cluster"];
        assert!(d.attributes["name"].optional);
        assert!(!d.attributes["role_arn"].optional && d.attributes["role_arn"].computed);
    }
}
