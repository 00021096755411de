# shellcheck shell=bash
# What the project's commands need on the machine, and how a fresh machine gets it: scripts/test, scripts/stack
# and .ci/run share this, so that the README's two commands set themselves up.
#
# ensure_prerequisites TOOL... checks each tool. What is missing and packaged by Debian is installed with apt-get,
# announced in one line, when the machine allows it (root or passwordless sudo, apt-get present, and
# AUDITDRAIN_NO_INSTALL unset). Whatever is still missing then is named in one message, each tool with the
# command that installs it, and the script exits 2. Nothing is fetched from anywhere but the Debian mirror:
# moto's server and the AWS CLI come from PyPI and terraform from HashiCorp, which these scripts never try.
#
# Tools: java mvn postgres (the server binaries) psql shellcheck python3 curl chromium node npm moto_server aws terraform.
# Needs common.sh (log).

_prerequisite_present() {
  case "$1" in
    postgres)
      [[ -n "${PG_BINDIR:-}" && -x "$PG_BINDIR/initdb" ]] || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null ||
        command -v initdb >/dev/null 2>&1
      ;;
    moto_server) [[ -n "${MOTO_SERVER:-}" && -x "$MOTO_SERVER" ]] || command -v moto_server >/dev/null 2>&1 ;;
    chromium)
      [[ -n "${AUDITDRAIN_CHROMIUM:-}" && -x "$AUDITDRAIN_CHROMIUM" ]] || command -v chromium >/dev/null 2>&1 ||
        command -v chromium-browser >/dev/null 2>&1
      ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# The Debian package that provides a tool (Debian 12's names); fails for tools Debian does not package usably.
_prerequisite_package() {
  case "$1" in
    java) printf 'openjdk-17-jdk-headless' ;;
    mvn) printf 'maven' ;;
    postgres) printf 'postgresql-15' ;;
    psql) printf 'postgresql-client-15' ;;
    shellcheck | python3 | curl | npm | chromium) printf '%s' "$1" ;;
    node) printf 'nodejs' ;;
    *) return 1 ;;
  esac
}

_prerequisite_description() {
  case "$1" in
    java) printf 'java (a JDK 17 or newer)' ;;
    mvn) printf 'mvn (Maven 3.8 or newer)' ;;
    postgres) printf 'the PostgreSQL 15 server binaries (initdb, pg_ctl; PG_BINDIR points at another folder)' ;;
    psql) printf 'psql (the PostgreSQL client)' ;;
    moto_server) printf "moto_server (moto's S3/SSM emulator; MOTO_SERVER points at another path)" ;;
    chromium) printf 'chromium (headless: the attestation report is rendered and printed in it; AUDITDRAIN_CHROMIUM points at another)' ;;
    aws) printf 'aws (the AWS CLI, from 2025-10 or later)' ;;
    terraform) printf 'terraform 1.11 or newer, with the hashicorp/aws 5.x provider in a filesystem mirror' ;;
    node) printf 'node (Node.js 18 or newer: the IAM policy simulator of scripts/check-deploy)' ;;
    npm) printf 'npm (installs the IAM policy simulator from the npm registry, iam/package-lock.json)' ;;
    *) printf '%s' "$1" ;;
  esac
}

# How to install a tool that Debian does not provide (or that could not be installed from it).
_prerequisite_manual_install() {
  case "$1" in
    moto_server) printf "pip install 'moto[server]>=5.1' (PyPI, which these scripts never try: machines that cannot reach it, like this project's CI, need it preinstalled)" ;;
    aws) printf "pip install 'awscli>=1.42' (PyPI, which these scripts never try; Debian's awscli is too old for --invoked-via-function-url)" ;;
    terraform) printf 'a release from HashiCorp (not a Debian package), and TF_PROVIDER_MIRROR at the folder that holds registry.terraform.io/' ;;
    *)
      local package
      package="$(_prerequisite_package "$1")" || { printf 'install it and put it on PATH'; return; }
      printf 'Debian package %s (sudo apt-get install -y %s)' "$package" "$package"
      ;;
  esac
}

# 0 when this process may run apt-get install: root, or sudo that asks for no password.
_apt_install_allowed() {
  [[ -z "${AUDITDRAIN_NO_INSTALL:-}" ]] && command -v apt-get >/dev/null 2>&1 || return 1
  ((EUID == 0)) || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

# _apt_install PACKAGE...: installs quietly; apt's own output goes to a log that is shown only on failure.
_apt_install() {
  local as_root=() apt_log status=0
  ((EUID == 0)) || as_root=(sudo -n)
  apt_log="$(mktemp "${TMPDIR:-/tmp}/auditdrain-apt.XXXXXXXX")"
  {
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  } >"$apt_log" 2>&1 || status=$?
  ((status == 0)) || { tail -n 20 "$apt_log" >&2; log "apt-get failed (exit status $status)"; }
  rm -f -- "$apt_log"
  return "$status"
}

ensure_prerequisites() {
  local tool package missing=() packages=()
  for tool in "$@"; do
    _prerequisite_present "$tool" && continue
    missing+=("$tool")
    if package="$(_prerequisite_package "$tool")" && [[ " ${packages[*]} " != *" $package "* ]]; then
      packages+=("$package")
    fi
  done
  ((${#missing[@]})) || return 0

  if ((${#packages[@]})) && _apt_install_allowed; then
    log "installing from Debian what this machine lacks: ${packages[*]} (apt-get; AUDITDRAIN_NO_INSTALL=1 stops this)"
    if _apt_install "${packages[@]}"; then
      local still=()
      for tool in "${missing[@]}"; do _prerequisite_present "$tool" || still+=("$tool"); done
      missing=("${still[@]}")
      ((${#missing[@]})) || return 0
    fi
  fi

  log "missing prerequisites; install them, then run this again:"
  packages=()
  for tool in "${missing[@]}"; do
    printf '  - %s: %s\n' "$(_prerequisite_description "$tool")" "$(_prerequisite_manual_install "$tool")" >&2
    package="$(_prerequisite_package "$tool")" && packages+=("$package")
  done
  ((${#packages[@]} < 2)) || printf '  The Debian packages at once: sudo apt-get install -y %s\n' "${packages[*]}" >&2
  exit 2
}
