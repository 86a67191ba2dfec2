variable "pools" {
  description = "module.region_pools.pools: per region names, partitions and replicas."
  type = map(object({
    region         = string
    topic          = string
    consumer_group = string
    kafka_user     = string
    partitions     = number
    replicas       = number
  }))
}

variable "worker_acls" {
  description = "module.region_pools.worker_acls."
  type = map(object({
    resource_type = string
    resource_name = string
    operation     = string
    principal     = string
    region        = string
  }))
}

variable "scheduler_acls" {
  description = "module.region_pools.scheduler_acls."
  type = map(object({
    resource_type = string
    resource_name = string
    pattern       = string
    operation     = string
  }))
}

variable "shared_topics" {
  description = "module.region_pools.shared_topics."
  type        = map(number)
}

variable "replication_factor" {
  description = "Replication factor of the shared topics."
  type        = number
  default     = 3
}

variable "retention_ms" {
  description = "Retention of every topic (how far back retry and redrive can read a job's record, and what a new job store backfills from)."
  type        = number
  default     = 604800000
}
