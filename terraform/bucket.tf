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
  count  = var.object_lock == null ? 0 : 1
  bucket = aws_s3_bucket.logs.bucket

  # Enables Object Lock on the bucket, new or existing, in place. Once enabled, S3 never lets anyone
  # disable it or suspend versioning again.
  object_lock_enabled = "Enabled"

  # S3 enables Object Lock only on a versioned bucket.
  depends_on = [aws_s3_bucket_versioning.logs]

  rule {
    default_retention {
      mode = var.object_lock.mode
      days = var.object_lock.days
    }
  }
}

# Deny anything not sent over TLS, for every principal, the account's own included.
resource "aws_s3_bucket_policy" "tls_only" {
  count  = var.tls_only_policy ? 1 : 0
  bucket = aws_s3_bucket.logs.bucket
  policy = jsonencode(local.tls_only_policy)

  # Applying a policy while the public-access block is being written can fail with 409 on AWS.
  depends_on = [aws_s3_bucket_public_access_block.logs]
}

locals {
  tls_only_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  }
}
