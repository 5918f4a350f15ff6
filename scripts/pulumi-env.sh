#!/usr/bin/env bash
# The project's Pulumi environment, shared by `npm run pulumi`, deploy:local and the e2e suite:
#   - the CLI: `pulumi` from PATH when there is one, otherwise the pinned build from
#     tools/pulumi-cli (built once per pin into the user's cache, with progress on stderr);
#   - the backend: a file backend in this checkout (.gin-deploy/state, git-ignored);
#   - the secrets passphrase: a team's, from PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE
#     when the environment gives one (what a stack whose file is shared needs: README, "A dev stack
#     a team can share"); otherwise this checkout's own, generated once into .gin-deploy/passphrase
#     (0600), never printed. GIN_DEPLOY_PASSPHRASE_SOURCE says which: environment or checkout.
# Sourced: defines gin_deploy_pulumi_env, which exports PULUMI_BIN and the PULUMI_* variables,
#          gin_deploy_cli_path (the CLI that would be used, without building it) and
#          gin_deploy_language_host (where the Node.js language host is, if anywhere) and
#          gin_deploy_passphrase_notice (one line: which passphrase is used).
# Run:     `bash scripts/pulumi-env.sh --json` prints {"pulumi","root","backendUrl","passphraseFile","passphraseSource"}
#          (paths only, never the passphrase) for the TypeScript entry points.

# The CLI this checkout uses, whether or not it exists yet: GIN_DEPLOY_PULUMI, pulumi on PATH, or
# the pinned build's path in the cache (tools/pulumi-cli/build.sh --path; built on first use).
gin_deploy_cli_path() {
  local repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if [[ -n "${GIN_DEPLOY_PULUMI:-}" ]]; then
    echo "$GIN_DEPLOY_PULUMI"
  elif command -v pulumi >/dev/null 2>&1; then
    command -v pulumi
  else
    bash "$repo/tools/pulumi-cli/build.sh" --path
  fi
}

# The Node.js language host (pulumi-language-nodejs) where the CLI looks for it: on PATH, next to
# the CLI, or installed as a plugin under $PULUMI_HOME. Prints its path; fails when there is none.
gin_deploy_language_host() {
  local cli found
  if found=$(command -v pulumi-language-nodejs 2>/dev/null); then echo "$found"; return 0; fi
  # shellcheck disable=SC2310 # its failure returns from here, whatever set -e says
  cli=$(gin_deploy_cli_path) || return 1
  if [[ -x "$(dirname "$cli")/pulumi-language-nodejs" ]]; then echo "$(dirname "$cli")/pulumi-language-nodejs"; return 0; fi
  for found in "${PULUMI_HOME:-$HOME/.pulumi}"/plugins/language-nodejs-*/pulumi-language-nodejs; do
    if [[ -x "$found" ]]; then echo "$found"; return 0; fi
  done
  return 1
}

gin_deploy_pulumi_env() {
  local repo state_dir
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  state_dir="$repo/.gin-deploy"

  # shellcheck disable=SC2310 # its failure returns from here, whatever set -e says
  PULUMI_BIN="$(gin_deploy_cli_path)" || return 1
  if [[ ! -x "$PULUMI_BIN" ]]; then
    # No CLI on PATH and none built yet: build.sh says so before the build, shows progress, and
    # keeps Go's output in a log file it names on failure.
    PULUMI_BIN="$(bash "$repo/tools/pulumi-cli/build.sh")" || return 1
  fi
  export PULUMI_BIN

  mkdir -p "$state_dir/state"
  chmod 0700 "$state_dir"
  export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$state_dir/state}"

  # A caller that brings its own passphrase (a team's, CI's) keeps it; only without one is this
  # checkout's own generated.
  if [[ -n "${PULUMI_CONFIG_PASSPHRASE:-}" || -n "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
    export GIN_DEPLOY_PASSPHRASE_SOURCE=environment
  else
    export GIN_DEPLOY_PASSPHRASE_SOURCE=checkout
    local passphrase_file="$state_dir/passphrase"
    if [[ ! -s "$passphrase_file" ]]; then
      (
        umask 077
        # 32 random bytes, base64: written straight to the file, never to stdout or a command line.
        head -c 32 /dev/urandom | base64 | tr -d '\n' > "$passphrase_file.tmp"
        mv -f "$passphrase_file.tmp" "$passphrase_file"
      )
    fi
    chmod 0600 "$passphrase_file"
    export PULUMI_CONFIG_PASSPHRASE_FILE="$passphrase_file"
  fi

  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
}

# Which passphrase gin_deploy_pulumi_env chose, in one line (never the passphrase itself).
gin_deploy_passphrase_notice() {
  if [[ "${GIN_DEPLOY_PASSPHRASE_SOURCE:-}" == checkout ]]; then
    echo "secrets passphrase: this checkout's own ($PULUMI_CONFIG_PASSPHRASE_FILE); no teammate or CI has it (a team's: PULUMI_CONFIG_PASSPHRASE_FILE=<file>)"
  elif [[ -n "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
    echo "secrets passphrase: from PULUMI_CONFIG_PASSPHRASE_FILE ($PULUMI_CONFIG_PASSPHRASE_FILE)"
  else
    echo "secrets passphrase: from PULUMI_CONFIG_PASSPHRASE"
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  if [[ "${1:-}" != "--json" ]]; then
    echo "usage: bash scripts/pulumi-env.sh --json   (or source it and call gin_deploy_pulumi_env)" >&2
    exit 2
  fi
  gin_deploy_pulumi_env
  root="$(cd "$(dirname "$PULUMI_BIN")/.." && pwd)"
  node -e 'process.stdout.write(JSON.stringify({pulumi: process.argv[1], root: process.argv[2], backendUrl: process.argv[3], passphraseFile: process.argv[4] || null, passphraseSource: process.argv[5]}) + "\n")' \
    "$PULUMI_BIN" "$root" "$PULUMI_BACKEND_URL" "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" "$GIN_DEPLOY_PASSPHRASE_SOURCE"
fi
