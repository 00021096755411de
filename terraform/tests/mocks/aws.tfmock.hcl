# Fixed values for the data sources, so that assertions can name the ARNs the policies are built from.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:sts::123456789012:assumed-role/deployer/terraform-session"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition = "aws"
  }
}

mock_data "aws_region" {
  defaults = {
    name = "us-east-1"
  }
}

mock_data "aws_iam_session_context" {
  defaults = {
    issuer_arn = "arn:aws:iam::123456789012:role/deployer"
  }
}

# Known at plan, so that plan-mode runs can read policies that name the created key.
mock_resource "aws_kms_key" {
  override_during = plan
  defaults = {
    arn    = "arn:aws:kms:us-east-1:123456789012:key/00000000-1111-2222-3333-444444444444"
    key_id = "00000000-1111-2222-3333-444444444444"
  }
}

mock_resource "aws_iam_role" {
  override_during = plan
  defaults = {
    arn = "arn:aws:iam::123456789012:role/auditdrain-receiver"
  }
}
