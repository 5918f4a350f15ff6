#!/usr/bin/env bash
# npm run bench:app — requests/s of gin-app's GET / (request logging and metrics on, the JSON log
# going to a file as stdout does in production) against a bare net/http server answering the
# same JSON, loaded by wrk with the same settings, in alternating rounds; plus the stripped
# release binary sizes for linux/amd64 and linux/arm64. Figures go to reports/app-bench.json.
#
# Settings (environment): BENCH_DURATION (seconds a round, default 6), BENCH_ROUNDS (default 5),
# BENCH_CONNECTIONS (default 32), BENCH_THREADS (default 1).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app_dir="$repo_root/app"
report="$repo_root/reports/app-bench.json"
go_bin="${GO:-/usr/local/go/bin/go}"
duration="${BENCH_DURATION:-6}"
rounds="${BENCH_ROUNDS:-5}"
connections="${BENCH_CONNECTIONS:-32}"
threads="${BENCH_THREADS:-1}"
target_ratio="0.85"

die() { echo "bench:app: $*" >&2; exit 1; }
for setting in duration rounds connections threads; do
  [[ "${!setting}" =~ ^[1-9][0-9]*$ ]] || die "BENCH_${setting^^}=${!setting} must be a positive whole number"
done
[[ -x "$go_bin" ]] || die "Go not found at $go_bin; install Go 1.26.8 to /usr/local/go or set GO=/path/to/go"
command -v python3 >/dev/null || die "python3 is needed to pick free ports and write the report"
if ! command -v wrk >/dev/null; then
  echo "bench:app: installing wrk from Debian" >&2
  if [[ $(id -u) -eq 0 ]]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  "${apt_get[@]}" install -y wrk >/dev/null 2>&1 || { "${apt_get[@]}" update >/dev/null && "${apt_get[@]}" install -y wrk >/dev/null; } \
    || die "could not install wrk (apt-get install -y wrk)"
fi

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

gin_port="$(free_port)"
HOST=127.0.0.1 PORT="$gin_port" APP_ENV=production LOG_LEVEL=info "$work/gin-app" >"$work/gin-app.log" 2>&1 &
gin_pid="$!"
pids+=("$gin_pid")
bare_port="$(free_port)"
"$work/barehttp" -addr "127.0.0.1:$bare_port" >"$work/barehttp.log" 2>&1 &
bare_pid="$!"
pids+=("$bare_pid")
gin_url="http://127.0.0.1:$gin_port/"
bare_url="http://127.0.0.1:$bare_port/"
wait_up "$gin_url"
wait_up "$bare_url"

gin_body="$(python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "$gin_url")"
bare_body="$(python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "$bare_url")"
[[ "$gin_body" == "$bare_body" ]] || die "the two servers answer differently: gin-app $gin_body, bare $bare_body"

clk_tck="$(getconf CLK_TCK)"
# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One wrk run against a server process; prints "requests/s CPU-microseconds-per-request",
# refusing runs with errors or non-2xx answers. The CPU figure is the server's own, which the
# other load on a shared machine disturbs less than throughput.
load() {
  local url="$1" pid="$2" seconds="$3" out before after requests
  before="$(cpu_ticks "$pid")"
  out="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" "$url")"
  after="$(cpu_ticks "$pid")"
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then die "wrk saw errors against $url:"$'\n'"$out"; fi
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  awk -v r="$requests" -v t="$((after - before))" -v hz="$clk_tck" \
    '/^Requests\/sec:/ {printf "%s %.2f\n", $2, t / hz * 1e6 / r}' <<<"$out"
}

echo "bench:app: warming up" >&2
load "$gin_url" "$gin_pid" 2 >/dev/null
load "$bare_url" "$bare_pid" 2 >/dev/null
log_lines_before="$(wc -l <"$work/gin-app.log")"

gin_runs=() gin_cpu=() bare_runs=() bare_cpu=()
for round in $(seq "$rounds"); do
  rps="" cpu=""
  read -r rps cpu < <(load "$gin_url" "$gin_pid" "$duration") || true
  [[ -n "$rps" ]] || die "round $round against gin-app failed"
  gin_runs+=("$rps") gin_cpu+=("$cpu")
  rps="" cpu=""
  read -r rps cpu < <(load "$bare_url" "$bare_pid" "$duration") || true
  [[ -n "$rps" ]] || die "round $round against bare net/http failed"
  bare_runs+=("$rps") bare_cpu+=("$cpu")
  echo "bench:app: round $round/$rounds: gin-app ${gin_runs[-1]} req/s (${gin_cpu[-1]} µs CPU/req)," \
    "bare net/http ${bare_runs[-1]} req/s (${bare_cpu[-1]} µs CPU/req)" >&2
done
log_lines="$(( $(wc -l <"$work/gin-app.log") - log_lines_before ))"

mkdir -p "$(dirname "$report")"
python3 - "$report" "$target_ratio" "$log_lines" "$size_amd64" "$size_arm64" \
  "$("$go_bin" version)" "$(nproc)" "$threads" "$connections" "$duration" \
  "${gin_runs[*]}" "${bare_runs[*]}" "${gin_cpu[*]}" "${bare_cpu[*]}" <<'PY'
import json, statistics, sys, datetime
(report, target, log_lines, size_amd64, size_arm64, go_version, cpus, threads, connections, duration,
 gin_runs, bare_runs, gin_cpu_runs, bare_cpu_runs) = sys.argv[1:]
floats = lambda text: [float(x) for x in text.split()]
gin, bare, gin_cpu, bare_cpu = floats(gin_runs), floats(bare_runs), floats(gin_cpu_runs), floats(bare_cpu_runs)
gin_median, bare_median = statistics.median(gin), statistics.median(bare)
ratio = gin_median / bare_median
# Rounds alternate, so each pair saw about the same machine; the median of the per-round
# ratios is less disturbed by load that comes and goes than the ratio of medians.
paired = statistics.median(g / b for g, b in zip(gin, bare))
cpu_ratio = statistics.median(bare_cpu) / statistics.median(gin_cpu)
figures = {
    "measuredAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "command": "npm run bench:app",
    "machine": {"cpus": int(cpus), "goVersion": go_version},
    "load": {"tool": "wrk", "threads": int(threads), "connections": int(connections),
             "secondsPerRound": int(duration), "rounds": len(gin), "path": "/"},
    "ginApp": {"requestsPerSecondMedian": round(gin_median), "rounds": gin,
               "cpuMicrosecondsPerRequestMedian": statistics.median(gin_cpu), "cpuRounds": gin_cpu,
               "requestLogging": "JSON to stdout, redirected to a file", "logLinesWritten": int(log_lines)},
    "bareNetHTTP": {"requestsPerSecondMedian": round(bare_median), "rounds": bare,
                    "cpuMicrosecondsPerRequestMedian": statistics.median(bare_cpu), "cpuRounds": bare_cpu},
    "ratio": round(ratio, 3),
    "ratioOfPairedRounds": round(paired, 3),
    "cpuEfficiencyRatio": round(cpu_ratio, 3),
    "targetRatio": float(target),
    "meetsTarget": ratio >= float(target),
    "strippedBinaryBytes": {"linux/amd64": int(size_amd64), "linux/arm64": int(size_arm64)},
}
with open(report, "w") as f:
    json.dump(figures, f, indent=2)
    f.write("\n")
print(json.dumps(figures, indent=2))
PY
echo "bench:app: figures written to ${report#"$repo_root"/}" >&2
