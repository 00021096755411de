# The receiver function. Every deploy publishes a new version (SnapStart snapshots only published
# versions) and moves the `live` alias to it; the Function URL and its permissions point at the alias.

resource "aws_cloudwatch_log_group" "receiver" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "receiver" {
  function_name = var.name
  description   = "auditdrain receiver: Heroku Logplex HTTPS drain to s3://${var.bucket_name}"
  role          = aws_iam_role.receiver.arn

  runtime       = "java21"
  handler       = "io.auditdrain.receiver.lambda.FunctionUrlHandler::handleRequest"
  architectures = [var.architecture]
  memory_size   = var.memory_mb
  timeout       = var.timeout_seconds

  filename         = var.jar_path
  source_code_hash = filebase64sha256(var.jar_path)
  publish          = true

  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  dynamic "snap_start" {
    for_each = var.snapstart ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  environment {
    variables = local.receiver_environment
  }

  tags = var.tags

  # The log group must exist first (else Lambda creates one without retention) and the role must be
  # able to write objects before the first request can arrive.
  depends_on = [aws_cloudwatch_log_group.receiver, aws_iam_role_policy.receiver]
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  description      = "The version the Function URL serves."
  function_name    = aws_lambda_function.receiver.function_name
  function_version = aws_lambda_function.receiver.version
}

locals {
  # The receiver's configuration, as docs/contracts.md defines it.
  receiver_environment = merge(
    {
      AUDITDRAIN_STORE                   = "s3://${var.bucket_name}"
      AUDITDRAIN_CREDENTIALS             = "ssm:${var.parameter_prefix}"
      AUDITDRAIN_CREDENTIALS_TTL_SECONDS = tostring(var.credentials_ttl_seconds)
      AUDITDRAIN_GZIP_LEVEL              = tostring(var.gzip_level)
      AUDITDRAIN_METRICS_NAMESPACE       = var.metrics_namespace
    },
    # The listed apps' credentials are read even when a flood has spent the lookup budget (README).
    length(var.apps) == 0 ? {} : { AUDITDRAIN_APPS = join(",", sort(tolist(var.apps))) },
    var.java_tool_options == "" ? {} : { JAVA_TOOL_OPTIONS = var.java_tool_options },
  )
}
