# Three private subnets and nothing else: no internet gateway, no NAT gateway, no default
# route. The nodes reach AWS only through the VPC endpoints below, and the API server only
# through the cluster's private endpoint.

locals {
  zones = ["a", "b", "c"]

  # The interface endpoints a node without internet access needs (EKS user guide, "Deploy
  # private clusters with limited internet access"): EC2 for the node's own name, ECR for
  # images, STS for IAM roles for service accounts, CloudWatch Logs for node and Pod logs,
  # and EKS for the API calls nodes make during bootstrap.
  interface_services = toset(["ec2", "ecr.api", "ecr.dkr", "sts", "logs", "eks"])
}

resource "aws_vpc" "main" {
  cidr_block = var.vpc_cidr

  # Both are needed for the endpoints' private DNS names and for the cluster's private
  # endpoint to resolve inside the VPC.
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "${var.cluster_name}-vpc"
  }
}

resource "aws_subnet" "private" {
  count = 3

  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index)
  availability_zone = "${var.region}${local.zones[count.index]}"

  tags = {
    Name                              = "${var.cluster_name}-private-${local.zones[count.index]}"
    "kubernetes.io/role/internal-elb" = "1"
  }
}

# Only the local route: traffic for the VPC stays in it, everything else has nowhere to go
# but the endpoints.
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  tags = {
    Name = "${var.cluster_name}-private"
  }
}

resource "aws_route_table_association" "private" {
  count = 3

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# The endpoints' network interfaces accept HTTPS from anything in the VPC: the nodes, and
# Pods with addresses from the same subnets.
resource "aws_security_group" "endpoints" {
  name        = "${var.cluster_name}-endpoints"
  description = "HTTPS from the VPC to the interface endpoints"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id = aws_security_group.endpoints.id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = aws_vpc.main.cidr_block
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_services

  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]

  tags = {
    Name = "${var.cluster_name}-${each.key}"
  }
}

# Image layers come from S3: a gateway endpoint puts a route to S3 in the private table.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${var.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]

  tags = {
    Name = "${var.cluster_name}-s3"
  }
}
