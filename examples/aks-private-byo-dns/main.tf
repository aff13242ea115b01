# A private cluster in your own private DNS zone: useful when a hub network's DNS already
# serves privatelink.<region>.azmk8s.io for many clusters. AKS writes the API server's record
# into that zone with the cluster's user-assigned identity, which must be granted
# Private DNS Zone Contributor on the zone before the cluster is created.

provider "azurerm" {
  features {}
}

resource "azurerm_kubernetes_cluster" "this" {
  name                       = var.cluster_name
  location                   = var.location
  resource_group_name        = var.resource_group_name
  dns_prefix_private_cluster = var.cluster_name
  private_cluster_enabled    = true
  private_dns_zone_id        = var.private_dns_zone_id
  run_command_enabled        = false

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 2
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }

  network_profile {
    network_plugin = "azure"
  }
}

output "private_fqdn" {
  description = "The API server's name, a record in your zone."
  value       = azurerm_kubernetes_cluster.this.private_fqdn
}
