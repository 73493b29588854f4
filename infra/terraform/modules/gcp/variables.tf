# ---------------------------------------------------------------------------------------------------
# Where
# ---------------------------------------------------------------------------------------------------

variable "project_id" {
  description = "The GCP project to deploy into."
  type        = string
}

variable "region" {
  description = "The region of the function, e.g. europe-west1. Choose one close to the cluster's control plane: every pod creation waits for a round trip."
  type        = string
}

variable "name" {
  description = "Name of the function (and of the Cloud Run service under it), and the prefix of the service account, buckets and secret."
  type        = string
  default     = "outrigger"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.name))
    error_message = "name must be 3-24 characters of lower-case letters, digits and hyphens, starting with a letter (the service account id is <name>-fn)."
  }
}

variable "labels" {
  description = "Labels put on the function, the buckets and the secret."
  type        = map(string)
  default     = {}
}

variable "enable_apis" {
  description = "Enable the APIs the module needs (Cloud Functions, Cloud Run, Cloud Build, Artifact Registry, Secret Manager, Cloud Storage, IAM). They are never disabled on destroy."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------
# The function
# ---------------------------------------------------------------------------------------------------

variable "source_dir" {
  description = "The built GCP bundle (index.js, bundle.js and package.json), zipped by the archive provider. Null means dist/gcp of this repository; run `npm run build` first."
  type        = string
  default     = null
}

variable "source_zip" {
  description = "A zip of the GCP bundle made beforehand (e.g. by `npm run package`). When set, source_dir is not read."
  type        = string
  default     = null
}

variable "runtime" {
  description = "The Cloud Functions Node.js runtime. nodejs20 was decommissioned on 2026-10-30 (no new deployments or updates), and Node.js 20 itself reached end of life on 2026-04-30."
  type        = string
  default     = "nodejs22"

  validation {
    condition     = contains(["nodejs22", "nodejs24"], var.runtime)
    error_message = "runtime must be nodejs22 or nodejs24."
  }
}

variable "memory" {
  description = "Memory of an instance (Cloud Run quantity, e.g. 512Mi)."
  type        = string
  default     = "512Mi"
}

variable "cpu" {
  description = "vCPUs of an instance. Below 1, Cloud Run forces a concurrency of 1."
  type        = string
  default     = "1"
}

variable "timeout_seconds" {
  description = "Request timeout of the function. The API server stops waiting after the webhook's timeoutSeconds (10 s by default) anyway."
  type        = number
  default     = 30
}

variable "min_instances" {
  description = "Instances kept warm. A cold start of a gen2 function takes seconds, which counts against the webhook's 10 s timeout, so at least 1 is advised; each warm instance is billed."
  type        = number
  default     = 1

  validation {
    condition     = var.min_instances >= 0
    error_message = "min_instances must be 0 or more."
  }
}

variable "max_instances" {
  description = "Upper bound on instances (Cloud Run max instances). With concurrency, the cap on what a caller holding the URL token can cost: at most max_instances x concurrency requests at once, the rest wait or get 429."
  type        = number
  default     = 20

  validation {
    condition     = var.max_instances >= 1
    error_message = "max_instances must be at least 1."
  }
}

variable "concurrency" {
  description = "Requests one instance serves at once (max_instance_request_concurrency). Admission requests are short and mostly wait on nothing, so one warm instance can absorb a burst of pod creations."
  type        = number
  default     = 16

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "concurrency must be from 1 to 1000 (Cloud Run's limit)."
  }
}

variable "startup_cpu_boost" {
  description = "Turn on Cloud Run's startup CPU boost for the function's service. The Cloud Functions API has no field for it, so the module runs `gcloud run services update --cpu-boost` after each deployment: needs the gcloud CLI where Terraform runs. Setting it back to false does not turn the boost off."
  type        = bool
  default     = true
}

variable "public_access" {
  description = "How the anonymous API server is let in: `allUsers` grants roles/run.invoker to allUsers on the Cloud Run service; `invoker_iam_check_disabled` runs `gcloud run services update --no-invoker-iam-check` instead, for organisations whose Domain Restricted Sharing policy forbids allUsers."
  type        = string
  default     = "allUsers"

  validation {
    condition     = contains(["allUsers", "invoker_iam_check_disabled"], var.public_access)
    error_message = "public_access must be allUsers or invoker_iam_check_disabled."
  }
}

variable "build_service_account" {
  description = "Full resource name (projects/<p>/serviceAccounts/<email>) of the account Cloud Build uses to build the function. Null uses the project's default build account."
  type        = string
  default     = null
}

variable "environment_variables" {
  description = "Extra environment variables of the function. The module's own (NODE_ENV and OUTRIGGER_*) take precedence."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------------
# Config
# ---------------------------------------------------------------------------------------------------

variable "config_bucket_name" {
  description = "Name of the config bucket. Null means <name>-config-<random suffix>."
  type        = string
  default     = null
}

variable "config_bucket_location" {
  description = "Location of the config and source buckets. Null means the function's region."
  type        = string
  default     = null
}

variable "config_object" {
  description = "Object name of the config document in the bucket. The function's service account may read this object and nothing else."
  type        = string
  default     = "outrigger.yaml"
}

variable "config_versions_to_keep" {
  description = "Noncurrent (replaced) versions of the config object kept for rollback, the live one not counted (`gsutil cp gs://bucket/object#<generation> ...`). GCS's num_newer_versions counts the live version, so the rule is set to this plus one."
  type        = number
  default     = 20
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the buckets with their objects."
  type        = bool
  default     = false
}

variable "config_ttl_seconds" {
  description = "OUTRIGGER_CONFIG_TTL: seconds between revalidations of the config object. A new config reaches warm instances within this time."
  type        = number
  default     = 60
}

variable "failure_mode" {
  description = "OUTRIGGER_FAILURE_MODE: the answer while no valid config is loaded, `deny` (pods that reach the webhook are refused) or `allow` (admitted without a sidecar)."
  type        = string
  default     = "deny"

  validation {
    condition     = contains(["deny", "allow"], var.failure_mode)
    error_message = "failure_mode must be deny or allow."
  }
}

# ---------------------------------------------------------------------------------------------------
# URL token and path envs
# ---------------------------------------------------------------------------------------------------

variable "token_secret_id" {
  description = "An existing Secret Manager secret (short id, in project_id) holding the URL tokens, separated by commas or newlines. Null means the module creates the secret with one random 48-character token."
  type        = string
  default     = null
}

variable "token_secret_version" {
  description = "The secret version the function reads into OUTRIGGER_TOKENS. `latest` is resolved when an instance starts, so a new version reaches new instances only."
  type        = string
  default     = "latest"
}

variable "url_token" {
  description = "Which of the secret's tokens goes into the webhook URL output. Null means the last one (the newest, during a rotation)."
  type        = string
  default     = null
  sensitive   = true
}

variable "cluster_id" {
  description = "Path env `cluster` in the webhook URL: the proxy's ISTIO_META_CLUSTER_ID (Istio's clusterName). Null leaves it out."
  type        = string
  default     = null

  validation {
    condition     = var.cluster_id == null || can(regex("^[A-Za-z0-9._~/-]+$", var.cluster_id))
    error_message = "cluster_id may only use A-Z a-z 0-9 . _ ~ - and /."
  }
}

variable "network" {
  description = "Path env `net` in the webhook URL: the proxy's ISTIO_META_NETWORK. Null leaves it out."
  type        = string
  default     = null

  validation {
    condition     = var.network == null || can(regex("^[A-Za-z0-9._~/-]+$", var.network))
    error_message = "network may only use A-Z a-z 0-9 . _ ~ - and /."
  }
}

variable "path_envs" {
  description = "More path envs in the webhook URL, key => value (a key becomes the upper-cased proxy env name). The key `t` is reserved for the token."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for k, v in var.path_envs :
      k != "t" && can(regex("^[A-Za-z0-9._~-]+$", k)) && can(regex("^[A-Za-z0-9._~/-]+$", v))
    ])
    error_message = "path_envs keys may not be `t`; keys may only use A-Z a-z 0-9 . _ ~ -, values also /."
  }
}
