#!/usr/bin/env bash
# `npm run lint`: the checks that read the code without running it. Each runs even when an
# earlier one failed; the exit code is non-zero when any did.
#   - ESLint (eslint.config.mjs) and prettier --check on the TypeScript (npm run format fixes the latter);
#   - shellcheck on every shell script in the repository, with the checks for a failure that
#     set -e would not see (a function run in a condition, a command substitution's status);
#   - Pulumi.yaml's schema and README.md's key table as config/keys.ts renders them;
#   - actionlint on .github/workflows (scripts/actionlint.sh: pinned, built once from the Go module proxy).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
if ! command -v shellcheck >/dev/null; then
  # Said before apt-get changes this machine's packages (apt-install.sh says as whom).
  echo "lint: shellcheck is not installed; installing Debian's shellcheck package with apt-get" >&2
  echo "  (to do it yourself instead: apt-get install shellcheck, then npm run lint)" >&2
fi
bash scripts/apt-install.sh shellcheck || exit 1

failed=()
step() {
  local name=$1
  shift
  echo "--> $name"
  "$@" || failed+=("$name")
}

# A failed listing must not pass as "no scripts to check".
script_list=$(git ls-files --cached --others --exclude-standard '*.sh') || exit 1
mapfile -t scripts <<<"$script_list"
step eslint npx --no-install eslint --max-warnings 0 .
step prettier npx --no-install prettier --check --log-level warn "**/*.{ts,mjs}"
step shellcheck shellcheck -x -o check-set-e-suppressed,check-extra-masked-returns "${scripts[@]}"
step config-sync node -r ts-node/register/transpile-only scripts/config-sync.ts --check
step actionlint bash scripts/actionlint.sh

if ((${#failed[@]})); then
  echo "lint: failed: ${failed[*]}"
  exit 1
fi
echo "lint: eslint, prettier, shellcheck (${#scripts[@]} scripts), the config schema and the workflows (actionlint) are clean"
