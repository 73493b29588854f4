variable "url" {
  description = "The webhook URL (clientConfig.url): the gcp or aws module's webhook_url output. https, no query string; it carries the URL token."
  type        = string
  sensitive   = true

  validation {
    condition     = startswith(var.url, "https://") && !strcontains(var.url, "?") && !strcontains(var.url, "#")
    error_message = "url must start with https:// and carry no query string or fragment (the API server appends ?timeout=)."
  }

  # The routes the function answers (an API Gateway stage may come first); anything else is a 404
  # for every pod. The same rule as `outrigger webhook-config`.
  validation {
    condition = !can(regex("/inject/t/?$", var.url)) && (
      can(regex("^https://[^/]+/inject(/|$)", var.url)) ||
      can(regex("^https://[^/]+\\.execute-api\\.[^/]+/[^/]+/inject(/|$)", var.url))
    )
    error_message = "url must be an Outrigger route, https://<host>[/<API Gateway stage>]/inject/t/<token>[/<path envs>]: the function answers 404 to any other path."
  }
}

variable "revision" {
  description = "Istio revision the entries select (istio.io/rev). Null or empty: the default revision, which also carries the legacy istio-injection entries."
  type        = string
  default     = null

  validation {
    condition     = var.revision == null || var.revision == "" || can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.revision))
    error_message = "revision must be a DNS label (lower-case letters, digits and hyphens, at most 63)."
  }
}

variable "revisions" {
  description = "Every Istio revision the function serves (the config module's `revision_names` output). When set: one MutatingWebhookConfiguration per revision (outrigger-sidecar-injector-<revision>) and one per tag, each pointing at its revision's URL (url plus /rev/<revision>), as `outrigger webhook-config --config` renders them; `revision` and `name` must then be unset."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.revisions : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", r))])
    error_message = "revisions must be DNS labels (lower-case letters, digits and hyphens, at most 63)."
  }
}

variable "tags" {
  description = "Revision tags, tag => revision (the config module's `tags` output): one MutatingWebhookConfiguration per tag (outrigger-revision-tag-<tag>) selecting istio.io/rev=<tag>, pointing at its revision's URL; the tag default also carries the istio-injection=enabled entries. Moving a tag is changing this map and applying: the function is unchanged."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for t, r in var.tags : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", t))])
    error_message = "tag names must be DNS labels (lower-case letters, digits and hyphens, at most 63)."
  }
}

variable "namespaces_by_default" {
  description = "Add the auto.sidecar-injector.outrigger entry (Istio's enableNamespacesByDefault): pods in unlabelled namespaces are sent to the webhook too."
  type        = bool
  default     = false
}

variable "name" {
  description = "Name of the MutatingWebhookConfiguration. Null uses the name `outrigger webhook-config` gives."
  type        = string
  default     = null

  validation {
    condition = var.name == null || (
      can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", var.name)) &&
      length(coalesce(var.name, "-")) <= 253 && !startswith(coalesce(var.name, "-"), "istio-revision-tag-")
    )
    error_message = "name must be a DNS subdomain (lower-case letters, digits, '-' and '.') and not istio-revision-tag-*, the names of Istio's revision tags."
  }
}

variable "failure_policy" {
  description = "`Fail` (Istio's choice: a pod is not created while the webhook cannot answer) or `Ignore` (created without a sidecar)."
  type        = string
  default     = "Fail"

  validation {
    condition     = contains(["Fail", "Ignore"], var.failure_policy)
    error_message = "failure_policy must be Fail or Ignore."
  }
}

variable "timeout_seconds" {
  description = "How long the API server waits for an answer, 1-30. A cold start counts against it."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 30
    error_message = "timeout_seconds must be between 1 and 30."
  }
}

variable "reinvocation_policy" {
  description = "`Never` or `IfNeeded` (call the webhook again when a later webhook changed the pod)."
  type        = string
  default     = "Never"

  validation {
    condition     = contains(["Never", "IfNeeded"], var.reinvocation_policy)
    error_message = "reinvocation_policy must be Never or IfNeeded."
  }
}

variable "ca_bundle" {
  description = "PEM CA bundle for the webhook's certificate. Null trusts the API server's system roots, which is right for run.app, cloudfunctions.net, execute-api and lambda-url endpoints."
  type        = string
  default     = null
}

variable "labels" {
  description = "Extra labels on the MutatingWebhookConfiguration. No istio.io/ keys and no app=sidecar-injector: istiod's cert patcher and istioctl's tag commands select on them (README \"Living beside istiod\")."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : !startswith(k, "istio.io/") && !(k == "app" && v == "sidecar-injector")])
    error_message = "labels may not use istio.io/ keys or app=sidecar-injector: istiod and istioctl would take the registration for Istio's own."
  }
}

variable "annotations" {
  description = "Extra annotations on the MutatingWebhookConfiguration."
  type        = map(string)
  default     = {}
}

variable "aks_admissions_enforcer_disabled" {
  description = "Annotate admissions.enforcer/disabled: \"true\" so that AKS's admissions enforcer does not rewrite the namespaceSelectors (which Terraform would then revert on every apply)."
  type        = bool
  default     = false
}
