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
  description = "Path of the kubeconfig of the cluster the pools run in."
  type        = string
  default     = "~/.kube/config"
}

variable "image" {
  description = "The dispatcher image, name:tag, as pushed to your registry."
  type        = string
  default     = "edge-dispatcher:0.1.0-SNAPSHOT"
}
