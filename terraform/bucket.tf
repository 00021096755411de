# The log bucket: every drained line lands here once and is never rewritten by the receiver
# (it writes new keys with If-None-Match: *). Versioning keeps whatever anyone else overwrites or deletes.

# The settings below refer to aws_s3_bucket.logs.bucket (known at plan) rather than .id (known only after
# apply), so that plans and plan-mode tests show which bucket they apply to.

resource "aws_s3_bucket" "logs" {
  bucket = var.bucket_name

  # No object_lock_enabled here: on this resource it can only be set at creation (changing it replaces
  # the bucket, which fails on a bucket full of evidence). Object Lock is enabled by
  # aws_s3_bucket_object_lock_configuration below instead, which S3 accepts on an existing versioned
  # bucket (S3 user guide, "Enable Object Lock on an existing S3 bucket").

  tags = var.tags
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.bucket

  rule {
    # ACLs off: the account owns every object, whoever wrote it.
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket = aws_s3_bucket.logs.bucket

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.bucket

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.bucket

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.bucket_kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.bucket_kms_key_arn
    }
    # One data key per bucket rather than per object: far fewer KMS calls (ignored for AES256).
    bucket_key_enabled = var.bucket_kms_key_arn != null
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.bucket

  # Lifecycle rules act on the bucket's versioning state, so apply them after it.
  depends_on = [aws_s3_bucket_versioning.logs]

  rule {
    id     = "tier-then-expire"
    status = "Enabled"

    filter {}

    transition {
      days          = var.ia_transition_days
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = var.retention_days
    }

    # A version that was overwritten or deleted is kept as long as a current one: the evidence of a
    # tampering attempt outlives the retention window of the object it replaced.
    noncurrent_version_transition {
      noncurrent_days = var.ia_transition_days
      storage_class   = "STANDARD_IA"
    }

    noncurrent_version_expiration {
      noncurrent_days = var.retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_object_lock_configuration" "logs" {
  count  = var.object_lock.mode == "OFF" ? 0 : 1
  bucket = aws_s3_bucket.logs.bucket

  # Enables Object Lock on the bucket, new or existing, in place. Once enabled, S3 never lets anyone
  # disable it or suspend versioning again.
  object_lock_enabled = "Enabled"

  # S3 enables Object Lock only on a versioned bucket.
  depends_on = [aws_s3_bucket_versioning.logs]

  rule {
    default_retention {
      mode = var.object_lock.mode
      days = coalesce(var.object_lock.days, var.retention_days)
    }
  }
}

# Who may do what to the archive, for every principal, whatever its identity policy allows: explicit Deny
# statements only (the module's roles get their rights from their own policies; nothing here grants). An
# account administrator is bound by them as much as any role: S3 lets only the account's root user replace a
# policy that denies its change (docs/deploy.md, "Nobody alone can change the archive").
resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.bucket
  policy = jsonencode(local.bucket_policy)

  # Last of the bucket's settings: once this policy is on, only the break-glass role may change versioning,
  # the lifecycle, Object Lock or the policy itself, so a first apply must have written them all. (Applying a
  # policy while the public-access block is being written can also fail with 409 on AWS.)
  depends_on = [
    aws_s3_bucket_public_access_block.logs,
    aws_s3_bucket_versioning.logs,
    aws_s3_bucket_lifecycle_configuration.logs,
    aws_s3_bucket_object_lock_configuration.logs,
    aws_s3_bucket_ownership_controls.logs,
    aws_s3_bucket_server_side_encryption_configuration.logs,
  ]
}

# The policy was the TLS-only policy alone before the fences: the same bucket policy, updated in place.
moved {
  from = aws_s3_bucket_policy.tls_only[0]
  to   = aws_s3_bucket_policy.logs
}

locals {
  # The one role that may create objects under each prefix of the archive (proof/: the scheduled
  # verification's records of its runs); null when the deployment has no such role, and then no one may.
  archive_writers = {
    logs    = local.receiver_role_arn
    digests = local.digests ? local.digester_role_arn : null
    proof   = local.verifier_enabled ? local.verifier_role_arn : null
  }

  # The condition that exempts one principal from a Deny, or none (the Deny then holds for everyone).
  # ArnNotEquals on aws:PrincipalArn, the role's ARN for each of its sessions, so that no session name matters.
  exempt_writer = {
    for prefix, arn in local.archive_writers : prefix => arn == null ? {} : {
      Condition = { ArnNotEquals = { "aws:PrincipalArn" = arn } }
    }
  }
  exempt_break_glass = var.break_glass_role_arn == null ? {} : {
    Condition = { ArnNotEquals = { "aws:PrincipalArn" = var.break_glass_role_arn } }
  }

  bucket_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # Anything not sent over TLS, for every principal.
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        # Only new objects, for everyone, whatever an identity policy says: a PUT without If-None-Match could
        # replace a stored object (S3 user guide, "Enforce conditional writes on Amazon S3 buckets").
        Sid       = "DenyOverwrites"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = [for prefix in keys(local.archive_writers) : "${local.bucket_arn}/${prefix}/*"]
        Condition = { Null = { "s3:if-none-match" = "true" } }
      },
      # Each prefix has one writer: an object put into a closed hour by anyone else would be taken by the next
      # digest for a late delivery, so only the receiver may deliver late.
      merge({
        Sid       = "OnlyTheReceiverWritesLogs"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = ["${local.bucket_arn}/logs/*"]
      }, local.exempt_writer["logs"]),
      merge({
        Sid       = "OnlyTheDigesterWritesDigests"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = ["${local.bucket_arn}/digests/*"]
      }, local.exempt_writer["digests"]),
      merge({
        Sid       = "OnlyTheVerificationWritesProof"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = ["${local.bucket_arn}/proof/*"]
      }, local.exempt_writer["proof"]),
      {
        # Replication writes objects (and delete markers) with the replication role's rights: none comes in.
        Sid       = "NoReplicationIntoTheArchive"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
        Resource  = ["${local.bucket_arn}/*"]
      },
      # What would remove or hide history, or loosen what keeps it: the break-glass role only (with none
      # named, no one but the root user, and only by replacing this policy).
      merge({
        Sid       = "OnlyBreakGlassDeletesObjects"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:DeleteObject"]
        Resource  = ["${local.bucket_arn}/*"]
      }, local.exempt_break_glass),
      merge({
        Sid       = "OnlyBreakGlassRemovesVersionsOrRetention"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:DeleteObjectVersion", "s3:BypassGovernanceRetention", "s3:PutObjectRetention", "s3:PutObjectLegalHold"]
        Resource  = ["${local.bucket_arn}/*"]
      }, local.exempt_break_glass),
      merge({
        Sid       = "OnlyBreakGlassChangesTheBucket"
        Effect    = "Deny"
        Principal = "*"
        Action = [
          "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
          "s3:PutBucketObjectLockConfiguration", "s3:DeleteBucket",
        ]
        Resource = [local.bucket_arn]
      }, local.exempt_break_glass),
    ]
  }
}
