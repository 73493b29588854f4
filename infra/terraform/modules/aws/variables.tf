# ---------------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------------

variable "name" {
  description = "Name of the Lambda function and of the HTTP API, and the prefix of the role, bucket, log group and secret."
  type        = string
  default     = "outrigger"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.name))
    error_message = "name must be 3-24 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags put on every resource that takes them."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary" {
  description = "ARN of a permissions boundary for the function's role, where the account requires one."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------------------------------
# The function
# ---------------------------------------------------------------------------------------------------

variable "source_dir" {
  description = "The built Lambda bundle (index.js and bundle.js), zipped by the archive provider. Null means dist/aws of this repository; run `npm run build` first."
  type        = string
  default     = null
}

variable "package_path" {
  description = "A zip of the Lambda bundle made beforehand (e.g. by `npm run package`). When set, source_dir is not read."
  type        = string
  default     = null
}

variable "runtime" {
  description = "The Lambda Node.js runtime. The handler is async, as nodejs24.x requires."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = contains(["nodejs22.x", "nodejs24.x"], var.runtime)
    error_message = "runtime must be nodejs22.x or nodejs24.x."
  }
}

variable "architecture" {
  description = "Instruction set of the function. The bundle is plain JavaScript; arm64 is cheaper per GB-second."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB. Lambda gives CPU in proportion, and cold starts shorten with it."
  type        = number
  default     = 1024
}

variable "timeout_seconds" {
  description = "Function timeout. Keep it below the webhook's timeoutSeconds (10 s by default), so a stuck invocation ends before the API server gives up."
  type        = number
  default     = 8

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 29
    error_message = "timeout_seconds must be 1-29 (HTTP API integrations end at 30 s)."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions: the most invocations that run at once, so the cap on what a caller holding the URL token can cost (and a guarantee of that much concurrency for the webhook). An admission takes milliseconds warm, so 50 serves thousands of pod creations a second. -1 leaves the function unreserved, capped only by the account."
  type        = number
  default     = 50

  validation {
    condition     = var.reserved_concurrency == -1 || var.reserved_concurrency >= 1
    error_message = "reserved_concurrency must be -1 (unreserved) or at least 1 (0 would stop every invocation)."
  }
}

variable "provisioned_concurrency" {
  description = "Provisioned concurrent executions on the `live` alias (0 for none). Removes cold starts for that many concurrent requests; billed while provisioned."
  type        = number
  default     = 0

  validation {
    condition     = var.provisioned_concurrency >= 0
    error_message = "provisioned_concurrency must be 0 or more."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group (admission lines and the EMF metrics)."
  type        = number
  default     = 30
}

variable "environment_variables" {
  description = "Extra environment variables of the function. The module's own (NODE_ENV and OUTRIGGER_*) take precedence."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------------
# Endpoint
# ---------------------------------------------------------------------------------------------------

variable "endpoint_type" {
  description = "`http_api`: an API Gateway HTTP API (payload 2.0) with the routes POST /inject, POST /inject/{proxy+} and GET /healthz. `rest_api`: an API Gateway REST API (payload 1.0, stage `webhook`) with the same routes and a resource policy, needed for allowed_source_cidrs and private_vpc_endpoint_ids. `function_url`: a Lambda function URL (auth NONE), one hop less and no 30 s cap; every path reaches the function, which answers 404 for others."
  type        = string
  default     = "http_api"

  validation {
    condition     = contains(["http_api", "rest_api", "function_url"], var.endpoint_type)
    error_message = "endpoint_type must be http_api, rest_api or function_url."
  }
}

variable "api_throttling_burst_limit" {
  description = "API Gateway burst limit (HTTP API $default stage, or every method of the REST API stage). The URL is public: this caps what a caller with the URL can cost. Keep it above your biggest burst of pod creations."
  type        = number
  default     = 1000
}

variable "api_throttling_rate_limit" {
  description = "API Gateway steady-state requests per second (HTTP API $default stage, or every method of the REST API stage)."
  type        = number
  default     = 500
}

variable "allowed_source_cidrs" {
  description = "With endpoint_type = rest_api: the only source addresses (CIDRs) allowed to call the API, enforced by its resource policy (aws:SourceIp). Empty allows every address. EKS does not document its control plane's egress addresses; take them from your cluster's NAT or from the API server's calls before relying on this."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.allowed_source_cidrs : can(cidrhost(c, 0))])
    error_message = "allowed_source_cidrs must be CIDRs, e.g. 203.0.113.0/24."
  }
}

variable "private_vpc_endpoint_ids" {
  description = "With endpoint_type = rest_api: make the REST API PRIVATE, reachable only through these interface VPC endpoints (service com.amazonaws.<region>.execute-api) and refused from anywhere else (aws:SourceVpce). The webhook URL then uses the first endpoint's host name. For EKS, whose API server calls webhooks from its ENIs in your VPC."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for v in var.private_vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]+$", v))])
    error_message = "private_vpc_endpoint_ids must be VPC endpoint ids (vpce-...)."
  }
}

# ---------------------------------------------------------------------------------------------------
# Config
# ---------------------------------------------------------------------------------------------------

variable "config_bucket_name" {
  description = "Name of the config bucket. Null means a generated name starting with <name>-config-."
  type        = string
  default     = null
}

variable "config_object" {
  description = "Key of the config document in the bucket. The function's role may read this key and nothing else."
  type        = string
  default     = "outrigger.yaml"
}

variable "config_versions_to_keep" {
  description = "Noncurrent (replaced) versions of the config object kept for rollback, the live one not counted: S3's newer_noncurrent_versions. The newest this many are kept for good; older ones expire 30 days after they were replaced."
  type        = number
  default     = 20
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with its objects and versions."
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

variable "token_source" {
  description = "`secretsmanager`: the function reads the tokens at cold start (OUTRIGGER_TOKENS_SECRET=awssm://<arn>) with secretsmanager:GetSecretValue on that secret only. `ssm`: Terraform reads a SecureString parameter and sets OUTRIGGER_TOKENS, so the tokens are in the function's configuration (encrypted at rest, readable with lambda:GetFunctionConfiguration)."
  type        = string
  default     = "secretsmanager"

  validation {
    condition     = contains(["secretsmanager", "ssm"], var.token_source)
    error_message = "token_source must be secretsmanager or ssm."
  }
}

variable "token_secret_arn" {
  description = "An existing Secrets Manager secret holding the URL tokens (separated by commas or newlines), for token_source = secretsmanager. Null means the module creates one with a random 48-character token."
  type        = string
  default     = null
}

variable "token_ssm_parameter" {
  description = "Name of an existing SecureString parameter holding the URL tokens, for token_source = ssm. Null means the module creates /<name>/url-tokens with a random 48-character token."
  type        = string
  default     = null
}

variable "token_kms_key_arn" {
  description = "The customer-managed KMS key of an existing token secret, if any: the function's role is allowed kms:Decrypt on it."
  type        = string
  default     = null
}

variable "url_token" {
  description = "Which of the tokens goes into the webhook URL output. Null means the last one (the newest, during a rotation)."
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
