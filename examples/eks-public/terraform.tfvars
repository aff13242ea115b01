cluster_name = "public-demo"
