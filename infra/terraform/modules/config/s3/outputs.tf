output "url" {
  description = "s3://<bucket>/<key>: the function's OUTRIGGER_CONFIG_URL."
  value       = "s3://${aws_s3_object.config.bucket}/${aws_s3_object.config.key}"
}

output "version_id" {
  description = "S3 version of the uploaded object (the bucket is versioned: roll back by copying an older version over it)."
  value       = aws_s3_object.config.version_id
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
