# The auditor's role: read the archive (logs/, digests/, proof/), list it, read the digests' public key, and read
# when the credentials were rotated, and nothing else: no write, no delete, no bucket setting, no secret.
# verify-archive, search and attest need exactly this (README, "Showing an auditor"). Whoever may assume it: auditor_principal_arns, else any principal of the account
# whose own IAM policy allows sts:AssumeRole on it.

resource "aws_iam_role" "auditor" {
  name               = "${var.name}-auditor" # local.auditor_role_arn (main.tf)
  description        = "auditdrain auditor: reads s3://${var.bucket_name} (logs/, digests/, proof/) and the digests' public key"
  assume_role_policy = jsonencode(local.auditor_trust_policy)
  tags               = var.tags
}

resource "aws_iam_role_policy" "auditor" {
  name   = "${var.name}-auditor"
  role   = aws_iam_role.auditor.id
  policy = jsonencode(local.auditor_policy)
}

locals {
  auditor_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Principal = {
        AWS = length(var.auditor_principal_arns) > 0 ? sort(tolist(var.auditor_principal_arns)) : ["arn:${local.partition}:iam::${local.account_id}:root"]
      }
      Action = "sts:AssumeRole"
    }]
  }

  auditor_archive = [for prefix in keys(local.archive_writers) : "${local.bucket_arn}/${prefix}/*"]

  # Allow statements with closed action lists only (tests/auditor.tftest.hcl holds the list).
  auditor_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # ListBucketVersions: verify-archive reads the histories of digests and objects (replaced, deleted).
          Sid       = "ListArchive"
          Effect    = "Allow"
          Action    = ["s3:ListBucket", "s3:ListBucketVersions"]
          Resource  = [local.bucket_arn]
          Condition = { StringLike = { "s3:prefix" = [for prefix in keys(local.archive_writers) : "${prefix}/*"] } }
        },
        {
          # GetObjectVersion: verify-archive reads the version a digest names when the current one differs.
          Sid      = "ReadArchive"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:GetObjectVersion"]
          Resource = local.auditor_archive
        },
      ],
      [
        {
          # attest --rotations: the dates and versions of each credential's history. GetParameterHistory also
          # returns a SecureString's value, encrypted: the role has no kms:Decrypt on SSM's key, and attest never
          # reads the field (it asks WithDecryption=false).
          Sid      = "ReadCredentialRotations"
          Effect   = "Allow"
          Action   = ["ssm:GetParameterHistory"]
          Resource = concat(local.credential_parameter_arns, local.verifier_enabled ? [local.verifier_parameter_arn] : [])
        },
      ],
      local.digests ? [
        {
          Sid      = "ReadDigestPublicKey"
          Effect   = "Allow"
          Action   = ["kms:GetPublicKey"]
          Resource = [aws_kms_key.digests[0].arn]
        },
      ] : [],
      var.bucket_kms_key_arn == null ? [] : [
        {
          # GetObject of an SSE-KMS object decrypts its data key, through S3 only.
          Sid       = "DecryptArchiveObjects"
          Effect    = "Allow"
          Action    = ["kms:Decrypt"]
          Resource  = [var.bucket_kms_key_arn]
          Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
        },
      ],
    )
  }
}
