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

  document = merge(local.from_file, local.from_hcl, local.from_istio_files)

  # Istio's own ConfigMaps, uploaded as they were exported (core/config/istio.ts reads them), with the
  # keys a cluster would know and a webhook outside it must be told as one document beside them.
  use_configmaps  = length(var.configmap_files) > 0
  beside_keys     = ["nativeSidecars", "features", "namespaces"]
  configmaps      = join("\n---\n", [for path in var.configmap_files : trimspace(file(path))])
  beside_document = local.from_hcl
  configmaps_content = length(local.beside_document) == 0 ? "${local.configmaps}\n" : "${local.configmaps}\n---\n${yamlencode(local.beside_document)}"

  unknown_keys = setsubtract(keys(local.document), local.use_configmaps ? local.beside_keys : local.config_keys)
  mixed_inputs = local.use_configmaps && (var.config_file != null || var.values_file != null || var.mesh_file != null)
  content      = local.use_configmaps ? local.configmaps_content : (var.format == "json" ? jsonencode(local.document) : yamlencode(local.document))
  content_type = var.format == "json" && !local.use_configmaps ? "application/json" : "application/yaml"
}
