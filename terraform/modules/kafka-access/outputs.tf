output "worker_passwords" {
  description = "Per region, the worker user's SCRAM password (for its Kubernetes secret)."
  value       = { for region, p in random_password.worker : region => p.result }
  sensitive   = true
}

output "scheduler_password" {
  description = "The scheduler user's SCRAM password."
  value       = random_password.scheduler.result
  sensitive   = true
}

output "topics" {
  description = "Every topic this module manages."
  value       = concat([for t in kafka_topic.region : t.name], [for t in kafka_topic.shared : t.name])
}
