# Public and private endpoints: nodes and tools inside the VPC use the private endpoint; the
# public one only accepts the listed networks (an office and a CI runner range here).

provider "aws" {
  region = var.region
}

variable "admin_cidrs" {
  type        = list(string)
  default     = ["203.0.113.0/24", "198.51.100.10/32"]
  description = "Networks allowed to reach the public endpoint."
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = aws_subnet.private[*].id
    endpoint_public_access  = true
    endpoint_private_access = true
    public_access_cidrs     = var.admin_cidrs
  }

  # EKS needs the policy on its role while it creates the cluster, and until it has deleted it.
  depends_on = [aws_iam_role_policy_attachment.cluster]
}

output "endpoint" {
  value = aws_eks_cluster.this.endpoint
}
