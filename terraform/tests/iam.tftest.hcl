# The receiver's role allows exactly what it needs and nothing more. Asserted on the policy document's
# statements, which are known at plan time (their ARNs are built from names, not resource attributes).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  bucket_name = "acme-auditdrain-logs"
  jar_path    = "tests/fixtures/receiver-placeholder.txt"
}

run "role_policy_allows_only_the_listed_actions" {
  command = plan

  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Action])) == toset([
      "s3:PutObject",
      "ssm:GetParameter",
      "ssm:GetParameters",
      "kms:Decrypt",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ])
    error_message = "the role policy's actions differ from the allowed list: ${jsonencode(flatten([for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Action]))}"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement :
      s.Effect == "Allow" && contains([["Action", "Effect", "Resource", "Sid"], ["Action", "Condition", "Effect", "Resource", "Sid"]], keys(s))
    ])
    error_message = "every statement must be a plain Allow with Action and Resource (no NotAction, NotResource or Principal)"
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : [for a in s.Action : !strcontains(a, "*")]
    ]))
    error_message = "no action may be a wildcard"
  }
}

run "each_statement_is_scoped_to_its_own_resources" {
  command = plan

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Resource if s.Sid == "WriteNewLogObjects"] == [["arn:aws:s3:::acme-auditdrain-logs/logs/*"]]
    error_message = "s3:PutObject must be allowed only under logs/ of the log bucket"
  }

  assert {
    # AWS's condition key for conditional writes: Null = false means the request must carry
    # If-None-Match, so a PUT that could overwrite an object is denied (S3 user guide, "Enforce
    # conditional writes on Amazon S3 buckets").
    condition     = [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Condition if s.Sid == "WriteNewLogObjects"] == [{ Null = { "s3:if-none-match" = "false" } }]
    error_message = "s3:PutObject must require the If-None-Match header (condition key s3:if-none-match)"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Resource if s.Sid == "ReadAppCredentials"] == [[
      "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/apps/*/secret",
      "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/apps/*/secret-previous",
    ]]
    error_message = "SSM reads must be limited to <prefix>/<app>/secret and secret-previous (never drain-url)"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Condition if s.Sid == "DecryptAppCredentials"] == [{
      StringEquals = { "kms:ViaService" = "ssm.us-east-1.amazonaws.com" }
      StringLike   = { "kms:EncryptionContext:PARAMETER_ARN" = "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/apps/*" }
    }]
    error_message = "kms:Decrypt must be limited to SSM calls for parameters under the prefix"
  }


  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Resource if s.Sid == "WriteOwnLogs"] == [["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/auditdrain:*"]]
    error_message = "log writes must be limited to the function's own log group"
  }
}

run "a_custom_prefix_and_ssm_key_narrow_the_grants_to_them" {
  command = plan

  variables {
    parameter_prefix = "/acme/drains"
    ssm_kms_key_arn  = "arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Resource if s.Sid == "DecryptAppCredentials"] == [[var.ssm_kms_key_arn]]
    error_message = "with ssm_kms_key_arn, kms:Decrypt must name that key only"
  }

  assert {
    condition     = alltrue([for r in flatten([for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Resource if s.Sid == "ReadAppCredentials"]) : startswith(r, "arn:aws:ssm:us-east-1:123456789012:parameter/acme/drains/")])
    error_message = "SSM reads must follow parameter_prefix"
  }

  assert {
    condition     = aws_lambda_function.receiver.environment[0].variables["AUDITDRAIN_CREDENTIALS"] == "ssm:/acme/drains"
    error_message = "the receiver must be told the same prefix"
  }
}

run "by_default_the_secrets_get_a_key_only_the_receiver_and_the_operators_may_use" {
  # The mocked key and role ARNs are known at plan (tests/mocks: override_during = plan).
  command = plan

  assert {
    condition     = length(aws_kms_key.drain_secrets) == 1 && aws_kms_key.drain_secrets[0].enable_key_rotation
    error_message = "without ssm_kms_key_arn a customer managed key with rotation must be created"
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Resource if s.Sid == "DecryptAppCredentials"] == [[aws_kms_key.drain_secrets[0].arn]]
    error_message = "the receiver may decrypt with the created key only"
  }

  assert {
    condition     = output.ssm_kms_key_arn == aws_kms_key.drain_secrets[0].arn
    error_message = "the scripts must be told the created key"
  }

  assert {
    # Nobody but the receiver's role and the operators may use the key for data, and only through SSM
    # for parameters under the prefix. The account root keeps administration (no Encrypt or Decrypt).
    condition = alltrue([
      for s in jsondecode(aws_kms_key.drain_secrets[0].policy).Statement :
      length(setintersection(toset(s.Action), toset(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt*", "kms:*"]))) == 0 ||
      (contains(["ReceiverDecryptsSecrets", "OperatorsWriteAndReadSecrets"], s.Sid) &&
        try(s.Condition.StringEquals["kms:ViaService"], "") == "ssm.us-east-1.amazonaws.com" &&
      try(s.Condition.StringLike["kms:EncryptionContext:PARAMETER_ARN"], "") == "arn:aws:ssm:us-east-1:123456789012:parameter/auditdrain/apps/*")
    ])
    error_message = "a key policy statement grants data use of the key outside the receiver and the operators through SSM"
  }

  assert {
    condition = (
      [for s in jsondecode(aws_kms_key.drain_secrets[0].policy).Statement : s.Principal.AWS if s.Sid == "ReceiverDecryptsSecrets"] == [aws_iam_role.receiver.arn] &&
      [for s in jsondecode(aws_kms_key.drain_secrets[0].policy).Statement : s.Action if s.Sid == "ReceiverDecryptsSecrets"] == [["kms:Decrypt"]]
    )
    error_message = "the receiver's role may only decrypt"
  }

  assert {
    condition     = [for s in jsondecode(aws_kms_key.drain_secrets[0].policy).Statement : s.Principal.AWS if s.Sid == "OperatorsWriteAndReadSecrets"] == [["arn:aws:iam::123456789012:role/deployer"]]
    error_message = "without secret_operator_arns, the principal that applies is the operator"
  }
}

run "named_operators_replace_the_deployer" {
  command = plan

  variables {
    secret_operator_arns = ["arn:aws:iam::123456789012:role/secrets-admin", "arn:aws:iam::123456789012:role/oncall"]
  }

  assert {
    condition     = [for s in jsondecode(aws_kms_key.drain_secrets[0].policy).Statement : s.Principal.AWS if s.Sid == "OperatorsWriteAndReadSecrets"] == [["arn:aws:iam::123456789012:role/oncall", "arn:aws:iam::123456789012:role/secrets-admin"]]
    error_message = "the named operators, and only they, may use the key"
  }
}

run "a_key_alias_is_not_a_key_arn" {
  command = plan

  variables {
    ssm_kms_key_arn = "alias/aws/ssm"
  }

  expect_failures = [var.ssm_kms_key_arn]
}

run "only_lambda_can_assume_the_role" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role.receiver.assume_role_policy).Statement == [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
    error_message = "the trust policy must let only the Lambda service assume the role"
  }
}

run "a_parameter_prefix_must_be_an_absolute_path" {
  command = plan

  variables {
    parameter_prefix = "auditdrain/apps/"
  }

  expect_failures = [var.parameter_prefix]
}
