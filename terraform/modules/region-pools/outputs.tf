output "pools" {
  description = "Per region: names (topic, consumer group, Kafka user, Deployment), worker limits and partitions."
  value       = local.pools
}

output "worker_acls" {
  description = "Every worker ACL, keyed <region>/<type>/<name>/<operation>, with its principal."
  value       = local.worker_acls
}

output "scheduler_acls" {
  description = "The scheduler's ACLs (principal User:edge-dispatcher-scheduler)."
  value       = local.scheduler_acls
}

output "shared_topics" {
  description = "The shared topics and their partitions."
  value       = var.shared_topics
}
