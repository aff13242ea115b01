# The network the cluster's control plane attaches to: one VPC with DNS enabled (a private
# endpoint needs both settings) and two subnets in different Availability Zones.

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "${var.cluster_name}-vpc"
  }
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index + 1)
  availability_zone = "${var.region}${["a", "b"][count.index]}"

  tags = {
    Name = "${var.cluster_name}-private-${count.index}"
  }
}
