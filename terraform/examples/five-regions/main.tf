provider "kafka" {
  bootstrap_servers = var.kafka_bootstrap_servers
  tls_enabled       = true
  ca_cert           = file(var.kafka_ca_cert_file)
  sasl_mechanism    = "scram-sha512"
  sasl_username     = var.kafka_admin_username
  sasl_password     = var.kafka_admin_password
}

# The home cluster: the scheduler, its job store, and every region not in var.region_clusters.
provider "kubernetes" {
  config_path    = var.kubeconfig
  config_context = var.kube_context
}

provider "kustomization" {
  kubeconfig_path = var.kubeconfig
  context         = var.kube_context
}

# One configuration per region, for a region in a Kubernetes cluster of its own (var.region_clusters;
# module.region_clusters says where each region runs). Terraform chooses providers statically, so
# there is one block per region rather than a for_each; a region at home points at home's cluster
# and nothing uses its configuration.
provider "kubernetes" {
  alias          = "n_california"
  config_path    = local.cluster_of["n_california"].kubeconfig
  config_context = local.cluster_of["n_california"].context
}

provider "kustomization" {
  alias           = "n_california"
  kubeconfig_path = local.cluster_of["n_california"].kubeconfig
  context         = local.cluster_of["n_california"].context
}

provider "kubernetes" {
  alias          = "n_virginia"
  config_path    = local.cluster_of["n_virginia"].kubeconfig
  config_context = local.cluster_of["n_virginia"].context
}

provider "kustomization" {
  alias           = "n_virginia"
  kubeconfig_path = local.cluster_of["n_virginia"].kubeconfig
  context         = local.cluster_of["n_virginia"].context
}

provider "kubernetes" {
  alias          = "frankfurt"
  config_path    = local.cluster_of["frankfurt"].kubeconfig
  config_context = local.cluster_of["frankfurt"].context
}

provider "kustomization" {
  alias           = "frankfurt"
  kubeconfig_path = local.cluster_of["frankfurt"].kubeconfig
  context         = local.cluster_of["frankfurt"].context
}

provider "kubernetes" {
  alias          = "singapore"
  config_path    = local.cluster_of["singapore"].kubeconfig
  config_context = local.cluster_of["singapore"].context
}

provider "kustomization" {
  alias           = "singapore"
  kubeconfig_path = local.cluster_of["singapore"].kubeconfig
  context         = local.cluster_of["singapore"].context
}

provider "kubernetes" {
  alias          = "mumbai"
  config_path    = local.cluster_of["mumbai"].kubeconfig
  config_context = local.cluster_of["mumbai"].context
}

provider "kustomization" {
  alias           = "mumbai"
  kubeconfig_path = local.cluster_of["mumbai"].kubeconfig
  context         = local.cluster_of["mumbai"].context
}

module "region_pools" {
  source  = "../../modules/region-pools"
  regions = var.regions
}

module "region_clusters" {
  source   = "../../modules/region-clusters"
  regions  = keys(var.regions)
  home     = { kubeconfig = var.kubeconfig, context = var.kube_context }
  clusters = var.region_clusters
}

locals {
  # The cluster of each of the five provider configurations below; a region left out of var.regions
  # points at home (nothing uses its configuration).
  cluster_of = {
    for r in ["n_california", "n_virginia", "frankfurt", "singapore", "mumbai"] : r => lookup(
      module.region_clusters.placement, r, { kubeconfig = var.kubeconfig, context = var.kube_context, own_cluster = false }
    )
  }
}

module "kafka_access" {
  source         = "../../modules/kafka-access"
  pools          = module.region_pools.pools
  worker_acls    = module.region_pools.worker_acls
  scheduler_acls = module.region_pools.scheduler_acls
  shared_topics  = module.region_pools.shared_topics
}

# The pools in the home cluster (all of them unless var.region_clusters places some elsewhere), with
# the Kafka CA Secret that the scheduler mounts too. A region moved to a cluster of its own leaves
# this module (its objects are deleted here) and is created by its own module below.
module "regional_workloads" {
  source            = "../../modules/regional-workloads"
  pools             = { for r, p in module.region_pools.pools : r => p if contains(module.region_clusters.home_regions, r) }
  worker_passwords  = module.kafka_access.worker_passwords
  base_path         = "${path.root}/../../../deploy/regions/base"
  bootstrap_servers = var.kafka_bootstrap_servers[0]
  kafka_ca_cert     = file(var.kafka_ca_cert_file)
  image             = var.image
}

# Each region in a Kubernetes cluster of its own: the same module, with that region's providers; it
# writes the region's pool, its worker user's Secret and the Kafka CA Secret into that cluster. The
# workers there reach the same Kafka (var.kafka_bootstrap_servers must be reachable from it).
module "regional_workloads_n_california" {
  source            = "../../modules/regional-workloads"
  count             = local.cluster_of["n_california"].own_cluster ? 1 : 0
  providers         = { kubernetes = kubernetes.n_california, kustomization = kustomization.n_california }
  pools             = { for r, p in module.region_pools.pools : r => p if r == "n_california" }
  worker_passwords  = module.kafka_access.worker_passwords
  base_path         = "${path.root}/../../../deploy/regions/base"
  bootstrap_servers = var.kafka_bootstrap_servers[0]
  kafka_ca_cert     = file(var.kafka_ca_cert_file)
  image             = var.image
}

module "regional_workloads_n_virginia" {
  source            = "../../modules/regional-workloads"
  count             = local.cluster_of["n_virginia"].own_cluster ? 1 : 0
  providers         = { kubernetes = kubernetes.n_virginia, kustomization = kustomization.n_virginia }
  pools             = { for r, p in module.region_pools.pools : r => p if r == "n_virginia" }
  worker_passwords  = module.kafka_access.worker_passwords
  base_path         = "${path.root}/../../../deploy/regions/base"
  bootstrap_servers = var.kafka_bootstrap_servers[0]
  kafka_ca_cert     = file(var.kafka_ca_cert_file)
  image             = var.image
}

module "regional_workloads_frankfurt" {
  source            = "../../modules/regional-workloads"
  count             = local.cluster_of["frankfurt"].own_cluster ? 1 : 0
  providers         = { kubernetes = kubernetes.frankfurt, kustomization = kustomization.frankfurt }
  pools             = { for r, p in module.region_pools.pools : r => p if r == "frankfurt" }
  worker_passwords  = module.kafka_access.worker_passwords
  base_path         = "${path.root}/../../../deploy/regions/base"
  bootstrap_servers = var.kafka_bootstrap_servers[0]
  kafka_ca_cert     = file(var.kafka_ca_cert_file)
  image             = var.image
}

module "regional_workloads_singapore" {
  source            = "../../modules/regional-workloads"
  count             = local.cluster_of["singapore"].own_cluster ? 1 : 0
  providers         = { kubernetes = kubernetes.singapore, kustomization = kustomization.singapore }
  pools             = { for r, p in module.region_pools.pools : r => p if r == "singapore" }
  worker_passwords  = module.kafka_access.worker_passwords
  base_path         = "${path.root}/../../../deploy/regions/base"
  bootstrap_servers = var.kafka_bootstrap_servers[0]
  kafka_ca_cert     = file(var.kafka_ca_cert_file)
  image             = var.image
}

module "regional_workloads_mumbai" {
  source            = "../../modules/regional-workloads"
  count             = local.cluster_of["mumbai"].own_cluster ? 1 : 0
  providers         = { kubernetes = kubernetes.mumbai, kustomization = kustomization.mumbai }
  pools             = { for r, p in module.region_pools.pools : r => p if r == "mumbai" }
  worker_passwords  = module.kafka_access.worker_passwords
  base_path         = "${path.root}/../../../deploy/regions/base"
  bootstrap_servers = var.kafka_bootstrap_servers[0]
  kafka_ca_cert     = file(var.kafka_ca_cert_file)
  image             = var.image
}

# The job store: deploy/postgres in the cluster (CloudNativePG) or an existing PostgreSQL.
module "job_store" {
  source   = "../../modules/job-store"
  mode     = var.job_store_mode
  external = var.job_store_external
}

module "job_store_cluster" {
  source                    = "../../modules/job-store-cluster"
  count                     = var.job_store_mode == "cloudnativepg" ? 1 : 0
  base_path                 = "${path.root}/../../../deploy/postgres"
  runtime_secret            = module.job_store.secrets.runtime
  backup_destination_path   = var.job_store_backup_destination_path
  backup_endpoint_url       = var.job_store_backup_endpoint_url
  backup_credentials_secret = var.job_store_backup_credentials_secret
  storage_size              = var.job_store_storage_size
}

# The scheduler (deploy/scheduler without its Strimzi KafkaUser), on that store. Its pods wait for
# the Secrets they mount: the Kafka CA (regional_workloads), the store's (CloudNativePG or yours)
# and the accounts (yours).
module "scheduler" {
  source               = "../../modules/scheduler-workload"
  base_path            = "${path.root}/../../../deploy/scheduler"
  image                = var.image
  bootstrap_servers    = var.kafka_bootstrap_servers[0]
  kafka_password       = module.kafka_access.scheduler_password
  job_store_properties = module.job_store.properties
  job_store_patch      = module.job_store.scheduler_patch
}
