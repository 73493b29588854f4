output "name" {
  description = "Name of the MutatingWebhookConfiguration."
  value       = kubernetes_mutating_webhook_configuration_v1.this.metadata[0].name
}

output "webhook_names" {
  description = "Names of its webhook entries, in order (e.g. namespace.sidecar-injector.outrigger)."
  value       = [for w in local.variant.webhooks : w.name]
}
