# shellcheck shell=bash
# Shared by the operator scripts: logging, app-name validation, the repository root, and SSM access that
# never puts a secret on a command line (where `ps` and shell history would show it) or in output.
#
# Secrets only ever live in shell variables. Bash builtins (printf, [[ ]]) do not start a process, so
# passing a secret to them is safe; everything sent to the aws CLI goes through a 0600 temp file.

AUDITDRAIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly AUDITDRAIN_ROOT
SCRIPT_NAME="$(basename "$0")"
readonly SCRIPT_NAME

# Default of the Terraform variable parameter_prefix; AUDITDRAIN_PARAMETER_PREFIX overrides it.
readonly DEFAULT_PARAMETER_PREFIX="/auditdrain/apps"

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { log "$*"; exit 1; }
usage_error() { log "$*"; log "see: $SCRIPT_NAME --help"; exit 2; }

# Prints the comment block at the top of the calling script (after the shebang) as its help.
print_help() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

# Heroku's app-name rules, as io.auditdrain.core.AppName enforces them in the receiver.
validate_app_name() {
  local app="$1"
  [[ "$app" =~ ^[a-z][a-z0-9-]{1,28}[a-z0-9]$ ]] ||
    usage_error "invalid app name '$app': Heroku app names are 3 to 30 of [a-z0-9-], starting with a letter"
}

require_command() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed or not on PATH${2:+ ($2)}"
}

parameter_prefix() {
  local prefix="${AUDITDRAIN_PARAMETER_PREFIX:-$DEFAULT_PARAMETER_PREFIX}"
  [[ "$prefix" =~ ^(/[A-Za-z0-9_.-]+)+$ ]] ||
    usage_error "AUDITDRAIN_PARAMETER_PREFIX must be an absolute SSM path without a trailing slash, e.g. /auditdrain/apps"
  printf '%s' "$prefix"
}

# The aws CLI, aimed at AWS_ENDPOINT_URL when it is set (older CLIs ignore the variable).
aws_cli() {
  if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
    aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"
  else
    aws "$@"
  fi
}

# 32 random bytes, base64url without padding: 43 characters of [A-Za-z0-9_-] (docs/contracts.md).
generate_secret() {
  local secret
  secret="$(head -c 32 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_')"
  [[ "$secret" =~ ^[A-Za-z0-9_-]{43}$ ]] || die "could not generate a secret"
  printf '%s' "$secret"
}

# A private directory for request files, removed on exit whatever happens.
_auditdrain_private_dir=""
private_dir() {
  if [[ -z "$_auditdrain_private_dir" ]]; then
    _auditdrain_private_dir="$(mktemp -d "${TMPDIR:-/tmp}/auditdrain.XXXXXXXX")"
    chmod 700 "$_auditdrain_private_dir"
    trap '_auditdrain_cleanup' EXIT
    trap '_auditdrain_cleanup; exit 130' INT TERM
  fi
}
_auditdrain_cleanup() {
  if [[ -n "$_auditdrain_private_dir" ]]; then
    rm -rf -- "$_auditdrain_private_dir"
    _auditdrain_private_dir=""
  fi
}

# Replaces every occurrence of each secret given in $2... in $1, for messages that might echo one.
redact() {
  local text="$1"
  shift
  local secret
  for secret in "$@"; do
    [[ -n "$secret" ]] && text="${text//"$secret"/<redacted>}"
  done
  printf '%s' "$text"
}

# put_secure_parameter [--create] NAME VALUE DESCRIPTION: writes a SecureString with the drain secrets' key
# (secrets_kms_key). The value travels in a 0600 request file, never on a command line.
# Overwrites, unless --create: then returns 4 if the parameter exists (atomically, in SSM itself).
put_secure_parameter() {
  local overwrite=true
  if [[ "$1" == --create ]]; then
    overwrite=false
    shift
  fi
  local name="$1" value="$2" description="$3"
  # Only characters that need no JSON escaping reach here: app names, base64url, the URL's host, and a
  # database URL's query (?sslmode=require&...) and percent-escapes.
  [[ "$value" =~ ^[A-Za-z0-9:/@._~%+?=\&-]+$ ]] || die "refusing to store a value with unexpected characters in $name"
  private_dir
  local request="$_auditdrain_private_dir/put-parameter.json" key_field err status=0
  key_field="$(printf ',"KeyId":"%s"' "$(secrets_kms_key)")"
  (umask 077 && printf '{"Name":"%s","Type":"SecureString","Overwrite":%s,"Description":"%s","Value":"%s"%s}' \
    "$name" "$overwrite" "$description" "$value" "$key_field" >"$request")
  err="$(aws_cli ssm put-parameter --cli-input-json "file://$request" 2>&1 >/dev/null)" || status=$?
  rm -f -- "$request"
  if ((status != 0)); then
    [[ "$overwrite" == false && "$err" == *ParameterAlreadyExists* ]] && return 4
    die "could not write $name: $(redact "$err" "$value")"
  fi
}

# read_secure_parameters NAME...: sets SSM_VALUES[name] to each decrypted value, in one call; names
# that do not exist are left out.
# shellcheck disable=SC2034 # SSM_VALUES is read by the scripts that source this file
declare -A SSM_VALUES=()
# shellcheck disable=SC2034
read_secure_parameters() {
  private_dir
  local output="$_auditdrain_private_dir/get-parameters.out" name value
  SSM_VALUES=()
  (umask 077 && aws_cli ssm get-parameters --names "$@" --with-decryption \
    --query 'Parameters[].[Name,Value]' --output text >"$output") || {
    rm -f -- "$output"
    die "could not read $*"
  }
  while IFS=$'\t' read -r name value; do
    [[ -z "$name" ]] || SSM_VALUES["$name"]="$value"
  done <"$output"
  rm -f -- "$output"
}

# delete_parameters NAME...: deletes what exists (missing names are no error) and prints the names deleted.
delete_parameters() {
  local out
  out="$(aws_cli ssm delete-parameters --names "$@" --query 'DeletedParameters[]' --output text 2>&1)" ||
    die "could not delete $*: $out"
  [[ "$out" == None ]] || printf '%s' "$out"
}

# The receiver's public URL: AUDITDRAIN_FUNCTION_URL, else the Terraform output of AUDITDRAIN_TF_DIR
# (default terraform/). Prints the host only, as used in https://<app>:<secret>@<host>/logs.
function_url_host() {
  local url="${AUDITDRAIN_FUNCTION_URL:-}"
  if [[ -z "$url" ]]; then
    require_command terraform "or set AUDITDRAIN_FUNCTION_URL to the function_url output"
    url="$(terraform -chdir="${AUDITDRAIN_TF_DIR:-$AUDITDRAIN_ROOT/terraform}" output -raw function_url 2>/dev/null)" ||
      die "no function URL: set AUDITDRAIN_FUNCTION_URL, or AUDITDRAIN_TF_DIR to the deployed Terraform root"
  fi
  url="${url#https://}"
  url="${url%%/*}"
  [[ "$url" =~ ^[A-Za-z0-9.-]+(:[0-9]+)?$ ]] || die "the function URL does not look like https://<host>/: check AUDITDRAIN_FUNCTION_URL"
  printf '%s' "$url"
}

# The KMS key of the drain secrets: AUDITDRAIN_SSM_KMS_KEY, else the Terraform output ssm_kms_key_arn of
# AUDITDRAIN_TF_DIR (default terraform/). Never silently aws/ssm: the receiver's role may decrypt only with
# the module's key, so a secret under another key would be refused (503) and its drain's logs lost.
secrets_kms_key() {
  local key="${AUDITDRAIN_SSM_KMS_KEY:-}"
  if [[ -z "$key" ]]; then
    require_command terraform "or set AUDITDRAIN_SSM_KMS_KEY to the ssm_kms_key_arn output"
    key="$(terraform -chdir="${AUDITDRAIN_TF_DIR:-$AUDITDRAIN_ROOT/terraform}" output -raw ssm_kms_key_arn 2>/dev/null)" ||
      die "no KMS key for the drain secrets: set AUDITDRAIN_SSM_KMS_KEY, or AUDITDRAIN_TF_DIR to the deployed Terraform root"
  fi
  [[ "$key" =~ ^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+|alias/[A-Za-z0-9/_-]+|[a-f0-9-]{36})$ ]] ||
    die "AUDITDRAIN_SSM_KMS_KEY is not a KMS key ARN, alias or id: $key"
  printf '%s' "$key"
}

credentials_ttl_seconds() {
  local ttl="${AUDITDRAIN_CREDENTIALS_TTL_SECONDS:-60}"
  [[ "$ttl" =~ ^[0-9]+$ ]] || usage_error "AUDITDRAIN_CREDENTIALS_TTL_SECONDS must be a number of seconds"
  printf '%s' "$ttl"
}

# run_heroku_drains_add APP URL: runs `heroku drains:add` and redacts the URL's secret from what it prints.
# The Heroku CLI takes the drain URL only as an argument: this is the one place a secret is on a command
# line, for the few seconds the CLI runs, on the operator's own machine. Printing the command instead
# (the default) avoids even that.
run_heroku_drains_add() {
  local app="$1" url="$2" secret="$3" out status=0
  require_command heroku "install the Heroku CLI, or run the printed command yourself"
  out="$(heroku drains:add "$url" --app "$app" 2>&1)" || status=$?
  printf '%s\n' "$(redact "$out" "$url" "$secret")" >&2
  ((status == 0)) || die "heroku drains:add failed for $app (exit status $status)"
}

# The lambda:InvokeFunction statement a public Function URL needs, with the condition that keeps it to
# the URL (lambda:InvokedViaFunctionUrl): terraform/url.tf explains why Terraform cannot create it.
readonly URL_INVOKE_STATEMENT_ID="FunctionURLAllowInvokeAction"

# url_invoke_statement_is_url_only FUNCTION QUALIFIER: 0 when the statement exists and allows only invokes
# that come through the Function URL. AWS shows the condition as Condition.Bool; moto keeps the flag.
url_invoke_statement_is_url_only() {
  local policy
  policy="$(aws_cli lambda get-policy --function-name "$1" --qualifier "$2" --query Policy --output text 2>/dev/null)" || return 1
  python3 - "$policy" "$URL_INVOKE_STATEMENT_ID" <<'PY'
import json, sys
statements = [s for s in json.loads(sys.argv[1]).get("Statement", []) if s.get("Sid") == sys.argv[2]]
def url_only(s):
    via = s.get("Condition", {}).get("Bool", {}).get("lambda:InvokedViaFunctionUrl")
    return s.get("Action") == "lambda:InvokeFunction" and (str(via).lower() == "true" or s.get("InvokedViaFunctionUrl") is True)
sys.exit(0 if len(statements) == 1 and url_only(statements[0]) else 1)
PY
}

# ensure_url_only_invoke FUNCTION QUALIFIER: adds the statement (replacing one without the condition)
# and checks it. Idempotent: run it after every apply.
ensure_url_only_invoke() {
  local function_name="$1" qualifier="$2" out
  if url_invoke_statement_is_url_only "$function_name" "$qualifier"; then
    log "lambda:InvokeFunction on $function_name:$qualifier is already limited to the Function URL"
    return 0
  fi
  aws_cli lambda remove-permission --function-name "$function_name" --qualifier "$qualifier" \
    --statement-id "$URL_INVOKE_STATEMENT_ID" >/dev/null 2>&1 || true
  out="$(aws_cli lambda add-permission --function-name "$function_name" --qualifier "$qualifier" \
    --statement-id "$URL_INVOKE_STATEMENT_ID" --action lambda:InvokeFunction --principal '*' \
    --invoked-via-function-url 2>&1)" ||
    die "could not add lambda:InvokeFunction for the Function URL (an aws CLI from 2025-10 or later is needed for --invoked-via-function-url): $out"
  url_invoke_statement_is_url_only "$function_name" "$qualifier" ||
    die "the lambda:InvokeFunction statement on $function_name:$qualifier is not limited to the Function URL"
  log "lambda:InvokeFunction on $function_name:$qualifier allowed through the Function URL only"
}
