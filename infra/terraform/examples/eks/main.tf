# Outrigger for an EKS cluster: the Lambda behind an HTTP API, its config, and the webhook registration.

provider "aws" {
  region = var.region
}

data "aws_eks_cluster" "this" {
  name = var.cluster_name
}

data "aws_eks_cluster_auth" "this" {
  name = var.cluster_name
}

provider "kubernetes" {
  host                   = data.aws_eks_cluster.this.endpoint
  token                  = data.aws_eks_cluster_auth.this.token
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.this.certificate_authority[0].data)
}

module "outrigger" {
  source = "../../modules/aws"

  endpoint_type           = var.endpoint_type
  provisioned_concurrency = var.provisioned_concurrency
  cluster_id              = var.istio_cluster_id
  network                 = var.istio_network
}

module "config" {
  source = "../../modules/config/s3"

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
