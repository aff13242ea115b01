cluster_name         = "aks-vnet"
resource_group_name  = "rg-aks-examples"
node_subnet_id       = "/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/nodes"
api_server_subnet_id = "/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/apiserver"
