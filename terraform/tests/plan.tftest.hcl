# The whole plan for two apps, resource by resource. scripts/check-deploy also compares the emulator plan's
# full address list with tests/emulator/expected-resources.txt, which catches any resource added here.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  bucket_name = "acme-auditdrain-logs"
  jar_path    = "tests/fixtures/receiver-placeholder.txt"
  apps        = ["acme-api-prod", "acme-api-staging"]
}

run "two_apps_plan_one_of_each_resource_and_an_alarm_per_app" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket.logs.bucket == var.bucket_name,
      aws_s3_bucket_ownership_controls.logs.bucket == var.bucket_name,
      aws_s3_bucket_public_access_block.logs.bucket == var.bucket_name,
      aws_s3_bucket_versioning.logs.bucket == var.bucket_name,
      aws_s3_bucket_server_side_encryption_configuration.logs.bucket == var.bucket_name,
      aws_s3_bucket_lifecycle_configuration.logs.bucket == var.bucket_name,
    ])
    error_message = "every bucket setting must apply to the log bucket"
  }

  assert {
    condition     = aws_s3_bucket_policy.logs.bucket == var.bucket_name && length(aws_s3_bucket_object_lock_configuration.logs) == 1
    error_message = "expected the bucket policy and the Object Lock configuration"
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.silent)) == toset(["acme-api-prod", "acme-api-staging"])
    error_message = "expected exactly one silence alarm per app"
  }

  assert {
    condition     = length(aws_sns_topic_subscription.alarm_email) == 0
    error_message = "no e-mail subscription without alarm_emails"
  }

  assert {
    condition     = output.parameter_prefix == "/auditdrain/apps" && output.store == "s3://acme-auditdrain-logs"
    error_message = "the outputs must give the operator the parameter prefix and the store"
  }
}
