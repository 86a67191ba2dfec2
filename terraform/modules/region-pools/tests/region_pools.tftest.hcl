variables {
  regions = {
    n_california = { min_workers = 2, max_workers = 12, partitions = 12 }
    n_virginia   = { min_workers = 2, max_workers = 24, partitions = 24 }
    frankfurt    = { min_workers = 2, max_workers = 12, partitions = 12 }
    singapore    = { min_workers = 1, max_workers = 6, partitions = 6 }
    mumbai       = { min_workers = 1, max_workers = 6, partitions = 6 }
  }
}

run "names_follow_the_code" {
  command = plan

  assert {
    condition     = output.pools["n_california"].topic == "webhooks.region.n_california"
    error_message = "region topic name"
  }
  assert {
    condition     = output.pools["n_california"].consumer_group == "edge-dispatcher-workers-n_california"
    error_message = "consumer group name"
  }
  assert {
    condition     = output.pools["n_california"].kafka_user == "edge-dispatcher-worker-n-california"
    error_message = "Kubernetes-safe user name"
  }
  assert {
    condition     = output.pools["n_virginia"].partitions == 24 && output.pools["n_virginia"].max_workers == 24
    error_message = "limits carried through"
  }
}

run "worker_acls_are_least_privilege" {
  command = plan

  assert {
    condition     = length(output.worker_acls) == 5 * 9
    error_message = "eight ACLs per region"
  }
  assert {
    condition = alltrue([
      for k, a in output.worker_acls : !startswith(a.resource_name, "webhooks.region.") || a.resource_name == "webhooks.region.${a.region}"
    ])
    error_message = "a worker has an ACL on another region's topic"
  }
  assert {
    condition = alltrue([
      for k, a in output.worker_acls : contains(["Read", "Describe"], a.operation) || contains(["webhooks.results", "webhooks.dlq", "webhooks.region.${a.region}"], a.resource_name)
    ])
    error_message = "workers write only results, dead letters and (parking) their own region's topic"
  }
}

run "max_workers_above_partitions_is_refused" {
  command = plan
  variables {
    regions = {
      mumbai = { min_workers = 1, max_workers = 8, partitions = 6 }
    }
  }
  expect_failures = [var.regions]
}

run "min_workers_zero_is_refused" {
  command = plan
  variables {
    regions = {
      mumbai = { min_workers = 0, max_workers = 6, partitions = 6 }
    }
  }
  expect_failures = [var.regions]
}

run "unknown_region_is_refused" {
  command = plan
  variables {
    regions = {
      atlantis = { min_workers = 1, max_workers = 1, partitions = 1 }
    }
  }
  expect_failures = [var.regions]
}

run "one_region_changes_only_its_own_keys" {
  command = plan
  variables {
    regions = {
      n_california = { min_workers = 2, max_workers = 12, partitions = 12 }
      n_virginia   = { min_workers = 2, max_workers = 24, partitions = 24 }
      frankfurt    = { min_workers = 2, max_workers = 12, partitions = 12 }
      singapore    = { min_workers = 1, max_workers = 6, partitions = 6 }
      mumbai       = { min_workers = 3, max_workers = 12, partitions = 12 }
    }
  }

  assert {
    condition     = output.pools["mumbai"].partitions == 12 && output.pools["singapore"].partitions == 6
    error_message = "only mumbai changed"
  }
  assert {
    condition     = length([for k, a in output.worker_acls : k if a.region == "mumbai"]) == 9
    error_message = "mumbai's ACL keys are its own"
  }
}

run "scheduler_acls_match_deploy_scheduler" {
  command = plan

  assert {
    condition     = output.scheduler_acls["Group/edge-dispatcher-scheduler-store/Read"].pattern == "Prefixed"
    error_message = "the job store's sink group (edge-dispatcher-scheduler-store) is readable"
  }
  assert {
    condition     = output.scheduler_acls["Group/edge-dispatcher-workers-/Describe"].pattern == "Prefixed"
    error_message = "the status page can read the workers' groups' offsets"
  }
  assert {
    condition     = length([for k, a in output.scheduler_acls : k if a.resource_type == "Group" && a.operation == "Read"]) == 2
    error_message = "the scheduler reads only its intake and store-sink groups"
  }
}
