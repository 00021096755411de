# The auditdrain deployment: a Lambda behind a Function URL that writes Heroku Logplex drains into a
# versioned, write-only S3 bucket. The resources are split by concern:
#   bucket.tf   the log bucket and its guards      function.tf  the function, its version, alias and log group
#   url.tf      the public Function URL            iam.tf       the function's least-privilege role
#   ssm.tf      where per-app credentials live     alarms.tf    silence and error alarms, the alarm topic
#   auditor.tf  the auditor's read-only role       digests.tf   the signed digests

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

  # The roles' ARNs, built from their names too: the bucket policy (bucket.tf) names them in its conditions, so
  # the plan shows it whole. aws:PrincipalArn is the role's ARN for every session of the role.
  role_arn_prefix   = "arn:${local.partition}:iam::${local.account_id}:role/"
  receiver_role_arn = "${local.role_arn_prefix}${var.name}-receiver"
  digester_role_arn = "${local.role_arn_prefix}${var.name}-digester"
  verifier_role_arn = "${local.role_arn_prefix}${var.name}-verifier"
  auditor_role_arn  = "${local.role_arn_prefix}${var.name}-auditor"

  # What the account may do with a key it does not use: administer it (describe, enable, disable, policy, tags,
  # rotation, deletion), never encrypt, decrypt or sign. Without this a key could not be managed or deleted.
  key_administration_actions = [
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
    "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
  ]
}
