output "webhook_url" {
  description = "The URL to register as the webhook's clientConfig.url: https://<function>/inject/t/<token> plus the path envs. Contains the token."
  value       = "${local.base_url}${local.path_suffix}"
  sensitive   = true

  # Registering the webhook before the endpoint admits anonymous callers would refuse pods.
  depends_on = [google_cloud_run_v2_service_iam_member.public, terraform_data.run_service_settings]
}

output "base_url" {
  description = "https://<function>/inject/t/<token> without path envs, to build one URL per cluster (append /cluster/<id>/net/<network>). Contains the token."
  value       = local.base_url
  sensitive   = true
}

output "url_token" {
  description = "The token in webhook_url."
  value       = local.url_token
  sensitive   = true
}

output "function_uri" {
  description = "The function's https URI, without token (GET <function_uri>/healthz answers 200 once a config is loaded)."
  value       = local.function_uri
}

output "function_name" {
  description = "Name of the function and of its Cloud Run service."
  value       = google_cloudfunctions2_function.this.name
}

output "service_account_email" {
  description = "The function's service account."
  value       = google_service_account.function.email
}

output "config_bucket" {
  description = "The versioned bucket holding the config document (pass to the config module)."
  value       = google_storage_bucket.config.name
}

output "config_object" {
  description = "The config document's object name in config_bucket (pass to the config module)."
  value       = var.config_object
}

output "config_url" {
  description = "OUTRIGGER_CONFIG_URL of the function: gs://<bucket>/<object>."
  value       = local.config_url
}

output "token_secret_id" {
  description = "The Secret Manager secret holding the URL tokens (created here or given)."
  value       = local.token_secret_id
}
