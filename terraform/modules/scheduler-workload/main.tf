# The scheduler from deploy/scheduler, as `kubectl apply -k` deploys it, with three differences:
# its Kafka user is not a Strimzi KafkaUser (kafka-access made it; its secret is written here
# as Strimzi's User Operator would), its bootstrap and image are this deployment's, and its job
# store is the one module.job_store describes (the config file replaced, Secrets and CA patched).
locals {
  kafka_user = "edge-dispatcher-scheduler"
}

resource "kubernetes_secret_v1" "kafka_user" {
  metadata {
    name      = local.kafka_user
    namespace = var.namespace
  }
  data = {
    password           = var.kafka_password
    "sasl.jaas.config" = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"${local.kafka_user}\" password=\"${var.kafka_password}\";"
  }
}

data "kustomization_overlay" "scheduler" {
  resources = [var.base_path]
  namespace = var.namespace
  images {
    # name:tag, where name may hold a registry's host:port.
    name     = "edge-dispatcher"
    new_name = regex("^(.+):([^:/]+)$", var.image)[0]
    new_tag  = regex("^(.+):([^:/]+)$", var.image)[1]
  }
  config_map_generator {
    name     = "edge-dispatcher-scheduler-job-store"
    behavior = "replace"
    literals = ["job-store.properties=${var.job_store_properties}"]
  }
  patches {
    target {
      kind = "Deployment"
      name = "edge-dispatcher-scheduler"
    }
    # args: scheduler --bootstrap B ...
    patch = jsonencode([
      { op = "test", path = "/spec/template/spec/containers/0/args/1", value = "--bootstrap" },
      { op = "replace", path = "/spec/template/spec/containers/0/args/2", value = var.bootstrap_servers },
    ])
  }
  patches {
    patch = jsonencode(var.job_store_patch)
  }
}

locals {
  # Kustomize's apply order; the KafkaUser (Strimzi's) is left out: kafka-access made the user and
  # its ACLs. Ids are group/kind/namespace/name.
  objects = [for prio in [0, 1, 2] : {
    for id in data.kustomization_overlay.scheduler.ids_prio[prio] : id => data.kustomization_overlay.scheduler.manifests[id]
    if split("/", id)[1] != "KafkaUser"
  }]
}

resource "kustomization_resource" "p0" {
  for_each = local.objects[0]
  manifest = each.value
}

resource "kustomization_resource" "p1" {
  for_each   = local.objects[1]
  manifest   = each.value
  depends_on = [kustomization_resource.p0, kubernetes_secret_v1.kafka_user]
}

resource "kustomization_resource" "p2" {
  for_each   = local.objects[2]
  manifest   = each.value
  depends_on = [kustomization_resource.p1]
}
