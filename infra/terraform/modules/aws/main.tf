# Outrigger on AWS Lambda: the function (published, behind a `live` alias), an HTTP API or a function
# URL in front of it, its config bucket, its role, its log group and the URL token.

locals {
  source_dir   = coalesce(var.source_dir, "${path.module}/../../../../dist/aws")
  package_path = var.package_path != null ? var.package_path : data.archive_file.source[0].output_path
  package_hash = var.package_path != null ? filebase64sha256(var.package_path) : data.archive_file.source[0].output_base64sha256

  config_url = "s3://${aws_s3_bucket.config.bucket}/${var.config_object}"

  # Token: Secrets Manager (read by the function at cold start) or SSM (read here, passed inline).
  create_secret    = var.token_source == "secretsmanager" && var.token_secret_arn == null
  create_parameter = var.token_source == "ssm" && var.token_ssm_parameter == null
  token_secret_arn = var.token_source != "secretsmanager" ? null : (local.create_secret ? aws_secretsmanager_secret.tokens[0].arn : var.token_secret_arn)
  token_text = (
    local.create_secret || local.create_parameter ? random_password.token[0].result :
    var.token_source == "secretsmanager" ? data.aws_secretsmanager_secret_version.tokens[0].secret_string :
    data.aws_ssm_parameter.tokens[0].value
  )
  tokens    = compact([for t in split(",", replace(local.token_text, "\n", ",")) : trimspace(t)])
  url_token = var.url_token != null ? var.url_token : try(local.tokens[length(local.tokens) - 1], "")

  # The environment the function reads (see docs/config-sources.md).
  outrigger_environment = {
    NODE_ENV                = "production"
    OUTRIGGER_CONFIG_URL    = local.config_url
    OUTRIGGER_CONFIG_TTL    = tostring(var.config_ttl_seconds)
    OUTRIGGER_FAILURE_MODE  = var.failure_mode
    OUTRIGGER_REQUIRE_TOKEN = "true"
  }
  token_environment_key = var.token_source == "secretsmanager" ? "OUTRIGGER_TOKENS_SECRET" : "OUTRIGGER_TOKENS"
  token_environment = {
    for k, v in {
      OUTRIGGER_TOKENS_SECRET = local.token_secret_arn == null ? "" : "awssm://${local.token_secret_arn}"
      OUTRIGGER_TOKENS        = local.token_text
    } : k => v if k == local.token_environment_key
  }

  # Path envs as Istio reads them: /cluster/<id>/net/<network>/<key>/<value>..., `/` in a value as --slash--.
  path_env_pairs = concat(
    [for k, v in { cluster = var.cluster_id, net = var.network } : [k, v] if v != null],
    [for k in sort(keys(var.path_envs)) : [k, var.path_envs[k]]],
  )
  path_suffix = join("", [for p in local.path_env_pairs : "/${p[0]}/${replace(p[1], "/", "--slash--")}"])

  http_api     = var.endpoint_type == "http_api"
  rest_api     = var.endpoint_type == "rest_api"
  function_url = var.endpoint_type == "function_url"
  endpoint = (
    local.http_api ? aws_apigatewayv2_api.this[0].api_endpoint :
    local.rest_api ? local.rest_endpoint :
    trimsuffix(aws_lambda_function_url.this[0].function_url, "/")
  )
  base_url = "${local.endpoint}/inject/t/${local.url_token}"

  routes = ["POST /inject", "POST /inject/{proxy+}", "GET /healthz"]
}

# ---------------------------------------------------------------------------------------------------
# Config bucket (versioned; the object itself is written by the config module)
# ---------------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "config" {
  bucket        = var.config_bucket_name
  bucket_prefix = var.config_bucket_name == null ? "${var.name}-config-" : null
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_versioning" "config" {
  bucket = aws_s3_bucket.config.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "config" {
  bucket                  = aws_s3_bucket.config.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "config" {
  bucket = aws_s3_bucket.config.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "config" {
  bucket = aws_s3_bucket.config.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "config" {
  bucket = aws_s3_bucket.config.id

  rule {
    id     = "keep-recent-config-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days           = 30
      newer_noncurrent_versions = var.config_versions_to_keep
    }
  }

  depends_on = [aws_s3_bucket_versioning.config]
}

data "aws_iam_policy_document" "config_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.config.arn, "${aws_s3_bucket.config.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "config" {
  bucket = aws_s3_bucket.config.id
  policy = data.aws_iam_policy_document.config_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.config]
}

# ---------------------------------------------------------------------------------------------------
# URL token
# ---------------------------------------------------------------------------------------------------

resource "random_password" "token" {
  count = local.create_secret || local.create_parameter ? 1 : 0

  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "tokens" {
  count = local.create_secret ? 1 : 0

  name_prefix             = "${var.name}-url-tokens-"
  description             = "Outrigger URL tokens (comma- or newline-separated)"
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "tokens" {
  count = local.create_secret ? 1 : 0

  secret_id     = aws_secretsmanager_secret.tokens[0].id
  secret_string = random_password.token[0].result
}

data "aws_secretsmanager_secret_version" "tokens" {
  count = var.token_source == "secretsmanager" && !local.create_secret ? 1 : 0

  secret_id = var.token_secret_arn
}

resource "aws_ssm_parameter" "tokens" {
  count = local.create_parameter ? 1 : 0

  name        = "/${var.name}/url-tokens"
  description = "Outrigger URL tokens (comma- or newline-separated)"
  type        = "SecureString"
  value       = random_password.token[0].result
  tags        = var.tags
}

data "aws_ssm_parameter" "tokens" {
  count = var.token_source == "ssm" && !local.create_parameter ? 1 : 0

  name            = var.token_ssm_parameter
  with_decryption = true
}

# ---------------------------------------------------------------------------------------------------
# Role: write its own logs, read the config object and the token secret, nothing else
# ---------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name_prefix          = "${var.name}-fn-"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

data "aws_iam_policy_document" "function" {
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function.arn}:*"]
  }

  statement {
    sid       = "ReadConfigObject"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.config.arn}/${var.config_object}"]
  }

  dynamic "statement" {
    for_each = local.token_secret_arn == null ? [] : [local.token_secret_arn]
    content {
      sid       = "ReadUrlTokens"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.token_kms_key_arn == null ? [] : [var.token_kms_key_arn]
    content {
      sid       = "DecryptUrlTokens"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "outrigger"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# ---------------------------------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------------------------------

data "archive_file" "source" {
  count = var.package_path == null ? 1 : 0

  type        = "zip"
  source_dir  = local.source_dir
  output_path = "${path.root}/.outrigger-build/${var.name}-aws.zip"

  lifecycle {
    precondition {
      condition     = fileexists("${local.source_dir}/index.js") && fileexists("${local.source_dir}/bundle.js")
      error_message = "The Lambda bundle (index.js and bundle.js) is not in source_dir; run `npm run build` in the Outrigger repository, or set package_path."
    }
  }
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  description                    = "Outrigger: Istio-compatible sidecar injection webhook"
  role                           = aws_iam_role.function.arn
  runtime                        = var.runtime
  handler                        = "index.handler"
  architectures                  = [var.architecture]
  filename                       = local.package_path
  source_code_hash               = local.package_hash
  memory_size                    = var.memory_size
  timeout                        = var.timeout_seconds
  reserved_concurrent_executions = var.reserved_concurrency
  publish                        = true
  tags                           = var.tags

  environment {
    variables = merge(var.environment_variables, local.outrigger_environment, local.token_environment)
  }

  lifecycle {
    precondition {
      condition     = var.reserved_concurrency == -1 || var.provisioned_concurrency <= var.reserved_concurrency
      error_message = "provisioned_concurrency cannot exceed reserved_concurrency."
    }
    precondition {
      condition     = local.rest_api || (length(var.allowed_source_cidrs) == 0 && length(var.private_vpc_endpoint_ids) == 0)
      error_message = "allowed_source_cidrs and private_vpc_endpoint_ids need endpoint_type = \"rest_api\": HTTP APIs and function URLs have no resource policy."
    }
    precondition {
      condition     = length(var.allowed_source_cidrs) == 0 || length(var.private_vpc_endpoint_ids) == 0
      error_message = "A private REST API sees VPC addresses, not public ones: use private_vpc_endpoint_ids or allowed_source_cidrs, not both."
    }
  }

  depends_on = [aws_cloudwatch_log_group.function, aws_iam_role_policy.function]
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  description      = "The version the endpoint invokes"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  count = var.provisioned_concurrency > 0 ? 1 : 0

  function_name                     = aws_lambda_alias.live.function_name
  qualifier                         = aws_lambda_alias.live.name
  provisioned_concurrent_executions = var.provisioned_concurrency
}

# ---------------------------------------------------------------------------------------------------
# Endpoint: HTTP API (payload 2.0) ...
# No access logging: the request path carries the URL token.
# ---------------------------------------------------------------------------------------------------

resource "aws_apigatewayv2_api" "this" {
  count = local.http_api ? 1 : 0

  name          = var.name
  description   = "Outrigger sidecar injection webhook"
  protocol_type = "HTTP"
  tags          = var.tags
}

resource "aws_apigatewayv2_integration" "lambda" {
  count = local.http_api ? 1 : 0

  api_id                 = aws_apigatewayv2_api.this[0].id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_alias.live.invoke_arn
  payload_format_version = "2.0"
  # HTTP APIs allow 50-30000 ms; a little over the function's own timeout.
  timeout_milliseconds = min(30000, (var.timeout_seconds + 1) * 1000)
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.http_api ? toset(local.routes) : toset([])

  api_id    = aws_apigatewayv2_api.this[0].id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.lambda[0].id}"
}

resource "aws_apigatewayv2_stage" "default" {
  count = local.http_api ? 1 : 0

  api_id      = aws_apigatewayv2_api.this[0].id
  name        = "$default"
  auto_deploy = true
  tags        = var.tags

  default_route_settings {
    throttling_burst_limit = var.api_throttling_burst_limit
    throttling_rate_limit  = var.api_throttling_rate_limit
  }
}

resource "aws_lambda_permission" "api" {
  count = local.http_api ? 1 : 0

  statement_id  = "AllowOutriggerHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this[0].execution_arn}/*/*"
}

# ---------------------------------------------------------------------------------------------------
# ... or a function URL (the REST API is in rest_api.tf). With authorization_type NONE the provider
# (>= 6.28) adds the two statements a public URL needs since October 2025 itself, on creation:
# FunctionURLAllowPublicAccess (lambda:InvokeFunctionUrl) and FunctionURLAllowInvokeAction
# (lambda:InvokeFunction with InvokedViaFunctionUrl). They are not in the state, so the module
# declares no aws_lambda_permission of its own for them (a second pair would duplicate them); they
# go with the function on destroy, but stay if only the URL is removed (see README).
# ---------------------------------------------------------------------------------------------------

resource "aws_lambda_function_url" "this" {
  count = local.function_url ? 1 : 0

  function_name      = aws_lambda_function.this.function_name
  qualifier          = aws_lambda_alias.live.name
  authorization_type = "NONE"
  invoke_mode        = "BUFFERED"
}

check "url_token_is_configured" {
  assert {
    condition     = contains(local.tokens, local.url_token)
    error_message = "url_token is not one of the configured tokens: the webhook URL would be refused."
  }
}
