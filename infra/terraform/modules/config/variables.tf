variable "config_file" {
  description = "Path of an Outrigger config document (YAML or JSON) to start from. Null starts from an empty document (Istio's defaults)."
  type        = string
  default     = null
}

variable "config" {
  description = "Config keys given in HCL (e.g. { policy = \"enabled\", nativeSidecars = true }), merged over config_file key by key."
  type        = any
  default     = null
}

variable "values_file" {
  description = "Path of your Istio values: the `values` key of the istio-sidecar-injector ConfigMap as exported (`kubectl -n istio-system get configmap istio-sidecar-injector -o jsonpath='{.data.values}'`). Becomes the document's `values`, as the exported string."
  type        = string
  default     = null
}

variable "mesh_file" {
  description = "Path of your mesh config: the `mesh` key of the istio ConfigMap (`kubectl -n istio-system get configmap istio -o jsonpath='{.data.mesh}'`). Becomes the document's `meshConfig`, as the exported string."
  type        = string
  default     = null
}

variable "configmap_files" {
  description = "Paths of your cluster's Istio ConfigMaps as `kubectl -n istio-system get configmap istio-sidecar-injector istio -o yaml` prints them (a List, or one file per ConfigMap). When set, the uploaded document is these files as a YAML stream, Istio's own config read as istiod reads it; `config` may then add only nativeSidecars, features, namespaces, tags and revisions (per-revision settings), as a document beside them, and config_file, values_file and mesh_file must be unset."
  type        = list(string)
  default     = []
}

variable "revisions" {
  description = "Every Istio revision the function serves, revision => paths of its ConfigMaps as `kubectl -n istio-system get configmap istio-sidecar-injector-<revision> istio-<revision> -o yaml` prints them (e.g. { \"1-30\" = [\"1-30.yaml\"], \"1-31\" = [\"1-31.yaml\"] }). Joined into the uploaded stream after configmap_files, as configmap_files are; the webhook module takes the names (output revision_names)."
  type        = map(list(string))
  default     = {}
}

variable "tags" {
  description = "Revision tags, tag => revision (e.g. { default = \"1-30\", prod = \"1-31\" }), written as `tags` in the document beside the ConfigMaps, where the function reads them; the webhook module takes them (output tags). Set tags here or in config, not both."
  type        = map(string)
  default     = {}
}

variable "format" {
  description = "Serialization of the uploaded document: `yaml` or `json` (Outrigger reads both)."
  type        = string
  default     = "yaml"

  validation {
    condition     = contains(["yaml", "json"], var.format)
    error_message = "format must be yaml or json."
  }
}
