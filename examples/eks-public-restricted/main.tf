# A public endpoint only: it accepts the office network, for people, and the NAT gateway's
# address, for the nodes. Nodes in the private subnets reach the API server through the NAT
# gateway, so its address must be in public_access_cidrs: without it they never join, which
# clusterform reports at plan time.

provider "aws" {
  region = var.region
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = aws_subnet.private[*].id
    endpoint_public_access  = true
    endpoint_private_access = false
    public_access_cidrs     = [var.office_cidr, "${aws_eip.nat.public_ip}/32"]
  }

  depends_on = [aws_iam_role_policy_attachment.cluster]
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "default"
  node_role_arn   = aws_iam_role.nodes.arn
  subnet_ids      = aws_subnet.private[*].id
  instance_types  = ["t3.medium"]

  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 3
  }

  # The nodes need their policies to join, and the NAT route to reach the API server.
  depends_on = [
    aws_iam_role_policy_attachment.nodes,
    aws_route_table_association.private,
  ]
}

output "endpoint" {
  value = aws_eks_cluster.this.endpoint
}

output "nat_address" {
  value       = aws_eip.nat.public_ip
  description = "The address the nodes reach the public endpoint from."
}
