# A private cluster with the System private DNS zone: the API server has only a private
# address, and AKS creates and links a privatelink.<region>.azmk8s.io zone for its name.

provider "azurerm" {
  features {}
}

resource "azurerm_kubernetes_cluster" "this" {
  name                    = var.cluster_name
  location                = var.location
  resource_group_name     = var.resource_group_name
  dns_prefix              = var.cluster_name
  private_cluster_enabled = true
  private_dns_zone_id     = "System"

  # Nobody outside the network can reach this API server, and run command would be a way in
  # through the Azure API; keep it off unless operators rely on it.
  run_command_enabled = false

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 2
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "azure"
  }
}

output "private_fqdn" {
  description = "The API server's name; it resolves only in virtual networks linked to the zone."
  value       = azurerm_kubernetes_cluster.this.private_fqdn
}
