# The auditor's role reads the archive and the digests' public key, and nothing else.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  bucket_name       = "acme-auditdrain-logs"
  jar_path          = "tests/fixtures/receiver-placeholder.txt"
  digester_jar_path = "tests/fixtures/digester-placeholder.txt"
}

run "the_auditor_may_list_and_read_the_archive_and_read_the_public_key_only" {
  command = plan

  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.auditor.policy).Statement : s.Action])) == toset([
      "s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion", "ssm:GetParameterHistory",
      "kms:GetPublicKey",
    ])
    error_message = "the auditor's actions differ from the allowed list: ${jsonencode(flatten([for s in jsondecode(aws_iam_role_policy.auditor.policy).Statement : s.Action]))}"
  }

  assert {
    condition = (
      [for s in jsondecode(aws_iam_role_policy.auditor.policy).Statement : s.Resource if s.Sid == "ReadArchive"] == [[
        "arn:aws:s3:::acme-auditdrain-logs/digests/*",
        "arn:aws:s3:::acme-auditdrain-logs/logs/*",
        "arn:aws:s3:::acme-auditdrain-logs/proof/*",
      ]] &&
      [for s in jsondecode(aws_iam_role_policy.auditor.policy).Statement : s.Condition if s.Sid == "ListArchive"] == [
        { StringLike = { "s3:prefix" = ["digests/*", "logs/*", "proof/*"] } }
      ] &&
      [for s in jsondecode(aws_iam_role_policy.auditor.policy).Statement : s.Resource if s.Sid == "ReadDigestPublicKey"] == [[
        aws_kms_key.digests[0].arn
      ]] &&
      [for s in jsondecode(aws_iam_role_policy.auditor.policy).Statement : s.Resource if s.Sid == "ReadCredentialRotations"] == [[
        "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/apps/*/secret",
        "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/apps/*/secret-previous",
      ]]
    )
    error_message = "the auditor must read and list only logs/, digests/ and proof/, read only the digest key's public key, and read the history of the drain secrets only (never drain-url)"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.auditor.policy).Statement :
      s.Effect == "Allow" && alltrue([for a in s.Action : !strcontains(a, "*")])
    ])
    error_message = "every statement must be an Allow of named actions"
  }

  assert {
    condition     = jsondecode(aws_iam_role.auditor.assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::123456789012:root"]
    error_message = "without auditor_principal_arns the account's own principals (through their IAM policies) may assume the role"
  }

  assert {
    condition     = output.auditor_role_arn == aws_iam_role.auditor.arn
    error_message = "the auditor role's ARN must be an output"
  }
}

run "named_auditors_alone_may_assume_the_role" {
  command = plan

  variables {
    auditor_principal_arns = ["arn:aws:iam::210987654321:role/external-auditor"]
  }

  assert {
    condition     = jsondecode(aws_iam_role.auditor.assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::210987654321:role/external-auditor"]
    error_message = "auditor_principal_arns must be the trust policy's only principals"
  }
}

run "with_the_scheduled_verification_the_auditor_also_reads_when_its_database_url_was_rotated" {
  command = plan

  variables {
    verifier_app      = "acme-api-prod"
    verifier_jar_path = "tests/fixtures/receiver-placeholder.txt"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.auditor.policy).Statement : s.Resource if s.Sid == "ReadCredentialRotations"] == [[
      "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/apps/*/secret",
      "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/apps/*/secret-previous",
      "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/verifier/database-url",
    ]]
    error_message = "attest --rotations reads the verifier's database URL history too: ${jsonencode([for s in jsondecode(aws_iam_role_policy.auditor.policy).Statement : s.Resource if s.Sid == "ReadCredentialRotations"])}"
  }
}
