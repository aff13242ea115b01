# An EKS cluster with the default endpoint mode: public only, reachable from anywhere on the
# internet (authentication still applies). clusterform reports this as a finding.

provider "aws" {
  region = var.region
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids = aws_subnet.private[*].id
  }

  # EKS needs the policy on its role while it creates the cluster, and until it has deleted it.
  depends_on = [aws_iam_role_policy_attachment.cluster]
}

output "endpoint" {
  value = aws_eks_cluster.this.endpoint
}
