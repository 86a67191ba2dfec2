variable "regions" {
  description = "One entry per regional pool: change one entry and only that region's resources change. Sizing (BENCHMARKS.md, Scaling out): about 2,000 deliveries/s per worker pod at 500m CPU; partitions >= max_workers."
  type = map(object({
    min_workers = number
    max_workers = number
    partitions  = number
    replicas    = optional(number, 3)
  }))
  default = {
    n_california = { min_workers = 2, max_workers = 12, partitions = 12 }
    n_virginia   = { min_workers = 2, max_workers = 24, partitions = 24 }
    frankfurt    = { min_workers = 2, max_workers = 12, partitions = 12 }
    singapore    = { min_workers = 1, max_workers = 6, partitions = 6 }
    mumbai       = { min_workers = 1, max_workers = 6, partitions = 6 }
  }
}

variable "kafka_bootstrap_servers" {
  description = "Bootstrap servers (SASL_SSL SCRAM-SHA-512 listener), e.g. [\"kafka-0.example:9093\"]."
  type        = list(string)
}

variable "kafka_admin_username" {
  description = "A Kafka user allowed to create topics, SCRAM credentials and ACLs."
  type        = string
}

variable "kafka_admin_password" {
  description = "Its password."
  type        = string
  sensitive   = true
}

variable "kafka_ca_cert_file" {
  description = "Path of the PEM CA that signed the brokers' certificates."
  type        = string
}

variable "kubeconfig" {
  description = "Path of the kubeconfig of the home cluster: the scheduler, its job store and every pool not in region_clusters run there."
  type        = string
  default     = "~/.kube/config"
}

variable "kube_context" {
  description = "Context of the home cluster in kubeconfig (null: its current context)."
  type        = string
  default     = null
}

variable "region_clusters" {
  description = "Regions whose pools run in a Kubernetes cluster of their own: region => { kubeconfig, context } (either may be left out: kubeconfig defaults to var.kubeconfig, context to that file's current context). One region per cluster, none in the home cluster. Empty (the default): every pool in the home cluster."
  type = map(object({
    kubeconfig = optional(string)
    context    = optional(string)
  }))
  default = {}
}

variable "image" {
  description = "The dispatcher image, name:tag, as pushed to your registry."
  type        = string
  default     = "edge-dispatcher:0.1.0-SNAPSHOT"
}

variable "job_store_mode" {
  description = "\"cloudnativepg\": run the job store in the cluster (deploy/postgres; needs the CloudNativePG operator, the Barman Cloud Plugin and the postgresql-minimal-trixie ClusterImageCatalog); \"external\": use an existing PostgreSQL, job_store_external."
  type        = string
  default     = "cloudnativepg"
}

variable "job_store_external" {
  description = "An existing PostgreSQL (job_store_mode = \"external\"): jdbc_url without credentials and with sslmode=verify-full, the names of the Secrets (created out of band) of the runtime role and of the schema owner (keys username, password; migration_secret null if there is one role only), and of the server's CA. See modules/job-store."
  type = object({
    jdbc_url         = string
    runtime_secret   = string
    migration_secret = optional(string)
    ca_secret        = string
    ca_key           = optional(string, "ca.crt")
  })
  default = null
}

variable "job_store_backup_destination_path" {
  description = "In-cluster store: where its backups go, e.g. s3://my-bucket/edge-store/."
  type        = string
  default     = null
}

variable "job_store_backup_endpoint_url" {
  description = "In-cluster store: endpoint of an S3-compatible object store other than AWS (null: AWS)."
  type        = string
  default     = null
}

variable "job_store_backup_credentials_secret" {
  description = "In-cluster store: Secret with ACCESS_KEY_ID and ACCESS_SECRET_KEY for the object store, created out of band; null: workload identity."
  type        = string
  default     = "edge-store-backup-s3"
}

variable "job_store_storage_size" {
  description = "In-cluster store: data volume per PostgreSQL instance."
  type        = string
  default     = "50Gi"
}
