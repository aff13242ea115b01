cluster_name        = "aks-private-byo"
resource_group_name = "rg-aks-examples"
private_dns_zone_id = "/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io"
identity_id         = "/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-aks-examples/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-private-byo"
