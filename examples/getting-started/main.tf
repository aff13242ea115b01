# A first configuration that needs no cloud: it exercises variables, locals, count,
# for_each, references between resources, outputs and a wait, with built-in resource types.

variable "environment" {
  type        = string
  default     = "dev"
  description = "Name of the environment, used in every label."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

locals {
  # One entry per cluster this configuration would manage.
  clusters = {
    api   = { private = true }
    batch = { private = false }
  }
}

resource "terraform_data" "network" {
  input = {
    name = "net-${var.environment}"
    cidr = "10.0.0.0/16"
  }
}

resource "terraform_data" "cluster" {
  for_each = local.clusters

  input = {
    name     = "${each.key}-${var.environment}"
    network  = terraform_data.network.output.name
    endpoint = each.value.private ? "private" : "public"
  }
}

# Waits briefly after the clusters exist, as real configurations do for IAM or DNS.
resource "time_sleep" "settle" {
  create_duration = "1s"
  depends_on      = [terraform_data.cluster]
}

output "cluster_endpoints" {
  value       = { for name, c in terraform_data.cluster : name => c.output.endpoint }
  description = "Which clusters have a private API server endpoint."
}
