# The MutatingWebhookConfiguration that sends pod creations to Outrigger, with the entries
# `outrigger webhook-config` renders. webhooks.json is generated from that same function
# (core/registration/webhook.ts) and checked by test/infra; do not edit it by hand.

locals {
  generated   = jsondecode(file("${path.module}/webhooks.json"))
  is_revision = var.revision != null && var.revision != ""
  variant_key = "${local.is_revision ? "revision" : "default"}${var.namespaces_by_default ? "+auto" : ""}"

  # The revision variants were generated with a placeholder revision; put the real one in.
  variant = jsondecode(replace(
    jsonencode(local.generated.variants[local.variant_key]),
    local.generated.revisionPlaceholder,
    local.is_revision ? var.revision : "",
  ))

  aks_annotations = {
    for k, v in { "admissions.enforcer/disabled" = "true" } : k => v if var.aks_admissions_enforcer_disabled
  }
}

resource "kubernetes_mutating_webhook_configuration_v1" "this" {
  metadata {
    name        = var.name != null ? var.name : local.variant.metadata.name
    labels      = merge(try(local.variant.metadata.labels, {}), var.labels)
    annotations = merge(try(local.variant.metadata.annotations, {}), var.annotations, local.aks_annotations)
  }

  dynamic "webhook" {
    for_each = local.variant.webhooks
    content {
      name                      = webhook.value.name
      admission_review_versions = webhook.value.admissionReviewVersions
      side_effects              = webhook.value.sideEffects
      match_policy              = try(webhook.value.matchPolicy, null)
      failure_policy            = var.failure_policy
      timeout_seconds           = var.timeout_seconds
      reinvocation_policy       = var.reinvocation_policy

      client_config {
        url       = var.url
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
