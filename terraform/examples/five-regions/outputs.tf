output "pools" {
  description = "Per region: topic, consumer group, Kafka user, limits."
  value       = module.region_pools.pools
}

output "deployments" {
  description = "Per region, the worker Deployment."
  value = merge(concat(
    [module.regional_workloads.deployments],
    module.regional_workloads_n_california[*].deployments,
    module.regional_workloads_n_virginia[*].deployments,
    module.regional_workloads_frankfurt[*].deployments,
    module.regional_workloads_singapore[*].deployments,
    module.regional_workloads_mumbai[*].deployments,
  )...)
}

output "region_clusters" {
  description = "Per region: the kubeconfig and context of the Kubernetes cluster its pool runs in, and whether that is a cluster of its own."
  value       = module.region_clusters.placement
}

output "scheduler_kafka_password" {
  description = "The scheduler's SCRAM password (already in its Secret edge-dispatcher-scheduler)."
  value       = module.kafka_access.scheduler_password
  sensitive   = true
}

output "job_store_url" {
  description = "The job store's JDBC url as the schedulers use it (no credentials)."
  value       = module.job_store.jdbc_url
}

output "job_store_secrets" {
  description = "The Secrets the schedulers read for the store: runtime role, owner, CA."
  value       = module.job_store.secrets
}
