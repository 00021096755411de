# The public HTTPS endpoint Heroku drains to. Heroku cannot sign requests, so the URL's auth type is NONE
# and the receiver authenticates every POST itself (per-app Basic credentials from SSM, 401 otherwise).
#
# Since the 2025 change to the Function URL authorization model, a public URL needs two resource-policy
# statements: lambda:InvokeFunctionUrl (condition FunctionUrlAuthType = NONE) and lambda:InvokeFunction.
# AWS's own policy puts the condition lambda:InvokedViaFunctionUrl = true on the second one; the provider
# sets it only from 6.29 (`invoked_via_function_url`), and 5.100 cannot express it. So here the second
# statement has no condition: any AWS principal may also call Invoke on the alias directly. That grants
# no more than the public URL already does (the same handler, the same per-app authentication), but
# when the provider moves to >= 6.29, add `invoked_via_function_url = true` to it.

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

resource "aws_lambda_permission" "url_invoke_function" {
  statement_id  = "FunctionURLAllowInvokeAction"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.receiver.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "*"
}

resource "aws_lambda_function_url" "receiver" {
  function_name      = aws_lambda_function.receiver.function_name
  qualifier          = aws_lambda_alias.live.name
  authorization_type = "NONE"
  invoke_mode        = "BUFFERED"

  depends_on = [aws_lambda_permission.url_invoke_url, aws_lambda_permission.url_invoke_function]
}

locals {
  # https://<id>.lambda-url.<region>.on.aws/ -> <id>.lambda-url.<region>.on.aws
  function_url_host = trimsuffix(trimprefix(aws_lambda_function_url.receiver.function_url, "https://"), "/")
}
