#!/usr/bin/env bash
# What `npm run doctor` needs to know about a host, gathered in one SSH round trip and printed as
# sections (`=== NAME` lines) that scripts/doctor/hostFacts.ts parses. Read-only: it changes
# nothing on the host. Runs as the SSH user (root on the local host; sudo -n where available).
#
#   bash -s -- --service NAME --port PORT --mode systemd|container < host-facts.sh
set -uo pipefail

service="" port="" mode=systemd
while (($#)); do
  case "$1" in
    --service) service=${2:?--service needs a name}; shift 2 ;;
    --port) port=${2:?--port needs a number}; shift 2 ;;
    --mode) mode=${2:?--mode needs systemd or container}; shift 2 ;;
    *) echo "host-facts: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ "$service" =~ ^[a-z][a-z0-9-]{0,38}[a-z0-9]$ ]] || { echo "host-facts: bad --service '$service'" >&2; exit 2; }
[[ "$port" =~ ^[0-9]+$ ]] || { echo "host-facts: bad --port '$port'" >&2; exit 2; }

# Root for nft/ufw/ss -p; without it, those sections say so.
as_root() { if [[ $EUID -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else "$@"; fi; }
section() { printf '=== %s\n' "$1"; }

section uname; uname -m
section date; date +%s.%N
section listen; as_root ss -ltnpH "sport = :$port" 2>&1
section listeners
# Each listening process: pid, its cgroup (which unit it belongs to) and its command line.
for pid in $(as_root ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un); do
  cgroup=$(as_root cat "/proc/$pid/cgroup" 2>/dev/null | awk -F: '$2 == "name=systemd" || $2 == "" { print $3; exit }')
  cmdline=$(as_root tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
  printf '%s\t%s\t%s\n' "$pid" "${cgroup:-?}" "${cmdline:-?}"
done
section units
if [[ "$mode" == systemd ]]; then
  units=("$service.socket" "$service.service")
else
  # No slots (or no systemctl) leaves just the socket; `systemctl show` below reports its own errors.
  # shellcheck disable=SC2312 # an empty list is fine here
  mapfile -t slots < <(systemctl list-units --all --plain --no-legend "$service-container@*.service" 2>/dev/null | awk '{ print $1 }')
  units=("$service.socket" "${slots[@]}")
fi
systemctl show "${units[@]}" -p Id,LoadState,ActiveState,SubState,Result,NRestarts,MainPID,ExecMainCode,ExecMainStatus --no-pager 2>&1
section binary
if [[ "$mode" == systemd ]]; then
  binary=$(readlink -f "/opt/$service/current/$service" 2>/dev/null || true)
  printf '%s\n' "${binary:-/opt/$service/current/$service}"
fi
section elf
# The first 64 KiB: ELF header, program headers and the interpreter's path.
if [[ "$mode" == systemd && -n "${binary:-}" && -f "$binary" ]]; then head -c 65536 "$binary" | base64 -w0; echo; fi
section loaders
# Which program interpreters exist here (for a dynamically linked binary's PT_INTERP).
for f in /lib/ld-* /lib64/ld-* /lib/*/ld-* /usr/lib/ld-* /usr/lib64/ld-*; do [[ -e "$f" ]] && printf '%s\n' "$f"; done
section journal
journalctl -u "$service.service" -u "$service.socket" -n 30 --no-pager -o short-iso 2>&1 | tail -n 30
section df
# The file systems a release writes to: its release directory, the journal, /tmp and /.
paths=(/ /var/log /tmp)
if [[ "$mode" == systemd ]]; then paths=("/opt/$service/releases" "/var/lib/gin-deploy" "${paths[@]}"); else paths=(/var/lib/docker "/var/lib/gin-deploy" "${paths[@]}"); fi
for p in "${paths[@]}"; do
  [[ -e "$p" ]] || continue
  df -Pk "$p" 2>/dev/null | awk -v p="$p" 'NR == 2 { print p "\t" $6 "\t" $2 "\t" $4 }'
done
section nft
if command -v nft >/dev/null; then as_root nft list ruleset 2>&1; else echo "(no nft)"; fi
section ufw
if command -v ufw >/dev/null; then as_root ufw status 2>&1; else echo "(no ufw)"; fi
section iptables
if command -v iptables >/dev/null; then as_root iptables -S INPUT 2>&1; else echo "(no iptables)"; fi
section end
