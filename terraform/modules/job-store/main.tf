# The scheduler's connection to its job store, whichever store it is: the job store config
# (`dispatcher scheduler --job-store-config`, no credentials), the environment that carries the
# credentials from Secrets, and the CA volume. deploy/scheduler has the same for deploy/postgres;
# this module derives it for Terraform, for the in-cluster cluster or an existing server.
locals {
  ca_mount = "/etc/dispatcher/store-ca"
  ca_file  = "${local.ca_mount}/ca.crt"
  external = var.mode == "external"

  cnpg = {
    url              = "jdbc:postgresql://${var.cluster_name}-rw:5432/${var.database}?sslmode=verify-full&sslrootcert=${local.ca_file}"
    runtime_secret   = "${var.cluster_name}-${var.runtime_role}"
    migration_secret = "${var.cluster_name}-app"
    ca_secret        = "${var.cluster_name}-ca"
    ca_key           = "ca.crt"
  }
  given = local.external && var.external != null ? {
    url = (strcontains(var.external.jdbc_url, "sslrootcert=")
      ? var.external.jdbc_url
    : "${var.external.jdbc_url}&sslrootcert=${local.ca_file}")
    runtime_secret   = var.external.runtime_secret
    migration_secret = var.external.migration_secret
    ca_secret        = var.external.ca_secret
    ca_key           = var.external.ca_key
  } : null
  store = local.external ? local.given : local.cnpg

  properties = local.store == null ? null : join("", [
    "# The scheduler's job store (dispatcher scheduler --job-store-config), written by Terraform: no credentials.\n",
    "url=${local.store.url}\n",
    join("", [for k in sort(keys(var.driver_properties)) : "${k}=${var.driver_properties[k]}\n"]),
  ])

  # name => Secret key: the runtime role always, the owner when there is one.
  env = local.store == null ? [] : concat([
    { name = "DISPATCHER_JOB_STORE_USER", secret = local.store.runtime_secret, key = "username" },
    { name = "DISPATCHER_JOB_STORE_PASSWORD", secret = local.store.runtime_secret, key = "password" },
    ], local.store.migration_secret == null ? [] : [
    { name = "DISPATCHER_JOB_STORE_MIGRATION_USER", secret = local.store.migration_secret, key = "username" },
    { name = "DISPATCHER_JOB_STORE_MIGRATION_PASSWORD", secret = local.store.migration_secret, key = "password" },
  ])
  env_names = ["DISPATCHER_JOB_STORE_USER", "DISPATCHER_JOB_STORE_PASSWORD", "DISPATCHER_JOB_STORE_MIGRATION_USER", "DISPATCHER_JOB_STORE_MIGRATION_PASSWORD"]

  # A strategic-merge patch of deploy/scheduler's Deployment: env entries by name (the owner's
  # removed when there is none), the CA volume by name.
  scheduler_patch = local.store == null ? null : {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = { name = "edge-dispatcher-scheduler" }
    spec = {
      template = {
        spec = {
          containers = [{
            name = "scheduler"
            env = concat(
              [for e in local.env : { name = e.name, valueFrom = { secretKeyRef = { name = e.secret, key = e.key } } }],
              [for n in setsubtract(local.env_names, [for e in local.env : e.name]) : { name = n, "$patch" = "delete" }],
            )
          }]
          volumes = [{
            name   = "store-ca"
            secret = { secretName = local.store.ca_secret, items = [{ key = local.store.ca_key, path = "ca.crt" }] }
          }]
        }
      }
    }
  }
}
