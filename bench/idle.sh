#!/usr/bin/env bash
# Many idle IMAP connections: N authenticated connections with INBOX selected, each in IDLE, held by one CloudMail
# process (embedded, defaults except the per-user session limits below); reports the server's memory growth per
# connection and how fast IDLE notifications still arrive (an APPEND to five users, every idling session of those
# users timed until its "* n EXISTS"). Run as root (it raises the open-file limit of the load generator).
#
#   bench/idle.sh [-n CONNECTIONS] [-u USERS] [-a SOURCE_ADDRESSES] [-t]
#
# Connections come from 127.0.1.1 .. 127.0.1.A, so the per-address connection limit (CloudMail:ClientLimits:
# MaxConnectionsPerAddress, 50) holds as it does for real clients; with N/U connections per user the per-user limits
# are raised to match (a bench setting: by default one user may hold 10 sessions per address and 50 in all).
# -t: implicit TLS (port 993 style) instead of plain IMAP with plaintext LOGIN allowed.
# Writes bench/results/idle-<timestamp>.txt.
set -euo pipefail
connections=10000 users=100 addresses=200 tls=""
while getopts "n:u:a:t" o; do case $o in n) connections=$OPTARG;; u) users=$OPTARG;; a) addresses=$OPTARG;; t) tls=--tls;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cloudmail-bench-idle.XXXXXX)"
results="$here/bench/results"; mkdir -p "$results"
out="$results/idle-$(date -u +%Y%m%dT%H%M%SZ).txt"
. "$here/bench/lib.sh"
port=19934 password=bench-password-0123
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
per_user=$(( (connections + users - 1) / users ))
limits=(--CloudMail:ClientLimits:MaxSessionsPerUser=$((per_user + 10)) --CloudMail:ClientLimits:MaxSessionsPerUserAndAddress=50)
if [ -n "$tls" ]; then cloudmail_publish imaps=$port "${limits[@]}"
else cloudmail_publish imap=$port --CloudMail:Imap:AllowInsecureAuth=true "${limits[@]}"; fi
cloudmail domain add bench.test >/dev/null
for i in $(seq 0 $((users - 1))); do echo "$password" | cloudmail user add "idle$i@bench.test" >/dev/null; done
cloudmail_serve; pids+=("$cm_pid")
read -r open failed before after per notified expected worst median < <(
  python3 "$bench_python/imap_idle_load.py" $port "$password" "idle{}@bench.test" --users "$users" \
    --connections "$connections" --addresses "$addresses" --pid "$cm_pid" $tls | tee /dev/stderr | tail -n 1)
threads=$(awk '/^Threads:/ {print $2}' /proc/$cm_pid/status)
cm_errors=$(server_errors)
cloudmail_stop
{
  echo "Idle IMAP: $connections connections ($([ -n "$tls" ] && echo "implicit TLS" || echo "plain IMAP")), $users users, $addresses source addresses, $(nproc) cores"
  echo "open $open, failed $failed; server RSS $before MiB before, $after MiB with all idling: $per KiB per connection; threads $threads"
  echo "IDLE notifications: $notified of $expected sessions woken; slowest ${worst} ms, median ${median} ms after the APPEND's OK"
  echo "server error log lines: $cm_errors"
} | tee "$out"
