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
