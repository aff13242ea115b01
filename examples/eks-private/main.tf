# A private-only endpoint: the API server has no public address. People reach it through a
# bastion host in the VPC, whose security group may open port 443 on the cluster's group.

provider "aws" {
  region = var.region
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = aws_subnet.private[*].id
    endpoint_public_access  = false
    endpoint_private_access = true
  }

  # EKS needs the policy on its role while it creates the cluster, and until it has deleted it.
  depends_on = [aws_iam_role_policy_attachment.cluster]
}

# The bastion's own group; its instances (or Session Manager sessions) run kubectl.
resource "aws_security_group" "bastion" {
  name        = "${var.cluster_name}-bastion"
  description = "Bastion hosts that administer the cluster"
  vpc_id      = aws_vpc.main.id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "bastion_to_api" {
  security_group_id            = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  referenced_security_group_id = aws_security_group.bastion.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "kubectl from the bastion"
}

output "endpoint" {
  value = aws_eks_cluster.this.endpoint
}
