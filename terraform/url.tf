# The public HTTPS endpoint Heroku drains to. Heroku cannot sign requests, so the URL's auth type is NONE
# and the receiver authenticates every POST itself (per-app Basic credentials from SSM, 401 otherwise).
#
# Since October 2025 a public URL needs two resource-policy statements: lambda:InvokeFunctionUrl
# (condition FunctionUrlAuthType = NONE) and lambda:InvokeFunction. The second must carry the condition
# lambda:InvokedViaFunctionUrl = true, or any AWS principal anywhere may also call Invoke on the alias
# directly with an event of its own making. The AWS provider sets that condition only from 6.29
# (invoked_via_function_url); this module is pinned to 5.x, which cannot express it. So Terraform does
# not create that statement at all: scripts/deploy adds it after every apply with the AWS CLI
# (`add-permission --invoked-via-function-url`, statement FunctionURLAllowInvokeAction) and checks it,
# and scripts/check-deploy asserts both statements. Until it is added the URL answers 403.

resource "aws_lambda_permission" "url_invoke_url" {
  # The provider's aws_lambda_function_url adds a statement with this id by itself and tolerates it
  # existing; creating it here first keeps it in state, so it is planned, tested and destroyed.
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.receiver.function_name
  qualifier              = aws_lambda_alias.live.name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_function_url" "receiver" {
  function_name      = aws_lambda_function.receiver.function_name
  qualifier          = aws_lambda_alias.live.name
  authorization_type = "NONE"
  invoke_mode        = "BUFFERED"

  depends_on = [aws_lambda_permission.url_invoke_url]
}

locals {
  # https://<id>.lambda-url.<region>.on.aws/ -> <id>.lambda-url.<region>.on.aws
  function_url_host = trimsuffix(trimprefix(aws_lambda_function_url.receiver.function_url, "https://"), "/")
}
