# Inputs of the auditdrain module. terraform/README.md has the same list as a table: keep both in step.

# --- naming and placement ---------------------------------------------------

variable "name" {
  description = "Name of the function, its role, log group, alarm topic and alarm prefix."
  type        = string
  default     = "auditdrain"

  validation {
    # The longest derived name is the role (<name>-receiver) and IAM allows 64 characters.
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1 to 48 letters, digits, '-' or '_'."
  }
}

variable "bucket_name" {
  description = "Name of the S3 bucket that receives the drained logs (created by this module)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3 to 63 lower-case letters, digits, '.' or '-'."
  }
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
}

# --- the function -----------------------------------------------------------

variable "jar_path" {
  description = "Path of the receiver's shaded jar (receiver/target/auditdrain-receiver.jar, built by scripts/build)."
  type        = string
}

variable "architecture" {
  description = "Lambda instruction set: arm64 (cheaper per ms) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_mb" {
  description = "Function memory in MB; Lambda gives CPU in proportion (one vCPU at 1769). At 1024 an on-demand cold start to the first stored object took 2.5 s of Logplex's 5 s in the sized bench; at 512, 4.3 s, past the receiver's 4 s deadline (README: Performance)."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory_mb >= 256 && var.memory_mb <= 10240
    error_message = "memory_mb must be between 256 and 10240."
  }
}

variable "timeout_seconds" {
  description = "Function timeout. Logplex gives up after about 5 s and retries the same batch, so finishing a slow write later is harmless."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout_seconds >= 3 && var.timeout_seconds <= 60
    error_message = "timeout_seconds must be between 3 and 60."
  }
}

variable "snapstart" {
  description = "SnapStart on published versions (cold starts inside Logplex's 5 s budget). Only emulator runs turn it off."
  type        = bool
  default     = true
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions for the function; null leaves it unreserved. When all are busy Lambda answers 429, which Logplex retries."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrency == null ? true : var.reserved_concurrency >= 1
    error_message = "reserved_concurrency must be null or at least 1 (0 would stop the function)."
  }
}

variable "java_tool_options" {
  description = "JAVA_TOOL_OPTIONS for the function; empty sets none. C1 only starts faster, which suits short requests."
  type        = string
  default     = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
}

variable "credentials_ttl_seconds" {
  description = "AUDITDRAIN_CREDENTIALS_TTL_SECONDS: how long the receiver trusts a loaded credential; also how long add, rotate and revoke take to apply."
  type        = number
  default     = 60

  validation {
    condition     = var.credentials_ttl_seconds >= 1 && var.credentials_ttl_seconds <= 3600
    error_message = "credentials_ttl_seconds must be between 1 and 3600."
  }
}

variable "gzip_level" {
  description = "AUDITDRAIN_GZIP_LEVEL, 1 (fastest) to 9 (smallest)."
  type        = number
  default     = 6

  validation {
    condition     = var.gzip_level >= 1 && var.gzip_level <= 9
    error_message = "gzip_level must be between 1 and 9."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the receiver's metrics (AUDITDRAIN_METRICS_NAMESPACE), read by the alarms."
  type        = string
  default     = "AuditDrain"
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group (request logs, no message bodies)."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

# --- per-app credentials in SSM ---------------------------------------------

variable "parameter_prefix" {
  description = "SSM path under which the scripts keep <app>/secret, <app>/secret-previous and <app>/drain-url (AUDITDRAIN_CREDENTIALS=ssm:<prefix>)."
  type        = string
  default     = "/auditdrain/apps"

  validation {
    condition     = can(regex("^(/[A-Za-z0-9_.-]+)+$", var.parameter_prefix))
    error_message = "parameter_prefix must be an absolute SSM path without a trailing slash, e.g. /auditdrain/apps."
  }
}

variable "ssm_kms_key_arn" {
  description = "ARN of an existing customer managed KMS key for the drain secrets; null (the default) creates one (kms.tf) whose policy lets only the receiver's role and secret_operator_arns use it. Never the AWS managed aws/ssm, which every principal in the account may use."
  type        = string
  default     = null

  validation {
    condition     = var.ssm_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$", var.ssm_kms_key_arn))
    error_message = "ssm_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias: IAM grants kms:Decrypt on key ARNs."
  }
}

variable "secret_operator_arns" {
  description = "IAM role or user ARNs that may write and read the drain secrets (scripts/add-app, rotate-app, drain-url) through the created key; empty means the principal that runs terraform apply."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.secret_operator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "secret_operator_arns must be IAM role or user ARNs (arn:aws:iam::<account>:role/<name>); a key policy cannot name an assumed-role session."
  }
}

# --- the bucket -------------------------------------------------------------

variable "retention_days" {
  description = "Days a log object (and any noncurrent version of one) is kept before it expires."
  type        = number
  default     = 90

  validation {
    condition     = var.retention_days >= var.minimum_retention_days
    error_message = "retention_days is below minimum_retention_days (the compliance floor)."
  }

  validation {
    condition     = var.retention_days > var.ia_transition_days
    error_message = "retention_days must be greater than ia_transition_days (S3 rejects expiry before the transition)."
  }
}

variable "minimum_retention_days" {
  description = "Floor that retention_days is validated against. Lower it only with your auditor's agreement: the verifier's doctor checks 90 by default."
  type        = number
  default     = 90

  validation {
    condition     = var.minimum_retention_days >= 1
    error_message = "minimum_retention_days must be at least 1."
  }
}

variable "ia_transition_days" {
  description = "Days after which objects (and noncurrent versions) move to STANDARD_IA. S3 keeps objects under 128 KiB in STANDARD."
  type        = number
  default     = 30

  validation {
    condition     = var.ia_transition_days >= 30
    error_message = "ia_transition_days must be at least 30 (the STANDARD_IA minimum)."
  }
}

variable "bucket_kms_key_arn" {
  description = "ARN of a customer managed KMS key for the bucket's default encryption (SSE-KMS); null means SSE-S3 (AES256)."
  type        = string
  default     = null
}

variable "object_lock" {
  description = "S3 Object Lock default retention of every object written: mode GOVERNANCE (the default: no one can delete a version or shorten its retention before it expires without s3:BypassGovernanceRetention, which the bucket policy denies to all but break_glass_role_arn), COMPLIANCE (no one at all, the root user included, until it expires) or OFF (only for a bucket that never had it: S3 never turns it off). days defaults to retention_days. Turning it on for an existing bucket enables it in place; the bucket is never replaced."
  type = object({
    mode = string
    days = optional(number)
  })
  default  = { mode = "GOVERNANCE" }
  nullable = false

  validation {
    condition     = contains(["GOVERNANCE", "COMPLIANCE", "OFF"], var.object_lock.mode)
    error_message = "object_lock.mode must be GOVERNANCE, COMPLIANCE or OFF."
  }

  validation {
    condition     = try(var.object_lock.days >= 1 && var.object_lock.days <= var.retention_days, var.object_lock.days == null)
    error_message = "object_lock.days must be between 1 and retention_days (or left out: retention_days)."
  }
}

variable "break_glass_role_arn" {
  description = "The one IAM role the bucket policy lets delete objects or versions, bypass or change Object Lock retention, and change versioning, the lifecycle, Object Lock or the policy itself (docs/deploy.md, break glass). null: no role may; only the account's root user can then replace the policy."
  type        = string
  default     = null

  validation {
    condition     = var.break_glass_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_-]+$", var.break_glass_role_arn))
    error_message = "break_glass_role_arn must be an IAM role ARN without a path (arn:aws:iam::<account>:role/<name>): the policy compares it with aws:PrincipalArn."
  }
}

variable "auditor_principal_arns" {
  description = "Who may assume the auditor role (read the archive and the digests' public key, nothing else); empty means any principal of this account that its own IAM policy allows sts:AssumeRole on the role."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.auditor_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role/.+|user/.+|root)$", arn))])
    error_message = "auditor_principal_arns must be IAM role, user or account root ARNs."
  }
}

# --- alarms -----------------------------------------------------------------

variable "apps" {
  description = "Heroku app names that drain here; each gets an alarm when its drain is silent for 15 minutes, and the receiver reads their credentials ahead of unknown names (AUDITDRAIN_APPS). Credentials are made by scripts/add-app, not here."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for app in var.apps : can(regex("^[a-z][a-z0-9-]{1,28}[a-z0-9]$", app))])
    error_message = "Every app must be a Heroku app name: [a-z][a-z0-9-]{1,28}[a-z0-9]."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = set(string)
  default     = []
}

# --- scheduled verification (verifier_schedule.tf) -------------------------

variable "verifier_app" {
  description = "Heroku app whose drain the scheduled verification proves (smoke and doctor every verifier_interval_minutes, with alarms); null leaves it off. Its database URL must first be written with scripts/set-verifier-url."
  type        = string
  default     = null

  validation {
    condition     = var.verifier_app == null || can(regex("^[a-z][a-z0-9-]{1,28}[a-z0-9]$", var.verifier_app))
    error_message = "verifier_app must be a Heroku app name: [a-z][a-z0-9-]{1,28}[a-z0-9]."
  }
}

variable "verifier_jar_path" {
  description = "Path of the verifier's shaded jar, which is also the scheduled function; null means verifier/target/auditdrain-verifier.jar beside this module (scripts/build --verifier)."
  type        = string
  default     = null
}

variable "verifier_interval_minutes" {
  description = "Minutes between scheduled runs; also the alarms' period (the stopped alarm waits two)."
  type        = number
  default     = 15

  validation {
    condition     = var.verifier_interval_minutes >= 5 && var.verifier_interval_minutes <= 720 && floor(var.verifier_interval_minutes) == var.verifier_interval_minutes
    error_message = "verifier_interval_minutes must be a whole number from 5 to 720."
  }
}

variable "verifier_database_url_parameter" {
  description = "SSM SecureString holding the restricted role's database URL, which scripts/set-verifier-url writes (never Terraform); the function may read this parameter only."
  type        = string
  default     = "/auditdrain/verifier/database-url"

  validation {
    condition     = can(regex("^(/[A-Za-z0-9_.-]+)+$", var.verifier_database_url_parameter))
    error_message = "verifier_database_url_parameter must be an absolute SSM path, e.g. /auditdrain/verifier/database-url."
  }
}

variable "verifier_writers_window" {
  description = "How far back each run's writers check reads the archive. An hour, read every 15 minutes, sees every write four times at a quarter of the reading a 24 h window costs; run doctor by hand for a longer look."
  type        = string
  default     = "1h"

  validation {
    condition     = can(regex("^[0-9]{1,9}(ms|s|m|h)?$", var.verifier_writers_window))
    error_message = "verifier_writers_window must be a duration such as 1h, 90m or 3600s."
  }
}

variable "verifier_timeout_seconds" {
  description = "The scheduled function's timeout: smoke waits up to 120 s for its tracer (AUDITDRAIN_SMOKE_TIMEOUT), then doctor runs."
  type        = number
  default     = 300

  validation {
    condition     = var.verifier_timeout_seconds >= 180 && var.verifier_timeout_seconds <= 900
    error_message = "verifier_timeout_seconds must be between 180 and 900."
  }
}

variable "verifier_memory_mb" {
  description = "The scheduled function's memory in MB (CPU grows with it; the writers check decompresses the window's objects)."
  type        = number
  default     = 1024

  validation {
    condition     = var.verifier_memory_mb >= 512 && var.verifier_memory_mb <= 10240
    error_message = "verifier_memory_mb must be between 512 and 10240."
  }
}

variable "verifier_environment" {
  description = "More verifier variables for the scheduled run, for a schema other than the reference one: AUDITDRAIN_AUDIT_TABLES, AUDITDRAIN_HISTORY_TRIGGERS (both add to what doctor finds), AUDITDRAIN_PROBE_VALUES (values the capture probe cannot choose itself), AUDITDRAIN_MIGRATION_TABLES, AUDITDRAIN_ALLOWED_WRITERS, AUDITDRAIN_TABLE, AUDITDRAIN_SMOKE_STATEMENT, AUDITDRAIN_SMOKE_TIMEOUT. Never a database URL."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for k in keys(var.verifier_environment) : can(regex("^AUDITDRAIN_[A-Z_]+$", k)) && !contains(["AUDITDRAIN_APP_DATABASE_URL", "AUDITDRAIN_SET_ROLE", "AUDITDRAIN_APP", "AUDITDRAIN_STORE", "AUDITDRAIN_DATABASE_URL_PARAMETER"], k)
    ])
    error_message = "verifier_environment takes AUDITDRAIN_* variables other than the URL, the role, the app, the store and the parameter, which the module sets."
  }
}

# --- signed digests (digests.tf) ----------------------------------------------

variable "digester_jar_path" {
  description = "Path of the digester's shaded jar (digester/target/auditdrain-digester.jar, built by scripts/build). null leaves out the digests: no signing key, digester or schedule. scripts/deploy always sets it."
  type        = string
  default     = null
}

variable "digest_interval_minutes" {
  description = "Length of a digest's interval (AUDITDRAIN_DIGEST_INTERVAL_MINUTES); must divide a day."
  type        = number
  default     = 60

  validation {
    condition     = var.digest_interval_minutes >= 5 && var.digest_interval_minutes <= 1440 && floor(var.digest_interval_minutes) == var.digest_interval_minutes && 1440 % var.digest_interval_minutes == 0
    error_message = "digest_interval_minutes must be whole minutes from 5 to 1440 that divide a day (5, 10, 15, 30, 60, 120, ...)."
  }
}

variable "digest_grace_minutes" {
  description = "How long after an interval's end its digest is written (AUDITDRAIN_DIGEST_GRACE_MINUTES), so that retried batches are in it."
  type        = number
  default     = 10

  validation {
    condition     = var.digest_grace_minutes >= 1 && var.digest_grace_minutes <= 1440
    error_message = "digest_grace_minutes must be between 1 and 1440."
  }
}

variable "digest_late_window_hours" {
  description = "How far back each digest looks for objects that arrived after their own interval's digest (AUDITDRAIN_DIGEST_LATE_WINDOW_HOURS); 0 turns late recording off."
  type        = number
  default     = 24

  validation {
    condition     = var.digest_late_window_hours >= 0 && var.digest_late_window_hours <= 720
    error_message = "digest_late_window_hours must be between 0 and 720."
  }
}

# --- SQL over the archive (glue.tf) -------------------------------------------

variable "glue_table" {
  description = "Create a Glue database and table over logs/ with partition projection on app and day, for Athena."
  type        = bool
  default     = false
}
