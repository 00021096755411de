# One silence alarm per app, the error alarms, and the topic they notify.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  bucket_name = "acme-auditdrain-logs"
  jar_path    = "tests/fixtures/receiver-placeholder.txt"
  apps        = ["acme-api-prod", "acme-api-staging"]
}

run "each_app_gets_an_alarm_when_silent_for_15_minutes" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.silent) == 2 && contains(keys(aws_cloudwatch_metric_alarm.silent), "acme-api-prod") && contains(keys(aws_cloudwatch_metric_alarm.silent), "acme-api-staging")
    error_message = "expected exactly one silence alarm per app"
  }

  assert {
    condition = alltrue([
      for app, alarm in aws_cloudwatch_metric_alarm.silent :
      alarm.namespace == "AuditDrain" &&
      alarm.metric_name == "Messages" &&
      alarm.dimensions == tomap({ App = app }) &&
      alarm.statistic == "Sum" &&
      alarm.period == 300 &&
      alarm.evaluation_periods == 3 &&
      alarm.datapoints_to_alarm == 3 &&
      alarm.comparison_operator == "LessThanThreshold" &&
      alarm.threshold == 1 &&
      alarm.treat_missing_data == "breaching"
    ])
    error_message = "a silence alarm must be Sum(AuditDrain/Messages, App=<app>) < 1 for 3 x 300 s, missing data breaching"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.silent["acme-api-prod"].alarm_name == "auditdrain-silent-acme-api-prod"
    error_message = "silence alarms must be named <name>-silent-<app>"
  }
}

run "error_alarms_watch_the_receivers_5xx_and_the_functions_failures" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.receiver_errors.namespace == "AuditDrain" &&
      aws_cloudwatch_metric_alarm.receiver_errors.metric_name == "Errors" &&
      aws_cloudwatch_metric_alarm.receiver_errors.comparison_operator == "GreaterThanOrEqualToThreshold" &&
      aws_cloudwatch_metric_alarm.receiver_errors.threshold == 1
    )
    error_message = "expected an alarm on AuditDrain/Errors >= 1"
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.function_errors.namespace == "AWS/Lambda" &&
      aws_cloudwatch_metric_alarm.function_errors.metric_name == "Errors" &&
      aws_cloudwatch_metric_alarm.function_errors.dimensions == tomap({ FunctionName = "auditdrain" })
    )
    error_message = "expected an alarm on AWS/Lambda Errors for the function"
  }
}

run "no_apps_means_no_silence_alarms_and_emails_subscribe_to_the_topic" {
  command = plan

  variables {
    apps         = []
    alarm_emails = ["oncall@example.com"]
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.silent) == 0
    error_message = "no app, no silence alarm"
  }

  assert {
    condition     = length(aws_sns_topic_subscription.alarm_email) == 1 && aws_sns_topic_subscription.alarm_email["oncall@example.com"].protocol == "email"
    error_message = "each alarm e-mail must get an email subscription"
  }

  assert {
    condition     = aws_sns_topic.alarms.name == "auditdrain-alarms"
    error_message = "the alarm topic must be <name>-alarms"
  }
}

run "app_names_follow_herokus_rules" {
  command = plan

  variables {
    apps = ["Acme_API"]
  }

  expect_failures = [var.apps]
}
