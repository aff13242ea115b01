variable "name" {
  type        = string
  description = "Name shared by both clusters and their networks."
}

variable "admin_ranges" {
  type        = list(string)
  description = "Office and CI networks allowed to reach the EKS public endpoint."
}

variable "aws_region" {
  type    = string
  default = "us-east-1"
}

variable "azure_location" {
  type    = string
  default = "westeurope"
}

variable "azure_resource_group" {
  type        = string
  description = "Existing resource group for the AKS cluster."
}

variable "tags" {
  type        = map(string)
  default     = { team = "platform", managed_by = "clusterform" }
  description = "Tags on everything, in both clouds."
}
