# Outrigger for an EKS cluster: the Lambda behind an HTTP API (or a private REST API), its config, and
# the webhook registration.

provider "aws" {
  region = var.region
}

data "aws_eks_cluster" "this" {
  name = var.cluster_name
}

# A fresh token for every provider operation: the one aws_eks_cluster_auth reads lasts about 15
# minutes, and the webhook is registered last, after the function, its bucket and its config, so a
# long apply would reach it with an expired token. Needs the AWS CLI where Terraform runs.
provider "kubernetes" {
  host                   = data.aws_eks_cluster.this.endpoint
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.this.certificate_authority[0].data)

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", var.cluster_name, "--region", var.region, "--output", "json"]
  }
}

module "outrigger" {
  source = "../../modules/aws"

  endpoint_type            = var.endpoint_type
  private_vpc_endpoint_ids = var.private_vpc_endpoint_ids
  provisioned_concurrency  = var.provisioned_concurrency
  cluster_id               = var.istio_cluster_id
  network                  = var.istio_network
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
