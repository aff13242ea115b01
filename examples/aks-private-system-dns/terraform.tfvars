cluster_name        = "aks-private-system"
resource_group_name = "rg-aks-examples"
