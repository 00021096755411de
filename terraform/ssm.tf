# Per-app credentials live in SSM Parameter Store as SecureString, under var.parameter_prefix:
#   <prefix>/<app>/secret           the current secret (read by the receiver)
#   <prefix>/<app>/secret-previous  the secret before a rotation, accepted until retired (read by the receiver)
#   <prefix>/<app>/drain-url        https://<app>:<secret>@<host>/logs for `heroku drains:add` (operators only)
#
# Terraform deliberately creates none of them: a secret written through Terraform is kept in its state in
# plain text. scripts/add-app, rotate-app, retire-previous and revoke-app manage them with the aws CLI,
# and the receiver picks changes up within credentials_ttl_seconds, without a deploy.

locals {
  # An SSM parameter ARN is ...:parameter/<name without its leading slash>; the prefix starts with one.
  parameter_arn_prefix = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.parameter_prefix}"

  credential_parameter_arns = [
    "${local.parameter_arn_prefix}/*/secret",
    "${local.parameter_arn_prefix}/*/secret-previous",
  ]
}
