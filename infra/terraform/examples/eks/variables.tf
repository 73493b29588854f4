variable "region" {
  description = "AWS region of the function; the cluster's region keeps the round trip short."
  type        = string
}

variable "cluster_name" {
  description = "The EKS cluster to register the webhook on."
  type        = string
}

variable "endpoint_type" {
  description = "http_api (API Gateway HTTP API), rest_api (API Gateway REST API, needed for private_vpc_endpoint_ids) or function_url (Lambda function URL)."
  type        = string
  default     = "http_api"
}

variable "private_vpc_endpoint_ids" {
  description = "With endpoint_type = rest_api: interface VPC endpoints for execute-api in the cluster's VPC; the API is then private to them and the webhook URL goes through the first. Empty keeps the endpoint public."
  type        = list(string)
  default     = []
}

variable "provisioned_concurrency" {
  description = "Provisioned concurrency of the function (0 for none)."
  type        = number
  default     = 0
}

variable "config_file" {
  description = "Outrigger config document. Null means outrigger.yaml next to this file."
  type        = string
  default     = null
}

variable "values_file" {
  description = "Istio values exported from the cluster (see README). Null uses Istio's defaults."
  type        = string
  default     = null
}

variable "mesh_file" {
  description = "Istio mesh config exported from the cluster (see README). Null uses a default install's."
  type        = string
  default     = null
}

variable "istio_revision" {
  description = "Istio revision the webhook entries select; null for the default revision."
  type        = string
  default     = null
}

variable "istio_cluster_id" {
  description = "Path env `cluster` (the proxies' ISTIO_META_CLUSTER_ID); set it in a multi-cluster mesh. Null leaves it out."
  type        = string
  default     = null
}

variable "istio_network" {
  description = "Path env `net` (the proxies' ISTIO_META_NETWORK). Null leaves it out."
  type        = string
  default     = null
}

variable "failure_policy" {
  description = "Webhook failure policy: Fail (Istio's default) or Ignore."
  type        = string
  default     = "Fail"
}
