variable "name" {
  type        = string
  description = "Name prefix of both clusters."
}

variable "endpoint_mode" {
  type        = string
  default     = "private"
  description = "public, public_and_private or private, for both clusters."
}

variable "admin_ranges" {
  type        = list(string)
  default     = []
  description = "Networks allowed to reach the public API servers (public modes only)."
}

variable "azure_resource_group" {
  type        = string
  description = "Existing resource group for the AKS cluster."
}
