output "placement" {
  description = "Per region: the kubeconfig and context of its Kubernetes cluster, and whether that is a cluster of its own (own_cluster) or home's."
  value       = local.placement
}

output "home_regions" {
  description = "The regions whose pools run in the home cluster."
  value       = toset([for r, p in local.placement : r if !p.own_cluster])
}

output "own_cluster_regions" {
  description = "The regions that run in a Kubernetes cluster of their own."
  value       = toset([for r, p in local.placement : r if p.own_cluster])
}
