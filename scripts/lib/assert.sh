# shellcheck shell=bash
# Assertions for the offline checks: each prints one line; assert_summary LABEL prints the counts as
# "LABEL: <N> passed, <N> failed", the form CI reads.

ASSERT_PASSED=0
ASSERT_FAILED=0

_pass() {
  ASSERT_PASSED=$((ASSERT_PASSED + 1))
  printf '  ok    %s\n' "$1"
}

_fail() {
  ASSERT_FAILED=$((ASSERT_FAILED + 1))
  printf '  FAIL  %s\n' "$1"
  [[ -z "${2:-}" ]] || printf '        %s\n' "$2"
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
  if [[ "$2" == "$3" ]]; then
    _pass "$1"
  else
    _fail "$1" "expected [$2], got [$3]"
  fi
}

# check_match DESCRIPTION REGEX ACTUAL
check_match() {
  if [[ "$3" =~ $2 ]]; then
    _pass "$1"
  else
    _fail "$1" "[$3] does not match /$2/"
  fi
}

# check_cmd DESCRIPTION COMMAND...: passes when the command succeeds.
check_cmd() {
  local description="$1"
  shift
  if "$@" >/dev/null 2>&1; then
    _pass "$description"
  else
    _fail "$description" "command failed: $*"
  fi
}

# check_no_secret DESCRIPTION FILE SECRETS_FILE: passes when FILE contains none of the lines of SECRETS_FILE.
check_no_secret() {
  if [[ ! -s "$3" ]]; then
    _fail "$1" "no secrets to look for in $3"
  elif grep -q -F -f "$3" -- "$2"; then
    _fail "$1" "a secret appears in $(basename "$2")"
  else
    _pass "$1"
  fi
}

assert_summary() {
  printf '%s: %d passed, %d failed\n' "$1" "$ASSERT_PASSED" "$ASSERT_FAILED"
  ((ASSERT_FAILED == 0))
}
