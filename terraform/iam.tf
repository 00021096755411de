# The receiver's role: write new log objects, read its apps' secrets, write its own logs. Nothing else:
# it cannot read, list, overwrite-protect or delete objects, and it cannot read the drain URLs.

resource "aws_iam_role" "receiver" {
  name               = "${var.name}-receiver"
  description        = "auditdrain receiver: writes drained Heroku logs to s3://${var.bucket_name}/logs/"
  assume_role_policy = jsonencode(local.receiver_trust_policy)
  tags               = var.tags
}

resource "aws_iam_role_policy" "receiver" {
  name   = "${var.name}-receiver"
  role   = aws_iam_role.receiver.id
  policy = jsonencode(local.receiver_policy)
}

locals {
  receiver_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  }

  # Every statement is an Allow with a closed list of actions; tests/iam.tftest.hcl holds the list.
  receiver_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "WriteLogObjects"
          Effect   = "Allow"
          Action   = ["s3:PutObject"]
          Resource = ["${local.bucket_arn}/logs/*"]
        },
        {
          # The receiver reads <app>/secret and <app>/secret-previous with GetParameters; never drain-url.
          Sid      = "ReadAppCredentials"
          Effect   = "Allow"
          Action   = ["ssm:GetParameter", "ssm:GetParameters"]
          Resource = local.credential_parameter_arns
        },
        {
          # Decrypt only through SSM and only for parameters under the prefix, whichever key encrypted them
          # (aws/ssm by default, whose ARN is unknown until the account first uses it).
          Sid      = "DecryptAppCredentials"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = [coalesce(var.ssm_kms_key_arn, "arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*")]
          Condition = {
            StringEquals = { "kms:ViaService" = "ssm.${local.region}.amazonaws.com" }
            StringLike   = { "kms:EncryptionContext:PARAMETER_ARN" = "${local.parameter_arn_prefix}/*" }
          }
        },
        {
          # The log group is created by Terraform, so no logs:CreateLogGroup. "<group>:*" is the form AWS
          # documents for these two actions: the group's streams, and nothing outside the group.
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["${local.log_group_arn}:*"]
        },
      ],
      var.bucket_kms_key_arn == null ? [] : [
        {
          # SSE-KMS on PutObject needs a data key from the bucket's key, through S3 only.
          Sid       = "EncryptLogObjects"
          Effect    = "Allow"
          Action    = ["kms:GenerateDataKey"]
          Resource  = [var.bucket_kms_key_arn]
          Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
        },
      ],
    )
  }
}
