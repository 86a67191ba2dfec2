# Where each region's pool runs: home by default, a cluster of its own when listed, and the
# mistakes that would make two module instances write one cluster's shared Secret twice.
variables {
  regions = ["n_california", "n_virginia", "frankfurt", "singapore", "mumbai"]
  home    = { kubeconfig = "~/.kube/config" }
}

run "every_region_is_home_by_default" {
  command = plan

  assert {
    condition     = length(output.home_regions) == 5 && length(output.own_cluster_regions) == 0
    error_message = "without clusters, every pool runs in the home cluster (as before)"
  }
  assert {
    condition     = output.placement["mumbai"].kubeconfig == "~/.kube/config" && output.placement["mumbai"].context == null
    error_message = "home's kubeconfig and current context"
  }
}

run "a_region_in_a_cluster_of_its_own" {
  command = plan
  variables {
    clusters = {
      frankfurt = { kubeconfig = "~/.kube/frankfurt" }
      mumbai    = { context = "mumbai" }
    }
  }

  assert {
    condition     = output.own_cluster_regions == toset(["frankfurt", "mumbai"]) && !contains(output.home_regions, "frankfurt")
    error_message = "frankfurt and mumbai run apart, the others at home"
  }
  assert {
    condition     = output.placement["frankfurt"].kubeconfig == "~/.kube/frankfurt" && output.placement["frankfurt"].context == null
    error_message = "frankfurt's own kubeconfig, its current context"
  }
  assert {
    condition     = output.placement["mumbai"].kubeconfig == "~/.kube/config" && output.placement["mumbai"].context == "mumbai"
    error_message = "a context alone is a context of home's kubeconfig"
  }
  assert {
    condition     = !output.placement["singapore"].own_cluster && output.placement["singapore"].kubeconfig == "~/.kube/config"
    error_message = "singapore stays at home"
  }
}

run "unknown_region_is_refused" {
  command = plan
  variables {
    clusters = { atlantis = { context = "atlantis" } }
  }
  expect_failures = [var.clusters]
}

run "empty_entry_is_refused" {
  command = plan
  variables {
    clusters = { mumbai = {} }
  }
  expect_failures = [var.clusters]
}

run "home_cluster_as_own_is_refused" {
  command = plan
  variables {
    clusters = { mumbai = { kubeconfig = "~/.kube/config" } }
  }
  expect_failures = [var.clusters]
}

run "two_regions_in_one_own_cluster_are_refused" {
  command = plan
  variables {
    clusters = {
      singapore = { context = "asia" }
      mumbai    = { context = "asia" }
    }
  }
  expect_failures = [var.clusters]
}
