# The signed digests: the signing key, the digester's least-privilege role, its function and schedule.

mock_provider "aws" {
  source = "./tests/mocks"

  # The key's ARN is in the role's policy; a fixed one lets the plan show the policy document.
  mock_resource "aws_kms_key" {
    override_during = plan
    defaults = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/0d1c5a1e-6b7d-4a55-9d3e-1f2a3b4c5d6e"
      key_id = "0d1c5a1e-6b7d-4a55-9d3e-1f2a3b4c5d6e"
    }
  }
}

variables {
  bucket_name       = "acme-auditdrain-logs"
  jar_path          = "tests/fixtures/receiver-placeholder.txt"
  digester_jar_path = "tests/fixtures/digester-placeholder.txt"
  apps              = ["acme-api-staging", "acme-api-prod"]
}

run "without_the_digester_jar_there_are_no_digests" {
  command = plan

  variables {
    digester_jar_path = null
  }

  assert {
    condition = (length(aws_kms_key.digests) + length(aws_lambda_function.digester) + length(aws_iam_role.digester)
    + length(aws_cloudwatch_event_rule.digests) + length(aws_cloudwatch_metric_alarm.digester_errors)) == 0
    error_message = "no digest resource may exist without digester_jar_path"
  }
}

run "the_signing_key_is_an_asymmetric_p256_key_for_signing" {
  command = plan

  assert {
    condition = (
      aws_kms_key.digests[0].customer_master_key_spec == "ECC_NIST_P256" &&
      aws_kms_key.digests[0].key_usage == "SIGN_VERIFY" &&
      aws_kms_key.digests[0].deletion_window_in_days == 30 &&
      aws_kms_alias.digests[0].name == "alias/auditdrain-digests"
    )
    error_message = "the digests must be signed by an ECC_NIST_P256 SIGN_VERIFY key, alias/<name>-digests, 30 days' deletion window"
  }
}

run "the_digester_may_list_read_sign_and_create_digests_and_nothing_else" {
  command = plan

  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.digester[0].policy).Statement : s.Action])) == toset([
      "s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "kms:Sign",
      "logs:CreateLogStream", "logs:PutLogEvents",
    ])
    error_message = "the digester's actions differ from the allowed list: ${jsonencode(flatten([for s in jsondecode(aws_iam_role_policy.digester[0].policy).Statement : s.Action]))}"
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.digester[0].policy).Statement : [
        for a in s.Action : s.Effect == "Allow" && !strcontains(a, "*") && !strcontains(lower(a), "delete")
      ]
    ]))
    error_message = "only Allow statements with named actions, none of them a delete"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.digester[0].policy).Statement : s.Resource if contains(s.Action, "s3:PutObject")] == [["arn:aws:s3:::acme-auditdrain-logs/digests/*"]]
    error_message = "the digester may put only under digests/, never under logs/"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.digester[0].policy).Statement : s.Condition if contains(s.Action, "s3:PutObject")] == [{
      Null = { "s3:if-none-match" = "false" }
    }]
    error_message = "the digester's puts must carry If-None-Match (conditional creates only: no overwrite)"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.digester[0].policy).Statement : s.Resource if s.Sid == "ReadArchive"] == [[
      "arn:aws:s3:::acme-auditdrain-logs/logs/*", "arn:aws:s3:::acme-auditdrain-logs/proof/*",
      "arn:aws:s3:::acme-auditdrain-logs/digests/*",
    ]]
    error_message = "reads are limited to logs/, proof/ (the run records it digests) and digests/"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.digester[0].policy).Statement : s.Condition if s.Sid == "ListArchive"] == [{
      StringLike = { "s3:prefix" = ["logs/*", "proof/*", "digests/*"] }
    }]
    error_message = "listing is limited to the logs/, proof/ and digests/ prefixes"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.digester[0].policy).Statement : s.Resource if s.Sid == "SignDigests"] == [[aws_kms_key.digests[0].arn]]
    error_message = "kms:Sign only with the digest key"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.digester[0].policy).Statement : s.Resource if s.Sid == "WriteOwnLogs"] == [["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/auditdrain-digester:*"]]
    error_message = "log writes only to the digester's own log group"
  }
}

run "the_receiver_gains_nothing_from_the_digests" {
  command = plan

  assert {
    condition     = !contains(flatten([for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Action]), "kms:Sign")
    error_message = "the receiver's role must not be able to sign digests"
  }
}

run "the_digester_runs_every_five_minutes_configured_per_the_readme" {
  command = plan

  variables {
    digest_interval_minutes  = 15
    digest_grace_minutes     = 5
    digest_late_window_hours = 6
  }

  assert {
    condition = (
      aws_lambda_function.digester[0].handler == "io.auditdrain.digester.lambda.ScheduledDigestHandler::handleRequest" &&
      aws_lambda_function.digester[0].runtime == "java21" &&
      aws_lambda_function.digester[0].timeout == 300 &&
      aws_lambda_function.digester[0].source_code_hash == filebase64sha256("tests/fixtures/digester-placeholder.txt")
    )
    error_message = "the digester is the contract's handler on java21 with 5 minutes per run, deployed by the jar's hash"
  }

  assert {
    condition = aws_lambda_function.digester[0].environment[0].variables == tomap({
      AUDITDRAIN_STORE                    = "s3://acme-auditdrain-logs"
      AUDITDRAIN_DIGEST_KEY_ID            = "arn:aws:kms:us-east-1:123456789012:key/0d1c5a1e-6b7d-4a55-9d3e-1f2a3b4c5d6e"
      AUDITDRAIN_DIGEST_INTERVAL_MINUTES  = "15"
      AUDITDRAIN_DIGEST_GRACE_MINUTES     = "5"
      AUDITDRAIN_DIGEST_LATE_WINDOW_HOURS = "6"
      AUDITDRAIN_DIGEST_APPS              = "acme-api-prod,acme-api-staging"
      AUDITDRAIN_METRICS_NAMESPACE        = "AuditDrain"
      JAVA_TOOL_OPTIONS                   = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
    })
    error_message = "the digester's environment differs from README.md's digester table"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.digests[0].schedule_expression == "rate(5 minutes)" && aws_lambda_permission.digests_schedule[0].principal == "events.amazonaws.com"
    error_message = "EventBridge must run the digester every 5 minutes, with permission to invoke it"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.digester_errors[0].metric_name == "Errors" && aws_cloudwatch_metric_alarm.digester_stopped[0].treat_missing_data == "breaching"
    error_message = "a failing and a stopped digester must each raise an alarm"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.digests_tampered[0].metric_name == "TamperedDigests" && aws_cloudwatch_metric_alarm.digests_tampered[0].namespace == "AuditDrain" && aws_cloudwatch_metric_alarm.digests_tampered[0].threshold == 1
    error_message = "a tampered digest (the digester's TamperedDigests metric) must raise an alarm"
  }
}

run "an_interval_that_does_not_divide_a_day_is_refused" {
  command = plan

  variables {
    digest_interval_minutes = 7
  }

  expect_failures = [var.digest_interval_minutes]
}

run "only_the_digester_may_sign_and_the_account_only_administers_the_key" {
  command = plan

  assert {
    condition = (
      [for s in jsondecode(aws_kms_key.digests[0].policy).Statement : s.Action if s.Sid == "DigesterSigns"] == [["kms:Sign"]] &&
      [for s in jsondecode(aws_kms_key.digests[0].policy).Statement : s.Principal.AWS if s.Sid == "DigesterSigns"] == [aws_iam_role.digester[0].arn]
    )
    error_message = "the digest key's policy must let the digester's role sign"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_kms_key.digests[0].policy).Statement :
      !contains(s.Action, "kms:Sign") && !contains(s.Action, "kms:*") if s.Sid != "DigesterSigns"
    ])
    error_message = "no other statement of the digest key's policy may allow kms:Sign (KMS's default policy would let IAM grant it)"
  }
}
