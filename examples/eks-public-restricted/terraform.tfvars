cluster_name = "restricted-demo"
