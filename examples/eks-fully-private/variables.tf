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
  default     = "10.40.0.0/16"
  description = "Address range of the VPC."
}

variable "kubernetes_version" {
  type        = string
  default     = "1.31"
  description = "Kubernetes version of the cluster and its nodes."
}

variable "vpn_cidr" {
  type        = string
  default     = "10.99.0.0/16"
  description = "The address range of the VPN (or Direct Connect) that people run kubectl from."
}
