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
          # Only new objects: a PutObject without If-None-Match (which could overwrite a key) is denied
          # by IAM itself, so even the receiver's own credentials can never replace a stored batch.
          # The condition key is AWS's own for conditional writes (S3 user guide, "Enforce conditional
          # writes"); the receiver sends If-None-Match: * on every PUT.
          Sid       = "WriteNewLogObjects"
          Effect    = "Allow"
          Action    = ["s3:PutObject"]
          Resource  = ["${local.bucket_arn}/logs/*"]
          Condition = { Null = { "s3:if-none-match" = "false" } }
        },
        {
          # The receiver reads <app>/secret and <app>/secret-previous with GetParameters; never drain-url.
          Sid      = "ReadAppCredentials"
          Effect   = "Allow"
          Action   = ["ssm:GetParameter", "ssm:GetParameters"]
          Resource = local.credential_parameter_arns
        },
        {
          # Decrypt only with the secrets' key, only through SSM, only for parameters under the prefix.
          Sid       = "DecryptAppCredentials"
          Effect    = "Allow"
          Action    = ["kms:Decrypt"]
          Resource  = [local.ssm_kms_key_arn]
          Condition = local.through_ssm_for_the_prefix
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
