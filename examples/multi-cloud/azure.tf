# A private AKS cluster in the System DNS zone, with run command off.

provider "azurerm" {
  features {}
}

resource "azurerm_kubernetes_cluster" "main" {
  name                    = "${var.name}-aks"
  location                = var.azure_location
  resource_group_name     = var.azure_resource_group
  dns_prefix              = "${var.name}-aks"
  private_cluster_enabled = true
  run_command_enabled     = false
  tags                    = var.tags

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 2
  }

  identity {
    type = "SystemAssigned"
  }
}
