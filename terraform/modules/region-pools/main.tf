# The per-region logic of the deployment, shared by the Kafka and workload modules: names as the
# code uses them (Topics.region, RegionWorker's group id) and the least-privilege ACLs
# (docs/operations.md, "Kafka security").
locals {
  pools = {
    for region, p in var.regions : region => {
      region         = region
      k8s_suffix     = replace(region, "_", "-")
      topic          = "webhooks.region.${region}"
      consumer_group = "edge-dispatcher-workers-${region}"
      kafka_user     = "edge-dispatcher-worker-${replace(region, "_", "-")}"
      deployment     = "edge-dispatcher-worker-${replace(region, "_", "-")}"
      min_workers    = p.min_workers
      max_workers    = p.max_workers
      partitions     = p.partitions
      replicas       = p.replicas
      acls = [
        { resource_type = "Topic", resource_name = "webhooks.region.${region}", operation = "Read" },
        { resource_type = "Topic", resource_name = "webhooks.region.${region}", operation = "Describe" },
        # Parking: a job that holds its partition's commit window is written again at its end.
        { resource_type = "Topic", resource_name = "webhooks.region.${region}", operation = "Write" },
        { resource_type = "Group", resource_name = "edge-dispatcher-workers-${region}", operation = "Read" },
        { resource_type = "Group", resource_name = "edge-dispatcher-workers-${region}", operation = "Describe" },
        { resource_type = "Topic", resource_name = "webhooks.results", operation = "Write" },
        { resource_type = "Topic", resource_name = "webhooks.results", operation = "Describe" },
        { resource_type = "Topic", resource_name = "webhooks.dlq", operation = "Write" },
        { resource_type = "Topic", resource_name = "webhooks.dlq", operation = "Describe" },
      ]
    }
  }
  # Flattened per ACL, keyed "<region>/<type>/<name>/<operation>", so one region's entry changes
  # only its own keys.
  worker_acls = merge([
    for region, p in local.pools : {
      for a in p.acls : "${region}/${a.resource_type}/${a.resource_name}/${a.operation}" => merge(a, { principal = "User:${p.kafka_user}", region = region })
    }
  ]...)
  scheduler_acls = {
    for a in [
      { resource_type = "Topic", resource_name = "webhooks.jobs", pattern = "Literal", operation = "Read" },
      { resource_type = "Topic", resource_name = "webhooks.results", pattern = "Literal", operation = "Read" },
      { resource_type = "Group", resource_name = "edge-dispatcher-intake", pattern = "Literal", operation = "Read" },
      { resource_type = "Topic", resource_name = "webhooks.region.", pattern = "Prefixed", operation = "Write" },
      { resource_type = "Topic", resource_name = "webhooks.region.", pattern = "Prefixed", operation = "Read" },
      { resource_type = "Topic", resource_name = "webhooks.dlq", pattern = "Literal", operation = "Write" },
      # The status page reads each region's committed offsets (lag).
      { resource_type = "Group", resource_name = "edge-dispatcher-workers-", pattern = "Prefixed", operation = "Describe" },
      # The job store's sink: one consumer group across the scheduler replicas, named after the store.
      { resource_type = "Group", resource_name = "edge-dispatcher-scheduler-store", pattern = "Prefixed", operation = "Read" },
    ] : "${a.resource_type}/${a.resource_name}/${a.operation}" => a
  }
}
