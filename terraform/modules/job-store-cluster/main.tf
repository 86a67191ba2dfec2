# The job store in the cluster: deploy/postgres (CloudNativePG Cluster edge-store, its
# ObjectStore and ScheduledBackup) with the backup target and size patched in, and the runtime
# role's Secret that the Cluster's managed role reads. CloudNativePG makes the rest
# (edge-store-app, edge-store-ca, Services).
resource "random_password" "runtime" {
  count   = var.create_runtime_secret ? 1 : 0
  length  = 32
  special = false
}

resource "kubernetes_secret_v1" "runtime" {
  count = var.create_runtime_secret ? 1 : 0
  metadata {
    name      = var.runtime_secret
    namespace = var.namespace
    labels = {
      # CloudNativePG applies a changed password at once.
      "cnpg.io/reload" = "true"
    }
  }
  type = "kubernetes.io/basic-auth"
  data = {
    username = "dispatcher"
    password = random_password.runtime[0].result
  }
}

data "kustomization_overlay" "store" {
  resources = [var.base_path]
  namespace = var.namespace
  patches {
    target {
      kind = "ObjectStore"
      name = "edge-store-backups"
    }
    # JSON patch operations, each encoded on its own (their values differ in type).
    patch = "[${join(",", concat(
      [jsonencode({ op = "replace", path = "/spec/configuration/destinationPath", value = var.backup_destination_path })],
      var.backup_endpoint_url == null ? [] : [jsonencode({ op = "add", path = "/spec/configuration/endpointURL", value = var.backup_endpoint_url })],
      var.backup_credentials_secret == null ? [
        jsonencode({ op = "replace", path = "/spec/configuration/s3Credentials", value = { inheritFromIAMRole = true } }),
        ] : [
        jsonencode({ op = "replace", path = "/spec/configuration/s3Credentials/accessKeyId/name", value = var.backup_credentials_secret }),
        jsonencode({ op = "replace", path = "/spec/configuration/s3Credentials/secretAccessKey/name", value = var.backup_credentials_secret }),
      ],
    ))}]"
  }
  patches {
    target {
      kind = "Cluster"
      name = "edge-store"
    }
    patch = jsonencode([
      { op = "replace", path = "/spec/storage/size", value = var.storage_size },
      { op = "replace", path = "/spec/managed/roles/0/passwordSecret/name", value = var.runtime_secret },
    ])
  }
}

locals {
  objects = [for prio in [0, 1, 2] : { for id in data.kustomization_overlay.store.ids_prio[prio] : id => data.kustomization_overlay.store.manifests[id] }]
}

resource "kustomization_resource" "p0" {
  for_each = local.objects[0]
  manifest = each.value
}

resource "kustomization_resource" "p1" {
  for_each   = local.objects[1]
  manifest   = each.value
  depends_on = [kustomization_resource.p0, kubernetes_secret_v1.runtime]
}

resource "kustomization_resource" "p2" {
  for_each   = local.objects[2]
  manifest   = each.value
  depends_on = [kustomization_resource.p1]
}
