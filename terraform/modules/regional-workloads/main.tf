# Each region's pool from the same Kustomize base the overlays in deploy/regions/ use, with the
# region's names and KEDA limits patched in; the Kafka credentials come from kafka-access (not
# from Strimzi), in secrets named and shaped as Strimzi's User Operator makes them.
locals {
  ca_secret = "edge-kafka-cluster-ca-cert"
}

resource "kubernetes_secret_v1" "kafka_ca" {
  metadata {
    name      = local.ca_secret
    namespace = var.namespace
  }
  data = {
    "ca.crt" = var.kafka_ca_cert
  }
}

resource "kubernetes_secret_v1" "worker_user" {
  for_each = var.pools
  metadata {
    name      = each.value.kafka_user
    namespace = var.namespace
  }
  data = {
    password           = var.worker_passwords[each.key]
    "sasl.jaas.config" = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"${each.value.kafka_user}\" password=\"${var.worker_passwords[each.key]}\";"
  }
}

data "kustomization_overlay" "pool" {
  for_each    = var.pools
  resources   = [var.base_path]
  namespace   = var.namespace
  name_suffix = "-${each.value.k8s_suffix}"
  common_labels = {
    "edge-dispatcher.dev/region" = each.key
  }
  images {
    name     = "edge-dispatcher"
    new_name = split(":", var.image)[0]
    new_tag  = split(":", var.image)[1]
  }
  secret_generator {
    name     = "edge-dispatcher-worker-keda"
    literals = ["username=${each.value.kafka_user}"]
  }
  patches {
    target {
      kind = "Deployment"
      name = "edge-dispatcher-worker"
    }
    patch = jsonencode([
      { op = "replace", path = "/spec/template/spec/containers/0/env/0/value", value = each.key },
      { op = "replace", path = "/spec/template/spec/containers/0/args/4", value = var.bootstrap_servers },
      { op = "replace", path = "/spec/template/spec/volumes/1/secret/secretName", value = each.value.kafka_user },
    ])
  }
  patches {
    target {
      kind = "ScaledObject"
      name = "edge-dispatcher-worker"
    }
    patch = jsonencode([
      { op = "replace", path = "/spec/minReplicaCount", value = each.value.min_workers },
      { op = "replace", path = "/spec/maxReplicaCount", value = each.value.max_workers },
      { op = "replace", path = "/spec/triggers/0/metadata/bootstrapServers", value = var.bootstrap_servers },
      { op = "replace", path = "/spec/triggers/0/metadata/consumerGroup", value = each.value.consumer_group },
      { op = "replace", path = "/spec/triggers/0/metadata/topic", value = each.value.topic },
    ])
  }
  patches {
    target {
      kind = "TriggerAuthentication"
      name = "edge-dispatcher-worker"
    }
    patch = jsonencode([
      { op = "replace", path = "/spec/secretTargetRef/1/name", value = each.value.kafka_user },
    ])
  }
}

locals {
  # "<region>|<object id>" => manifest, in Kustomize's apply order (namespaces/CRDs, the rest, webhooks).
  objects = [
    for prio in [0, 1, 2] : merge([
      for region, overlay in data.kustomization_overlay.pool : {
        for id in overlay.ids_prio[prio] : "${region}|${id}" => overlay.manifests[id]
      }
    ]...)
  ]
}

resource "kustomization_resource" "p0" {
  for_each = local.objects[0]
  manifest = each.value
}

resource "kustomization_resource" "p1" {
  for_each   = local.objects[1]
  manifest   = each.value
  depends_on = [kustomization_resource.p0, kubernetes_secret_v1.worker_user, kubernetes_secret_v1.kafka_ca]
}

resource "kustomization_resource" "p2" {
  for_each   = local.objects[2]
  manifest   = each.value
  depends_on = [kustomization_resource.p1]
}
