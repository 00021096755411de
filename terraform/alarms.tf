# Alarms to one SNS topic: an app's drain gone silent, and the receiver failing requests.

resource "aws_sns_topic" "alarms" {
  name = "${var.name}-alarms"
  tags = var.tags
}

resource "aws_sns_topic_subscription" "alarm_email" {
  for_each  = var.alarm_emails
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# No message from an app for 15 minutes (3 periods of 5 minutes, Sum < 1). A drain that stopped sending
# publishes no datapoints at all, so missing data must breach; Heroku apps log at least router lines.
resource "aws_cloudwatch_metric_alarm" "silent" {
  for_each = var.apps

  alarm_name        = "${var.name}-silent-${each.key}"
  alarm_description = "No log message from Heroku app ${each.key} for 15 minutes: check `heroku drains --app ${each.key}` and the receiver's log group ${local.log_group_name}."

  namespace   = var.metrics_namespace
  metric_name = "Messages"
  dimensions  = { App = each.key }
  statistic   = "Sum"
  period      = 300

  evaluation_periods  = 3
  datapoints_to_alarm = 3
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

# The receiver answered 5xx (storage or credential store failing): Logplex retries, then drops.
resource "aws_cloudwatch_metric_alarm" "receiver_errors" {
  alarm_name        = "${var.name}-receiver-errors"
  alarm_description = "The receiver answered 5xx: batches are being retried and may be lost. See the log group ${local.log_group_name}."

  namespace   = var.metrics_namespace
  metric_name = "Errors"
  statistic   = "Sum"
  period      = 300

  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

# Crashes, timeouts and init failures write no metric line of the receiver's own: Lambda's count them.
resource "aws_cloudwatch_metric_alarm" "function_errors" {
  alarm_name        = "${var.name}-function-errors"
  alarm_description = "The receiver function failed (crash, timeout or init error): Logplex sees 5xx or timeouts."

  namespace   = "AWS/Lambda"
  metric_name = "Errors"
  dimensions  = { FunctionName = aws_lambda_function.receiver.function_name }
  statistic   = "Sum"
  period      = 300

  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}
