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

variable "private_dns_zone_id" {
  type        = string
  description = "ID of your privatelink.<region>.azmk8s.io private DNS zone, in the cluster's region."
}

variable "identity_id" {
  type        = string
  description = "ID of the user-assigned identity that may manage records in the zone."
}
