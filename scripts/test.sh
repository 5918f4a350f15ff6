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
  # --ignore-scripts: no dependency's install script is needed here, and this often runs as root
  # (README, "npm's install scripts").
  echo "==> npm ci --ignore-scripts"
  npm ci --ignore-scripts --no-audit --no-fund || exit 1
fi

# What the suites start and change is stopped and undone at the end, also when a suite failed or
# the run is interrupted: a local registry or host container a suite left running, and what the
# Docker engine some suites start changed (iptables chains, IP forwarding, the docker0 bridge).
# Something left running fails the run (after it was stopped): a suite's cleanup is broken.
machine_state=$(mktemp -d)
bash scripts/machine-state.sh save "$machine_state" || exit 1
machine_status=0
restore_machine() {
  trap - EXIT
  machine_status=0
  bash scripts/machine-state.sh restore "$machine_state" || machine_status=$?
  case "$machine_status" in
    0) ;;
    3) echo "npm test: a suite left the above running; it is stopped now, and the run fails so that the suite's cleanup gets fixed" >&2 ;;
    *) echo "npm test: could not undo every change to the machine (above)" >&2 ;;
  esac
  rm -rf "$machine_state"
}
trap restore_machine EXIT

suites=(lint typecheck test:app test:unit test:package test:delivery test:host test:doctor test:contract test:aws-host test:container test:reuse test:cluster test:k8s test:first-hour test:policy test:e2e)
passed=0 failed=0 failures=()
logs=reports/suites
mkdir -p "$logs"
# Each suite's result and time, with the run's date and commit: what README's suite times quote.
summary=$logs/summary.txt
run_start=$SECONDS
run_date=$(date -u '+%Y-%m-%d %H:%M UTC')
run_commit=$(git rev-parse --short HEAD 2>/dev/null) || run_commit="no git"
echo "npm test from $run_date on $run_commit" >"$summary"
for suite in "${suites[@]}"; do
  echo
  echo "==> npm run $suite"
  start=$SECONDS
  if npm run --silent "$suite" 2>&1 | tee "$logs/${suite//:/-}.log"; then
    passed=$((passed + 1)); echo "<== $suite passed in $((SECONDS - start)) s" | tee -a "$summary"
  else
    failed=$((failed + 1)); failures+=("$suite"); echo "<== $suite FAILED in $((SECONDS - start)) s" | tee -a "$summary"
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
echo "==> stopping what the suites left running, undoing what they changed"
restore_machine
echo
[ "$failed" -eq 0 ] || echo "failed suites: ${failures[*]}"
[ "$machine_status" -eq 0 ] || echo "the machine after the suites: not as before (machine-state exit $machine_status, above)"
echo "suites: $passed passed, $failed failed"
echo "suites: $passed passed, $failed failed in $((SECONDS - run_start)) s" >>"$summary"
[ "$failed" -eq 0 ] && [ "$machine_status" -eq 0 ]
