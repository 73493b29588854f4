# The MutatingWebhookConfigurations that send pod creations to Outrigger, with the entries
# `outrigger webhook-config` renders. webhooks.json is generated from that same function
# (core/registration/webhook.ts) and checked by test/infra; do not edit it by hand.

locals {
  generated   = jsondecode(file("${path.module}/webhooks.json"))
  placeholder = local.generated.revisionPlaceholder
  auto        = var.namespaces_by_default ? "+auto" : ""
  is_revision = var.revision != null && var.revision != ""
  variant_key = "${local.is_revision ? "revision" : "default"}${var.namespaces_by_default ? "+auto" : ""}"

  # With `revisions` (core/registration/revisions.ts deploymentRegistrations): one configuration per
  # revision and one per tag, each pointing at its revision's URL. The revision named default (Istio's
  # ConfigMaps without a suffix) is Istio's revision "", and the tag default carries the legacy entries.
  use_layout = length(var.revisions) > 0
  layout = merge(
    { for r in var.revisions : "revision/${r}" => {
      variant = "${r == "default" ? "default" : "revision"}${local.auto}"
      key     = r
      url     = r
    } },
    { for t, r in var.tags : "tag/${t}" => {
      variant = "${t == "default" ? "tag-default" : "tag"}${local.auto}"
      key     = t
      url     = r
    } },
  )
  single = { single = { variant = local.variant_key, key = local.is_revision ? var.revision : "", url = null } }
  # Round trips through JSON text keep the conditional's result types consistent.
  chosen = jsondecode(local.use_layout ? jsonencode(local.layout) : jsonencode(local.single))

  # A revision's URL is the base with /rev/<revision> right after the token (or /inject), or, for a base
  # in Istio's :ENV: form, :ENV:rev=<revision> at its end: revisionUrl() in the same file.
  env_form      = "^https://[^/]+/(?:[^/]+/)??inject(?:/t/[^/]+)?/:ENV:"
  route_pattern = "^(https://[^/]+/(?:[^/]+/)??inject(?:/t/[^/]+)?)(/.*)?$"
  revision_url = {
    for k, c in local.chosen : k => c.url == null ? var.url : (
      can(regex(local.env_form, var.url))
      ? "${var.url}:ENV:rev=${c.url}"
      : replace(var.url, "/${local.route_pattern}/", "$1/rev/${c.url}$2")
    )
  }

  # The variants were generated with a placeholder revision (or tag); put the real one in.
  variants = {
    for k, c in local.chosen : k => jsondecode(replace(
      jsonencode(local.generated.variants[c.variant]),
      local.placeholder,
      c.key,
    ))
  }
  first = local.variants[sort(keys(local.variants))[0]]

  aks_annotations = {
    for k, v in { "admissions.enforcer/disabled" = "true" } : k => v if var.aks_admissions_enforcer_disabled
  }
}

resource "kubernetes_mutating_webhook_configuration_v1" "this" {
  for_each = local.variants

  metadata {
    name        = var.name != null ? var.name : each.value.metadata.name
    labels      = merge(try(each.value.metadata.labels, {}), var.labels)
    annotations = merge(try(each.value.metadata.annotations, {}), var.annotations, local.aks_annotations)
  }

  lifecycle {
    precondition {
      condition     = alltrue([for t, r in var.tags : contains(var.revisions, r) && !contains(var.revisions, t)])
      error_message = "Every tag must point at one of `revisions` and not have a revision's name (`outrigger webhook-config --tag` refuses the same)."
    }
    precondition {
      condition     = !local.use_layout || (!can(regex("/rev/", var.url)) && !strcontains(var.url, ":ENV:rev="))
      error_message = "With `revisions`, url is the base URL: each revision's route (/rev/<revision>) is added to it."
    }
    precondition {
      condition     = !local.use_layout || (var.name == null && !local.is_revision)
      error_message = "With `revisions`, each configuration has its own name and revision: leave name and revision unset."
    }
    precondition {
      condition     = local.use_layout || length(var.tags) == 0
      error_message = "`tags` needs `revisions`: the revisions the tags point at."
    }
  }

  dynamic "webhook" {
    for_each = each.value.webhooks
    content {
      name                      = webhook.value.name
      admission_review_versions = webhook.value.admissionReviewVersions
      side_effects              = webhook.value.sideEffects
      match_policy              = try(webhook.value.matchPolicy, null)
      failure_policy            = var.failure_policy
      timeout_seconds           = var.timeout_seconds
      reinvocation_policy       = var.reinvocation_policy

      client_config {
        url       = local.revision_url[each.key]
        ca_bundle = var.ca_bundle
      }

      dynamic "rule" {
        for_each = webhook.value.rules
        content {
          api_groups   = rule.value.apiGroups
          api_versions = rule.value.apiVersions
          operations   = rule.value.operations
          resources    = rule.value.resources
          scope        = try(rule.value.scope, "*")
        }
      }

      dynamic "namespace_selector" {
        for_each = try([webhook.value.namespaceSelector], [])
        content {
          match_labels = try(namespace_selector.value.matchLabels, null)

          dynamic "match_expressions" {
            for_each = try(namespace_selector.value.matchExpressions, [])
            content {
              key      = match_expressions.value.key
              operator = match_expressions.value.operator
              values   = try(match_expressions.value.values, null)
            }
          }
        }
      }

      dynamic "object_selector" {
        for_each = try([webhook.value.objectSelector], [])
        content {
          match_labels = try(object_selector.value.matchLabels, null)

          dynamic "match_expressions" {
            for_each = try(object_selector.value.matchExpressions, [])
            content {
              key      = match_expressions.value.key
              operator = match_expressions.value.operator
              values   = try(match_expressions.value.values, null)
            }
          }
        }
      }
    }
  }
}

# Before revisions and tags the module managed one configuration, without for_each; its state moves to
# the single-revision key, so an upgrade of the module does not delete and re-create the webhook.
moved {
  from = kubernetes_mutating_webhook_configuration_v1.this
  to   = kubernetes_mutating_webhook_configuration_v1.this["single"]
}
