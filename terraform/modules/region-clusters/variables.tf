variable "regions" {
  description = "The regions deployed (keys of the root's var.regions)."
  type        = set(string)
}

variable "home" {
  description = "The Kubernetes cluster of the scheduler and of every region not in var.clusters: a kubeconfig path and optionally a context (null: the kubeconfig's current context)."
  type = object({
    kubeconfig = string
    context    = optional(string)
  })
}

variable "clusters" {
  description = "Regions that run in a Kubernetes cluster of their own, each with its kubeconfig path and/or context (the one not given is home's). One region per cluster, none in home's."
  type = map(object({
    kubeconfig = optional(string)
    context    = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for r in keys(var.clusters) : contains(var.regions, r)])
    error_message = "clusters names a region that is not deployed (keys of var.regions)."
  }
  validation {
    condition     = alltrue([for c in values(var.clusters) : c.kubeconfig != null || c.context != null])
    error_message = "Each entry of clusters names a kubeconfig or a context (an empty entry is the home cluster: leave the region out)."
  }
  # Each Kubernetes cluster gets one copy of what the pools of that cluster share (the Kafka CA
  # Secret): two regions in one cluster of their own, or one in home's, would write it twice.
  validation {
    condition = alltrue([
      for c in values(var.clusters) : !(coalesce(c.kubeconfig, var.home.kubeconfig) == var.home.kubeconfig && c.context == var.home.context)
    ])
    error_message = "An entry of clusters names the home cluster (same kubeconfig and context): leave that region out of clusters."
  }
  validation {
    condition = length(distinct([
      for c in values(var.clusters) : "${coalesce(c.kubeconfig, var.home.kubeconfig)}|${coalesce(c.context, "-")}"
    ])) == length(var.clusters)
    error_message = "Two regions of clusters name the same Kubernetes cluster: one region per cluster of its own."
  }
}
