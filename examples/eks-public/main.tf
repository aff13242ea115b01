# An EKS cluster with the default endpoint mode: public only, reachable from anywhere on the
# internet (authentication still applies). clusterform reports this as a finding.

provider "aws" {
  region = var.region
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = var.cluster_role_arn

  vpc_config {
    subnet_ids = aws_subnet.private[*].id
  }
}

output "endpoint" {
  value = aws_eks_cluster.this.endpoint
}
