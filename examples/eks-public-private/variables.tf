variable "region" {
  type        = string
  default     = "us-east-1"
  description = "AWS region of the cluster."
}

variable "cluster_name" {
  type        = string
  description = "Name of the EKS cluster."
}

variable "vpc_cidr" {
  type        = string
  default     = "10.20.0.0/16"
  description = "Address range of the VPC."
}

variable "cluster_role_arn" {
  type        = string
  default     = "arn:aws:iam::123456789012:role/eks-cluster"
  description = "IAM role EKS uses to manage the cluster (must trust eks.amazonaws.com)."
}
