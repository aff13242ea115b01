# API Server VNet Integration: the API server gets an address in a delegated subnet of your
# own virtual network, so nodes reach it without a private endpoint. Unlike a Private Link
# cluster, this one can later switch between public and private in place.

provider "azurerm" {
  features {}
}

resource "azurerm_kubernetes_cluster" "this" {
  name                    = var.cluster_name
  location                = var.location
  resource_group_name     = var.resource_group_name
  dns_prefix              = var.cluster_name
  private_cluster_enabled = true
  run_command_enabled     = false

  api_server_access_profile {
    virtual_network_integration_enabled = true
    subnet_id                           = var.api_server_subnet_id
  }

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D2s_v5"
    node_count     = 2
    vnet_subnet_id = var.node_subnet_id
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "azure"
  }
}

output "private_fqdn" {
  description = "The API server's private name."
  value       = azurerm_kubernetes_cluster.this.private_fqdn
}
