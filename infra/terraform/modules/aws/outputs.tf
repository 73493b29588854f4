output "webhook_url" {
  description = "The URL to register as the webhook's clientConfig.url: https://<endpoint>/inject/t/<token> plus the path envs. Contains the token."
  value       = "${local.base_url}${local.path_suffix}"
  sensitive   = true

  # Registering the webhook before the endpoint can invoke the function would refuse pods.
  depends_on = [
    aws_apigatewayv2_route.this,
    aws_apigatewayv2_stage.default,
    aws_lambda_permission.api,
    aws_lambda_function_url.this,
    aws_api_gateway_stage.this,
    aws_api_gateway_method_settings.this,
    aws_lambda_permission.rest_api,
    aws_lambda_provisioned_concurrency_config.live,
  ]
}

output "base_url" {
  description = "https://<endpoint>/inject/t/<token> without path envs, to build one URL per cluster (append /cluster/<id>/net/<network>). Contains the token."
  value       = local.base_url
  sensitive   = true
}

output "url_token" {
  description = "The token in webhook_url."
  value       = local.url_token
  sensitive   = true
}

output "endpoint" {
  description = "The HTTP API or function URL endpoint, without token (GET <endpoint>/healthz answers 200 once a config is loaded)."
  value       = local.endpoint
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_alias_arn" {
  description = "ARN of the `live` alias the endpoint invokes."
  value       = aws_lambda_alias.live.arn
}

output "role_arn" {
  description = "The function's execution role."
  value       = aws_iam_role.function.arn
}

output "log_group_name" {
  description = "The function's CloudWatch log group (admission lines; EMF metrics in namespace Outrigger)."
  value       = aws_cloudwatch_log_group.function.name
}

output "config_bucket" {
  description = "The versioned bucket holding the config document (pass to the config module)."
  value       = aws_s3_bucket.config.bucket
}

output "config_object" {
  description = "The config document's key in config_bucket (pass to the config module)."
  value       = var.config_object
}

output "config_url" {
  description = "OUTRIGGER_CONFIG_URL of the function: s3://<bucket>/<key>."
  value       = local.config_url
}

output "token_secret_arn" {
  description = "The Secrets Manager secret holding the URL tokens (null with token_source = ssm)."
  value       = local.token_secret_arn
}

output "token_ssm_parameter" {
  description = "The SSM parameter holding the URL tokens (null with token_source = secretsmanager)."
  value       = var.token_source != "ssm" ? null : (local.create_parameter ? aws_ssm_parameter.tokens[0].name : var.token_ssm_parameter)
}
