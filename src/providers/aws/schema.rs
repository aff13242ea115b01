//! The `provider "aws"` block's schema, and type builders the resource schemas share. Each
//! resource type's schema is in its own module, with Terraform's names and defaults.

use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::value::types::ObjectAttr;
use crate::value::Type;

/// `set(string)`, the type of ID and CIDR lists.
pub fn string_set() -> Type {
    Type::set(Type::String)
}

/// An object type whose fields are all required, for read-only nested attributes.
pub fn object(fields: &[(&str, Type)]) -> Type {
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
        .describe("Amazon Web Services: EKS clusters, the VPC networking they run in, and their IAM roles.")
        .attr("region", Attribute::optional(Type::String).describe("The AWS region, such as eu-west-1; else AWS_REGION or the profile's region."))
        .attr("profile", Attribute::optional(Type::String).describe("A named profile from the shared config and credentials files."))
        .block(
            "endpoints",
            NestedBlock::single(
                Schema::new()
                    .attr("eks", Attribute::optional(Type::String).describe("Endpoint URL for EKS, such as a local emulator."))
                    .attr("ec2", Attribute::optional(Type::String).describe("Endpoint URL for EC2."))
                    .attr("iam", Attribute::optional(Type::String).describe("Endpoint URL for IAM."))
                    .attr("sts", Attribute::optional(Type::String).describe("Endpoint URL for STS (data \"aws_caller_identity\")."))
            )
            .describe("Per-service endpoint overrides (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> also work)."),
        )
        .block(
            "default_tags",
            NestedBlock::single(Schema::new().attr("tags", Attribute::optional(Type::map(Type::String)).describe("Tags added to every taggable object.")))
                .describe("Tags applied to every resource this provider creates."),
        )
}
