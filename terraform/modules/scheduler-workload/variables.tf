variable "base_path" {
  description = "The scheduler's Kustomize tree (deploy/scheduler in this repository)."
  type        = string
}

variable "namespace" {
  description = "Namespace of the scheduler (it must hold the accounts Secret edge-dispatcher-accounts and the Kafka CA Secret edge-kafka-cluster-ca-cert)."
  type        = string
  default     = "edge-dispatcher"
}

variable "image" {
  description = "The dispatcher image, name:tag."
  type        = string

  validation {
    condition     = can(regex("^(.+):([^:/]+)$", var.image))
    error_message = "image is name:tag."
  }
}

variable "bootstrap_servers" {
  description = "Kafka bootstrap (host:port of a SASL_SSL SCRAM-SHA-512 listener)."
  type        = string
}

variable "kafka_password" {
  description = "The scheduler's SCRAM password (module.kafka_access.scheduler_password)."
  type        = string
  sensitive   = true
}

variable "job_store_properties" {
  description = "The job store config file (module.job_store.properties)."
  type        = string
}

variable "job_store_patch" {
  description = "The Deployment patch for the store's Secrets and CA (module.job_store.scheduler_patch)."
  type        = any
}
