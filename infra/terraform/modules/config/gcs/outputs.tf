output "url" {
  description = "gs://<bucket>/<object>: the function's OUTRIGGER_CONFIG_URL."
  value       = "gs://${google_storage_bucket_object.config.bucket}/${google_storage_bucket_object.config.name}"
}

output "md5hash" {
  description = "MD5 of the uploaded object, as GCS reports it (base64)."
  value       = google_storage_bucket_object.config.md5hash
}

output "sha256" {
  description = "SHA-256 of the document, hex."
  value       = module.document.sha256
}

output "content" {
  description = "The document as uploaded."
  value       = module.document.content
}

output "revision_names" {
  description = "The revisions of `revisions`, sorted: the webhook module's `revisions`."
  value       = module.document.revision_names
}

output "tags" {
  description = "The revision tags the document carries: the webhook module's `tags`."
  value       = module.document.tags
}
