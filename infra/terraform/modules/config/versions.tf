terraform {
  # Output preconditions. No provider: this module only composes the document; ./gcs and ./s3 upload it.
  required_version = ">= 1.5"
}
