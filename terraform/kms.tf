# The customer managed key that encrypts the drain secrets in SSM (unless ssm_kms_key_arn names one).
#
# Why not aws/ssm: the AWS managed key's policy lets every principal in the account use it through SSM,
# so anyone allowed ssm:GetParameter on a secret could read it. This key's policy lets only the
# receiver's role decrypt, and only the operator principals use it to write and read secrets, all
# through SSM. The account keeps the key's administration (without which a key cannot be managed or
# deleted), and so could re-grant itself use by changing the policy: that change is a CloudTrail event
# (PutKeyPolicy), never a silent read.

resource "aws_kms_key" "drain_secrets" {
  count = var.ssm_kms_key_arn == null ? 1 : 0

  description             = "auditdrain ${var.name}: the per-app drain secrets in SSM under ${var.parameter_prefix}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.drain_secrets_key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "drain_secrets" {
  count = var.ssm_kms_key_arn == null ? 1 : 0

  name          = "alias/${var.name}-drain-secrets"
  target_key_id = aws_kms_key.drain_secrets[0].key_id
}

# Who deploys manages the secrets unless operators are named (an assumed role's session ARN is turned
# into the role's ARN, which is what a key policy can name).
data "aws_iam_session_context" "deployer" {
  count = var.ssm_kms_key_arn == null && length(var.secret_operator_arns) == 0 ? 1 : 0
  arn   = data.aws_caller_identity.current.arn
}

locals {
  ssm_kms_key_arn = var.ssm_kms_key_arn != null ? var.ssm_kms_key_arn : aws_kms_key.drain_secrets[0].arn

  secret_operators = length(var.secret_operator_arns) > 0 ? sort(tolist(var.secret_operator_arns)) : [one(data.aws_iam_session_context.deployer[*].issuer_arn)]

  # SSM encrypts and decrypts SecureStrings with the parameter's ARN as encryption context.
  through_ssm_for_the_prefix = {
    StringEquals = { "kms:ViaService" = "ssm.${local.region}.amazonaws.com" }
    StringLike   = { "kms:EncryptionContext:PARAMETER_ARN" = "${local.parameter_arn_prefix}/*" }
  }

  drain_secrets_key_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        # Administration only: no Encrypt, Decrypt, ReEncrypt or GenerateDataKey for the account.
        Sid       = "AccountAdministersTheKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = local.key_administration_actions
        Resource  = "*"
      },
      {
        Sid       = "ReceiverDecryptsSecrets"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.receiver.arn }
        Action    = ["kms:Decrypt"]
        Resource  = "*"
        Condition = local.through_ssm_for_the_prefix
      },
      {
        Sid       = "OperatorsWriteAndReadSecrets"
        Effect    = "Allow"
        Principal = { AWS = local.secret_operators }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = local.through_ssm_for_the_prefix
      },
      {
        Sid       = "OperatorsSeeTheKey"
        Effect    = "Allow"
        Principal = { AWS = local.secret_operators }
        Action    = ["kms:DescribeKey"]
        Resource  = "*"
      },
    ], local.verifier_key_statements) # verifier_schedule.tf: the scheduled verification's database URL
  }
}
