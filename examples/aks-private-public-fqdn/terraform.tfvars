cluster_name        = "aks-private-fqdn"
resource_group_name = "rg-aks-examples"
