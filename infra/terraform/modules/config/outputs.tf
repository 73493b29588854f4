output "content" {
  description = "The config document as uploaded. Check it before an apply with `outrigger review -f <an AdmissionReview> --config <file>`."
  value       = local.content

  precondition {
    condition     = length(local.unknown_keys) == 0
    error_message = "The config has keys Outrigger does not take here: ${join(", ", sort(local.unknown_keys))} (beside Istio's ConfigMaps: nativeSidecars, features, namespaces, tags, revisions)."
  }

  precondition {
    condition     = length(var.tags) == 0 || (local.use_configmaps && try(local.from_hcl.tags, null) == null)
    error_message = "tags are revision tags of Istio's ConfigMaps (configmap_files or revisions), set here or in config, not both."
  }

  precondition {
    condition     = !local.mixed_inputs
    error_message = "configmap_files (or revisions) holds Istio's whole config: leave config_file, values_file and mesh_file unset."
  }
}

output "content_type" {
  description = "The document's media type (application/yaml or application/json)."
  value       = local.content_type
}

output "sha256" {
  description = "SHA-256 of the document, hex."
  value       = sha256(local.content)
}

output "revision_names" {
  description = "The revisions of `revisions`, sorted: the webhook module's `revisions`."
  value       = local.revision_names
}

output "tags" {
  description = "The revision tags the document carries (`tags`, or config's `tags`): the webhook module's `tags`."
  value       = local.tags
}
