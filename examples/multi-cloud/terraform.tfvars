name                 = "shop"
admin_ranges         = ["203.0.113.0/24", "198.51.100.10/32"]
azure_resource_group = "rg-shop"
