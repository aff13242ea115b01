# A public API server that accepts connections only from listed ranges: the office, the VPN
# egress and the CI runners. Nodes reach the API server through the cluster's outbound IP,
# which AKS adds to the list itself.

provider "azurerm" {
  features {}
}

resource "azurerm_kubernetes_cluster" "this" {
  name                = var.cluster_name
  location            = var.location
  resource_group_name = var.resource_group_name
  dns_prefix          = var.cluster_name
  sku_tier            = "Standard"

  api_server_access_profile {
    authorized_ip_ranges = var.authorized_ip_ranges
  }

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
    outbound_type  = "loadBalancer"
  }
}

output "fqdn" {
  description = "Public name of the API server."
  value       = azurerm_kubernetes_cluster.this.fqdn
}
