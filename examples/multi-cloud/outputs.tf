output "api_servers" {
  description = "Where each API server answers, by cloud."
  value = {
    eks = aws_eks_cluster.main.endpoint
    aks = azurerm_kubernetes_cluster.main.private_fqdn
  }
}
