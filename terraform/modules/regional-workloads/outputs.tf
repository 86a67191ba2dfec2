output "deployments" {
  description = "Per region, the worker Deployment's name."
  value       = { for region, p in var.pools : region => "edge-dispatcher-worker-${p.k8s_suffix}" }
}
