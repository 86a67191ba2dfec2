output "in_cluster" {
  description = "True when the store is deploy/postgres's CloudNativePG cluster (apply it, with its runtime role's Secret)."
  value       = !local.external
}

output "jdbc_url" {
  description = "The JDBC url the schedulers use (no credentials)."
  value       = try(local.store.url, null)

  precondition {
    condition     = local.store != null
    error_message = "mode \"external\" needs var.external (jdbc_url, runtime_secret, ca_secret)."
  }
}

output "properties" {
  description = "The job store config file (job-store.properties of deploy/scheduler's ConfigMap edge-dispatcher-scheduler-job-store)."
  value       = local.properties
}

output "secrets" {
  description = "The Secrets the schedulers read: runtime role, owner (null: none), CA (name and key)."
  value = local.store == null ? null : {
    runtime   = local.store.runtime_secret
    migration = local.store.migration_secret
    ca        = { name = local.store.ca_secret, key = local.store.ca_key }
  }
}

output "env" {
  description = "The scheduler's environment entries that carry the store's credentials: name, Secret, key."
  value       = local.env
}

output "scheduler_patch" {
  description = "Strategic-merge patch of deploy/scheduler's Deployment for this store (env Secrets, CA volume), as an object (yamlencode/jsonencode it)."
  value       = local.scheduler_patch
}
