variable "pools" {
  description = "module.region_pools.pools."
  type = map(object({
    region         = string
    k8s_suffix     = string
    topic          = string
    consumer_group = string
    kafka_user     = string
    min_workers    = number
    max_workers    = number
  }))
}

variable "worker_passwords" {
  description = "module.kafka_access.worker_passwords: per region."
  type        = map(string)
  sensitive   = true
}

variable "base_path" {
  description = "The Kustomize base of a regional pool (deploy/regions/base in this repository)."
  type        = string
}

variable "namespace" {
  description = "Namespace of the pools (it must exist, with the accounts Secret edge-dispatcher-accounts)."
  type        = string
  default     = "edge-dispatcher"
}

variable "bootstrap_servers" {
  description = "Kafka bootstrap the workers and KEDA use (host:port of a SASL_SSL SCRAM-SHA-512 listener)."
  type        = string
}

variable "kafka_ca_cert" {
  description = "PEM of the CA that signed the brokers' certificates."
  type        = string
}

variable "image" {
  description = "The dispatcher image (built by scripts/build-image and pushed to your registry)."
  type        = string
}
