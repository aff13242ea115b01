# One word for the API server's reachability, turned into each cloud's settings.
#
#   public              reachable from the internet (restricted to admin_ranges when given)
#   public_and_private  also reachable privately from inside the network
#   private             reachable only from inside the network (or connected ones)

variable "endpoint_mode" {
  type        = string
  description = "public, public_and_private or private."

  validation {
    condition     = contains(["public", "public_and_private", "private"], var.endpoint_mode)
    error_message = "endpoint_mode must be public, public_and_private or private."
  }
}

variable "admin_ranges" {
  type        = list(string)
  default     = []
  description = "Networks allowed to reach a public API server; empty means any address."
}

locals {
  public  = var.endpoint_mode != "private"
  private = var.endpoint_mode != "public"
}

output "eks" {
  description = "Arguments for aws_eks_cluster.vpc_config."
  value = {
    endpoint_public_access  = local.public
    endpoint_private_access = local.private
    public_access_cidrs     = local.public && length(var.admin_ranges) > 0 ? var.admin_ranges : null
  }
}

output "aks" {
  description = "Arguments for azurerm_kubernetes_cluster. public_and_private uses API Server VNet Integration: the API server gets an address in the cluster's network and keeps its public one."
  value = {
    private_cluster_enabled             = var.endpoint_mode == "private"
    virtual_network_integration_enabled = var.endpoint_mode == "public_and_private"
    authorized_ip_ranges                = local.public && length(var.admin_ranges) > 0 ? var.admin_ranges : null
    run_command_enabled                 = var.endpoint_mode != "private"
  }
}
