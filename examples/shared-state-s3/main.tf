# One environment's state, shared by everyone who runs this configuration: an object in S3,
# locked with a `.tflock` object beside it while a run changes it. The bucket must exist
# before `clusterform init`; the backend never creates it.
terraform {
  backend "s3" {
    bucket       = "clusterform-example-state"
    key          = "shared-state-s3/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}

variable "environment" {
  type        = string
  default     = "dev"
  description = "The environment this state belongs to."
}

# Stand-ins for real infrastructure: records in the state, nothing in a cloud.
resource "terraform_data" "cluster" {
  input = {
    name      = "${var.environment}-${terraform.workspace}"
    workspace = terraform.workspace
  }
}

resource "time_sleep" "settle" {
  create_duration = "1s"
  depends_on      = [terraform_data.cluster]
}

output "cluster_name" {
  value = terraform_data.cluster.output.name
}
