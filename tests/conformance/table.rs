//! The conformance table: for every resource type that clusterform supports, sample
//! configurations and the API calls its changes are documented to make. `tests/conformance.rs`
//! runs each row through the harness; `tests/docs_reference.rs` marks the types listed here as
//! supported in docs/providers/. Plain data, so both can include it.

/// Which emulator a type runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cloud {
    Aws,
    Azure,
}

/// One edit of the full configuration: `from` is replaced by `to` in the resource's text.
pub struct Change {
    /// The attribute the edit changes, as the plan names it.
    pub attribute: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// For an in-place change: every mutating API call it makes, with how often. Reads
    /// (Describe*, Get*, List*, ARM GETs and operation polling) are not counted.
    pub calls: &'static [(&'static str, u64)],
}

pub struct Case {
    pub type_name: &'static str,
    pub cloud: Cloud,
    /// What the resource needs around it: the provider block and the objects it refers to.
    pub setup: &'static str,
    /// `resource "<type>" "under_test"` with only the required arguments.
    pub minimal: &'static str,
    /// `resource "<type>" "under_test"` with every argument the type supports set (settings
    /// of clusterform's own that import cannot read go in an in-place change instead).
    pub full: &'static str,
    pub in_place: &'static [Change],
    /// In-place changes that cannot be undone (a version upgrade): after each, the harness
    /// recreates the object from the full configuration.
    pub one_way: &'static [Change],
    pub force_new: &'static [Change],
    /// The documented import ID, with `{attribute}` filled in from the state.
    pub import_id: &'static str,
    /// `resource "<type>" "many"` with `count = 2`, for the batched refresh.
    pub counted: &'static str,
    /// The read calls one refresh of the two counted instances makes, exactly.
    pub refresh_calls: &'static [(&'static str, u64)],
    /// The body of `data "<type>" "found"` that looks up the object under test, for types
    /// with a data source of the same name.
    pub lookup: &'static str,
}

const AWS: &str = r#"provider "aws" {
  region = "us-east-1"
}
"#;

const AWS_VPC: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}
"#;

const AWS_TWO_VPCS: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "other" {
  cidr_block = "10.1.0.0/16"
}
"#;

const AWS_GROUP: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.net.id
}

resource "aws_security_group" "other" {
  name   = "other"
  vpc_id = aws_vpc.net.id
}
"#;

const AWS_SUBNETS: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}
"#;

const AWS_ENDPOINT_NETWORK: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_security_group" "endpoints" {
  name   = "endpoints"
  vpc_id = aws_vpc.net.id
}

resource "aws_security_group" "other" {
  name   = "other"
  vpc_id = aws_vpc.net.id
}

resource "aws_route_table" "a" {
  vpc_id = aws_vpc.net.id
}

resource "aws_route_table" "b" {
  vpc_id = aws_vpc.net.id
}
"#;

const AWS_POLICIES: &str = r#"provider "aws" {
  region = "us-east-1"
}

data "aws_iam_policy_document" "eks" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
"#;

const AWS_ROLES: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_iam_role" "eks" {
  name = "eks-cluster"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "eks.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "other" {
  name = "other"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "eks.amazonaws.com" } }]
  })
}
"#;

const AWS_NAT_NETWORK: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.net.id
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_eip" "a" {
  domain = "vpc"
}

resource "aws_eip" "b" {
  domain = "vpc"
}
"#;

const AWS_ROUTING: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "other" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.net.id
}

resource "aws_internet_gateway" "other" {
  vpc_id = aws_vpc.other.id
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_subnet" "c" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.3.0/24"
  availability_zone = "us-east-1c"
}

resource "aws_eip" "a" {
  domain = "vpc"
}

resource "aws_eip" "b" {
  domain = "vpc"
}

resource "aws_nat_gateway" "a" {
  allocation_id = aws_eip.a.id
  subnet_id     = aws_subnet.a.id
}

resource "aws_nat_gateway" "b" {
  allocation_id = aws_eip.b.id
  subnet_id     = aws_subnet.b.id
}

resource "aws_route_table" "one" {
  vpc_id = aws_vpc.net.id
}

resource "aws_route_table" "two" {
  vpc_id = aws_vpc.net.id
}
"#;

const AWS_CLUSTER: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_security_group" "ssh" {
  name   = "ssh"
  vpc_id = aws_vpc.net.id
}

resource "aws_eks_cluster" "net" {
  name     = "conformance"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
  version  = "1.31"

  vpc_config {
    subnet_ids              = [aws_subnet.a.id, aws_subnet.b.id]
    endpoint_private_access = true
  }
}
"#;

const AWS_ACCESS: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_iam_role" "admins" {
  name = "admins"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::123456789012:root" } }]
  })
}

resource "aws_iam_role" "ci" {
  name = "ci"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::123456789012:root" } }]
  })
}

resource "aws_iam_role" "viewers" {
  name = "viewers"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::123456789012:root" } }]
  })
}

resource "aws_eks_cluster" "net" {
  name     = "conformance"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
  version  = "1.31"

  access_config {
    authentication_mode = "API"
  }

  vpc_config {
    subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
  }
}
"#;

const AWS_ENTRY: &str = r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "net" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.net.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_iam_role" "admins" {
  name = "admins"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::123456789012:root" } }]
  })
}

resource "aws_eks_cluster" "net" {
  name     = "conformance"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
  version  = "1.31"

  access_config {
    authentication_mode = "API"
  }

  vpc_config {
    subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
  }
}

resource "aws_eks_access_entry" "admins" {
  cluster_name  = aws_eks_cluster.net.name
  principal_arn = aws_iam_role.admins.arn
}
"#;

const AZURE: &str = r#"provider "azurerm" {
  features {}
}
"#;

const TAG_CHANGE: (&str, &str) = ("team = \"infra\"", "team = \"platform\"");

pub const CASES: &[Case] = &[
    Case {
        type_name: "aws_iam_openid_connect_provider",
        cloud: Cloud::Aws,
        setup: AWS,
        minimal: r#"resource "aws_iam_openid_connect_provider" "under_test" {
  url            = "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
  client_id_list = ["sts.amazonaws.com"]
}
"#,
        full: r#"resource "aws_iam_openid_connect_provider" "under_test" {
  url             = "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "client_id_list",
                from: "[\"sts.amazonaws.com\"]",
                to: "[\"sts.amazonaws.com\", \"sigstore\"]",
                calls: &[("AddClientIDToOpenIDConnectProvider", 1)],
            },
            Change {
                attribute: "thumbprint_list",
                from: "9e99a48a9960b14926bb7f3b02e22da2b0ab7280",
                to: "06b25927c42a721631c1efd9431e648fa62e1e39",
                calls: &[("UpdateOpenIDConnectProviderThumbprint", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("TagOpenIDConnectProvider", 1)],
            },
        ],
        one_way: &[],
        force_new: &[Change {
            attribute: "url",
            from: "/id/0123456789ABCDEF0123456789ABCDEF",
            to: "/id/FEDCBA9876543210FEDCBA9876543210",
            calls: &[],
        }],
        import_id: "{arn}",
        counted: r#"resource "aws_iam_openid_connect_provider" "many" {
  count          = 2
  url            = "https://oidc.eks.us-east-1.amazonaws.com/id/MANY${count.index}"
  client_id_list = ["sts.amazonaws.com"]
}
"#,
        // IAM has no batch read: one GetOpenIDConnectProvider per provider, made concurrently.
        refresh_calls: &[("GetOpenIDConnectProvider", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_eks_access_entry",
        cloud: Cloud::Aws,
        setup: AWS_ACCESS,
        minimal: r#"resource "aws_eks_access_entry" "under_test" {
  cluster_name  = aws_eks_cluster.net.name
  principal_arn = aws_iam_role.admins.arn
}
"#,
        full: r#"resource "aws_eks_access_entry" "under_test" {
  cluster_name      = aws_eks_cluster.net.name
  principal_arn     = aws_iam_role.admins.arn
  type              = "STANDARD"
  kubernetes_groups = ["platform-admins"]
  user_name         = "admin"
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "kubernetes_groups",
                from: "[\"platform-admins\"]",
                to: "[\"platform-admins\", \"viewers\"]",
                calls: &[("UpdateAccessEntry", 1)],
            },
            Change {
                attribute: "user_name",
                from: "\"admin\"",
                to: "\"platform\"",
                calls: &[("UpdateAccessEntry", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("TagResource", 1)],
            },
        ],
        one_way: &[],
        force_new: &[Change {
            attribute: "principal_arn",
            from: "aws_iam_role.admins.arn",
            to: "aws_iam_role.ci.arn",
            calls: &[],
        }],
        import_id: "{id}",
        counted: r#"resource "aws_eks_access_entry" "many" {
  count         = 2
  cluster_name  = aws_eks_cluster.net.name
  principal_arn = [aws_iam_role.ci.arn, aws_iam_role.viewers.arn][count.index]
}
"#,
        // EKS has no batch describe: one DescribeAccessEntry per entry, made concurrently.
        refresh_calls: &[("DescribeAccessEntry", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_eks_access_policy_association",
        cloud: Cloud::Aws,
        setup: AWS_ENTRY,
        minimal: r#"resource "aws_eks_access_policy_association" "under_test" {
  cluster_name  = aws_eks_cluster.net.name
  principal_arn = aws_eks_access_entry.admins.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}
"#,
        full: r#"resource "aws_eks_access_policy_association" "under_test" {
  cluster_name  = aws_eks_cluster.net.name
  principal_arn = aws_eks_access_entry.admins.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"

  access_scope {
    type       = "namespace"
    namespaces = ["apps", "jobs"]
  }
}
"#,
        // Every argument forces a new association.
        in_place: &[],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "policy_arn",
                from: "AmazonEKSEditPolicy",
                to: "AmazonEKSViewPolicy",
                calls: &[],
            },
            // The plan marks the whole scope block, which forces replacement as a block.
            Change {
                attribute: "access_scope",
                from: "[\"apps\", \"jobs\"]",
                to: "[\"apps\"]",
                calls: &[],
            },
        ],
        import_id: "{id}",
        counted: r#"resource "aws_eks_access_policy_association" "many" {
  count         = 2
  cluster_name  = aws_eks_cluster.net.name
  principal_arn = aws_eks_access_entry.admins.principal_arn
  policy_arn    = ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"][count.index]

  access_scope {
    type = "cluster"
  }
}
"#,
        // One list for the access entry, however many of its policies are managed here.
        refresh_calls: &[("ListAssociatedAccessPolicies", 1)],
        lookup: "",
    },
    Case {
        type_name: "aws_eks_addon",
        cloud: Cloud::Aws,
        setup: AWS_CLUSTER,
        minimal: r#"resource "aws_eks_addon" "under_test" {
  cluster_name = aws_eks_cluster.net.name
  addon_name   = "coredns"
}
"#,
        full: r#"resource "aws_eks_addon" "under_test" {
  cluster_name                = aws_eks_cluster.net.name
  addon_name                  = "vpc-cni"
  addon_version               = "v1.19.2-eksbuild.1"
  configuration_values        = jsonencode({ env = { WARM_IP_TARGET = "5" } })
  service_account_role_arn    = "arn:aws:iam::123456789012:role/vpc-cni"
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "configuration_values",
                from: "WARM_IP_TARGET = \"5\"",
                to: "WARM_IP_TARGET = \"3\"",
                calls: &[("UpdateAddon", 1)],
            },
            Change {
                attribute: "service_account_role_arn",
                from: "role/vpc-cni\"",
                to: "role/vpc-cni-irsa\"",
                calls: &[("UpdateAddon", 1)],
            },
            // Settings of clusterform's own (EKS does not hold them, so import cannot read
            // them): setting them plans an update that calls nothing.
            Change {
                attribute: "preserve",
                from: "  tags = {",
                to: "  preserve = true\n  tags = {",
                calls: &[],
            },
            Change {
                attribute: "resolve_conflicts_on_update",
                from: "  tags = {",
                to: "  resolve_conflicts_on_update = \"PRESERVE\"\n  tags = {",
                calls: &[],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("TagResource", 1)],
            },
        ],
        one_way: &[Change {
            attribute: "addon_version",
            from: "\"v1.19.2-eksbuild.1\"",
            to: "\"v1.20.1-eksbuild.3\"",
            calls: &[("UpdateAddon", 1)],
        }],
        // Another add-on, at its default version for the cluster.
        force_new: &[Change {
            attribute: "addon_name",
            from: "\"vpc-cni\"\n  addon_version               = \"v1.19.2-eksbuild.1\"",
            to: "\"kube-proxy\"",
            calls: &[],
        }],
        import_id: "{id}",
        // resolve_conflicts_on_create only matters to a create, so the counted ones have it.
        counted: r#"resource "aws_eks_addon" "many" {
  count                       = 2
  cluster_name                = aws_eks_cluster.net.name
  addon_name                  = ["coredns", "eks-pod-identity-agent"][count.index]
  resolve_conflicts_on_create = "OVERWRITE"
}
"#,
        // EKS has no batch describe: one DescribeAddon per add-on, made concurrently.
        refresh_calls: &[("DescribeAddon", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_eks_node_group",
        cloud: Cloud::Aws,
        setup: AWS_CLUSTER,
        minimal: r#"resource "aws_eks_node_group" "under_test" {
  cluster_name  = aws_eks_cluster.net.name
  node_role_arn = "arn:aws:iam::123456789012:role/eks-nodes"
  subnet_ids    = [aws_subnet.a.id, aws_subnet.b.id]

  scaling_config {
    desired_size = 1
    min_size     = 1
    max_size     = 2
  }
}
"#,
        // launch_template needs an aws_launch_template, which is not supported yet.
        full: r#"resource "aws_eks_node_group" "under_test" {
  cluster_name    = aws_eks_cluster.net.name
  node_group_name = "system"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-nodes"
  subnet_ids      = [aws_subnet.a.id, aws_subnet.b.id]
  ami_type        = "AL2023_x86_64_STANDARD"
  capacity_type   = "ON_DEMAND"
  disk_size       = 50
  instance_types  = ["m5.large"]
  version         = "1.31"
  release_version = "1.31.0-20250715"
  labels = {
    role = "system"
  }

  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 3
  }

  update_config {
    max_unavailable = 1
  }

  node_repair_config {
    enabled = true
  }

  remote_access {
    ec2_ssh_key               = "nodes"
    source_security_group_ids = [aws_security_group.ssh.id]
  }

  taint {
    key    = "dedicated"
    value  = "system"
    effect = "NO_SCHEDULE"
  }

  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "desired_size",
                from: "desired_size = 2",
                to: "desired_size = 3",
                calls: &[("UpdateNodegroupConfig", 1)],
            },
            Change {
                attribute: "labels",
                from: "role = \"system\"",
                to: "role = \"apps\"",
                calls: &[("UpdateNodegroupConfig", 1)],
            },
            Change {
                attribute: "taint",
                from: "effect = \"NO_SCHEDULE\"",
                to: "effect = \"NO_EXECUTE\"",
                calls: &[("UpdateNodegroupConfig", 1)],
            },
            Change {
                attribute: "max_unavailable",
                from: "max_unavailable = 1",
                to: "max_unavailable = 2",
                calls: &[("UpdateNodegroupConfig", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("TagResource", 1)],
            },
        ],
        // A node group runs its cluster's version (CreateNodegroup accepts no other), so the
        // version step is a newer AMI release of it.
        one_way: &[Change {
            attribute: "release_version",
            from: "\"1.31.0-20250715\"",
            to: "\"1.31.0-20250801\"",
            calls: &[("UpdateNodegroupVersion", 1)],
        }],
        force_new: &[
            Change {
                attribute: "instance_types",
                from: "[\"m5.large\"]",
                to: "[\"m5.xlarge\"]",
                calls: &[],
            },
            Change {
                attribute: "node_group_name",
                from: "\"system\"\n  node_role_arn",
                to: "\"renamed\"\n  node_role_arn",
                calls: &[],
            },
        ],
        import_id: "{id}",
        counted: r#"resource "aws_eks_node_group" "many" {
  count           = 2
  cluster_name    = aws_eks_cluster.net.name
  node_group_name = "many-${count.index}"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-nodes"
  subnet_ids      = [aws_subnet.a.id]

  scaling_config {
    desired_size = 1
    min_size     = 1
    max_size     = 1
  }
}
"#,
        // EKS has no batch describe: one DescribeNodegroup per group, made concurrently.
        refresh_calls: &[("DescribeNodegroup", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_iam_policy",
        cloud: Cloud::Aws,
        setup: AWS,
        // No name: IAM gets a generated one, as in Terraform.
        minimal: r#"resource "aws_iam_policy" "under_test" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ec2:DescribeInstances", Resource = "*" }]
  })
}
"#,
        full: r#"resource "aws_iam_policy" "under_test" {
  name        = "conformance"
  path        = "/eks/"
  description = "Lets nodes describe the network"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ec2:DescribeInstances", Resource = "*" }]
  })
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "policy",
                from: "\"ec2:DescribeInstances\"",
                to: "[\"ec2:DescribeInstances\", \"ec2:DescribeSubnets\"]",
                calls: &[("CreatePolicyVersion", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("TagPolicy", 1)],
            },
        ],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "name",
                from: "\"conformance\"\n  path",
                to: "\"renamed\"\n  path",
                calls: &[],
            },
            Change {
                attribute: "path",
                from: "\"/eks/\"",
                to: "\"/nodes/\"",
                calls: &[],
            },
            Change {
                attribute: "description",
                from: "\"Lets nodes describe the network\"",
                to: "\"Describes the network\"",
                calls: &[],
            },
        ],
        import_id: "{arn}",
        counted: r#"resource "aws_iam_policy" "many" {
  count = 2
  name  = "many-${count.index}"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ec2:DescribeInstances", Resource = "*" }]
  })
}
"#,
        // IAM has no batch read: two of each, made concurrently.
        refresh_calls: &[("GetPolicy", 2), ("GetPolicyVersion", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_nat_gateway",
        cloud: Cloud::Aws,
        setup: AWS_NAT_NETWORK,
        // A private gateway is the one that needs nothing but its subnet.
        minimal: r#"resource "aws_nat_gateway" "under_test" {
  subnet_id         = aws_subnet.a.id
  connectivity_type = "private"
}
"#,
        full: r#"resource "aws_nat_gateway" "under_test" {
  subnet_id         = aws_subnet.a.id
  allocation_id     = aws_eip.a.id
  connectivity_type = "public"
  private_ip        = "10.0.1.10"
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[Change {
            attribute: "tags",
            from: TAG_CHANGE.0,
            to: TAG_CHANGE.1,
            calls: &[("CreateTags", 1)],
        }],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "allocation_id",
                from: "aws_eip.a.id",
                to: "aws_eip.b.id",
                calls: &[],
            },
            Change {
                attribute: "private_ip",
                from: "\"10.0.1.10\"",
                to: "\"10.0.1.11\"",
                calls: &[],
            },
        ],
        import_id: "{id}",
        counted: r#"resource "aws_nat_gateway" "many" {
  count             = 2
  subnet_id         = aws_subnet.a.id
  connectivity_type = "private"
}
"#,
        refresh_calls: &[("DescribeNatGateways", 1)],
        lookup: "",
    },
    Case {
        type_name: "aws_route_table",
        cloud: Cloud::Aws,
        setup: AWS_ROUTING,
        minimal: r#"resource "aws_route_table" "under_test" {
  vpc_id = aws_vpc.net.id
}
"#,
        // propagating_vgws needs a virtual private gateway, which no supported type makes.
        full: r#"resource "aws_route_table" "under_test" {
  vpc_id = aws_vpc.net.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
  route {
    cidr_block     = "10.9.0.0/16"
    nat_gateway_id = aws_nat_gateway.a.id
  }
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "route",
                from: "aws_nat_gateway.a.id",
                to: "aws_nat_gateway.b.id",
                calls: &[("ReplaceRoute", 1)],
            },
            Change {
                attribute: "route",
                from: "\"10.9.0.0/16\"",
                to: "\"10.8.0.0/16\"",
                calls: &[("DeleteRoute", 1), ("CreateRoute", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("CreateTags", 1)],
            },
        ],
        one_way: &[],
        // Into the other VPC, with its own gateway and no route to this VPC's NAT.
        force_new: &[Change {
            attribute: "vpc_id",
            from: r#"aws_vpc.net.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
  route {
    cidr_block     = "10.9.0.0/16"
    nat_gateway_id = aws_nat_gateway.a.id
  }"#,
            to: r#"aws_vpc.other.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.other.id
  }"#,
            calls: &[],
        }],
        import_id: "{id}",
        counted: r#"resource "aws_route_table" "many" {
  count  = 2
  vpc_id = aws_vpc.net.id
}
"#,
        refresh_calls: &[("DescribeRouteTables", 1)],
        lookup: "",
    },
    Case {
        type_name: "aws_route",
        cloud: Cloud::Aws,
        setup: AWS_ROUTING,
        minimal: r#"resource "aws_route" "under_test" {
  route_table_id         = aws_route_table.one.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.gw.id
}
"#,
        // The other destinations and targets are alternatives to these, not additions.
        full: r#"resource "aws_route" "under_test" {
  route_table_id         = aws_route_table.one.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.a.id
}
"#,
        in_place: &[Change {
            attribute: "nat_gateway_id",
            from: "aws_nat_gateway.a.id",
            to: "aws_nat_gateway.b.id",
            calls: &[("ReplaceRoute", 1)],
        }],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "destination_cidr_block",
                from: "\"0.0.0.0/0\"",
                to: "\"10.9.0.0/16\"",
                calls: &[],
            },
            Change {
                attribute: "route_table_id",
                from: "aws_route_table.one.id",
                to: "aws_route_table.two.id",
                calls: &[],
            },
        ],
        import_id: "{route_table_id}_{destination_cidr_block}",
        counted: r#"resource "aws_route" "many" {
  count                  = 2
  route_table_id         = aws_route_table.one.id
  destination_cidr_block = ["10.8.0.0/16", "10.9.0.0/16"][count.index]
  gateway_id             = aws_internet_gateway.gw.id
}
"#,
        // One call for the two under test, one for the setup's two tables.
        refresh_calls: &[("DescribeRouteTables", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_route_table_association",
        cloud: Cloud::Aws,
        setup: AWS_ROUTING,
        minimal: r#"resource "aws_route_table_association" "under_test" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.one.id
}
"#,
        // gateway_id is the alternative to subnet_id, not an addition.
        full: r#"resource "aws_route_table_association" "under_test" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.one.id
}
"#,
        in_place: &[Change {
            attribute: "route_table_id",
            from: "aws_route_table.one.id",
            to: "aws_route_table.two.id",
            calls: &[("ReplaceRouteTableAssociation", 1)],
        }],
        one_way: &[],
        force_new: &[Change {
            attribute: "subnet_id",
            from: "aws_subnet.a.id",
            to: "aws_subnet.b.id",
            calls: &[],
        }],
        import_id: "{subnet_id}/{route_table_id}",
        counted: r#"resource "aws_route_table_association" "many" {
  count          = 2
  subnet_id      = [aws_subnet.b.id, aws_subnet.c.id][count.index]
  route_table_id = aws_route_table.one.id
}
"#,
        // One call for the two under test, one for the setup's two tables.
        refresh_calls: &[("DescribeRouteTables", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_vpc",
        cloud: Cloud::Aws,
        setup: AWS,
        minimal: r#"resource "aws_vpc" "under_test" {
  cidr_block = "10.10.0.0/16"
}
"#,
        full: r#"resource "aws_vpc" "under_test" {
  cidr_block           = "10.10.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "enable_dns_hostnames",
                from: "enable_dns_hostnames = true",
                to: "enable_dns_hostnames = false",
                calls: &[("ModifyVpcAttribute", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("CreateTags", 1)],
            },
        ],
        one_way: &[],
        force_new: &[Change {
            attribute: "cidr_block",
            from: "10.10.0.0/16",
            to: "10.20.0.0/16",
            calls: &[],
        }],
        import_id: "{id}",
        counted: r#"resource "aws_vpc" "many" {
  count      = 2
  cidr_block = "10.${count.index + 30}.0.0/16"
}
"#,
        refresh_calls: &[("DescribeVpcs", 1)],
        lookup: r#"  id = aws_vpc.under_test.id
"#,
    },
    Case {
        type_name: "aws_subnet",
        cloud: Cloud::Aws,
        setup: AWS_VPC,
        minimal: r#"resource "aws_subnet" "under_test" {
  vpc_id     = aws_vpc.net.id
  cidr_block = "10.0.1.0/24"
}
"#,
        full: r#"resource "aws_subnet" "under_test" {
  vpc_id                  = aws_vpc.net.id
  cidr_block              = "10.0.1.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "map_public_ip_on_launch",
                from: "map_public_ip_on_launch = true",
                to: "map_public_ip_on_launch = false",
                calls: &[("ModifySubnetAttribute", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("CreateTags", 1)],
            },
        ],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "cidr_block",
                from: "10.0.1.0/24",
                to: "10.0.9.0/24",
                calls: &[],
            },
            Change {
                attribute: "availability_zone",
                from: "us-east-1a",
                to: "us-east-1b",
                calls: &[],
            },
        ],
        import_id: "{id}",
        counted: r#"resource "aws_subnet" "many" {
  count      = 2
  vpc_id     = aws_vpc.net.id
  cidr_block = "10.0.${count.index + 100}.0/24"
}
"#,
        refresh_calls: &[("DescribeSubnets", 1)],
        lookup: r#"  id = aws_subnet.under_test.id
"#,
    },
    Case {
        type_name: "aws_security_group",
        cloud: Cloud::Aws,
        setup: AWS_VPC,
        minimal: r#"resource "aws_security_group" "under_test" {
  name   = "conformance"
  vpc_id = aws_vpc.net.id
}
"#,
        full: r#"resource "aws_security_group" "under_test" {
  name        = "conformance"
  description = "Conformance group"
  vpc_id      = aws_vpc.net.id

  ingress {
    description = "HTTPS from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "ingress",
                from: "cidr_blocks = [\"10.0.0.0/16\"]",
                to: "cidr_blocks = [\"10.1.0.0/16\"]",
                calls: &[
                    ("AuthorizeSecurityGroupIngress", 1),
                    ("RevokeSecurityGroupIngress", 1),
                ],
            },
            Change {
                attribute: "egress",
                from: "cidr_blocks = [\"0.0.0.0/0\"]",
                to: "cidr_blocks = [\"10.0.0.0/8\"]",
                calls: &[
                    ("AuthorizeSecurityGroupEgress", 1),
                    ("RevokeSecurityGroupEgress", 1),
                ],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("CreateTags", 1)],
            },
        ],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "name",
                from: "name        = \"conformance\"",
                to: "name        = \"renamed\"",
                calls: &[],
            },
            Change {
                attribute: "description",
                from: "Conformance group",
                to: "Another description",
                calls: &[],
            },
        ],
        import_id: "{id}",
        counted: r#"resource "aws_security_group" "many" {
  count  = 2
  name   = "many-${count.index}"
  vpc_id = aws_vpc.net.id
}
"#,
        refresh_calls: &[("DescribeSecurityGroups", 1)],
        lookup: r#"  id = aws_security_group.under_test.id
"#,
    },
    Case {
        type_name: "aws_vpc_security_group_ingress_rule",
        cloud: Cloud::Aws,
        setup: AWS_GROUP,
        minimal: r#"resource "aws_vpc_security_group_ingress_rule" "under_test" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "-1"
  cidr_ipv4         = "10.0.0.0/16"
}
"#,
        full: r#"resource "aws_vpc_security_group_ingress_rule" "under_test" {
  security_group_id = aws_security_group.web.id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.0.0.0/16"
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "description",
                from: "HTTPS from the VPC",
                to: "HTTPS from anywhere in the VPC",
                calls: &[("ModifySecurityGroupRules", 1)],
            },
            Change {
                attribute: "cidr_ipv4",
                from: "10.0.0.0/16",
                to: "10.9.0.0/16",
                calls: &[("ModifySecurityGroupRules", 1)],
            },
            Change {
                attribute: "from_port",
                from: "from_port         = 443",
                to: "from_port         = 442",
                calls: &[("ModifySecurityGroupRules", 1)],
            },
            Change {
                attribute: "ip_protocol",
                from: "ip_protocol       = \"tcp\"",
                to: "ip_protocol       = \"udp\"",
                calls: &[("ModifySecurityGroupRules", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("CreateTags", 1)],
            },
        ],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "security_group_id",
                from: "aws_security_group.web.id",
                to: "aws_security_group.other.id",
                calls: &[],
            },
            // ModifySecurityGroupRules keeps the kind of source: a CIDR rule stays one.
            Change {
                attribute: "cidr_ipv4",
                from: "cidr_ipv4         = \"10.0.0.0/16\"",
                to: "referenced_security_group_id = aws_security_group.other.id",
                calls: &[],
            },
        ],
        import_id: "{security_group_rule_id}",
        counted: r#"resource "aws_vpc_security_group_ingress_rule" "many" {
  count             = 2
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 8000 + count.index
  to_port           = 8000 + count.index
  cidr_ipv4         = "10.0.0.0/16"
}
"#,
        refresh_calls: &[("DescribeSecurityGroupRules", 1)],
        lookup: "",
    },
    Case {
        type_name: "aws_security_group_rule",
        cloud: Cloud::Aws,
        setup: AWS_GROUP,
        minimal: r#"resource "aws_security_group_rule" "under_test" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["10.0.0.0/16"]
}
"#,
        full: r#"resource "aws_security_group_rule" "under_test" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  description       = "HTTPS from the VPCs"
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["10.0.0.0/16", "10.1.0.0/16"]
  ipv6_cidr_blocks  = ["2600:1f18::/32"]
}
"#,
        in_place: &[Change {
            attribute: "description",
            from: "HTTPS from the VPCs",
            to: "HTTPS from both VPCs",
            calls: &[("UpdateSecurityGroupRuleDescriptionsIngress", 1)],
        }],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "security_group_id",
                from: "aws_security_group.web.id",
                to: "aws_security_group.other.id",
                calls: &[],
            },
            Change {
                attribute: "type",
                from: "\"ingress\"",
                to: "\"egress\"",
                calls: &[],
            },
            Change {
                attribute: "from_port",
                from: "from_port         = 443",
                to: "from_port         = 442",
                calls: &[],
            },
            Change {
                attribute: "cidr_blocks",
                from: "\"10.1.0.0/16\"]",
                to: "\"10.2.0.0/16\"]",
                calls: &[],
            },
        ],
        import_id: "{security_group_id}_ingress_tcp_443_443_10.0.0.0/16_10.1.0.0/16_2600:1f18::/32",
        counted: r#"resource "aws_security_group_rule" "many" {
  count                    = 2
  type                     = "ingress"
  security_group_id        = aws_security_group.web.id
  protocol                 = "tcp"
  from_port                = 8000 + count.index
  to_port                  = 8000 + count.index
  source_security_group_id = aws_security_group.other.id
}
"#,
        // One for the rules (their groups, all at once) and one for the setup's two groups.
        refresh_calls: &[("DescribeSecurityGroups", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_vpc_security_group_egress_rule",
        cloud: Cloud::Aws,
        setup: AWS_GROUP,
        minimal: r#"resource "aws_vpc_security_group_egress_rule" "under_test" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "-1"
  cidr_ipv4         = "10.0.0.0/16"
}
"#,
        full: r#"resource "aws_vpc_security_group_egress_rule" "under_test" {
  security_group_id = aws_security_group.web.id
  description       = "HTTPS to the world over IPv6"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "2600:1f18::/32"
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "description",
                from: "HTTPS to the world over IPv6",
                to: "HTTPS out over IPv6",
                calls: &[("ModifySecurityGroupRules", 1)],
            },
            Change {
                attribute: "cidr_ipv6",
                from: "2600:1f18::/32",
                to: "2600:1f19::/32",
                calls: &[("ModifySecurityGroupRules", 1)],
            },
            Change {
                attribute: "to_port",
                from: "to_port           = 443",
                to: "to_port           = 444",
                calls: &[("ModifySecurityGroupRules", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("CreateTags", 1)],
            },
        ],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "security_group_id",
                from: "aws_security_group.web.id",
                to: "aws_security_group.other.id",
                calls: &[],
            },
            Change {
                attribute: "cidr_ipv6",
                from: "cidr_ipv6         = \"2600:1f18::/32\"",
                to: "cidr_ipv4         = \"0.0.0.0/0\"",
                calls: &[],
            },
        ],
        import_id: "{security_group_rule_id}",
        counted: r#"resource "aws_vpc_security_group_egress_rule" "many" {
  count                        = 2
  security_group_id            = aws_security_group.web.id
  ip_protocol                  = "tcp"
  from_port                    = 9000 + count.index
  to_port                      = 9000 + count.index
  referenced_security_group_id = aws_security_group.other.id
}
"#,
        refresh_calls: &[("DescribeSecurityGroupRules", 1)],
        lookup: "",
    },
    Case {
        type_name: "aws_vpc_endpoint",
        cloud: Cloud::Aws,
        setup: AWS_ENDPOINT_NETWORK,
        minimal: r#"resource "aws_vpc_endpoint" "under_test" {
  vpc_id       = aws_vpc.net.id
  service_name = "com.amazonaws.us-east-1.s3"
}
"#,
        full: r#"resource "aws_vpc_endpoint" "under_test" {
  vpc_id              = aws_vpc.net.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.a.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:*", Resource = "*" }]
  })
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "subnet_ids",
                from: "[aws_subnet.a.id]",
                to: "[aws_subnet.a.id, aws_subnet.b.id]",
                calls: &[("ModifyVpcEndpoint", 1)],
            },
            Change {
                attribute: "security_group_ids",
                from: "[aws_security_group.endpoints.id]",
                to: "[aws_security_group.other.id]",
                calls: &[("ModifyVpcEndpoint", 1)],
            },
            Change {
                attribute: "private_dns_enabled",
                from: "private_dns_enabled = true",
                to: "private_dns_enabled = false",
                calls: &[("ModifyVpcEndpoint", 1)],
            },
            Change {
                attribute: "policy",
                from: "Action = \"ecr:*\"",
                to: "Action = [\"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\"]",
                calls: &[("ModifyVpcEndpoint", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("CreateTags", 1)],
            },
        ],
        one_way: &[],
        force_new: &[Change {
            attribute: "service_name",
            from: "com.amazonaws.us-east-1.ecr.dkr",
            to: "com.amazonaws.us-east-1.ecr.api",
            calls: &[],
        }],
        import_id: "{id}",
        counted: r#"resource "aws_vpc_endpoint" "many" {
  count             = 2
  vpc_id            = aws_vpc.net.id
  service_name      = ["com.amazonaws.us-east-1.sts", "com.amazonaws.us-east-1.ec2"][count.index]
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.a.id]
}
"#,
        refresh_calls: &[("DescribeVpcEndpoints", 1)],
        lookup: "",
    },
    Case {
        type_name: "aws_eks_cluster",
        cloud: Cloud::Aws,
        setup: AWS_SUBNETS,
        minimal: r#"resource "aws_eks_cluster" "under_test" {
  name     = "conformance"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {
    subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
  }
}
"#,
        full: r#"resource "aws_eks_cluster" "under_test" {
  name                      = "conformance"
  role_arn                  = "arn:aws:iam::123456789012:role/eks-cluster"
  version                   = "1.31"
  enabled_cluster_log_types = ["api", "audit"]

  access_config {
    authentication_mode                         = "API_AND_CONFIG_MAP"
    bootstrap_cluster_creator_admin_permissions = true
  }

  vpc_config {
    subnet_ids              = [aws_subnet.a.id, aws_subnet.b.id]
    endpoint_private_access = true
    endpoint_public_access  = true
    public_access_cidrs     = ["203.0.113.0/24"]
  }

  kubernetes_network_config {
    service_ipv4_cidr = "172.20.0.0/16"
    ip_family         = "ipv4"
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  upgrade_policy {
    support_type = "STANDARD"
  }

  zonal_shift_config {
    enabled = true
  }

  deletion_protection = false

  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "support_type",
                from: "support_type = \"STANDARD\"",
                to: "support_type = \"EXTENDED\"",
                calls: &[("UpdateClusterConfig", 1)],
            },
            Change {
                attribute: "enabled",
                from: "enabled = true",
                to: "enabled = false",
                calls: &[("UpdateClusterConfig", 1)],
            },
            // Only the next version upgrade reads it: nothing to send now.
            Change {
                attribute: "force_update_version",
                from: "deletion_protection = false",
                to: "deletion_protection  = false\n  force_update_version = true",
                calls: &[],
            },
            Change {
                attribute: "public_access_cidrs",
                from: "[\"203.0.113.0/24\"]",
                to: "[\"198.51.100.0/24\"]",
                calls: &[("UpdateClusterConfig", 1)],
            },
            Change {
                attribute: "enabled_cluster_log_types",
                from: "[\"api\", \"audit\"]",
                to: "[\"api\"]",
                calls: &[("UpdateClusterConfig", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("TagResource", 1)],
            },
        ],
        one_way: &[
            Change {
                attribute: "version",
                from: "\"1.31\"",
                to: "\"1.32\"",
                calls: &[("UpdateClusterVersion", 1)],
            },
            // Authentication modes only move towards access entries.
            Change {
                attribute: "authentication_mode",
                from: "\"API_AND_CONFIG_MAP\"",
                to: "\"API\"",
                calls: &[("UpdateClusterConfig", 1)],
            },
        ],
        force_new: &[
            Change {
                attribute: "role_arn",
                from: "role/eks-cluster",
                to: "role/eks-cluster-2",
                calls: &[],
            },
            Change {
                attribute: "bootstrap_cluster_creator_admin_permissions",
                from: "bootstrap_cluster_creator_admin_permissions = true",
                to: "bootstrap_cluster_creator_admin_permissions = false",
                calls: &[],
            },
            Change {
                attribute: "service_ipv4_cidr",
                from: "\"172.20.0.0/16\"",
                to: "\"10.100.0.0/16\"",
                calls: &[],
            },
            // A block inside a block is shown as a list attribute (provider = [ … ]), so the
            // mark is on provider's line.
            Change {
                attribute: "provider",
                from: "key/1234abcd-12ab-34cd-56ef-1234567890ab",
                to: "key/0987dcba-09fe-87dc-65ba-ab0987654321",
                calls: &[],
            },
            // EKS does not report it, so import cannot read it: it is not in the full
            // configuration, and setting it replaces the cluster.
            Change {
                attribute: "bootstrap_self_managed_addons",
                from: "deletion_protection = false",
                to:
                    "deletion_protection           = false\n  bootstrap_self_managed_addons = false",
                calls: &[],
            },
        ],
        import_id: "{name}",
        counted: r#"resource "aws_eks_cluster" "many" {
  count    = 2
  name     = "many-${count.index}"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {
    subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
  }
}
"#,
        // EKS has no batch describe: one DescribeCluster per cluster, made concurrently.
        refresh_calls: &[("DescribeCluster", 2)],
        lookup: r#"  name = aws_eks_cluster.under_test.name
"#,
    },
    Case {
        type_name: "aws_eip",
        cloud: Cloud::Aws,
        setup: AWS,
        minimal: r#"resource "aws_eip" "under_test" {}
"#,
        full: r#"resource "aws_eip" "under_test" {
  domain               = "vpc"
  network_border_group = "us-east-1"
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[Change {
            attribute: "tags",
            from: TAG_CHANGE.0,
            to: TAG_CHANGE.1,
            calls: &[("CreateTags", 1)],
        }],
        one_way: &[],
        force_new: &[Change {
            attribute: "network_border_group",
            from: "\"us-east-1\"",
            to: "\"us-east-1-bos-1\"",
            calls: &[],
        }],
        import_id: "{id}",
        counted: r#"resource "aws_eip" "many" {
  count  = 2
  domain = "vpc"
}
"#,
        refresh_calls: &[("DescribeAddresses", 1)],
        lookup: "",
    },
    Case {
        type_name: "aws_internet_gateway",
        cloud: Cloud::Aws,
        setup: AWS_TWO_VPCS,
        minimal: r#"resource "aws_internet_gateway" "under_test" {}
"#,
        full: r#"resource "aws_internet_gateway" "under_test" {
  vpc_id = aws_vpc.net.id
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "vpc_id",
                from: "aws_vpc.net.id",
                to: "aws_vpc.other.id",
                calls: &[("AttachInternetGateway", 1), ("DetachInternetGateway", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("CreateTags", 1)],
            },
        ],
        one_way: &[],
        // Nothing of a gateway forces a new one.
        force_new: &[],
        import_id: "{id}",
        counted: r#"resource "aws_internet_gateway" "many" {
  count = 2
}
"#,
        refresh_calls: &[("DescribeInternetGateways", 1)],
        lookup: "",
    },
    Case {
        type_name: "aws_iam_instance_profile",
        cloud: Cloud::Aws,
        setup: AWS_ROLES,
        // No name: IAM gets a generated one, as in Terraform.
        minimal: r#"resource "aws_iam_instance_profile" "under_test" {}
"#,
        full: r#"resource "aws_iam_instance_profile" "under_test" {
  name = "conformance"
  path = "/nodes/"
  role = aws_iam_role.eks.name
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "role",
                from: "aws_iam_role.eks.name",
                to: "aws_iam_role.other.name",
                calls: &[
                    ("AddRoleToInstanceProfile", 1),
                    ("RemoveRoleFromInstanceProfile", 1),
                ],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("TagInstanceProfile", 1)],
            },
        ],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "name",
                from: "name = \"conformance\"",
                to: "name = \"renamed\"",
                calls: &[],
            },
            Change {
                attribute: "path",
                from: "\"/nodes/\"",
                to: "\"/other/\"",
                calls: &[],
            },
        ],
        import_id: "{name}",
        counted: r#"resource "aws_iam_instance_profile" "many" {
  count = 2
  name  = "many-${count.index}"
}
"#,
        // IAM has no batch read: one GetInstanceProfile per profile, made concurrently.
        refresh_calls: &[("GetInstanceProfile", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_iam_role",
        cloud: Cloud::Aws,
        setup: AWS_POLICIES,
        // No name: IAM gets a generated one, as in Terraform.
        minimal: r#"resource "aws_iam_role" "under_test" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "eks.amazonaws.com" } }]
  })
}
"#,
        full: r#"resource "aws_iam_role" "under_test" {
  name                  = "conformance"
  path                  = "/eks/"
  description           = "Conformance role"
  assume_role_policy    = data.aws_iam_policy_document.eks.json
  max_session_duration  = 7200
  permissions_boundary  = "arn:aws:iam::aws:policy/PowerUserAccess"
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "assume_role_policy",
                from: "data.aws_iam_policy_document.eks.json",
                to: "data.aws_iam_policy_document.ec2.json",
                calls: &[("UpdateAssumeRolePolicy", 1)],
            },
            Change {
                attribute: "description",
                from: "Conformance role",
                to: "Another description",
                calls: &[("UpdateRole", 1)],
            },
            Change {
                attribute: "max_session_duration",
                from: "7200",
                to: "3600",
                calls: &[("UpdateRole", 1)],
            },
            // A setting of clusterform's own (IAM does not hold it, so import cannot read
            // it): changing it plans an update that calls nothing.
            Change {
                attribute: "force_detach_policies",
                from: "  max_session_duration  = 7200\n",
                to: "  max_session_duration  = 7200\n  force_detach_policies = true\n",
                calls: &[],
            },
            Change {
                attribute: "permissions_boundary",
                from: "PowerUserAccess",
                to: "ReadOnlyAccess",
                calls: &[("PutRolePermissionsBoundary", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("TagRole", 1)],
            },
        ],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "name",
                from: "\"conformance\"\n  path",
                to: "\"renamed\"\n  path",
                calls: &[],
            },
            Change {
                attribute: "path",
                from: "\"/eks/\"",
                to: "\"/other/\"",
                calls: &[],
            },
        ],
        import_id: "{name}",
        counted: r#"resource "aws_iam_role" "many" {
  count = 2
  name  = "many-${count.index}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "eks.amazonaws.com" } }]
  })
}
"#,
        // IAM has no batch read: one GetRole per role, made concurrently.
        refresh_calls: &[("GetRole", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_iam_role_policy",
        cloud: Cloud::Aws,
        setup: AWS_ROLES,
        // No name: IAM gets a generated one, as in Terraform.
        minimal: r#"resource "aws_iam_role_policy" "under_test" {
  role   = aws_iam_role.eks.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "logs:CreateLogGroup", Resource = "*" }] })
}
"#,
        full: r#"resource "aws_iam_role_policy" "under_test" {
  name = "conformance"
  role = aws_iam_role.eks.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" }]
  })
}
"#,
        in_place: &[Change {
            attribute: "policy",
            from: "\"logs:PutLogEvents\"",
            to: "\"logs:DescribeLogStreams\"",
            calls: &[("PutRolePolicy", 1)],
        }],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "name",
                from: "\"conformance\"",
                to: "\"renamed\"",
                calls: &[],
            },
            Change {
                attribute: "role",
                from: "aws_iam_role.eks.name",
                to: "aws_iam_role.other.name",
                calls: &[],
            },
        ],
        import_id: "{id}",
        counted: r#"resource "aws_iam_role_policy" "many" {
  count  = 2
  name   = "many-${count.index}"
  role   = aws_iam_role.eks.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "logs:CreateLogGroup", Resource = "*" }] })
}
"#,
        // IAM has no batch read: one GetRolePolicy per policy, made concurrently.
        refresh_calls: &[("GetRolePolicy", 2)],
        lookup: "",
    },
    Case {
        type_name: "aws_iam_role_policy_attachment",
        cloud: Cloud::Aws,
        setup: AWS_ROLES,
        minimal: r#"resource "aws_iam_role_policy_attachment" "under_test" {
  role       = aws_iam_role.eks.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}
"#,
        full: r#"resource "aws_iam_role_policy_attachment" "under_test" {
  role       = aws_iam_role.eks.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}
"#,
        in_place: &[],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "policy_arn",
                from: "AmazonEKSClusterPolicy",
                to: "AmazonEKSVPCResourceController",
                calls: &[],
            },
            Change {
                attribute: "role",
                from: "aws_iam_role.eks.name",
                to: "aws_iam_role.other.name",
                calls: &[],
            },
        ],
        import_id: "{id}",
        counted: r#"resource "aws_iam_role_policy_attachment" "many" {
  count      = 2
  role       = aws_iam_role.eks.name
  policy_arn = ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"][count.index]
}
"#,
        // Both attachments are on one role: one ListAttachedRolePolicies reads them.
        refresh_calls: &[("ListAttachedRolePolicies", 1)],
        lookup: "",
    },
    Case {
        type_name: "azurerm_kubernetes_cluster",
        cloud: Cloud::Azure,
        setup: AZURE,
        minimal: r#"resource "azurerm_kubernetes_cluster" "under_test" {
  name                = "conformance"
  location            = "westeurope"
  resource_group_name = "rg-conformance"
  dns_prefix          = "conformance"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 1
  }

  identity {
    type = "SystemAssigned"
  }
}
"#,
        full: r#"resource "azurerm_kubernetes_cluster" "under_test" {
  name                = "conformance"
  location            = "westeurope"
  resource_group_name = "rg-conformance"
  dns_prefix          = "conformance"
  sku_tier            = "Standard"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 2
  }

  identity {
    type = "SystemAssigned"
  }

  api_server_access_profile {
    authorized_ip_ranges = ["203.0.113.0/24"]
  }

  tags = {
    team = "infra"
  }
}
"#,
        in_place: &[
            Change {
                attribute: "authorized_ip_ranges",
                from: "[\"203.0.113.0/24\"]",
                to: "[\"198.51.100.0/24\"]",
                calls: &[("ManagedClusters_CreateOrUpdate", 1)],
            },
            Change {
                attribute: "sku_tier",
                from: "\"Standard\"",
                to: "\"Free\"",
                calls: &[("ManagedClusters_CreateOrUpdate", 1)],
            },
            Change {
                attribute: "node_count",
                from: "node_count = 2",
                to: "node_count = 3",
                calls: &[("ManagedClusters_CreateOrUpdate", 1)],
            },
            Change {
                attribute: "tags",
                from: TAG_CHANGE.0,
                to: TAG_CHANGE.1,
                calls: &[("ManagedClusters_UpdateTags", 1)],
            },
        ],
        one_way: &[],
        force_new: &[
            Change {
                attribute: "location",
                from: "\"westeurope\"",
                to: "\"northeurope\"",
                calls: &[],
            },
            Change {
                attribute: "dns_prefix",
                from: "dns_prefix          = \"conformance\"",
                to: "dns_prefix          = \"renamed\"",
                calls: &[],
            },
        ],
        import_id: "{id}",
        counted: r#"resource "azurerm_kubernetes_cluster" "many" {
  count               = 2
  name                = "many-${count.index}"
  location            = "westeurope"
  resource_group_name = "rg-conformance"
  dns_prefix          = "many-${count.index}"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 1
  }

  identity {
    type = "SystemAssigned"
  }
}
"#,
        // ARM has no batch read of named resources: one GET per cluster, made concurrently.
        refresh_calls: &[("ManagedClusters_Get", 2)],
        lookup: r#"  name                = azurerm_kubernetes_cluster.under_test.name
  resource_group_name = azurerm_kubernetes_cluster.under_test.resource_group_name
"#,
    },
];

/// The resource types that pass the conformance suite.
pub fn supported() -> Vec<&'static str> {
    CASES.iter().map(|c| c.type_name).collect()
}

/// `aws_vpc_endpoint` once more as a Gateway endpoint, whose route tables and prefix list the
/// Interface row above does not reach.
pub static GATEWAY_ENDPOINT: Case = Case {
    type_name: "aws_vpc_endpoint",
    cloud: Cloud::Aws,
    setup: AWS_ENDPOINT_NETWORK,
    minimal: r#"resource "aws_vpc_endpoint" "under_test" {
  vpc_id       = aws_vpc.net.id
  service_name = "com.amazonaws.us-east-1.dynamodb"
}
"#,
    full: r#"resource "aws_vpc_endpoint" "under_test" {
  vpc_id            = aws_vpc.net.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.a.id]
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*" }]
  })
  tags = {
    Name = "conformance"
    team = "infra"
  }
}
"#,
    in_place: &[
        Change {
            attribute: "route_table_ids",
            from: "[aws_route_table.a.id]",
            to: "[aws_route_table.a.id, aws_route_table.b.id]",
            calls: &[("ModifyVpcEndpoint", 1)],
        },
        Change {
            attribute: "policy",
            from: "Action = \"s3:GetObject\"",
            to: "Action = \"s3:*\"",
            calls: &[("ModifyVpcEndpoint", 1)],
        },
        Change {
            attribute: "tags",
            from: TAG_CHANGE.0,
            to: TAG_CHANGE.1,
            calls: &[("CreateTags", 1)],
        },
    ],
    one_way: &[],
    force_new: &[Change {
        attribute: "service_name",
        from: "com.amazonaws.us-east-1.s3",
        to: "com.amazonaws.us-east-1.dynamodb",
        calls: &[],
    }],
    import_id: "{id}",
    counted: r#"resource "aws_vpc_endpoint" "many" {
  count           = 2
  vpc_id          = aws_vpc.net.id
  service_name    = ["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"][count.index]
  route_table_ids = [aws_route_table.a.id]
}
"#,
    refresh_calls: &[("DescribeVpcEndpoints", 1), ("DescribePrefixLists", 1)],
    lookup: "",
};
