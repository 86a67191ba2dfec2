variable "base_path" {
  description = "The job store's Kustomize tree (deploy/postgres in this repository)."
  type        = string
}

variable "namespace" {
  description = "Namespace of the store (the scheduler's)."
  type        = string
  default     = "edge-dispatcher"
}

variable "runtime_secret" {
  description = "Name of the runtime role's Secret that deploy/postgres's Cluster reads (module.job_store.secrets.runtime)."
  type        = string
  default     = "edge-store-dispatcher"
}

variable "create_runtime_secret" {
  description = "Generate the runtime role's password into runtime_secret (it is then in the Terraform state, as the Kafka passwords are). false: you create the Secret yourself (docs/deploy-job-store.md)."
  type        = bool
  default     = true
}

variable "backup_destination_path" {
  description = "Object store path of the base backups and WAL, e.g. s3://my-bucket/edge-store/."
  type        = string

  validation {
    condition     = can(regex("^(s3|gs|https)://", var.backup_destination_path))
    error_message = "backup_destination_path is s3://, gs:// or https:// (Azure) followed by the bucket and path."
  }
}

variable "backup_endpoint_url" {
  description = "Endpoint of an S3-compatible store other than AWS (null: AWS S3)."
  type        = string
  default     = null
}

variable "backup_credentials_secret" {
  description = "Secret with the object store's keys ACCESS_KEY_ID and ACCESS_SECRET_KEY, created out of band; null: the instances' workload identity (inheritFromIAMRole)."
  type        = string
  default     = "edge-store-backup-s3"
}

variable "storage_size" {
  description = "Data volume of each PostgreSQL instance (deploy/postgres: 50Gi); it can grow later, never shrink."
  type        = string
  default     = "50Gi"
}
