# The log bucket's guards, planned against a mocked provider (no AWS, no emulator).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  bucket_name = "acme-auditdrain-logs"
  jar_path    = "tests/fixtures/receiver-placeholder.txt"
}

run "bucket_defaults_are_versioned_private_encrypted_and_tls_only" {
  command = plan

  assert {
    condition     = aws_s3_bucket.logs.bucket == "acme-auditdrain-logs"
    error_message = "the bucket is not named after var.bucket_name"
  }

  assert {
    condition     = aws_s3_bucket_versioning.logs.versioning_configuration[0].status == "Enabled"
    error_message = "versioning must be Enabled"
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.logs.block_public_acls,
      aws_s3_bucket_public_access_block.logs.block_public_policy,
      aws_s3_bucket_public_access_block.logs.ignore_public_acls,
      aws_s3_bucket_public_access_block.logs.restrict_public_buckets,
    ])
    error_message = "all four public-access blocks must be on"
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.logs.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "object ownership must be BucketOwnerEnforced (ACLs off)"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.logs.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "default encryption must be SSE-S3 (AES256) without a KMS key"
  }

  assert {
    condition     = length(aws_s3_bucket_policy.tls_only) == 1
    error_message = "the TLS-only bucket policy must be on by default"
  }

  assert {
    condition = (
      jsondecode(aws_s3_bucket_policy.tls_only[0].policy).Statement[0].Effect == "Deny" &&
      jsondecode(aws_s3_bucket_policy.tls_only[0].policy).Statement[0].Action == "s3:*" &&
      jsondecode(aws_s3_bucket_policy.tls_only[0].policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" &&
      contains(jsondecode(aws_s3_bucket_policy.tls_only[0].policy).Statement[0].Resource, "arn:aws:s3:::acme-auditdrain-logs/*")
    )
    error_message = "the bucket policy must deny s3:* on the bucket and its objects when aws:SecureTransport is false"
  }

  assert {
    condition     = length(aws_s3_bucket_object_lock_configuration.logs) == 0
    error_message = "Object Lock must be off unless asked for"
  }
}

run "lifecycle_moves_to_standard_ia_at_30_days_and_expires_current_and_noncurrent_at_90" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.logs.rule) == 1
    error_message = "expected exactly one lifecycle rule"
  }

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.logs.rule[0].status == "Enabled" &&
      one(aws_s3_bucket_lifecycle_configuration.logs.rule[0].transition).days == 30 &&
      one(aws_s3_bucket_lifecycle_configuration.logs.rule[0].transition).storage_class == "STANDARD_IA" &&
      one(aws_s3_bucket_lifecycle_configuration.logs.rule[0].expiration).days == 90
    )
    error_message = "current versions must move to STANDARD_IA at 30 days and expire at 90"
  }

  assert {
    condition = (
      one(aws_s3_bucket_lifecycle_configuration.logs.rule[0].noncurrent_version_transition).noncurrent_days == 30 &&
      one(aws_s3_bucket_lifecycle_configuration.logs.rule[0].noncurrent_version_transition).storage_class == "STANDARD_IA" &&
      one(aws_s3_bucket_lifecycle_configuration.logs.rule[0].noncurrent_version_expiration).noncurrent_days == 90
    )
    error_message = "noncurrent versions must move to STANDARD_IA at 30 days and expire at 90"
  }
}

run "retention_is_configurable_above_the_floor" {
  command = plan

  variables {
    retention_days = 400
  }

  assert {
    condition = (
      one(aws_s3_bucket_lifecycle_configuration.logs.rule[0].expiration).days == 400 &&
      one(aws_s3_bucket_lifecycle_configuration.logs.rule[0].noncurrent_version_expiration).noncurrent_days == 400
    )
    error_message = "retention_days must drive both expirations"
  }
}

run "retention_below_the_90_day_floor_is_refused" {
  command = plan

  variables {
    retention_days = 60
  }

  expect_failures = [var.retention_days]
}

run "the_floor_can_be_lowered_explicitly" {
  command = plan

  variables {
    retention_days         = 60
    minimum_retention_days = 45
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.logs.rule[0].expiration).days == 60
    error_message = "an explicitly lowered floor must allow a shorter retention"
  }
}

run "kms_key_switches_default_encryption_to_sse_kms_and_lets_the_role_use_it" {
  command = plan

  variables {
    bucket_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = (
      one(one(aws_s3_bucket_server_side_encryption_configuration.logs.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
      one(one(aws_s3_bucket_server_side_encryption_configuration.logs.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.bucket_kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.logs.rule).bucket_key_enabled
    )
    error_message = "with a KMS key the bucket must default to SSE-KMS with that key and a bucket key"
  }

  assert {
    condition = contains(
      [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s if s.Sid == "EncryptLogObjects" && s.Action == ["kms:GenerateDataKey"] && s.Resource == [var.bucket_kms_key_arn]],
      { Sid = "EncryptLogObjects", Effect = "Allow", Action = ["kms:GenerateDataKey"], Resource = [var.bucket_kms_key_arn], Condition = { StringEquals = { "kms:ViaService" = "s3.us-east-1.amazonaws.com" } } }
    )
    error_message = "with a KMS key the role must be able to generate data keys from it, through S3 only"
  }
}

run "object_lock_sets_a_default_retention" {
  command = plan

  variables {
    object_lock = { mode = "COMPLIANCE", days = 90 }
  }

  assert {
    # Enabled by the configuration resource, which S3 accepts on an existing bucket, never by
    # aws_s3_bucket.object_lock_enabled, whose change replaces the bucket. scripts/check-deploy applies it
    # to a bucket that holds objects and checks that the bucket is kept.
    condition     = length(aws_s3_bucket_object_lock_configuration.logs) == 1 && aws_s3_bucket_object_lock_configuration.logs[0].object_lock_enabled == "Enabled"
    error_message = "object_lock must enable Object Lock through aws_s3_bucket_object_lock_configuration"
  }

  assert {
    condition = (
      one(one(aws_s3_bucket_object_lock_configuration.logs[0].rule).default_retention).mode == "COMPLIANCE" &&
      one(one(aws_s3_bucket_object_lock_configuration.logs[0].rule).default_retention).days == 90
    )
    error_message = "the default retention must be the requested mode and days"
  }
}

run "object_lock_longer_than_retention_is_refused" {
  command = plan

  variables {
    object_lock = { mode = "GOVERNANCE", days = 120 }
  }

  expect_failures = [var.object_lock]
}

run "object_lock_mode_must_be_governance_or_compliance" {
  command = plan

  variables {
    object_lock = { mode = "LEGAL", days = 30 }
  }

  expect_failures = [var.object_lock]
}

run "tls_only_policy_can_be_left_out_for_emulators" {
  command = plan

  variables {
    tls_only_policy = false
  }

  assert {
    condition     = length(aws_s3_bucket_policy.tls_only) == 0
    error_message = "tls_only_policy = false must plan no bucket policy"
  }
}
