# The function, its alias and the public Function URL.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  bucket_name = "acme-auditdrain-logs"
  jar_path    = "tests/fixtures/receiver-placeholder.txt"
}

run "function_runs_the_receiver_jar_on_java21_with_snapstart" {
  command = plan

  assert {
    condition = (
      aws_lambda_function.receiver.runtime == "java21" &&
      aws_lambda_function.receiver.handler == "io.auditdrain.receiver.lambda.FunctionUrlHandler::handleRequest" &&
      one(aws_lambda_function.receiver.architectures) == "arm64" &&
      aws_lambda_function.receiver.memory_size == 1024 &&
      aws_lambda_function.receiver.timeout == 10
    )
    error_message = "the function must be java21, the contract's handler, arm64, 1024 MB, 10 s by default"
  }

  assert {
    condition     = aws_lambda_function.receiver.source_code_hash == filebase64sha256("tests/fixtures/receiver-placeholder.txt")
    error_message = "source_code_hash must follow the jar's content, so that a new build deploys"
  }

  assert {
    condition     = aws_lambda_function.receiver.publish && one(aws_lambda_function.receiver.snap_start).apply_on == "PublishedVersions"
    error_message = "SnapStart must be on for published versions, and every deploy must publish one"
  }

  assert {
    condition     = aws_lambda_alias.live.name == "live"
    error_message = "the alias must be called live"
  }
}

run "function_is_configured_by_environment_per_the_contract" {
  command = plan

  variables {
    credentials_ttl_seconds = 30
    gzip_level              = 9
  }

  assert {
    condition = aws_lambda_function.receiver.environment[0].variables == tomap({
      AUDITDRAIN_STORE                   = "s3://acme-auditdrain-logs"
      AUDITDRAIN_CREDENTIALS             = "ssm:/auditdrain/apps"
      AUDITDRAIN_CREDENTIALS_TTL_SECONDS = "30"
      AUDITDRAIN_GZIP_LEVEL              = "9"
      AUDITDRAIN_METRICS_NAMESPACE       = "AuditDrain"
      JAVA_TOOL_OPTIONS                  = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
    })
    error_message = "unexpected environment: ${jsonencode(aws_lambda_function.receiver.environment[0].variables)}"
  }
}

run "empty_java_tool_options_sets_none" {
  command = plan

  variables {
    java_tool_options = ""
  }

  assert {
    condition     = !contains(keys(aws_lambda_function.receiver.environment[0].variables), "JAVA_TOOL_OPTIONS")
    error_message = "an empty java_tool_options must not set JAVA_TOOL_OPTIONS"
  }
}

run "architecture_and_memory_are_variables" {
  command = plan

  variables {
    architecture = "x86_64"
    memory_mb    = 1024
  }

  assert {
    condition     = one(aws_lambda_function.receiver.architectures) == "x86_64" && aws_lambda_function.receiver.memory_size == 1024
    error_message = "architecture and memory_mb must reach the function"
  }
}

run "snapstart_can_be_turned_off_for_emulators" {
  command = plan

  variables {
    snapstart = false
  }

  assert {
    condition     = length(aws_lambda_function.receiver.snap_start) == 0
    error_message = "snapstart = false must plan no snap_start block"
  }
}

run "url_is_public_on_the_live_alias_and_terraform_grants_no_unconditioned_invoke" {
  command = plan

  assert {
    condition     = aws_lambda_function_url.receiver.authorization_type == "NONE" && aws_lambda_function_url.receiver.qualifier == "live"
    error_message = "the Function URL must be on the live alias with auth NONE (Heroku cannot sign requests)"
  }

  assert {
    condition = (
      aws_lambda_permission.url_invoke_url.action == "lambda:InvokeFunctionUrl" &&
      aws_lambda_permission.url_invoke_url.principal == "*" &&
      aws_lambda_permission.url_invoke_url.function_url_auth_type == "NONE" &&
      aws_lambda_permission.url_invoke_url.qualifier == "live"
    )
    error_message = "the resource policy must allow lambda:InvokeFunctionUrl to everyone for auth type NONE on the alias"
  }

  # lambda:InvokeFunction for the URL needs the condition lambda:InvokedViaFunctionUrl, which provider 5.x
  # cannot set: scripts/deploy adds that statement and scripts/check-deploy asserts it. A statement
  # planned here would let anyone invoke the alias directly.

}

run "log_group_is_the_functions_own_with_retention" {
  command = plan

  variables {
    log_retention_days = 365
  }

  assert {
    condition     = aws_cloudwatch_log_group.receiver.name == "/aws/lambda/auditdrain" && aws_cloudwatch_log_group.receiver.retention_in_days == 365
    error_message = "the log group must be /aws/lambda/<name> with the requested retention"
  }
}

run "concurrency_is_unreserved_by_default_and_can_be_capped" {
  command = plan

  assert {
    condition     = aws_lambda_function.receiver.reserved_concurrent_executions == -1
    error_message = "by default the function must not reserve concurrency"
  }
}

run "reserved_concurrency_reaches_the_function" {
  command = plan

  variables {
    reserved_concurrency = 5
  }

  assert {
    condition     = aws_lambda_function.receiver.reserved_concurrent_executions == 5
    error_message = "reserved_concurrency must reach the function"
  }
}

run "reserved_concurrency_of_zero_is_refused" {
  command = plan

  variables {
    reserved_concurrency = 0
  }

  expect_failures = [var.reserved_concurrency]
}
