cluster_name = "public-private-demo"
