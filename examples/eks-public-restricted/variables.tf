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
  default     = "10.30.0.0/16"
  description = "Address range of the VPC."
}

variable "office_cidr" {
  type        = string
  default     = "203.0.113.0/24"
  description = "The network people run kubectl from."
}
