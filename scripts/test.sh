#!/usr/bin/env bash
# `npm test`: every suite, on a fresh machine as on a developer's. Installs what it needs first
# (npm packages here; each suite's own setup installs its system tools), runs each suite even when
# an earlier one failed, and ends with one summary line that counts the suites. Each suite's output
# is also kept in reports/suites/, and a failed suite's failures are repeated just above the summary:
# a CI log is often read from its tail.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund || exit 1
fi

# The Docker engine some suites start changes the machine (iptables chains, IP forwarding, the
# docker0 bridge); what it changed is undone at the end, also when the run is interrupted.
machine_state=$(mktemp -d)
bash scripts/machine-state.sh save "$machine_state" || exit 1
restore_machine() {
  bash scripts/machine-state.sh restore "$machine_state" || echo "could not undo every change to the machine (above)" >&2
  rm -rf "$machine_state"
}
trap restore_machine EXIT

suites=(lint typecheck test:app test:unit test:package test:delivery test:host test:doctor test:contract test:aws-host test:container test:reuse test:cluster test:k8s test:policy test:e2e)
passed=0 failed=0 failures=()
logs=reports/suites
mkdir -p "$logs"
for suite in "${suites[@]}"; do
  echo
  echo "==> npm run $suite"
  start=$SECONDS
  if npm run --silent "$suite" 2>&1 | tee "$logs/${suite//:/-}.log"; then
    passed=$((passed + 1)); echo "<== $suite passed in $((SECONDS - start)) s"
  else
    failed=$((failed + 1)); failures+=("$suite"); echo "<== $suite FAILED in $((SECONDS - start)) s"
  fi
done

for suite in "${failures[@]}"; do
  log="$logs/${suite//:/-}.log"
  echo
  echo "==> what failed in $suite (whole output: $log)"
  # mocha's own list of failures, or the suite's last lines when it has none
  if grep -qE '^ +[0-9]+ failing' "$log"; then
    sed -n '/^ \+[0-9]\+ failing/,$p' "$log" | head -n 100
  else
    tail -n 60 "$log"
  fi
done

echo
[ "$failed" -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
