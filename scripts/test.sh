#!/usr/bin/env bash
# `npm test`: every suite, on a fresh machine as on a developer's. Installs what it needs first
# (npm packages here; each suite's own setup installs its system tools), runs each suite even when
# an earlier one failed, and ends with one summary line that counts the suites.
set -uo pipefail
cd "$(dirname "$0")/.."

export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund || exit 1
fi

suites=(typecheck test:app test:unit test:host test:contract test:container test:e2e)
passed=0 failed=0 failures=()
for suite in "${suites[@]}"; do
  echo
  echo "==> npm run $suite"
  start=$SECONDS
  if npm run --silent "$suite"; then
    passed=$((passed + 1)); echo "<== $suite passed in $((SECONDS - start)) s"
  else
    failed=$((failed + 1)); failures+=("$suite"); echo "<== $suite FAILED in $((SECONDS - start)) s"
  fi
done

echo
[ "$failed" -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
