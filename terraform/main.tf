# The auditdrain deployment: a Lambda behind a Function URL that writes Heroku Logplex drains into a
# versioned, write-only S3 bucket. The resources are split by concern:
#   bucket.tf   the log bucket and its guards      function.tf  the function, its version, alias and log group
#   url.tf      the public Function URL            iam.tf       the function's least-privilege role
#   ssm.tf      where per-app credentials live     alarms.tf    silence and error alarms, the alarm topic

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # Built from names rather than resource attributes so that the policy documents are known at plan time.
  bucket_arn     = "arn:${local.partition}:s3:::${var.bucket_name}"
  log_group_name = "/aws/lambda/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
}
