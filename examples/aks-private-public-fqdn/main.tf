# A private cluster with no private DNS zone: its public FQDN resolves, from anywhere, to the
# API server's private address. Clients still need a network path into the virtual network,
# but no DNS zone has to be linked to every network they come from.

provider "azurerm" {
  features {}
}

resource "azurerm_kubernetes_cluster" "this" {
  name                                = var.cluster_name
  location                            = var.location
  resource_group_name                 = var.resource_group_name
  dns_prefix                          = var.cluster_name
  private_cluster_enabled             = true
  private_dns_zone_id                 = "None"
  private_cluster_public_fqdn_enabled = true
  run_command_enabled                 = false

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

output "fqdn" {
  description = "Public name of the API server; it resolves to a private address."
  value       = azurerm_kubernetes_cluster.this.fqdn
}
