output "healthz_url" {
  description = "GET it: 200 {\"status\":\"ok\",\"configVersion\":...} once the function has loaded the config."
  value       = "${module.outrigger.endpoint}/healthz"
}

output "webhook_url" {
  description = "The registered webhook URL (contains the token): `terraform output -raw webhook_url`."
  value       = module.outrigger.webhook_url
  sensitive   = true
}

output "config_url" {
  description = "Where the config document lives."
  value       = module.config.url
}

output "config_sha256" {
  description = "SHA-256 of the uploaded config document."
  value       = module.config.sha256
}

output "log_group_name" {
  description = "The function's log group: `aws logs tail <name> --follow`."
  value       = module.outrigger.log_group_name
}

output "mutating_webhook_configuration" {
  description = "Name of the MutatingWebhookConfiguration and its entries."
  value       = { name = module.webhook.name, webhooks = module.webhook.webhook_names }
}

output "config_content" {
  description = "The uploaded config document, to check with `outrigger review --config` before a change."
  value       = module.config.content
}
