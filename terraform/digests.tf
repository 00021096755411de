# Signed digests of the archive (docs/digest-format.md): a scheduled function, the digester, writes for every
# app and every closed interval a digest listing each object (key, version, size, SHA-256), chained to the
# previous digest and signed with an asymmetric KMS key whose private half never leaves KMS. verify-archive
# checks the archive against them. All of it exists only when digester_jar_path is set (scripts/deploy sets it).

locals {
  digests                 = var.digester_jar_path != null
  digester_name           = "${var.name}-digester"
  digester_log_group_name = "/aws/lambda/${local.digester_name}"
  digester_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.digester_log_group_name}"
  digest_key_alias        = "alias/${var.name}-digests"
}

# ECC_NIST_P256 for ECDSA_SHA_256: the JDK verifies it with no extra library, and the public key can be
# exported (aws kms get-public-key) so that an auditor verifies without any KMS rights. Its policy lets only the
# digester's role sign: KMS's default policy would let any principal whose IAM policy allows kms:Sign (an
# account administrator) sign a digest too. The account administers the key and may read its public key.
resource "aws_kms_key" "digests" {
  count = local.digests ? 1 : 0

  description              = "auditdrain: signs the archive digests of s3://${var.bucket_name}"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  # The longest waiting period: a deletion scheduled by mistake can be cancelled for 30 days. (Digests
  # already written stay verifiable with an exported public key even after the key is gone.)
  deletion_window_in_days = 30
  policy                  = jsonencode(local.digest_key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "digests" {
  count = local.digests ? 1 : 0

  name          = local.digest_key_alias
  target_key_id = aws_kms_key.digests[0].key_id
}

resource "aws_iam_role" "digester" {
  count = local.digests ? 1 : 0

  name               = local.digester_name
  description        = "auditdrain digester: reads s3://${var.bucket_name}/logs/ and proof/, writes signed digests under digests/"
  assume_role_policy = jsonencode(local.receiver_trust_policy)
  tags               = var.tags
}

resource "aws_iam_role_policy" "digester" {
  count = local.digests ? 1 : 0

  name   = local.digester_name
  role   = aws_iam_role.digester[0].id
  policy = jsonencode(local.digester_policy)
}

locals {
  digest_key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # Administration and kms:Get* (GetPublicKey) through IAM; no kms:Sign for the account.
        Sid       = "AccountAdministersTheKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = local.key_administration_actions
        Resource  = "*"
      },
      {
        Sid       = "DigesterSigns"
        Effect    = "Allow"
        Principal = { AWS = one(aws_iam_role.digester[*].arn) }
        Action    = ["kms:Sign"]
        Resource  = "*"
      },
    ]
  }

  # Allow statements with closed action lists only (tests/digests.tftest.hcl holds the list): the digester
  # may list and read, put only new digests, and never delete or write under logs/ or proof/.
  digester_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # ListObjectVersions of logs/ and proof/ (apps, every version and delete marker of an interval: drained
          # objects and run records) and digests/ (the chain's head, from the digest keys' histories: a deleted
          # digest is never written again).
          Sid       = "ListArchive"
          Effect    = "Allow"
          Action    = ["s3:ListBucket", "s3:ListBucketVersions"]
          Resource  = [local.bucket_arn]
          Condition = { StringLike = { "s3:prefix" = ["logs/*", "proof/*", "digests/*"] } }
        },
        {
          # GetObject of each version by its id (deleted and overwritten ones too): every version is hashed.
          Sid      = "ReadArchive"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:GetObjectVersion"]
          Resource = ["${local.bucket_arn}/logs/*", "${local.bucket_arn}/proof/*", "${local.bucket_arn}/digests/*"]
        },
        {
          # Only conditional creates (If-None-Match: *): an existing digest can never be overwritten, even
          # by this role. S3 documents the s3:if-none-match condition key for exactly this.
          Sid       = "WriteNewDigests"
          Effect    = "Allow"
          Action    = ["s3:PutObject"]
          Resource  = ["${local.bucket_arn}/digests/*"]
          Condition = { Null = { "s3:if-none-match" = "false" } }
        },
        {
          Sid      = "SignDigests"
          Effect   = "Allow"
          Action   = ["kms:Sign"]
          Resource = [one(aws_kms_key.digests[*].arn)]
        },
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["${local.digester_log_group_arn}:*"]
        },
      ],
      var.bucket_kms_key_arn == null ? [] : [
        {
          # SSE-KMS: reading objects decrypts, writing a digest needs a data key; through S3 only.
          Sid       = "UseBucketKey"
          Effect    = "Allow"
          Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource  = [var.bucket_kms_key_arn]
          Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
        },
      ],
    )
  }
}

resource "aws_cloudwatch_log_group" "digester" {
  count = local.digests ? 1 : 0

  name              = local.digester_log_group_name
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "digester" {
  count = local.digests ? 1 : 0

  function_name = local.digester_name
  description   = "auditdrain digester: signed, chained digests of s3://${var.bucket_name}/logs/"
  role          = aws_iam_role.digester[0].arn

  runtime       = "java21"
  handler       = "io.auditdrain.digester.lambda.ScheduledDigestHandler::handleRequest"
  architectures = [var.architecture]
  memory_size   = 512
  # A run stops starting intervals a minute before this; a backlog continues in the next run.
  timeout = 300

  filename         = var.digester_jar_path
  source_code_hash = filebase64sha256(var.digester_jar_path)

  environment {
    variables = merge(
      {
        AUDITDRAIN_STORE                    = "s3://${var.bucket_name}"
        AUDITDRAIN_DIGEST_KEY_ID            = aws_kms_key.digests[0].arn
        AUDITDRAIN_DIGEST_INTERVAL_MINUTES  = tostring(var.digest_interval_minutes)
        AUDITDRAIN_DIGEST_GRACE_MINUTES     = tostring(var.digest_grace_minutes)
        AUDITDRAIN_DIGEST_LATE_WINDOW_HOURS = tostring(var.digest_late_window_hours)
        AUDITDRAIN_METRICS_NAMESPACE        = var.metrics_namespace
      },
      length(var.apps) == 0 ? {} : { AUDITDRAIN_DIGEST_APPS = join(",", sort(tolist(var.apps))) },
      var.java_tool_options == "" ? {} : { JAVA_TOOL_OPTIONS = var.java_tool_options },
    )
  }

  tags       = var.tags
  depends_on = [aws_cloudwatch_log_group.digester, aws_iam_role_policy.digester]
}

# Every 5 minutes: most runs find nothing due and end after one listing per app; an interval is closed
# within 5 minutes of its end plus the grace period. Two runs at once are harmless (a digest is created
# once, the slower run continues from it), so no reserved concurrency is needed.
resource "aws_cloudwatch_event_rule" "digests" {
  count = local.digests ? 1 : 0

  name                = local.digester_name
  description         = "Runs the auditdrain digester"
  schedule_expression = "rate(5 minutes)"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "digests" {
  count = local.digests ? 1 : 0

  rule = aws_cloudwatch_event_rule.digests[0].name
  arn  = aws_lambda_function.digester[0].arn
}

resource "aws_lambda_permission" "digests_schedule" {
  count = local.digests ? 1 : 0

  statement_id  = "AllowDigestSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.digester[0].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.digests[0].arn
}

# A run that failed for any app (it logs the reason and fails the invocation), or that crashed.
resource "aws_cloudwatch_metric_alarm" "digester_errors" {
  count = local.digests ? 1 : 0

  alarm_name        = "${var.name}-digester-errors"
  alarm_description = "The digester could not write some app's digests: see the log group ${local.digester_log_group_name}. Until it succeeds, verify-archive reports those intervals as digest missing."

  namespace   = "AWS/Lambda"
  metric_name = "Errors"
  dimensions  = { FunctionName = local.digester_name }
  statistic   = "Sum"
  period      = 3600

  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

# The schedule stopped (rule disabled, function deleted): no invocation in an hour.
resource "aws_cloudwatch_metric_alarm" "digester_stopped" {
  count = local.digests ? 1 : 0

  alarm_name        = "${var.name}-digester-stopped"
  alarm_description = "The digester has not run for an hour: check the EventBridge rule ${local.digester_name}."

  namespace   = "AWS/Lambda"
  metric_name = "Invocations"
  dimensions  = { FunctionName = local.digester_name }
  statistic   = "Sum"
  period      = 3600

  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

# A digest key whose version history is not one version (a digest replaced or deleted, or planted): the
# digester never writes it again and links over it, and reports it on every run until the history expires.
resource "aws_cloudwatch_metric_alarm" "digests_tampered" {
  count = local.digests ? 1 : 0

  alarm_name        = "${var.name}-digests-tampered"
  alarm_description = "A digest in s3://${var.bucket_name}/digests/ was replaced or deleted: the digester's log (${local.digester_log_group_name}) names the keys; verify-archive reports each. Find who did it (CloudTrail data events)."

  namespace   = var.metrics_namespace
  metric_name = "TamperedDigests"
  statistic   = "Maximum"
  period      = 900

  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}
