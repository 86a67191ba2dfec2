provider "kafka" {
  bootstrap_servers = var.kafka_bootstrap_servers
  tls_enabled       = true
  ca_cert           = file(var.kafka_ca_cert_file)
  sasl_mechanism    = "scram-sha512"
  sasl_username     = var.kafka_admin_username
  sasl_password     = var.kafka_admin_password
}

provider "kubernetes" {
  config_path = var.kubeconfig
}

provider "kustomization" {
  kubeconfig_path = var.kubeconfig
}

module "region_pools" {
  source  = "../../modules/region-pools"
  regions = var.regions
}

module "kafka_access" {
  source         = "../../modules/kafka-access"
  pools          = module.region_pools.pools
  worker_acls    = module.region_pools.worker_acls
  scheduler_acls = module.region_pools.scheduler_acls
  shared_topics  = module.region_pools.shared_topics
}

module "regional_workloads" {
  source            = "../../modules/regional-workloads"
  pools             = module.region_pools.pools
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
