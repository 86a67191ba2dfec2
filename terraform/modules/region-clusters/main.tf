# Where each region's worker pool runs: the home cluster (the scheduler's, var.kubeconfig of the
# example) or a Kubernetes cluster of its own. The root has one provider configuration per region
# (Terraform cannot choose a provider per for_each key), and this module says which of them holds
# the region's pool.
locals {
  placement = {
    for r in var.regions : r => (contains(keys(var.clusters), r) ? {
      kubeconfig  = coalesce(var.clusters[r].kubeconfig, var.home.kubeconfig)
      context     = var.clusters[r].context
      own_cluster = true
      } : {
      kubeconfig  = var.home.kubeconfig
      context     = var.home.context
      own_cluster = false
    })
  }
}
