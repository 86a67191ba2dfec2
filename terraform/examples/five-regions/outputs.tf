output "pools" {
  description = "Per region: topic, consumer group, Kafka user, limits."
  value       = module.region_pools.pools
}

output "deployments" {
  description = "Per region, the worker Deployment."
  value       = module.regional_workloads.deployments
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
