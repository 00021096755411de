# A root for applying the module to moto's server on loopback (scripts/check-deploy drives it).
# Only what the emulator needs differs from production: the endpoints, fixed fake credentials, and one
# module input (SnapStart, see below). Never point this root at a real account.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # The state path is given at init (-backend-config=path=...), outside the source tree.
  backend "local" {}
}

variable "endpoint" {
  description = "moto's server, e.g. http://127.0.0.1:5123."
  type        = string

  validation {
    condition     = can(regex("^http://(127\\.[0-9.]+|localhost|\\[::1\\]):[0-9]+$", var.endpoint))
    error_message = "endpoint must be an emulator on loopback."
  }
}

variable "jar_path" {
  description = "A placeholder zip standing in for the receiver jar (moto stores it and never runs it)."
  type        = string
}

variable "digester_jar_path" {
  description = "A placeholder zip standing in for the digester jar."
  type        = string
}

# Off by default in the module; on here, so that the apply to moto creates and reads back the table.
variable "glue_table" {
  type    = bool
  default = true
}

# Defaults to what moto can take; scripts/check-deploy turns it on for a plan-only inventory.
variable "snapstart" {
  type    = bool
  default = false
}

variable "apps" {
  type    = set(string)
  default = []
}

# The scheduled verification, on in scripts/check-deploy's runs; moto stores the placeholder jar and never runs it.
variable "verifier_app" {
  type    = string
  default = null
}

variable "verifier_jar_path" {
  type    = string
  default = null
}

# null: the module's default (GOVERNANCE). scripts/check-deploy applies first with { mode = "OFF" }, as a bucket
# from before that default, then without, to prove that Object Lock is turned on in place.
variable "object_lock" {
  type = object({
    mode = string
    days = optional(number)
  })
  default = null
}

# The break-glass role and the secret operators that scripts/check-deploy names, so that the access matrix has them.
variable "break_glass_role_arn" {
  type    = string
  default = null
}

variable "secret_operator_arns" {
  type    = set(string)
  default = []
}

provider "aws" {
  region     = "us-east-1"
  access_key = "emulator"
  secret_key = "emulator"

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    cloudwatch = var.endpoint
    events     = var.endpoint
    glue       = var.endpoint
    iam        = var.endpoint
    kms        = var.endpoint
    lambda     = var.endpoint
    logs       = var.endpoint
    s3         = var.endpoint
    sns        = var.endpoint
    ssm        = var.endpoint
    sts        = var.endpoint
  }
}

module "auditdrain" {
  source = "../.."

  bucket_name       = "auditdrain-emulator-logs"
  jar_path          = var.jar_path
  digester_jar_path = var.digester_jar_path
  glue_table        = var.glue_table
  apps              = var.apps
  object_lock       = var.object_lock

  break_glass_role_arn = var.break_glass_role_arn
  secret_operator_arns = var.secret_operator_arns

  verifier_app      = var.verifier_app
  verifier_jar_path = var.verifier_jar_path

  # The bucket policy is applied as in production: moto enforces a bucket policy only on object requests (and
  # its Deny statements without their conditions), and nothing in this run reads or writes an object.

  # moto accepts SnapStart but does not keep it (it reads back ApplyOn = None), so every plan after the
  # apply would show a change. SnapStart is asserted by the plan-mode tests (tests/function.tftest.hcl).
  snapstart = var.snapstart
}

output "function_url" {
  value = module.auditdrain.function_url
}

output "function_url_host" {
  value = module.auditdrain.function_url_host
}

output "function_name" {
  value = module.auditdrain.function_name
}

output "function_version" {
  value = module.auditdrain.function_version
}

output "bucket_name" {
  value = module.auditdrain.bucket_name
}

output "parameter_prefix" {
  value = module.auditdrain.parameter_prefix
}

output "log_group_name" {
  value = module.auditdrain.log_group_name
}

output "alarm_topic_arn" {
  value = module.auditdrain.alarm_topic_arn
}

output "ssm_kms_key_arn" {
  value = module.auditdrain.ssm_kms_key_arn
}

output "role_arn" {
  value = module.auditdrain.role_arn
}

output "auditor_role_arn" {
  value = module.auditdrain.auditor_role_arn
}

output "silence_alarm_names" {
  value = module.auditdrain.silence_alarm_names
}

output "verifier_function_name" {
  value = module.auditdrain.verifier_function_name
}

output "verifier_alarm_names" {
  value = module.auditdrain.verifier_alarm_names
}

output "digest_key_arn" {
  value = module.auditdrain.digest_key_arn
}

output "digester_function_name" {
  value = module.auditdrain.digester_function_name
}

output "glue_table_name" {
  value = module.auditdrain.glue_table_name
}
