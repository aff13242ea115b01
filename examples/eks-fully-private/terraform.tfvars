cluster_name = "private-demo"
