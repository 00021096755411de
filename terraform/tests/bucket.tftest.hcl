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
    condition = (
      aws_s3_bucket_policy.logs.bucket == "acme-auditdrain-logs" &&
      [for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s if s.Sid == "DenyInsecureTransport"] == [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = ["arn:aws:s3:::acme-auditdrain-logs", "arn:aws:s3:::acme-auditdrain-logs/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    )
    error_message = "the bucket policy must deny s3:* on the bucket and its objects when aws:SecureTransport is false"
  }

  assert {
    # Governance mode by default, for as long as the lifecycle keeps the object.
    condition = (
      length(aws_s3_bucket_object_lock_configuration.logs) == 1 &&
      aws_s3_bucket_object_lock_configuration.logs[0].object_lock_enabled == "Enabled" &&
      one(one(aws_s3_bucket_object_lock_configuration.logs[0].rule).default_retention).mode == "GOVERNANCE" &&
      one(one(aws_s3_bucket_object_lock_configuration.logs[0].rule).default_retention).days == 90
    )
    error_message = "Object Lock must be on by default, GOVERNANCE mode, for retention_days"
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

run "object_lock_compliance_is_one_variable_and_its_days_follow_the_retention" {
  command = plan

  variables {
    retention_days = 400
    object_lock    = { mode = "COMPLIANCE" }
  }

  assert {
    # Enabled by the configuration resource, which S3 accepts on an existing bucket, never by
    # aws_s3_bucket.object_lock_enabled, whose change replaces the bucket. scripts/check-deploy applies it
    # to an existing bucket and checks that the bucket is kept.
    condition = (
      length(aws_s3_bucket_object_lock_configuration.logs) == 1 &&
      aws_s3_bucket_object_lock_configuration.logs[0].object_lock_enabled == "Enabled" &&
      one(one(aws_s3_bucket_object_lock_configuration.logs[0].rule).default_retention).mode == "COMPLIANCE" &&
      one(one(aws_s3_bucket_object_lock_configuration.logs[0].rule).default_retention).days == 400
    )
    error_message = "object_lock = { mode = COMPLIANCE } must lock every object in COMPLIANCE mode for retention_days"
  }
}

run "object_lock_days_can_be_shorter_than_the_retention" {
  command = plan

  variables {
    object_lock = { mode = "GOVERNANCE", days = 30 }
  }

  assert {
    condition     = one(one(aws_s3_bucket_object_lock_configuration.logs[0].rule).default_retention).days == 30
    error_message = "object_lock.days must set the default retention"
  }
}

run "object_lock_off_plans_no_configuration" {
  command = plan

  variables {
    object_lock = { mode = "OFF" }
  }

  assert {
    condition     = length(aws_s3_bucket_object_lock_configuration.logs) == 0
    error_message = "object_lock.mode = OFF must plan no Object Lock configuration"
  }
}

run "object_lock_longer_than_retention_is_refused" {
  command = plan

  variables {
    object_lock = { mode = "GOVERNANCE", days = 120 }
  }

  expect_failures = [var.object_lock]
}

run "object_lock_mode_must_be_governance_compliance_or_off" {
  command = plan

  variables {
    object_lock = { mode = "LEGAL", days = 30 }
  }

  expect_failures = [var.object_lock]
}

# The bucket policy grants nothing and fences everything else (docs/access-matrix.md evaluates it with the roles'
# policies; these runs hold its shape).
run "the_bucket_policy_only_denies_and_each_prefix_has_one_writer" {
  command = plan

  variables {
    digester_jar_path = "tests/fixtures/digester-placeholder.txt"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s.Effect == "Deny" && s.Principal == "*"
    ])
    error_message = "every statement of the bucket policy must be a Deny for every principal: it grants nothing"
  }

  assert {
    condition = [for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s if s.Sid == "DenyOverwrites"] == [{
      Sid       = "DenyOverwrites"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource = [
        "arn:aws:s3:::acme-auditdrain-logs/digests/*",
        "arn:aws:s3:::acme-auditdrain-logs/logs/*",
        "arn:aws:s3:::acme-auditdrain-logs/proof/*",
      ]
      Condition = { Null = { "s3:if-none-match" = "true" } }
    }]
    error_message = "a PUT without If-None-Match must be denied under every prefix of the archive"
  }

  assert {
    condition = (
      [for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s.Condition if s.Sid == "OnlyTheReceiverWritesLogs"] ==
      [{ ArnNotEquals = { "aws:PrincipalArn" = "arn:aws:iam::123456789012:role/auditdrain-receiver" } }] &&
      [for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s.Condition if s.Sid == "OnlyTheDigesterWritesDigests"] ==
      [{ ArnNotEquals = { "aws:PrincipalArn" = "arn:aws:iam::123456789012:role/auditdrain-digester" } }]
    )
    error_message = "logs/ must be written only by the receiver's role and digests/ only by the digester's"
  }

  assert {
    # No scheduled verification here: proof/ has no writer, so no one may write there.
    condition = [for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s if s.Sid == "OnlyTheVerificationWritesProof"] == [{
      Sid       = "OnlyTheVerificationWritesProof"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = ["arn:aws:s3:::acme-auditdrain-logs/proof/*"]
    }]
    error_message = "without the scheduled verification no one may write under proof/"
  }
}

run "without_a_break_glass_role_no_one_may_remove_history_or_change_the_bucket" {
  command = plan

  assert {
    condition = alltrue([
      for sid in ["OnlyBreakGlassDeletesObjects", "OnlyBreakGlassRemovesVersionsOrRetention", "OnlyBreakGlassChangesTheBucket"] :
      length([for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s if s.Sid == sid && !contains(keys(s), "Condition")]) == 1
    ])
    error_message = "without break_glass_role_arn the destructive actions must be denied to everyone, unconditionally"
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement : s.Action if startswith(s.Sid, "OnlyBreakGlass")
      ])) == toset([
      "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention", "s3:PutObjectRetention",
      "s3:PutObjectLegalHold", "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy",
      "s3:DeleteBucketPolicy", "s3:PutBucketObjectLockConfiguration", "s3:DeleteBucket",
    ])
    error_message = "the destructive actions differ from the list"
  }
}

run "a_named_break_glass_role_is_the_only_exception" {
  command = plan

  variables {
    break_glass_role_arn = "arn:aws:iam::123456789012:role/acme-break-glass"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement :
      s.Condition == { ArnNotEquals = { "aws:PrincipalArn" = "arn:aws:iam::123456789012:role/acme-break-glass" } }
      if startswith(s.Sid, "OnlyBreakGlass")
    ])
    error_message = "the destructive actions must be denied to every principal but the break-glass role"
  }
}

run "a_break_glass_role_must_be_a_role_arn" {
  command = plan

  variables {
    break_glass_role_arn = "arn:aws:sts::123456789012:assumed-role/acme-break-glass/alice"
  }

  expect_failures = [var.break_glass_role_arn]
}
