#!/usr/bin/env bash
# npm run bench:app — requests/s of gin-app's GET / (request logging and metrics on, the JSON log
# going to a file as stdout does in production) against a bare net/http server answering the
# same JSON, loaded by wrk with the same settings, in alternating rounds (with gin-app without
# request lines as a third server, to show what logging costs); plus the stripped release binary
# sizes for linux/amd64 and linux/arm64. Figures go to reports/latest/bench-app.json, beside the
# committed reports/bench-app.json that README.md quotes: a run changes nothing a test reads;
# `npm run figures:sync -- --from-latest` publishes it (scripts/figures.ts).
#
# Settings (environment): BENCH_DURATION (seconds a server is loaded each round, default 4),
# BENCH_ROUNDS (default 9), BENCH_CONNECTIONS (default 32), BENCH_THREADS (wrk threads, default 1).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app_dir="$repo_root/app"
report="$repo_root/reports/latest/bench-app.json"
go_bin="${GO:-/usr/local/go/bin/go}"
duration="${BENCH_DURATION:-4}"
rounds="${BENCH_ROUNDS:-9}"
connections="${BENCH_CONNECTIONS:-32}"
threads="${BENCH_THREADS:-1}"
target_ratio="0.90"

die() { echo "bench:app: $*" >&2; exit 1; }
for setting in duration rounds connections threads; do
  [[ "${!setting}" =~ ^[1-9][0-9]*$ ]] || die "BENCH_${setting^^}=${!setting} must be a positive whole number"
done
[[ -x "$go_bin" ]] || die "Go not found at $go_bin; install Go 1.26.8 to /usr/local/go or set GO=/path/to/go"
command -v python3 >/dev/null || die "python3 is needed to pick free ports and write the report"
command -v wrk >/dev/null || bash "$repo_root/scripts/apt-install.sh" wrk ||
  die "wrk is needed for the load; install it (apt-get install wrk) and run again"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export CGO_ENABLED=0 GOTOOLCHAIN=local
ldflags="-s -w -X main.version=bench -X main.commit=bench -X main.date=bench"
cd "$app_dir"
echo "bench:app: building gin-app and the bare net/http baseline" >&2
"$go_bin" build -trimpath -ldflags "$ldflags" -o "$work/gin-app" .
"$go_bin" build -trimpath -ldflags "-s -w" -o "$work/barehttp" ./bench/barehttp
for arch in amd64 arm64; do
  GOOS=linux GOARCH="$arch" "$go_bin" build -trimpath -ldflags "$ldflags" -o "$work/gin-app-$arch" .
done
size_amd64="$(stat -c %s "$work/gin-app-amd64")"
size_arm64="$(stat -c %s "$work/gin-app-arm64")"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_up() {
  local url="$1"
  for _ in $(seq 100); do
    if python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$url" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  die "no answer from $url"
}

# The servers under load, in the order each round visits them:
#   gin-app         the release binary as production runs it: one JSON request line per request
#   gin-app-quiet   the same binary with LOG_LEVEL=warn (no request lines), to show what logging costs
#   bare            the net/http baseline
names=(gin-app gin-app-quiet bare)
declare -A server_url server_pid
start_server() {
  local name="$1" port
  port="$(free_port)"
  case "$name" in
    gin-app) HOST=127.0.0.1 PORT="$port" APP_ENV=production LOG_LEVEL=info "$work/gin-app" >"$work/$name.log" 2>&1 & ;;
    gin-app-quiet) HOST=127.0.0.1 PORT="$port" APP_ENV=production LOG_LEVEL=warn "$work/gin-app" >"$work/$name.log" 2>&1 & ;;
    bare) "$work/barehttp" -addr "127.0.0.1:$port" >"$work/$name.log" 2>&1 & ;;
  esac
  server_pid[$name]="$!"
  pids+=("$!")
  server_url[$name]="http://127.0.0.1:$port/"
}
for name in "${names[@]}"; do start_server "$name"; done
for name in "${names[@]}"; do wait_up "${server_url[$name]}"; done

body_of() { python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "$1"; }
gin_body="$(body_of "${server_url[gin-app]}")"
bare_body="$(body_of "${server_url[bare]}")"
[[ "$gin_body" == "$bare_body" ]] || die "the two servers answer differently: gin-app $gin_body, bare $bare_body"

clk_tck="$(getconf CLK_TCK)"
# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One wrk run against a server process; prints "requests/s CPU-microseconds-per-request",
# refusing runs with errors or non-2xx answers. The CPU figure is the server's own, which the
# other load on a shared machine disturbs less than throughput.
load() {
  local url="$1" pid="$2" seconds="$3" out before after requests
  # shellcheck disable=SC2310 # one awk; its status is the function's
  before="$(cpu_ticks "$pid")" || return 1
  out="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" "$url")" || return 1
  # shellcheck disable=SC2310 # one awk; its status is the function's
  after="$(cpu_ticks "$pid")" || return 1
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then die "wrk saw errors against $url:"$'\n'"$out"; fi
  requests="$(awk '/requests in/ {print $1}' <<<"$out")" || return 1
  awk -v r="$requests" -v t="$((after - before))" -v hz="$clk_tck" \
    '/^Requests\/sec:/ {printf "%s %.2f\n", $2, t / hz * 1e6 / r}' <<<"$out"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench:app: warming up (load average $load_before)" >&2
for name in "${names[@]}"; do load "${server_url[$name]}" "${server_pid[$name]}" 2 >/dev/null; done
log_lines_before="$(wc -l <"$work/gin-app.log")"

# Rounds alternate between the servers, so that load coming and going on a shared machine
# falls on all of them alike.
runs="$work/runs.tsv"
: >"$runs"
for round in $(seq "$rounds"); do
  line="bench:app: round $round/$rounds:"
  for name in "${names[@]}"; do
    rps="" cpu=""
    # shellcheck disable=SC2310 # returns its own status
    read -r rps cpu < <(load "${server_url[$name]}" "${server_pid[$name]}" "$duration") || true
    [[ -n "$rps" ]] || die "round $round against $name failed"
    printf '%s\t%s\t%s\t%s\n' "$name" "$round" "$rps" "$cpu" >>"$runs"
    line+=" $name $rps req/s ($cpu µs CPU/req);"
  done
  echo "$line" >&2
done
log_lines="$(( $(wc -l <"$work/gin-app.log") - log_lines_before ))"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
cpu_model="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"

go_version="$("$go_bin" version)" || die "$go_bin version failed"
cpus="$(nproc)" || die "nproc failed"
kernel="$(uname -sr)" || die "uname -sr failed"
mkdir -p "$(dirname "$report")"
python3 - "$report" "$runs" "$target_ratio" "$log_lines" "$size_amd64" "$size_arm64" \
  "$go_version" "$cpus" "$threads" "$connections" "$duration" \
  "$cpu_model" "$kernel" "$load_before" "$load_after" <<'PY'
import csv, json, statistics, sys, datetime
(report, runs_path, target, log_lines, size_amd64, size_arm64, go_version, cpus, threads, connections,
 duration, cpu_model, kernel, load_before, load_after) = sys.argv[1:]
rps, cpu = {}, {}
with open(runs_path) as f:
    for name, _round, r, c in csv.reader(f, delimiter="\t"):
        rps.setdefault(name, []).append(float(r))
        cpu.setdefault(name, []).append(float(c))
med = lambda xs: statistics.median(xs)
def server(name, **extra):
    return {"requestsPerSecondMedian": round(med(rps[name])), "rounds": rps[name],
            "cpuMicrosecondsPerRequestMedian": med(cpu[name]), "cpuRounds": cpu[name], **extra}
# Each round's servers saw about the same machine, so the headline ratio is the median of the
# per-round ratios: less disturbed by load that comes and goes than the ratio of the medians.
paired = lambda name: med([g / b for g, b in zip(rps[name], rps["bare"])])
ratio = paired("gin-app")
loadavg = lambda s: [float(x) for x in s.split()]
# Every round side by side: requests/s of each server and the round's two ratios.
per_round = [{"round": i + 1, "ginApp": g, "ginAppWithoutRequestLog": q, "bareNetHTTP": b,
              "ratio": round(g / b, 3), "cpuEfficiencyRatio": round(cb / cg, 3)}
             for i, (g, q, b, cg, cb) in enumerate(zip(rps["gin-app"], rps["gin-app-quiet"], rps["bare"],
                                                       cpu["gin-app"], cpu["bare"]))]
figures = {
    "measuredAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "command": "npm run bench:app",
    "machine": {"cpus": int(cpus), "cpuModel": cpu_model, "kernel": kernel, "goVersion": go_version,
                "loadAverageBefore": loadavg(load_before), "loadAverageAfter": loadavg(load_after)},
    "load": {"tool": "wrk", "threads": int(threads), "connections": int(connections),
             "secondsPerRound": int(duration), "rounds": len(rps["bare"]), "path": "/"},
    "ginApp": server("gin-app", requestLogging="one JSON line per request to stdout, redirected to a file",
                     logLinesWritten=int(log_lines)),
    "ginAppWithoutRequestLog": server("gin-app-quiet", requestLogging="off (LOG_LEVEL=warn)"),
    "bareNetHTTP": server("bare"),
    "perRound": per_round,
    "ratio": round(ratio, 3),
    "ratioOfMedians": round(med(rps["gin-app"]) / med(rps["bare"]), 3),
    "cpuEfficiencyRatio": round(med(cpu["bare"]) / med(cpu["gin-app"]), 3),
    "ratioWithoutRequestLog": round(paired("gin-app-quiet"), 3),
    "cpuEfficiencyRatioWithoutRequestLog": round(med(cpu["bare"]) / med(cpu["gin-app-quiet"]), 3),
    "targetRatio": float(target),
    "meetsTarget": ratio >= float(target),
    "strippedBinaryBytes": {"linux/amd64": int(size_amd64), "linux/arm64": int(size_arm64)},
}
with open(report, "w") as f:
    json.dump(figures, f, indent=2)
    f.write("\n")
print(json.dumps(figures, indent=2))
print(f"bench:app: ratio gin-app / bare {figures['ratio']} (median of per-round ratios, target {target}), "
      f"CPU-per-request ratio {figures['cpuEfficiencyRatio']}; without the request log "
      f"{figures['ratioWithoutRequestLog']} and {figures['cpuEfficiencyRatioWithoutRequestLog']}", file=sys.stderr)
PY
echo "bench:app: figures written to ${report#"$repo_root"/}; to quote them in README.md: npm run figures:sync -- --from-latest, then commit reports/bench-app.json and README.md" >&2
