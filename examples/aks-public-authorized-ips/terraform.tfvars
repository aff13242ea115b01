cluster_name         = "aks-public-ips"
resource_group_name  = "rg-aks-examples"
authorized_ip_ranges = ["203.0.113.0/24", "198.51.100.17/32"]
