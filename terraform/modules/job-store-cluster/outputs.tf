output "cluster" {
  description = "The CloudNativePG Cluster's name (its Services <name>-rw/-ro and Secrets <name>-app/-ca)."
  value       = "edge-store"
  depends_on  = [kustomization_resource.p1]
}
