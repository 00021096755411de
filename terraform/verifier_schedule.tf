# The scheduled verification: the verifier jar as a second function, run by an EventBridge rule every
# verifier_interval_minutes (15 by default), that INSERTs a tracer as the restricted role and finds it in the
# bucket (smoke), then runs every doctor check, keeps a record of the run under proof/<app>/ (the evidence
# verifier attest reads), and writes EMF metrics. Four alarms notify the alarm topic: smoke failed, a check
# failed, the run's record could not be written, the run stopped. Off unless verifier_app is set.
#
# The restricted role's database URL is a SecureString that scripts/set-verifier-url writes, like the drain
# secrets and under their key: Terraform never holds it, and the function reads it at each run. The key's
# policy (kms.tf) gets two statements for it: the function may decrypt that one parameter, and the secret
# operators may write and read it, both through SSM only. With a key of your own (ssm_kms_key_arn), grant
# the same yourself.
#
# Least privilege, statement by statement (tests/verifier_schedule.tftest.hcl holds the list):
#   ListAppLogs          s3:ListBucket on the bucket, only for prefixes under logs/<app>/
#   ReadAppLogs          s3:GetObject under logs/<app>/ (smoke's tracer, drain-activity, writers)
#   WriteRunRecords      s3:PutObject under proof/<app>/ only with If-None-Match (a record is never replaced)
#   ReadBucketSettings   the five reads of doctor's bucket checks, on the bucket itself
#   ReadDatabaseUrl      ssm:GetParameter on the one parameter
#   DecryptDatabaseUrl   kms:Decrypt on the drain secrets' key (kms.tf), through SSM, for that parameter only
#   WriteOwnLogs         its own log group (the reports and the metrics)
#   DecryptLogObjects    kms:Decrypt through S3 on the bucket's key (only with bucket_kms_key_arn)
# It cannot overwrite or delete objects, write anywhere but proof/<app>/, change the bucket, or read any
# other parameter.

locals {
  verifier_enabled = var.verifier_app != null
  verifier_count   = local.verifier_enabled ? 1 : 0
  verifier_name    = "${var.name}-verifier" # local.verifier_role_arn (main.tf) names its role
  verifier_jar     = coalesce(var.verifier_jar_path, "${path.module}/../verifier/target/auditdrain-verifier.jar")

  verifier_log_group_name = "/aws/lambda/${local.verifier_name}"
  verifier_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.verifier_log_group_name}"
  verifier_parameter_arn  = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.verifier_database_url_parameter}"
  verifier_app_prefix     = "logs/${coalesce(var.verifier_app, "-")}/"
  verifier_proof_prefix   = "proof/${coalesce(var.verifier_app, "-")}/"

  verifier_environment = merge(
    var.verifier_environment,
    {
      AUDITDRAIN_APP                    = coalesce(var.verifier_app, "-")
      AUDITDRAIN_STORE                  = "s3://${var.bucket_name}"
      AUDITDRAIN_DATABASE_URL_PARAMETER = var.verifier_database_url_parameter
      AUDITDRAIN_METRICS_NAMESPACE      = var.metrics_namespace
      AUDITDRAIN_WRITERS_WINDOW         = var.verifier_writers_window
      AUDITDRAIN_RETENTION_DAYS         = tostring(var.minimum_retention_days)
    },
    var.java_tool_options == "" ? {} : { JAVA_TOOL_OPTIONS = var.java_tool_options },
  )

  verifier_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid       = "ListAppLogs"
          Effect    = "Allow"
          Action    = ["s3:ListBucket"]
          Resource  = [local.bucket_arn]
          Condition = { StringLike = { "s3:prefix" = ["${local.verifier_app_prefix}*"] } }
        },
        {
          Sid      = "ReadAppLogs"
          Effect   = "Allow"
          Action   = ["s3:GetObject"]
          Resource = ["${local.bucket_arn}/${local.verifier_app_prefix}*"]
        },
        {
          # One record per run, never replaced: a PutObject without If-None-Match is denied by IAM itself,
          # as for the receiver under logs/ (iam.tf).
          Sid       = "WriteRunRecords"
          Effect    = "Allow"
          Action    = ["s3:PutObject"]
          Resource  = ["${local.bucket_arn}/${local.verifier_proof_prefix}*"]
          Condition = { Null = { "s3:if-none-match" = "false" } }
        },
        {
          Sid    = "ReadBucketSettings"
          Effect = "Allow"
          Action = [
            "s3:GetBucketVersioning",
            "s3:GetBucketPublicAccessBlock",
            "s3:GetEncryptionConfiguration",
            "s3:GetLifecycleConfiguration",
            "s3:GetBucketPolicy",
          ]
          Resource = [local.bucket_arn]
        },
        {
          Sid      = "ReadDatabaseUrl"
          Effect   = "Allow"
          Action   = ["ssm:GetParameter"]
          Resource = [local.verifier_parameter_arn]
        },
        {
          Sid       = "DecryptDatabaseUrl"
          Effect    = "Allow"
          Action    = ["kms:Decrypt"]
          Resource  = [local.ssm_kms_key_arn]
          Condition = local.through_ssm_for_the_verifier_url
        },
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["${local.verifier_log_group_arn}:*"]
        },
      ],
      var.bucket_kms_key_arn == null ? [] : [
        {
          # GetObject of an SSE-KMS object decrypts its data key, through S3 only.
          Sid       = "DecryptLogObjects"
          Effect    = "Allow"
          Action    = ["kms:Decrypt"]
          Resource  = [var.bucket_kms_key_arn]
          Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
        },
      ],
    )
  }

  # SSM encrypts and decrypts a SecureString with its ARN as encryption context.
  through_ssm_for_the_verifier_url = {
    StringEquals = {
      "kms:ViaService"                      = "ssm.${local.region}.amazonaws.com"
      "kms:EncryptionContext:PARAMETER_ARN" = local.verifier_parameter_arn
    }
  }

  # Added to the drain secrets' key policy (kms.tf) when the scheduled verification is on.
  verifier_key_statements = [
    for statement in [
      {
        Sid       = "VerifierDecryptsItsDatabaseUrl"
        Effect    = "Allow"
        Principal = { AWS = one(aws_iam_role.verifier[*].arn) }
        Action    = ["kms:Decrypt"]
        Resource  = "*"
        Condition = local.through_ssm_for_the_verifier_url
      },
      {
        Sid       = "OperatorsWriteAndReadTheVerifierUrl"
        Effect    = "Allow"
        Principal = { AWS = local.secret_operators }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = local.through_ssm_for_the_verifier_url
      },
    ] : statement if local.verifier_enabled
  ]

  # One alarm period per run; the "stopped" alarm waits for two empty periods, so that one late run does not page.
  verifier_period_seconds = var.verifier_interval_minutes * 60
  verifier_alarms = local.verifier_enabled ? {
    smoke = {
      metric      = "SmokeFailed"
      statistic   = "Maximum"
      comparison  = "GreaterThanOrEqualToThreshold"
      periods     = 1
      missing     = "notBreaching"
      description = "The scheduled smoke test of ${var.verifier_app} failed: an audit write did not reach the bucket. Its report is in ${local.verifier_log_group_name}."
    }
    checks = {
      metric      = "ChecksFailed"
      statistic   = "Maximum"
      comparison  = "GreaterThanOrEqualToThreshold"
      periods     = 1
      missing     = "notBreaching"
      description = "A doctor check of ${var.verifier_app} failed: the append-only guarantee or its archive is at risk. The failed checks and their fixes are in ${local.verifier_log_group_name}."
    }
    record = {
      metric      = "ProofRecordMissing"
      statistic   = "Maximum"
      comparison  = "GreaterThanOrEqualToThreshold"
      periods     = 1
      missing     = "notBreaching"
      description = "The scheduled verification of ${var.verifier_app} could not keep its run's record under ${local.verifier_proof_prefix}: the period's attestation will show the run missing. The reason is in ${local.verifier_log_group_name}."
    }
    stopped = {
      metric      = "Runs"
      statistic   = "Sum"
      comparison  = "LessThanThreshold"
      periods     = 2
      missing     = "breaching"
      description = "The scheduled verification of ${var.verifier_app} has not finished a run for ${2 * var.verifier_interval_minutes} minutes: see ${local.verifier_log_group_name} and the rule ${local.verifier_name}."
    }
  } : {}
}

resource "aws_cloudwatch_log_group" "verifier" {
  count             = local.verifier_count
  name              = local.verifier_log_group_name
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_iam_role" "verifier" {
  count              = local.verifier_count
  name               = local.verifier_name
  description        = "auditdrain scheduled verification of ${coalesce(var.verifier_app, "-")}: reads logs/${coalesce(var.verifier_app, "-")}/ and the bucket's settings"
  assume_role_policy = jsonencode(local.receiver_trust_policy)
  tags               = var.tags
}

resource "aws_iam_role_policy" "verifier" {
  count  = local.verifier_count
  name   = local.verifier_name
  role   = aws_iam_role.verifier[0].id
  policy = jsonencode(local.verifier_policy)
}

resource "aws_lambda_function" "verifier" {
  count         = local.verifier_count
  function_name = local.verifier_name
  description   = "auditdrain scheduled smoke and doctor for Heroku app ${coalesce(var.verifier_app, "-")}"
  role          = aws_iam_role.verifier[0].arn

  runtime       = "java21"
  handler       = "io.auditdrain.verifier.lambda.ScheduledVerificationHandler::handleRequest"
  architectures = [var.architecture]
  memory_size   = var.verifier_memory_mb
  timeout       = var.verifier_timeout_seconds

  filename         = local.verifier_jar
  source_code_hash = filebase64sha256(local.verifier_jar)

  environment {
    variables = local.verifier_environment
  }

  tags       = var.tags
  depends_on = [aws_cloudwatch_log_group.verifier, aws_iam_role_policy.verifier]
}

resource "aws_cloudwatch_event_rule" "verifier" {
  count               = local.verifier_count
  name                = local.verifier_name
  description         = "Runs the auditdrain verification of ${coalesce(var.verifier_app, "-")} every ${var.verifier_interval_minutes} minutes."
  schedule_expression = "rate(${var.verifier_interval_minutes} minutes)"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "verifier" {
  count = local.verifier_count
  rule  = aws_cloudwatch_event_rule.verifier[0].name
  arn   = aws_lambda_function.verifier[0].arn
}

resource "aws_lambda_permission" "verifier_schedule" {
  count         = local.verifier_count
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.verifier[0].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.verifier[0].arn
}

# Four alarms to the alarm topic: smoke failed (its tracer did not reach the bucket, or it could not run), a
# doctor check failed (each check is also its own metric, CheckFailed by App and Check), the run's record could
# not be written (or a 412 left it unconfirmed), and the run stopped (no finished run for two intervals: the
# function fails to start, times out, or is not invoked).
resource "aws_cloudwatch_metric_alarm" "verifier" {
  for_each          = local.verifier_alarms
  alarm_name        = "${local.verifier_name}-${each.key}"
  alarm_description = each.value.description

  namespace   = var.metrics_namespace
  metric_name = each.value.metric
  dimensions  = { App = var.verifier_app }
  statistic   = each.value.statistic
  period      = local.verifier_period_seconds

  evaluation_periods  = each.value.periods
  datapoints_to_alarm = each.value.periods
  comparison_operator = each.value.comparison
  threshold           = 1
  treat_missing_data  = each.value.missing

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}
