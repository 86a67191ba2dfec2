variable "regions" {
  description = "One entry per regional worker pool, keyed by region (n_california, n_virginia, frankfurt, singapore, mumbai)."
  type = map(object({
    min_workers = number
    max_workers = number
    partitions  = number
    replicas    = optional(number, 3)
  }))

  validation {
    condition     = alltrue([for r in keys(var.regions) : contains(["n_california", "n_virginia", "frankfurt", "singapore", "mumbai"], r)])
    error_message = "Regions are n_california, n_virginia, frankfurt, singapore and mumbai."
  }
  validation {
    condition     = alltrue([for p in values(var.regions) : p.min_workers >= 1 && floor(p.min_workers) == p.min_workers])
    error_message = "min_workers must be a whole number >= 1 (a pool scaled to zero with no committed offsets can stall)."
  }
  validation {
    condition     = alltrue([for p in values(var.regions) : p.max_workers >= p.min_workers])
    error_message = "max_workers must be >= min_workers."
  }
  validation {
    condition     = alltrue([for p in values(var.regions) : p.max_workers <= p.partitions])
    error_message = "max_workers must be <= partitions: a consumer beyond the topic's partitions gets none."
  }
  validation {
    condition     = alltrue([for p in values(var.regions) : p.partitions >= 1 && p.partitions <= 1000 && p.replicas >= 1])
    error_message = "partitions must be 1..1000 and replicas >= 1."
  }
}

variable "shared_topics" {
  description = "The shared topics and their partitions (the code's TopicLayout.DEFAULT: the scheduler grows topics below these)."
  type        = map(number)
  default = {
    "webhooks.jobs"    = 6
    "webhooks.results" = 12
    "webhooks.dlq"     = 1
  }
}
