# Outputs for the operator and the scripts. None of them holds a secret.

output "function_url" {
  description = "The receiver's public Function URL (on the live alias). A drain URL is https://<app>:<secret>@<host>/logs."
  value       = aws_lambda_function_url.receiver.function_url
}

output "function_url_host" {
  description = "Host part of the Function URL, as used in drain URLs."
  value       = local.function_url_host
}

output "function_name" {
  description = "Name of the receiver function."
  value       = aws_lambda_function.receiver.function_name
}

output "function_version" {
  description = "Published version the live alias points at."
  value       = aws_lambda_function.receiver.version
}

output "function_alias_arn" {
  description = "ARN of the live alias."
  value       = aws_lambda_alias.live.arn
}

output "role_arn" {
  description = "ARN of the receiver's execution role."
  value       = aws_iam_role.receiver.arn
}

output "auditor_role_arn" {
  description = "ARN of the auditor's role: reads logs/, digests/ and proof/, lists them, reads the digests' public key and the credentials' rotation dates (never their values); nothing else (README, Showing an auditor)."
  value       = aws_iam_role.auditor.arn
}

output "bucket_name" {
  description = "Name of the log bucket."
  value       = aws_s3_bucket.logs.bucket
}

output "bucket_arn" {
  description = "ARN of the log bucket."
  value       = aws_s3_bucket.logs.arn
}

output "store" {
  description = "AUDITDRAIN_STORE value for the verifier (s3://<bucket>)."
  value       = "s3://${aws_s3_bucket.logs.bucket}"
}

output "parameter_prefix" {
  description = "SSM path of the per-app parameters (<prefix>/<app>/secret, secret-previous, drain-url); the scripts' AUDITDRAIN_PARAMETER_PREFIX."
  value       = var.parameter_prefix
}

output "ssm_kms_key_arn" {
  description = "KMS key the drain secrets are encrypted with (the scripts' AUDITDRAIN_SSM_KMS_KEY): the created one unless ssm_kms_key_arn was given."
  value       = local.ssm_kms_key_arn
}

output "log_group_name" {
  description = "CloudWatch log group of the receiver's request logs and metrics."
  value       = aws_cloudwatch_log_group.receiver.name
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify; subscribe your paging tool to it."
  value       = aws_sns_topic.alarms.arn
}

output "silence_alarm_names" {
  description = "Silence alarm per app (app => alarm name)."
  value       = { for app, alarm in aws_cloudwatch_metric_alarm.silent : app => alarm.alarm_name }
}

output "verifier_function_name" {
  description = "The scheduled verification's function (null when verifier_app is not set)."
  value       = one(aws_lambda_function.verifier[*].function_name)
}

output "verifier_database_url_parameter" {
  description = "Where scripts/set-verifier-url writes the restricted role's database URL (AUDITDRAIN_VERIFIER_URL_PARAMETER); null when the scheduled verification is off."
  value       = local.verifier_enabled ? var.verifier_database_url_parameter : null
}

output "verifier_alarm_names" {
  description = "The scheduled verification's alarms: smoke, checks, record and stopped (empty when it is off)."
  value       = { for what, alarm in aws_cloudwatch_metric_alarm.verifier : what => alarm.alarm_name }
}

output "digest_key_arn" {
  description = "ARN of the KMS key that signs the digests (verify-archive --key-id); null without digests."
  value       = one(aws_kms_key.digests[*].arn)
}

output "digest_key_alias" {
  description = "Alias of the digest signing key; null without digests."
  value       = one(aws_kms_alias.digests[*].name)
}

output "digester_function_name" {
  description = "Name of the digester function; null without digests."
  value       = one(aws_lambda_function.digester[*].function_name)
}

output "glue_table_name" {
  description = "The Athena table over logs/, <database>.<table>; null unless glue_table."
  value       = var.glue_table ? "${aws_glue_catalog_database.archive[0].name}.${aws_glue_catalog_table.logs[0].name}" : null
}
