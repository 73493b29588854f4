variable "bucket" {
  description = "The config bucket: the aws module's config_bucket output."
  type        = string
}

variable "object" {
  description = "The object key: the aws module's config_object output."
  type        = string
}

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
  description = "Path of your Istio values as exported from the istio-sidecar-injector ConfigMap (`{.data.values}`); becomes the document's `values`."
  type        = string
  default     = null
}

variable "mesh_file" {
  description = "Path of your mesh config as exported from the istio ConfigMap (`{.data.mesh}`); becomes the document's `meshConfig`."
  type        = string
  default     = null
}

variable "configmap_files" {
  description = "Paths of your cluster's Istio ConfigMaps as kubectl prints them; see the config module. When set, config may add only nativeSidecars, features and namespaces."
  type        = list(string)
  default     = []
}

variable "revisions" {
  description = "Every Istio revision the function serves, revision => paths of its ConfigMaps; see the config module."
  type        = map(list(string))
  default     = {}
}

variable "tags" {
  description = "Revision tags, tag => revision, written beside the ConfigMaps; see the config module."
  type        = map(string)
  default     = {}
}

variable "format" {
  description = "Serialization of the uploaded document: `yaml` or `json`."
  type        = string
  default     = "yaml"
}
