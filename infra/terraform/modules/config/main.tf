# Composes an Outrigger config document: a base file, keys given in HCL, and the Istio values and mesh
# config files as exported from a cluster. Later sources replace earlier ones key by key.

locals {
  # The top-level keys Outrigger accepts (core/config/load.ts CONFIG_KEYS); anything else is refused at load.
  config_keys = [
    "policy",
    "defaultTemplates",
    "templates",
    "aliases",
    "neverInjectSelector",
    "alwaysInjectSelector",
    "injectedAnnotations",
    "nativeSidecars",
    "values",
    "meshConfig",
    "features",
    "namespaces",
  ]

  # Round trips through JSON text keep the conditionals' result types consistent.
  from_file = jsondecode(var.config_file == null ? "{}" : jsonencode(yamldecode(file(var.config_file))))
  from_hcl  = jsondecode(var.config == null ? "{}" : jsonencode(var.config))
  from_istio_files = {
    for key, path in { values = var.values_file, meshConfig = var.mesh_file } : key => file(path) if path != null
  }

  document     = merge(local.from_file, local.from_hcl, local.from_istio_files)
  unknown_keys = setsubtract(keys(local.document), local.config_keys)
  content      = var.format == "json" ? jsonencode(local.document) : yamlencode(local.document)
  content_type = var.format == "json" ? "application/json" : "application/yaml"
}
