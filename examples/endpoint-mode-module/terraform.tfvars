name                 = "orders"
endpoint_mode        = "private"
azure_resource_group = "rg-orders"
