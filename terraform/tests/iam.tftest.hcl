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
    condition     = [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Resource if s.Sid == "WriteLogObjects"] == [["arn:aws:s3:::acme-auditdrain-logs/logs/*"]]
    error_message = "s3:PutObject must be allowed only under logs/ of the log bucket"
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
    condition     = [for s in jsondecode(aws_iam_role_policy.receiver.policy).Statement : s.Resource if s.Sid == "DecryptAppCredentials"] == [["arn:aws:kms:us-east-1:123456789012:key/*"]]
    error_message = "without ssm_kms_key_arn, kms:Decrypt must be limited to the account's keys in the region"
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
