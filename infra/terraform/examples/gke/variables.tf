variable "project_id" {
  description = "Project of the function (and, in this example, of the cluster)."
  type        = string
}

variable "region" {
  description = "Region of the function. Pick the cluster's region: each pod creation waits for a round trip."
  type        = string
}

variable "cluster_name" {
  description = "The GKE cluster to register the webhook on."
  type        = string
}

variable "cluster_location" {
  description = "Region or zone of the GKE cluster."
  type        = string
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

variable "min_instances" {
  description = "Warm instances of the function (cold starts of seconds count against the webhook's 10 s timeout)."
  type        = number
  default     = 1
}
