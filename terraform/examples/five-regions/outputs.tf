output "pools" {
  description = "Per region: topic, consumer group, Kafka user, limits."
  value       = module.region_pools.pools
}

output "deployments" {
  description = "Per region, the worker Deployment."
  value       = module.regional_workloads.deployments
}

output "scheduler_kafka_password" {
  description = "The scheduler's SCRAM password (deploy/scheduler's kafka-user secret)."
  value       = module.kafka_access.scheduler_password
  sensitive   = true
}
