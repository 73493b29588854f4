# Uploads the composed config document to the gcp module's bucket. The function revalidates the object
# every OUTRIGGER_CONFIG_TTL seconds, so a new document is served without a redeploy.

module "document" {
  source = "../"

  config_file     = var.config_file
  config          = var.config
  values_file     = var.values_file
  mesh_file       = var.mesh_file
  configmap_files = var.configmap_files
  revisions       = var.revisions
  tags            = var.tags
  format          = var.format
}

resource "google_storage_bucket_object" "config" {
  bucket       = var.bucket
  name         = var.object
  content      = module.document.content
  content_type = module.document.content_type
}
