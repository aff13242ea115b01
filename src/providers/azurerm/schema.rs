//! The `provider "azurerm"` block's schema. Each resource type's schema is in its own module.

use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::value::Type;

pub fn provider() -> Schema {
    let s = |d: &str| Attribute::optional(Type::String).describe(d);
    Schema::new()
        .describe("Microsoft Azure: AKS clusters and the network access to their API servers.")
        .attr("subscription_id", s("The subscription to manage; else ARM_SUBSCRIPTION_ID or AZURE_SUBSCRIPTION_ID."))
        .attr("tenant_id", s("The Microsoft Entra tenant of the service principal; else ARM_TENANT_ID."))
        .attr("client_id", s("The service principal's application (client) ID; else ARM_CLIENT_ID."))
        .attr(
            "client_secret",
            Attribute::optional(Type::String)
                .sensitive()
                .describe("The service principal's secret; else ARM_CLIENT_SECRET. Never written to state or plan files."),
        )
        .attr("environment", s("The Azure cloud: public (default), usgovernment or china."))
        .attr("resource_manager_endpoint", s("Azure Resource Manager URL, for a local emulator; else ARM_RESOURCE_MANAGER_ENDPOINT."))
        .attr("authority_host", s("Microsoft Entra authority URL, for a local emulator; else ARM_AUTHORITY_HOST."))
        .attr("api_version", s("The managedClusters api-version to call; defaults to the GA version clusterform was tested with."))
        .block(
            "features",
            NestedBlock::single(Schema::new())
                .describe("Accepted for compatibility with Terraform configurations; clusterform has no optional features."),
        )
}
