# Outrigger on Cloud Functions (2nd gen): the function, its config bucket, its service account, the
# URL token secret, and public invocation on the Cloud Run service under the function.

locals {
  source_dir      = coalesce(var.source_dir, "${path.module}/../../../../dist/gcp")
  bucket_location = coalesce(var.config_bucket_location, var.region)
  config_bucket   = coalesce(var.config_bucket_name, "${var.name}-config-${random_id.suffix.hex}")
  config_url      = "gs://${google_storage_bucket.config.name}/${var.config_object}"

  # The zip the function is built from: made here from source_dir, or given (npm run package).
  source_zip = var.source_zip != null ? var.source_zip : data.archive_file.source[0].output_path
  source_md5 = var.source_zip != null ? filemd5(var.source_zip) : data.archive_file.source[0].output_md5

  # The environment the function reads (see docs/config-sources.md). OUTRIGGER_TOKENS comes from
  # Secret Manager through secret_environment_variables below.
  outrigger_environment = {
    NODE_ENV                = "production"
    OUTRIGGER_CONFIG_URL    = local.config_url
    OUTRIGGER_CONFIG_TTL    = tostring(var.config_ttl_seconds)
    OUTRIGGER_FAILURE_MODE  = var.failure_mode
    OUTRIGGER_REQUIRE_TOKEN = "true"
  }

  create_secret   = var.token_secret_id == null
  token_secret_id = local.create_secret ? google_secret_manager_secret.tokens[0].secret_id : var.token_secret_id
  token_text      = local.create_secret ? random_password.token[0].result : data.google_secret_manager_secret_version.tokens[0].secret_data
  tokens          = compact([for t in split(",", replace(local.token_text, "\n", ",")) : trimspace(t)])
  url_token       = var.url_token != null ? var.url_token : try(local.tokens[length(local.tokens) - 1], "")

  # Path envs as Istio reads them: /cluster/<id>/net/<network>/<key>/<value>..., `/` in a value as --slash--.
  path_env_pairs = concat(
    [for k, v in { cluster = var.cluster_id, net = var.network } : [k, v] if v != null],
    [for k in sort(keys(var.path_envs)) : [k, var.path_envs[k]]],
  )
  path_suffix = join("", [for p in local.path_env_pairs : "/${p[0]}/${replace(p[1], "/", "--slash--")}"])

  function_uri = google_cloudfunctions2_function.this.service_config[0].uri
  base_url     = "${local.function_uri}/inject/t/${local.url_token}"

  # Cloud Run settings the Cloud Functions API does not carry (see startup_cpu_boost, public_access).
  run_service_flags = compact([
    var.startup_cpu_boost ? "--cpu-boost" : "",
    var.public_access == "invoker_iam_check_disabled" ? "--no-invoker-iam-check" : "",
  ])

  apis = [
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "iam.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ]
}

resource "google_project_service" "this" {
  for_each = var.enable_apis ? toset(local.apis) : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "random_id" "suffix" {
  byte_length = 4
}

# ---------------------------------------------------------------------------------------------------
# Identity: a service account that can read the config object and the token secret, nothing else
# ---------------------------------------------------------------------------------------------------

resource "google_service_account" "function" {
  project      = var.project_id
  account_id   = "${var.name}-fn"
  display_name = "Outrigger function ${var.name}"
  description  = "Runs the Outrigger webhook; reads ${var.config_object} from its config bucket and the URL token secret."

  depends_on = [google_project_service.this]
}

# ---------------------------------------------------------------------------------------------------
# Config bucket (versioned; the object itself is written by the config module)
# ---------------------------------------------------------------------------------------------------

resource "google_storage_bucket" "config" {
  project                     = var.project_id
  name                        = local.config_bucket
  location                    = local.bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = var.labels

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      # GCS counts the live version among the newer ones; S3's newer_noncurrent_versions does not.
      num_newer_versions = var.config_versions_to_keep + 1
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.this]
}

# objectViewer on the bucket, narrowed by an IAM condition to the one config object.
resource "google_storage_bucket_iam_member" "config_reader" {
  bucket = google_storage_bucket.config.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.function.member

  condition {
    title       = "outrigger-config-object-only"
    description = "Read the Outrigger config object and nothing else in the bucket."
    expression  = "resource.name == \"projects/_/buckets/${google_storage_bucket.config.name}/objects/${var.config_object}\""
  }
}

# ---------------------------------------------------------------------------------------------------
# URL token in Secret Manager
# ---------------------------------------------------------------------------------------------------

resource "random_password" "token" {
  count = local.create_secret ? 1 : 0

  length  = 48
  special = false
}

resource "google_secret_manager_secret" "tokens" {
  count = local.create_secret ? 1 : 0

  project   = var.project_id
  secret_id = "${var.name}-url-tokens"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.this]
}

resource "google_secret_manager_secret_version" "tokens" {
  count = local.create_secret ? 1 : 0

  secret      = google_secret_manager_secret.tokens[0].id
  secret_data = random_password.token[0].result
}

data "google_secret_manager_secret_version" "tokens" {
  count = local.create_secret ? 0 : 1

  project = var.project_id
  secret  = var.token_secret_id
  version = var.token_secret_version == "latest" ? null : var.token_secret_version
}

resource "google_secret_manager_secret_iam_member" "function" {
  project   = var.project_id
  secret_id = local.token_secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.function.member
}

# ---------------------------------------------------------------------------------------------------
# Source and function
# ---------------------------------------------------------------------------------------------------

data "archive_file" "source" {
  count = var.source_zip == null ? 1 : 0

  type        = "zip"
  source_dir  = local.source_dir
  output_path = "${path.root}/.outrigger-build/${var.name}-gcp.zip"

  lifecycle {
    precondition {
      condition     = fileexists("${local.source_dir}/index.js") && fileexists("${local.source_dir}/bundle.js") && fileexists("${local.source_dir}/package.json")
      error_message = "The GCP bundle (index.js, bundle.js and package.json) is not in source_dir; run `npm run build` in the Outrigger repository, or set source_zip."
    }
  }
}

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${local.config_bucket}-src"
  location                    = local.bucket_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = var.labels

  depends_on = [google_project_service.this]
}

resource "google_storage_bucket_object" "source" {
  # A new name for new content, so that a changed bundle redeploys the function.
  name   = "outrigger-gcp-${local.source_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = local.source_zip

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_cloudfunctions2_function" "this" {
  project     = var.project_id
  location    = var.region
  name        = var.name
  description = "Outrigger: Istio-compatible sidecar injection webhook"
  labels      = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = "inject"
    service_account = var.build_service_account

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = var.memory
    available_cpu                    = var.cpu
    timeout_seconds                  = var.timeout_seconds
    min_instance_count               = var.min_instances
    max_instance_count               = var.max_instances
    max_instance_request_concurrency = var.concurrency
    # The GKE control plane is not in the project's VPC: internal-only ingress would shut it out.
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.function.email
    environment_variables          = merge(var.environment_variables, local.outrigger_environment)

    secret_environment_variables {
      key = "OUTRIGGER_TOKENS"
      # The API answers with the project number: an id here would show a change on every plan.
      project_id = data.google_project.this.number
      secret     = local.token_secret_id
      version    = var.token_secret_version
    }
  }

  lifecycle {
    precondition {
      condition     = var.min_instances <= var.max_instances
      error_message = "min_instances cannot exceed max_instances."
    }
  }

  depends_on = [
    google_project_service.this,
    google_secret_manager_secret_iam_member.function,
    google_secret_manager_secret_version.tokens,
    google_storage_bucket_iam_member.config_reader,
  ]
}

# ---------------------------------------------------------------------------------------------------
# Public invocation. A gen2 function is authorized as its Cloud Run service:
# google_cloudfunctions2_function_iam_* with roles/run.invoker fails ("not supported for this resource").
# ---------------------------------------------------------------------------------------------------

resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.public_access == "allUsers" ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.this.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "terraform_data" "run_service_settings" {
  count = length(local.run_service_flags) > 0 ? 1 : 0

  # Again after every deployment of the function, which writes a new revision of the service.
  triggers_replace = [google_cloudfunctions2_function.this.update_time, local.run_service_flags]

  provisioner "local-exec" {
    command = "gcloud run services update ${google_cloudfunctions2_function.this.name} --project=${var.project_id} --region=${var.region} --quiet ${join(" ", local.run_service_flags)}"
  }
}

check "url_token_is_configured" {
  assert {
    condition     = contains(local.tokens, local.url_token)
    error_message = "url_token is not one of the tokens in the secret: the webhook URL would be refused."
  }
}
