terraform {
  # check blocks and output preconditions.
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.28: aws_lambda_function_url with authorization_type NONE adds both public statements a
      # function URL needs since 2025-10 (lambda:InvokeFunctionUrl and lambda:InvokeFunction with
      # InvokedViaFunctionUrl); data.aws_region's `region` attribute is 6.0.
      version = ">= 6.28, < 7.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.5, < 4.0"
    }
  }
}
