# Topics, SCRAM users and ACLs on any Kafka cluster (Mongey/kafka), one resource per region key:
# changing one region's entry touches only resources keyed by that region.
resource "kafka_topic" "region" {
  for_each           = var.pools
  name               = each.value.topic
  partitions         = each.value.partitions
  replication_factor = each.value.replicas
  config = {
    "min.insync.replicas" = tostring(min(2, each.value.replicas))
    "retention.ms"        = tostring(var.retention_ms)
  }
}

resource "kafka_topic" "shared" {
  for_each           = var.shared_topics
  name               = each.key
  partitions         = each.value
  replication_factor = var.replication_factor
  config = {
    "min.insync.replicas" = tostring(min(2, var.replication_factor))
    "retention.ms"        = tostring(var.retention_ms)
  }
}

resource "random_password" "worker" {
  for_each = var.pools
  length   = 32
  special  = false
}

resource "kafka_user_scram_credential" "worker" {
  for_each        = var.pools
  username        = each.value.kafka_user
  scram_mechanism = "SCRAM-SHA-512"
  password        = random_password.worker[each.key].result
}

resource "kafka_acl" "worker" {
  for_each                     = var.worker_acls
  resource_name                = each.value.resource_name
  resource_type                = each.value.resource_type
  resource_pattern_type_filter = "Literal"
  acl_principal                = each.value.principal
  acl_host                     = "*"
  acl_operation                = each.value.operation
  acl_permission_type          = "Allow"
}

resource "random_password" "scheduler" {
  length  = 32
  special = false
}

resource "kafka_user_scram_credential" "scheduler" {
  username        = "edge-dispatcher-scheduler"
  scram_mechanism = "SCRAM-SHA-512"
  password        = random_password.scheduler.result
}

resource "kafka_acl" "scheduler" {
  for_each                     = var.scheduler_acls
  resource_name                = each.value.resource_name
  resource_type                = each.value.resource_type
  resource_pattern_type_filter = each.value.pattern
  acl_principal                = "User:edge-dispatcher-scheduler"
  acl_host                     = "*"
  acl_operation                = each.value.operation
  acl_permission_type          = "Allow"
}
