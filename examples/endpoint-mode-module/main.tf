# The same endpoint mode on both clouds, from one variable.

module "access" {
  source        = "./modules/endpoint_mode"
  endpoint_mode = var.endpoint_mode
  admin_ranges  = var.admin_ranges
}

provider "aws" {
  region = "us-east-1"
}

provider "azurerm" {
  features {}
}

resource "aws_vpc" "main" {
  cidr_block           = "10.40.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index + 1)
  availability_zone = "us-east-1${["a", "b"][count.index]}"
}

resource "aws_eks_cluster" "main" {
  name     = "${var.name}-eks"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {
    subnet_ids              = aws_subnet.private[*].id
    endpoint_public_access  = module.access.eks.endpoint_public_access
    endpoint_private_access = module.access.eks.endpoint_private_access
    public_access_cidrs     = module.access.eks.public_access_cidrs
  }
}

resource "azurerm_kubernetes_cluster" "main" {
  name                    = "${var.name}-aks"
  location                = "westeurope"
  resource_group_name     = var.azure_resource_group
  dns_prefix              = "${var.name}-aks"
  private_cluster_enabled = module.access.aks.private_cluster_enabled
  run_command_enabled     = module.access.aks.run_command_enabled

  api_server_access_profile {
    authorized_ip_ranges                = module.access.aks.authorized_ip_ranges
    virtual_network_integration_enabled = module.access.aks.virtual_network_integration_enabled
  }

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 2
  }

  identity {
    type = "SystemAssigned"
  }
}

output "modes" {
  value = {
    eks = module.access.eks
    aks = module.access.aks
  }
}
