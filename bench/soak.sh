#!/usr/bin/env bash
# Soak: steady SMTP load against CloudMail (embedded) for a long time, watching its memory and threads. Postfix's
# smtp-source sends RATE messages every second (one batch a second over SESSIONS connections) for MINUTES minutes;
# without -r, RATE is half of the peak acceptance rate measured first (smtp-source -s 20 -m 2000). Every 10 s the
# server's RSS (VmRSS), thread count and CPU time go into a CSV. At the end: errors (smtp-source batches that failed,
# error lines in the server log, late batches), whether every accepted message reached the mailbox (IMAP STATUS), and
# the RSS at start, max and end with its slope. Run as root on a throwaway machine (installs postfix for smtp-source).
#
#   bench/soak.sh [-d MINUTES] [-r RATE] [-s SESSIONS] [-l SIZE_BYTES]
#
# Writes bench/results/soak-<timestamp>.txt and .csv.
set -euo pipefail
minutes=30 rate_arg="" sessions=10 size=4096
while getopts "d:r:s:l:" o; do case $o in d) minutes=$OPTARG;; r) rate_arg=$OPTARG;; s) sessions=$OPTARG;; l) size=$OPTARG;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cloudmail-bench-soak.XXXXXX)"
results="$here/bench/results"; mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ); out="$results/soak-$stamp.txt" csv="$results/soak-$stamp.csv"
. "$here/bench/lib.sh"
need smtp-source postfix
smtp_port=2525 imaps_port=19930 user=bench@bench.test password=bench-password-0123
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

cloudmail_publish smtp=$smtp_port imaps=$imaps_port
cloudmail domain add bench.test >/dev/null
echo "$password" | cloudmail user add "$user" >/dev/null
cloudmail_serve; pids+=("$cm_pid")
send() { smtp-source -s "$1" -m "$2" -l "$size" -f sender@remote.test -t "$user" 127.0.0.1:$smtp_port; }

accepted=0
if [ -z "$rate_arg" ]; then
  t0=$(now); send 20 2000; t1=$(now); accepted=2000
  peak=$(rate 2000 "$t0" "$t1"); rate=$(python3 -c "import sys; print(max(1, int(float(sys.argv[1]) / 2)))" "$peak")
else
  peak="not measured"; rate=$rate_arg
fi

# Sampler: elapsed seconds, RSS MiB, threads, server CPU seconds, every 10 s.
echo "seconds,rss_mib,threads,cpu_s" > "$csv"
sample() {
  local rss threads
  read -r rss threads < <(proc_sample "$cm_pid")
  echo "$1,$rss,$threads,$(awk '{printf "%.1f", ($14+$15)/100}' "/proc/$cm_pid/stat")" >> "$csv"
}
start_us=${EPOCHREALTIME/./}
( while kill -0 "$cm_pid" 2>/dev/null; do sample $(( (${EPOCHREALTIME/./} - start_us) / 1000000 )); sleep 10; done ) & sampler=$!; pids+=("$sampler")

# Load: one batch of $rate messages a second until the end; a batch that takes longer than its second is "late".
end_us=$(( start_us + minutes * 60 * 1000000 ))
batches=0 failed_batches=0 late=0 uncertain=0
next_us=$start_us
while [ "${EPOCHREALTIME/./}" -lt "$end_us" ]; do
  if send "$sessions" "$rate" >>"$work/smtp-source.log" 2>&1; then accepted=$((accepted + rate))
  else failed_batches=$((failed_batches + 1)); uncertain=$((uncertain + rate)); fi
  batches=$((batches + 1))
  next_us=$((next_us + 1000000)); now_us=${EPOCHREALTIME/./}
  if [ "$now_us" -gt "$next_us" ]; then late=$((late + 1)); next_us=$now_us
  else sleep "$(printf '0.%06d' $((next_us - now_us)))"; fi
done
kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
sample $(( (${EPOCHREALTIME/./} - start_us) / 1000000 ))

# Every accepted message must reach the mailbox (failed batches may have delivered part of theirs).
deadline=$((SECONDS + 300)); delivered=$(inbox_count $imaps_port "$user" "$password")
while [ "$delivered" -lt "$accepted" ] && [ $SECONDS -lt $deadline ]; do sleep 1; delivered=$(inbox_count $imaps_port "$user" "$password"); done
errors=$(server_errors)
cloudmail_stop

{
  echo "soak: $minutes min of smtp-source -s $sessions -m $rate -l $size once a second (peak measured first: $peak msg/s), $(nproc) cores"
  echo "batches $batches, failed $failed_batches, late $late; server log errors $errors"
  echo "accepted $accepted, in the mailbox $delivered$([ "$failed_batches" -gt 0 ] && echo " (failed batches held $uncertain more)")$([ "$delivered" -lt "$accepted" ] && echo " MISSING $((accepted - delivered))")"
  python3 - "$csv" <<'PY'
import csv, sys
rows = [(float(r["seconds"]), float(r["rss_mib"]), int(r["threads"])) for r in csv.DictReader(open(sys.argv[1]))]
def slope(points):  # least squares, MiB per hour
    if len(points) < 2: return float("nan")
    n = len(points); mt = sum(t for t, _ in points) / n; mr = sum(r for _, r in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (r - mr) for t, r in points) / var * 3600 if var else float("nan")
pts = [(t, r) for t, r, _ in rows]
half = [(t, r) for t, r in pts if t >= pts[-1][0] / 2]
print(f"RSS MiB: start {rows[0][1]:.1f}, max {max(r for _, r, _ in rows):.1f}, end {rows[-1][1]:.1f}; "
      f"slope {slope(pts):+.1f} MiB/hour (second half {slope(half):+.1f})")
print(f"threads: start {rows[0][2]}, max {max(t for _, _, t in rows)}, end {rows[-1][2]}; samples {len(rows)} in {sys.argv[1]}")
PY
} | tee "$out"
