variable "mode" {
  description = "\"cloudnativepg\": the in-cluster CloudNativePG cluster of deploy/postgres; \"external\": an existing PostgreSQL (managed or your own), described by var.external."
  type        = string
  default     = "cloudnativepg"

  validation {
    condition     = contains(["cloudnativepg", "external"], var.mode)
    error_message = "mode is \"cloudnativepg\" or \"external\"."
  }
}

variable "cluster_name" {
  description = "Name of the CloudNativePG Cluster (mode cloudnativepg): its Services and Secrets are named after it (<name>-rw, <name>-app, <name>-ca)."
  type        = string
  default     = "edge-store"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must be a short DNS label (lower case, digits, '-')."
  }
}

variable "database" {
  description = "Database of the CloudNativePG cluster (its bootstrap.initdb.database; mode cloudnativepg)."
  type        = string
  default     = "app"
}

variable "runtime_role" {
  description = "The runtime role of the CloudNativePG cluster (managed role with DML grants only; mode cloudnativepg). Its Secret is <cluster_name>-<runtime_role>."
  type        = string
  default     = "dispatcher"
}

variable "external" {
  description = <<-EOT
    An existing PostgreSQL (mode external). jdbc_url: without credentials, with sslmode=verify-full; sslrootcert is added
    (the CA mounted from ca_secret) unless it already names that file. runtime_secret: a Secret (keys username, password)
    of the runtime role. migration_secret: a Secret (keys username, password) of the schema owner that runs the migrations;
    null when the server offers one role only (it then runs the migrations too). ca_secret/ca_key: the server's CA.
    The Secrets are created out of band (e.g. from your secret manager); Terraform never sees their values.
  EOT
  type = object({
    jdbc_url         = string
    runtime_secret   = string
    migration_secret = optional(string)
    ca_secret        = string
    ca_key           = optional(string, "ca.crt")
  })
  default = null

  validation {
    condition     = var.external == null ? true : can(regex("^jdbc:postgresql://[^/?@]+/[^/?]+\\?", var.external.jdbc_url))
    error_message = "external.jdbc_url must be jdbc:postgresql://host[:port]/database?sslmode=verify-full..., without user:password@."
  }
  validation {
    condition     = var.external == null ? true : !can(regex("[?&](user|password)=", var.external.jdbc_url))
    error_message = "external.jdbc_url must not carry credentials: they come from runtime_secret and migration_secret."
  }
  validation {
    condition     = var.external == null ? true : can(regex("[?&]sslmode=verify-full(&|$)", var.external.jdbc_url))
    error_message = "external.jdbc_url needs sslmode=verify-full: TLS with the server's certificate and host name checked."
  }
  validation {
    condition     = var.external == null ? true : (!can(regex("[?&]sslrootcert=", var.external.jdbc_url)) || can(regex("[?&]sslrootcert=/etc/dispatcher/store-ca/ca.crt(&|$)", var.external.jdbc_url)))
    error_message = "external.jdbc_url's sslrootcert must be /etc/dispatcher/store-ca/ca.crt (where ca_secret is mounted), or be left out."
  }
  validation {
    condition = var.external == null ? true : alltrue([
      for s in compact([var.external.runtime_secret, var.external.migration_secret, var.external.ca_secret]) : can(regex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", s))
    ])
    error_message = "external's Secret names must be Kubernetes names."
  }
}

variable "driver_properties" {
  description = "Other keys of the scheduler's job store config, passed to the PostgreSQL JDBC driver (never credentials)."
  type        = map(string)
  default = {
    ApplicationName = "edge-dispatcher-scheduler"
    connectTimeout  = "10"
    tcpKeepAlive    = "true"
  }

  validation {
    condition     = length(setintersection(keys(var.driver_properties), ["url", "user", "password", "migration-user", "migration-password"])) == 0
    error_message = "driver_properties must not set url or credentials."
  }
}
