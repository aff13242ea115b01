variable "cluster_name" {
  type        = string
  description = "Name of the AKS cluster; also its DNS prefix."
}

variable "location" {
  type        = string
  description = "Azure region of the cluster."
  default     = "westeurope"
}

variable "resource_group_name" {
  type        = string
  description = "Existing resource group for the cluster."
}

variable "node_subnet_id" {
  type        = string
  description = "Subnet of your virtual network for the nodes."
}

variable "api_server_subnet_id" {
  type        = string
  description = "Subnet of the same virtual network, delegated to Microsoft.ContainerService/managedClusters, for the API server."
}
