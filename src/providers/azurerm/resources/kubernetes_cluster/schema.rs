//! The schema of `azurerm_kubernetes_cluster`, with the azurerm provider's names, defaults and
//! force-new rules.

use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::value::Type;

fn strings() -> Type {
    Type::set(Type::String)
}

/// A block written at most once, modelled as Terraform does (a list, so configurations write
/// `default_node_pool[0].name`).
fn one(schema: Schema) -> NestedBlock {
    NestedBlock {
        max_items: 1,
        ..NestedBlock::list(schema)
    }
}

pub fn schema() -> Schema {
    let pool = Schema::new()
        .attr(
            "name",
            Attribute::required(Type::String).force_new().describe(
                "Name of the system node pool (lower-case letters and digits, up to 12).",
            ),
        )
        .attr(
            "vm_size",
            Attribute::required(Type::String)
                .force_new()
                .describe("VM size of the nodes, such as Standard_D2s_v5."),
        )
        .attr(
            "node_count",
            Attribute::optional(Type::Number)
                .default(1)
                .describe("Number of nodes."),
        )
        .attr(
            "vnet_subnet_id",
            Attribute::optional(Type::String).force_new().describe(
                "Subnet of your own virtual network for the nodes; unset, AKS creates a network.",
            ),
        );
    let identity = Schema::new()
        .attr("type", Attribute::required(Type::String).describe("SystemAssigned or UserAssigned; a custom private DNS zone needs UserAssigned."))
        .attr("identity_ids", Attribute::optional(strings()).describe("Resource IDs of the user-assigned identities (exactly one) when type is UserAssigned."))
        .attr("principal_id", Attribute::computed(Type::String).describe("Principal ID of the system-assigned identity."))
        .attr("tenant_id", Attribute::computed(Type::String).describe("Tenant of the system-assigned identity."));
    let access = Schema::new()
        .attr(
            "authorized_ip_ranges",
            Attribute::optional(strings()).describe("CIDR ranges allowed to reach the public API server; public clusters only. 0.0.0.0/32 alone means node pools only."),
        )
        .attr("subnet_id", Attribute::optional(Type::String).describe("Delegated subnet for the API server with VNet integration; required when the nodes use your own virtual network."))
        .attr(
            "virtual_network_integration_enabled",
            Attribute::optional(Type::Bool).default(false).describe("API Server VNet Integration: the API server gets an address in your virtual network, with no private endpoint."),
        );
    let network = Schema::new()
        .attr(
            "network_plugin",
            Attribute::required(Type::String)
                .force_new()
                .describe("azure, kubenet or none."),
        )
        .attr(
            "service_cidr",
            Attribute::optional_computed(Type::String)
                .force_new()
                .describe("Range for Kubernetes service addresses."),
        )
        .attr(
            "dns_service_ip",
            Attribute::optional_computed(Type::String)
                .force_new()
                .describe("Address of the cluster DNS service, inside service_cidr."),
        )
        .attr(
            "outbound_type",
            Attribute::optional(Type::String)
                .default("loadBalancer")
                .describe(
                "loadBalancer, userDefinedRouting, managedNATGateway or userAssignedNATGateway.",
            ),
        );
    Schema::new()
        .describe("An AKS cluster: its Kubernetes control plane, system node pool and the network access to its API server.")
        .attr("id", Attribute::computed(Type::String).describe("The cluster's Azure resource ID."))
        .attr("name", Attribute::required(Type::String).force_new().describe("Name of the cluster; changing it replaces the cluster."))
        .attr("location", Attribute::required(Type::String).force_new().describe("Azure region, such as westeurope."))
        .attr("resource_group_name", Attribute::required(Type::String).force_new().describe("Resource group the cluster belongs to."))
        .attr("dns_prefix", Attribute::optional(Type::String).force_new().describe("Prefix of the API server's host name. Set this or dns_prefix_private_cluster."))
        .attr(
            "dns_prefix_private_cluster",
            Attribute::optional(Type::String).force_new().describe("Host-name prefix of a private cluster with its own private DNS zone (ARM fqdnSubdomain)."),
        )
        .attr("kubernetes_version", Attribute::optional_computed(Type::String).describe("Kubernetes version; AKS picks its default when unset."))
        .attr("sku_tier", Attribute::optional(Type::String).default("Free").describe("Free, Standard or Premium."))
        .attr(
            "private_cluster_enabled",
            Attribute::optional(Type::Bool).default(false).force_new().describe("Whether the API server has only a private address (Private Link). Changing it replaces the cluster, unless API Server VNet Integration is on."),
        )
        .attr(
            "private_dns_zone_id",
            Attribute::optional_computed(Type::String).force_new().describe("System (default for private clusters), None (use the public FQDN), or the ID of your own privatelink.<region>.azmk8s.io zone."),
        )
        .attr(
            "private_cluster_public_fqdn_enabled",
            Attribute::optional(Type::Bool).default(false).describe("Whether a private cluster also gets a public DNS name (resolving to its private address)."),
        )
        .attr("run_command_enabled", Attribute::optional(Type::Bool).default(true).describe("Whether `az aks command invoke` may run commands in the cluster through the Azure API."))
        .attr("tags", Attribute::optional(Type::map(Type::String)).describe("Tags for the cluster."))
        .attr("fqdn", Attribute::computed(Type::String).describe("Public FQDN of the API server (public clusters, or private ones with a public FQDN)."))
        .attr("private_fqdn", Attribute::computed(Type::String).describe("Private FQDN of the API server (private clusters)."))
        .attr("portal_fqdn", Attribute::computed(Type::String).describe("FQDN the Azure portal uses to reach the API server."))
        .attr("node_resource_group", Attribute::optional_computed(Type::String).force_new().describe("Resource group AKS creates for the nodes (MC_… by default)."))
        .block("default_node_pool", one(pool).required().describe("The system node pool."))
        .block("identity", one(identity).describe("The cluster's managed identity."))
        .block("api_server_access_profile", one(access).describe("Who may reach the API server: authorized IP ranges and API Server VNet Integration."))
        .block("network_profile", one(network).force_new().describe("Cluster networking; changing it replaces the cluster."))
}

#[cfg(test)]
mod tests {
    use crate::value::Value;

    #[test]
    fn cluster_schema_uses_terraform_names_and_defaults() {
        let s = super::schema();
        assert_eq!(
            s.attributes["private_cluster_enabled"].default,
            Some(Value::Bool(false))
        );
        assert_eq!(
            s.attributes["run_command_enabled"].default,
            Some(Value::Bool(true))
        );
        assert!(s.attributes["private_dns_zone_id"].force_new);
        assert!(!s.attributes["private_cluster_public_fqdn_enabled"].force_new);
        let access = &s.blocks["api_server_access_profile"].schema;
        assert!(access
            .attributes
            .contains_key("virtual_network_integration_enabled"));
    }
}
