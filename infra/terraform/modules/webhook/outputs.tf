output "name" {
  description = "Name of the MutatingWebhookConfiguration (with `revisions`: the first, by revision then tag)."
  value       = kubernetes_mutating_webhook_configuration_v1.this[sort(keys(local.variants))[0]].metadata[0].name
}

output "webhook_names" {
  description = "Names of its webhook entries, in order (e.g. namespace.sidecar-injector.outrigger)."
  value       = [for w in local.first.webhooks : w.name]
}

output "registrations" {
  description = "Every MutatingWebhookConfiguration this module manages (one, or with `revisions` one per revision and per tag): its name => the names of its webhook entries."
  value       = { for k, v in local.variants : v.metadata.name => [for w in v.webhooks : w.name] }
}
