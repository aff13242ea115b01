# A private-only cluster in a VPC with no way to the internet. Nodes reach the API server
# through the private endpoint and AWS through the VPC endpoints in network.tf; people reach
# it only from inside the VPC (a bastion, a VPN or Direct Connect), with the admins role.

provider "aws" {
  region = var.region
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn
  version  = var.kubernetes_version

  vpc_config {
    subnet_ids              = aws_subnet.private[*].id
    endpoint_public_access  = false
    endpoint_private_access = true
  }

  # Access entries only, and no implicit admin for whoever ran the apply: the admins role
  # below is the one way in.
  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  depends_on = [aws_iam_role_policy_attachment.cluster]
}

# People reach the private endpoint from the VPN's address range; the cluster's own security
# group admits nothing from outside the cluster otherwise.
resource "aws_vpc_security_group_ingress_rule" "vpn_to_api" {
  security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  description       = "kubectl from the VPN"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpn_cidr
}

resource "aws_eks_access_entry" "admins" {
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_iam_role.admins.arn
}

resource "aws_eks_access_policy_association" "admins" {
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admins.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "default"
  node_role_arn   = aws_iam_role.nodes.arn
  subnet_ids      = aws_subnet.private[*].id
  instance_types  = ["t3.medium"]

  scaling_config {
    desired_size = 3
    min_size     = 3
    max_size     = 6
  }

  # Without their policies the nodes cannot join, and without the endpoints they cannot pull
  # the images they start with.
  depends_on = [
    aws_iam_role_policy_attachment.nodes,
    aws_vpc_endpoint.interface,
    aws_vpc_endpoint.s3,
  ]
}

# The three core add-ons, managed by EKS so that their images come from ECR through the
# endpoints.
resource "aws_eks_addon" "core" {
  for_each = toset(["vpc-cni", "kube-proxy", "coredns"])

  cluster_name = aws_eks_cluster.this.name
  addon_name   = each.key

  # CoreDNS runs on the nodes: it needs them first.
  depends_on = [aws_eks_node_group.default]
}

output "endpoint" {
  value       = aws_eks_cluster.this.endpoint
  description = "The private API server URL; it resolves only inside the VPC."
}

output "admins_role_arn" {
  value       = aws_iam_role.admins.arn
  description = "Assume this role to run kubectl (from inside the VPC)."
}
