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

variable "authorized_ip_ranges" {
  type        = list(string)
  description = "CIDR ranges allowed to reach the API server."
}
