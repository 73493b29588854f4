# Outrigger for a GKE cluster: the Cloud Function, its config, and the webhook registration.

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_client_config" "current" {}

data "google_container_cluster" "this" {
  project  = var.project_id
  name     = var.cluster_name
  location = var.cluster_location
}

provider "kubernetes" {
  host                   = "https://${data.google_container_cluster.this.endpoint}"
  token                  = data.google_client_config.current.access_token
  cluster_ca_certificate = base64decode(data.google_container_cluster.this.master_auth[0].cluster_ca_certificate)
}

module "outrigger" {
  source = "../../modules/gcp"

  project_id    = var.project_id
  region        = var.region
  min_instances = var.min_instances
  cluster_id    = var.istio_cluster_id
  network       = var.istio_network
}

module "config" {
  source = "../../modules/config/gcs"

  bucket      = module.outrigger.config_bucket
  object      = module.outrigger.config_object
  config_file = coalesce(var.config_file, "${path.module}/outrigger.yaml")
  values_file = var.values_file
  mesh_file   = var.mesh_file
}

module "webhook" {
  source = "../../modules/webhook"

  url            = module.outrigger.webhook_url
  revision       = var.istio_revision
  failure_policy = var.failure_policy

  # Register only once the function has a config to serve.
  depends_on = [module.config]
}
