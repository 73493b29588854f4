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
  # `revisions` adds each revision's files (ConfigMaps named istio-sidecar-injector-<rev>, istio-<rev>),
  # in revision order, and `tags` goes beside them (core/config/revisions.ts).
  revision_names  = sort(keys(var.revisions))
  configmap_paths = concat(var.configmap_files, flatten([for r in local.revision_names : var.revisions[r]]))
  use_configmaps  = length(local.configmap_paths) > 0
  beside_keys     = ["nativeSidecars", "features", "namespaces", "tags", "revisions"]
  configmaps      = join("\n---\n", [for path in local.configmap_paths : trimspace(file(path))])
  tags            = merge(try(local.from_hcl.tags, {}), var.tags)
  beside_document = merge(local.from_hcl, length(var.tags) == 0 ? {} : { tags = var.tags })
  configmaps_content = length(local.beside_document) == 0 ? "${local.configmaps}\n" : "${local.configmaps}\n---\n${yamlencode(local.beside_document)}"

  unknown_keys = setsubtract(keys(local.document), local.use_configmaps ? local.beside_keys : local.config_keys)
  mixed_inputs = local.use_configmaps && (var.config_file != null || var.values_file != null || var.mesh_file != null)
  content      = local.use_configmaps ? local.configmaps_content : (var.format == "json" ? jsonencode(local.document) : yamlencode(local.document))
  content_type = var.format == "json" && !local.use_configmaps ? "application/json" : "application/yaml"
}
