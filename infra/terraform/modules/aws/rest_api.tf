# endpoint_type = "rest_api": an API Gateway REST API (payload 1.0) in front of the `live` alias.
# It is the one endpoint with a resource policy, so the one that can refuse callers outside a list
# of source addresses (allowed_source_cidrs) or be private to interface VPC endpoints
# (private_vpc_endpoint_ids). HTTP APIs and function URLs can do neither.

locals {
  rest_private = length(var.private_vpc_endpoint_ids) > 0
  rest_stage   = "webhook"

  # A private API is called through the VPC endpoint's own host name, which resolves in the VPC with
  # or without the endpoint's private DNS, and which the execute-api wildcard certificate covers.
  rest_endpoint = !local.rest_api ? "" : (
    local.rest_private
    ? "https://${aws_api_gateway_rest_api.this[0].id}-${var.private_vpc_endpoint_ids[0]}.execute-api.${data.aws_region.current.region}.amazonaws.com/${local.rest_stage}"
    : "https://${aws_api_gateway_rest_api.this[0].id}.execute-api.${data.aws_region.current.region}.amazonaws.com/${local.rest_stage}"
  )

  rest_routes = {
    inject  = { method = "POST", resource_id = one(aws_api_gateway_resource.inject[*].id) }
    proxy   = { method = "POST", resource_id = one(aws_api_gateway_resource.inject_proxy[*].id) }
    healthz = { method = "GET", resource_id = one(aws_api_gateway_resource.healthz[*].id) }
  }
}

data "aws_region" "current" {}

data "aws_iam_policy_document" "rest_api" {
  count = local.rest_api ? 1 : 0

  statement {
    sid       = "AllowInvoke"
    actions   = ["execute-api:Invoke"]
    resources = ["execute-api:/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }

  dynamic "statement" {
    for_each = length(var.allowed_source_cidrs) > 0 ? [var.allowed_source_cidrs] : []
    content {
      sid       = "DenyOtherSourceAddresses"
      effect    = "Deny"
      actions   = ["execute-api:Invoke"]
      resources = ["execute-api:/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "NotIpAddress"
        variable = "aws:SourceIp"
        values   = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = local.rest_private ? [var.private_vpc_endpoint_ids] : []
    content {
      sid       = "DenyOtherVpcEndpoints"
      effect    = "Deny"
      actions   = ["execute-api:Invoke"]
      resources = ["execute-api:/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "StringNotEquals"
        variable = "aws:SourceVpce"
        values   = statement.value
      }
    }
  }
}

resource "aws_api_gateway_rest_api" "this" {
  count = local.rest_api ? 1 : 0

  name        = var.name
  description = "Outrigger sidecar injection webhook"
  tags        = var.tags

  endpoint_configuration {
    types            = [local.rest_private ? "PRIVATE" : "REGIONAL"]
    vpc_endpoint_ids = local.rest_private ? var.private_vpc_endpoint_ids : null
  }
}

resource "aws_api_gateway_rest_api_policy" "this" {
  count = local.rest_api ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  policy      = data.aws_iam_policy_document.rest_api[0].json
}

resource "aws_api_gateway_resource" "inject" {
  count = local.rest_api ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  parent_id   = aws_api_gateway_rest_api.this[0].root_resource_id
  path_part   = "inject"
}

resource "aws_api_gateway_resource" "inject_proxy" {
  count = local.rest_api ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  parent_id   = aws_api_gateway_resource.inject[0].id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_resource" "healthz" {
  count = local.rest_api ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  parent_id   = aws_api_gateway_rest_api.this[0].root_resource_id
  path_part   = "healthz"
}

resource "aws_api_gateway_method" "this" {
  for_each = local.rest_api ? local.rest_routes : {}

  rest_api_id   = aws_api_gateway_rest_api.this[0].id
  resource_id   = each.value.resource_id
  http_method   = each.value.method
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "this" {
  for_each = aws_api_gateway_method.this

  rest_api_id             = each.value.rest_api_id
  resource_id             = each.value.resource_id
  http_method             = each.value.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_alias.live.invoke_arn
  # REST APIs allow 50-29000 ms by default; a little over the function's own timeout.
  timeout_milliseconds = min(29000, (var.timeout_seconds + 1) * 1000)
}

resource "aws_api_gateway_deployment" "this" {
  count = local.rest_api ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id

  # A REST API serves a deployment: a changed route, integration or policy needs a new one.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.this,
      aws_api_gateway_integration.this,
      data.aws_iam_policy_document.rest_api[0].json,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.this, aws_api_gateway_rest_api_policy.this]
}

# No access logging: the request path carries the URL token.
resource "aws_api_gateway_stage" "this" {
  count = local.rest_api ? 1 : 0

  rest_api_id   = aws_api_gateway_rest_api.this[0].id
  deployment_id = aws_api_gateway_deployment.this[0].id
  stage_name    = local.rest_stage
  tags          = var.tags
}

resource "aws_api_gateway_method_settings" "this" {
  count = local.rest_api ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  method_path = "*/*"

  settings {
    throttling_burst_limit = var.api_throttling_burst_limit
    throttling_rate_limit  = var.api_throttling_rate_limit
    logging_level          = "OFF"
    data_trace_enabled     = false
  }
}

resource "aws_lambda_permission" "rest_api" {
  count = local.rest_api ? 1 : 0

  statement_id  = "AllowOutriggerRestApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this[0].execution_arn}/*/*"
}
