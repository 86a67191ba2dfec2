output "deployment" {
  description = "The scheduler's Deployment (its HorizontalPodAutoscaler keeps 2 to 6 replicas)."
  value       = "edge-dispatcher-scheduler"
  depends_on  = [kustomization_resource.p1]
}
