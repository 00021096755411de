terraform {
  # 1.11: cross-variable validation and `terraform test` mock providers as used here.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.100 is the newest 5.x. It predates `invoked_via_function_url` (6.29); see url.tf.
      version = "~> 5.100"
    }
  }
}
