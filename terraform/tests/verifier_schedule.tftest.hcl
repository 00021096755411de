# The scheduled verification (verifier_schedule.tf): off by default, one variable turns it on, and then a
# function on an EventBridge schedule with a least-privilege role and four alarms to the alarm topic.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  bucket_name = "acme-auditdrain-logs"
  jar_path    = "tests/fixtures/receiver-placeholder.txt"
  apps        = ["acme-api-prod"]
}

run "off_by_default" {
  command = plan

  assert {
    condition = alltrue([
      length(aws_lambda_function.verifier) == 0,
      length(aws_iam_role.verifier) == 0,
      length(aws_cloudwatch_event_rule.verifier) == 0,
      length(aws_cloudwatch_metric_alarm.verifier) == 0,
    ])
    error_message = "without verifier_app nothing of the scheduled verification may be planned"
  }

  assert {
    condition     = output.verifier_function_name == null && output.verifier_database_url_parameter == null && length(output.verifier_alarm_names) == 0
    error_message = "the outputs are empty while it is off"
  }
}

run "one_variable_turns_on_a_function_every_15_minutes" {
  command = plan

  variables {
    verifier_app      = "acme-api-prod"
    verifier_jar_path = "tests/fixtures/receiver-placeholder.txt"
  }

  assert {
    condition = (
      aws_lambda_function.verifier[0].function_name == "auditdrain-verifier" &&
      aws_lambda_function.verifier[0].runtime == "java21" &&
      aws_lambda_function.verifier[0].handler == "io.auditdrain.verifier.lambda.ScheduledVerificationHandler::handleRequest" &&
      aws_lambda_function.verifier[0].timeout == 300 &&
      aws_lambda_function.verifier[0].memory_size == 1024
    )
    error_message = "the verifier jar must run on java21 with the scheduled handler, 300 s and 1024 MB by default"
  }

  assert {
    condition     = aws_lambda_function.verifier[0].source_code_hash == filebase64sha256("tests/fixtures/receiver-placeholder.txt")
    error_message = "source_code_hash must follow the verifier jar's content"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.verifier[0].schedule_expression == "rate(15 minutes)"
    error_message = "the default schedule is every 15 minutes"
  }

  assert {
    condition = (
      aws_lambda_permission.verifier_schedule[0].principal == "events.amazonaws.com" &&
      aws_lambda_permission.verifier_schedule[0].action == "lambda:InvokeFunction" &&
      aws_lambda_permission.verifier_schedule[0].function_name == "auditdrain-verifier"
    )
    error_message = "EventBridge, and only EventBridge, may invoke the function"
  }

  assert {
    condition     = aws_cloudwatch_event_target.verifier[0].rule == "auditdrain-verifier"
    error_message = "the rule must target the function"
  }

  assert {
    condition     = output.verifier_function_name == "auditdrain-verifier" && output.verifier_database_url_parameter == "/auditdrain/verifier/database-url"
    error_message = "the outputs name the function and the parameter set-verifier-url writes"
  }
}

run "the_function_is_configured_by_environment_and_holds_no_database_url" {
  command = plan

  variables {
    verifier_app         = "acme-api-prod"
    verifier_jar_path    = "tests/fixtures/receiver-placeholder.txt"
    verifier_environment = { AUDITDRAIN_AUDIT_TABLES = "audit.events" }
  }

  assert {
    condition = (
      aws_lambda_function.verifier[0].environment[0].variables["AUDITDRAIN_APP"] == "acme-api-prod" &&
      aws_lambda_function.verifier[0].environment[0].variables["AUDITDRAIN_STORE"] == "s3://acme-auditdrain-logs" &&
      aws_lambda_function.verifier[0].environment[0].variables["AUDITDRAIN_DATABASE_URL_PARAMETER"] == "/auditdrain/verifier/database-url" &&
      aws_lambda_function.verifier[0].environment[0].variables["AUDITDRAIN_METRICS_NAMESPACE"] == "AuditDrain" &&
      aws_lambda_function.verifier[0].environment[0].variables["AUDITDRAIN_WRITERS_WINDOW"] == "1h" &&
      aws_lambda_function.verifier[0].environment[0].variables["AUDITDRAIN_RETENTION_DAYS"] == "90" &&
      aws_lambda_function.verifier[0].environment[0].variables["AUDITDRAIN_AUDIT_TABLES"] == "audit.events"
    )
    error_message = "the function's environment must carry the app, the store, the parameter's name and the verifier_environment"
  }

  assert {
    condition = alltrue([
      for k in keys(aws_lambda_function.verifier[0].environment[0].variables) : !contains(["AUDITDRAIN_APP_DATABASE_URL", "DATABASE_URL"], k)
    ])
    error_message = "a database URL must never be in the function's configuration"
  }
}

run "the_role_reads_only_the_apps_logs_the_bucket_settings_and_its_one_parameter_and_adds_run_records" {
  command = plan

  variables {
    verifier_app      = "acme-api-prod"
    verifier_jar_path = "tests/fixtures/receiver-placeholder.txt"
  }

  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : s.Action])) == toset([
      "s3:ListBucket",
      "s3:GetObject",
      "s3:PutObject",
      "s3:GetBucketVersioning",
      "s3:GetBucketPublicAccessBlock",
      "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetBucketPolicy",
      "ssm:GetParameter",
      "kms:Decrypt",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ])
    error_message = "the verifier's actions differ from the allowed list: ${jsonencode(flatten([for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : s.Action]))}"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement :
      s.Effect == "Allow" && alltrue([for a in s.Action : !strcontains(a, "*")])
    ])
    error_message = "every statement must be an Allow of named actions"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListAppLogs"] == [["logs/acme-api-prod/*"]]
    error_message = "listing must be limited to the app's own prefix"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : s.Resource if s.Sid == "ReadAppLogs"] == [["arn:aws:s3:::acme-auditdrain-logs/logs/acme-api-prod/*"]]
    error_message = "reading must be limited to the app's objects"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : [s.Action, s.Resource, s.Condition] if s.Sid == "WriteRunRecords"] == [[
      ["s3:PutObject"], ["arn:aws:s3:::acme-auditdrain-logs/proof/acme-api-prod/*"], { Null = { "s3:if-none-match" = "false" } }
    ]]
    error_message = "run records may only be created under the app's proof/ prefix, and only with If-None-Match"
  }

  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : s if contains(s.Action, "s3:PutObject")]) == 1
    error_message = "the run records' statement is the only one that writes"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : s.Resource if s.Sid == "ReadDatabaseUrl"] == [["arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/verifier/database-url"]]
    error_message = "the function may read its one parameter only"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : s.Condition.StringEquals if s.Sid == "DecryptDatabaseUrl"] == [{
      "kms:ViaService"                      = "ssm.us-east-1.amazonaws.com"
      "kms:EncryptionContext:PARAMETER_ARN" = "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/verifier/database-url"
    }]
    error_message = "decryption only through SSM, for that parameter"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : s.Resource if s.Sid == "WriteOwnLogs"] == [["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/auditdrain-verifier:*"]]
    error_message = "the function writes its own log group only"
  }

  assert {
    condition     = aws_cloudwatch_log_group.verifier[0].name == "/aws/lambda/auditdrain-verifier" && aws_cloudwatch_log_group.verifier[0].retention_in_days == 90
    error_message = "the function's log group is created with the module's retention"
  }
}

run "a_bucket_key_adds_decryption_through_s3_only" {
  command = plan

  variables {
    verifier_app       = "acme-api-prod"
    verifier_jar_path  = "tests/fixtures/receiver-placeholder.txt"
    bucket_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : [s.Resource, s.Condition.StringEquals["kms:ViaService"]] if s.Sid == "DecryptLogObjects"] == [[
      ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"], "s3.us-east-1.amazonaws.com"
    ]]
    error_message = "SSE-KMS objects need kms:Decrypt on the bucket's key, through S3"
  }
}

run "four_alarms_watch_smoke_the_checks_the_run_records_and_the_runs_themselves" {
  command = plan

  variables {
    verifier_app              = "acme-api-prod"
    verifier_jar_path         = "tests/fixtures/receiver-placeholder.txt"
    verifier_interval_minutes = 30
  }

  assert {
    condition     = aws_cloudwatch_event_rule.verifier[0].schedule_expression == "rate(30 minutes)"
    error_message = "the schedule follows verifier_interval_minutes"
  }

  assert {
    condition = alltrue([
      for alarm in [aws_cloudwatch_metric_alarm.verifier["smoke"], aws_cloudwatch_metric_alarm.verifier["checks"], aws_cloudwatch_metric_alarm.verifier["record"]] :
      alarm.namespace == "AuditDrain" && alarm.dimensions == tomap({ App = "acme-api-prod" }) && alarm.statistic == "Maximum" &&
      alarm.period == 1800 && alarm.evaluation_periods == 1 && alarm.comparison_operator == "GreaterThanOrEqualToThreshold" &&
      alarm.threshold == 1 && alarm.treat_missing_data == "notBreaching" && length(alarm.alarm_actions) == 1
    ])
    error_message = "smoke, checks and the run record alarm on their first failed run, one interval per period, to the alarm topic"
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.verifier["smoke"].metric_name == "SmokeFailed" &&
      aws_cloudwatch_metric_alarm.verifier["checks"].metric_name == "ChecksFailed" &&
      aws_cloudwatch_metric_alarm.verifier["record"].metric_name == "ProofRecordMissing"
    )
    error_message = "the alarms watch the metrics the handler writes"
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.verifier["stopped"].metric_name == "Runs" &&
      aws_cloudwatch_metric_alarm.verifier["stopped"].statistic == "Sum" &&
      aws_cloudwatch_metric_alarm.verifier["stopped"].period == 1800 &&
      aws_cloudwatch_metric_alarm.verifier["stopped"].evaluation_periods == 2 &&
      aws_cloudwatch_metric_alarm.verifier["stopped"].datapoints_to_alarm == 2 &&
      aws_cloudwatch_metric_alarm.verifier["stopped"].comparison_operator == "LessThanThreshold" &&
      aws_cloudwatch_metric_alarm.verifier["stopped"].treat_missing_data == "breaching"
    )
    error_message = "no finished run for two intervals must alarm, missing data breaching"
  }

  assert {
    condition     = length(output.verifier_alarm_names) == 4 && output.verifier_alarm_names["smoke"] == "auditdrain-verifier-smoke" && output.verifier_alarm_names["checks"] == "auditdrain-verifier-checks" && output.verifier_alarm_names["record"] == "auditdrain-verifier-record" && output.verifier_alarm_names["stopped"] == "auditdrain-verifier-stopped"
    error_message = "the alarms are named <name>-verifier-<what>"
  }
}

run "a_database_url_cannot_be_passed_through_the_environment" {
  command = plan

  variables {
    verifier_app         = "acme-api-prod"
    verifier_jar_path    = "tests/fixtures/receiver-placeholder.txt"
    verifier_environment = { AUDITDRAIN_APP_DATABASE_URL = "postgres://raptor_app:x@db:5432/d" }
  }

  expect_failures = [var.verifier_environment]
}

run "the_app_follows_herokus_rules" {
  command = plan

  variables {
    verifier_app = "Acme_API"
  }

  expect_failures = [var.verifier_app]
}

run "the_drain_secrets_key_lets_the_function_decrypt_its_url_and_the_operators_write_it" {
  command = plan

  variables {
    verifier_app      = "acme-api-prod"
    verifier_jar_path = "tests/fixtures/receiver-placeholder.txt"
  }

  assert {
    condition = [for s in jsondecode(aws_kms_key.drain_secrets[0].policy).Statement : [s.Action, s.Condition.StringEquals["kms:EncryptionContext:PARAMETER_ARN"]] if s.Sid == "VerifierDecryptsItsDatabaseUrl"] == [[
      ["kms:Decrypt"], "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/verifier/database-url"
    ]]
    error_message = "the verifier's role may decrypt its one parameter through SSM"
  }

  assert {
    condition = [for s in jsondecode(aws_kms_key.drain_secrets[0].policy).Statement : [s.Principal.AWS, s.Condition.StringEquals["kms:ViaService"]] if s.Sid == "OperatorsWriteAndReadTheVerifierUrl"] == [[
      ["arn:aws:iam::123456789012:role/deployer"], "ssm.us-east-1.amazonaws.com"
    ]]
    error_message = "the secret operators may write the URL through SSM"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.verifier[0].policy).Statement : s.Resource if s.Sid == "DecryptDatabaseUrl"] == [["arn:aws:kms:us-east-1:123456789012:key/00000000-1111-2222-3333-444444444444"]]
    error_message = "the function decrypts with the drain secrets' key only"
  }
}

run "off_adds_nothing_to_the_key_policy" {
  command = plan

  assert {
    condition     = length([for s in jsondecode(aws_kms_key.drain_secrets[0].policy).Statement : s if startswith(s.Sid, "Verifier") || strcontains(s.Sid, "VerifierUrl")]) == 0
    error_message = "without the scheduled verification the key policy is the drain secrets' alone"
  }
}
