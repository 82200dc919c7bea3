#!/usr/bin/env bash
# Abuse: how much normal SMTP throughput CloudMail (embedded) keeps while thousands of bad connections hit its SMTP and
# IMAP ports. A normal client (Postfix's smtp-source from 127.0.0.1, batches of BATCH messages over SESSIONS
# connections, back to back) sends for SECONDS quietly, then for SECONDS again while bench/abuse.py keeps CONNECTIONS
# bad connections going from 127.0.0.2 .. 127.0.0.(ADDRESSES+1) (idle, byte-at-a-time, oversized lines, announced
# literals never sent, resets mid-DATA; see abuse.py). Reported: both throughputs (messages accepted per second of
# sending; all of them must reach the mailbox) and their ratio, the server's RSS (idle, max, after), open descriptors, and whether it still
# answers SMTP and IMAP afterwards. Run as root on a throwaway machine (installs postfix for smtp-source).
#
#   bench/abuse.sh [-d SECONDS] [-n CONNECTIONS] [-a ADDRESSES] [-s SESSIONS] [-b BATCH]
#
# Writes bench/results/abuse-<timestamp>.txt.
set -euo pipefail
seconds=60 connections=3000 addresses=20 sessions=10 batch=200
while getopts "d:n:a:s:b:" o; do case $o in d) seconds=$OPTARG;; n) connections=$OPTARG;; a) addresses=$OPTARG;; s) sessions=$OPTARG;; b) batch=$OPTARG;; *) exit 2;; esac; done
[ "$addresses" -le 250 ] || { echo "at most 250 attacker addresses (127.0.0.2 .. 127.0.0.251)" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cloudmail-bench-abuse.XXXXXX)"
results="$here/bench/results"; mkdir -p "$results"
out="$results/abuse-$(date -u +%Y%m%dT%H%M%SZ).txt"
. "$here/bench/lib.sh"
need smtp-source postfix
smtp_port=2525 imap_port=19943 imaps_port=19930 user=bench@bench.test password=bench-password-0123
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"  # attackers and server each hold thousands of sockets

cloudmail_publish smtp=$smtp_port imap=$imap_port imaps=$imaps_port --CloudMail:MaxConnectionsPerEndpoint=1000
cloudmail domain add bench.test >/dev/null
echo "$password" | cloudmail user add "$user" >/dev/null
cloudmail_serve; pids+=("$cm_pid")
fds() { ls "/proc/$cm_pid/fd" | wc -l; }
rss() { proc_sample "$cm_pid" | cut -d' ' -f1; }

# Sends batches back to back for $seconds; prints "accepted-messages msg/s batches failed-batches". A batch counts when
# smtp-source exits 0 (every message got its 250); a failed batch counts none of its messages.
load() {
  local t0 t1 end=$((SECONDS + seconds)) batches=0 failed=0
  t0=$(now)
  while [ $SECONDS -lt $end ]; do
    batches=$((batches + 1))
    smtp-source -s "$sessions" -m "$batch" -l 4096 -f sender@remote.test -t "$user" 127.0.0.1:$smtp_port >>"$work/smtp-source.log" 2>&1 \
      || failed=$((failed + 1))
  done
  t1=$(now)
  local n=$(( (batches - failed) * batch ))
  echo "$n $(rate $n "$t0" "$t1") $batches $failed"
}

# Warm-up (JIT, first commits), then the quiet measurement.
smtp-source -s "$sessions" -m 500 -l 4096 -f sender@remote.test -t "$user" 127.0.0.1:$smtp_port
idle_rss=$(rss) idle_fds=$(fds)
read -r quiet_n quiet_rate quiet_batches quiet_failed < <(load)

# Under abuse: the attackers ramp up for 15 s first, then the same measurement; RSS sampled every second meanwhile.
python3 "$bench_python/abuse.py" $smtp_port $imap_port -d $((seconds + 25)) -n "$connections" -a "$addresses" --rcpt "$user" \
  > "$work/abuse.json" 2> "$work/abuse.err" & attacker=$!; pids+=("$attacker")
( while kill -0 "$attacker" 2>/dev/null; do echo "$(rss) $(fds)"; sleep 1; done ) > "$work/samples" & sampler=$!; pids+=("$sampler")
sleep 15
read -r abuse_n abuse_rate abuse_batches abuse_failed < <(load)
wait "$attacker" || true; kill "$sampler" 2>/dev/null || true
max_rss=$(sort -n "$work/samples" | tail -n 1 | cut -d' ' -f1); max_fds=$(sort -n -k2 "$work/samples" | tail -n 1 | cut -d' ' -f2)

# Afterwards: does it still answer? SMTP EHLO from an address the attackers did not use (theirs may still be over
# their per-minute rate), and an IMAP login with STATUS.
sleep 5
smtp_ok=$(python3 -c "
import smtplib
s = smtplib.SMTP('127.0.0.1', $smtp_port, source_address=('127.0.0.254', 0), timeout=10); code, _ = s.ehlo('check.test'); s.quit(); print(code)" 2>&1 | tail -n 1) || true
# Every accepted message must reach the mailbox (the attackers' cut messages must not).
expected=$((500 + quiet_n + abuse_n)) deadline=$((SECONDS + 120)) in_box=$(inbox_count $imaps_port "$user" "$password" 2>&1 | tail -n 1) || true
while ! [ "$in_box" -ge "$expected" ] 2>/dev/null && [ $SECONDS -lt $deadline ]; do
  sleep 1; in_box=$(inbox_count $imaps_port "$user" "$password" 2>&1 | tail -n 1) || true
done
after_rss=$(rss) after_fds=$(fds) errors=$(server_errors)
cloudmail_stop

{
  echo "abuse: smtp-source -s $sessions -m $batch -l 4096 batches for ${seconds}s, quiet then under abuse.py -n $connections -a $addresses, $(nproc) cores"
  printf "%-13s %9s %8s %8s %7s\n" phase accepted "msg/s" batches failed
  printf "%-13s %9s %8s %8s %7s\n" quiet "$quiet_n" "$quiet_rate" "$quiet_batches" "$quiet_failed"
  printf "%-13s %9s %8s %8s %7s\n" "under abuse" "$abuse_n" "$abuse_rate" "$abuse_batches" "$abuse_failed"
  python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(f'ratio under abuse / quiet: {b/a:.2f} (target >= 0.5)')" "$quiet_rate" "$abuse_rate"
  echo "server RSS MiB: idle $idle_rss, max $max_rss, after $after_rss; open descriptors: idle $idle_fds, max $max_fds, after $after_fds"
  echo "afterwards: SMTP EHLO from 127.0.0.254 -> $smtp_ok; IMAP STATUS INBOX -> $in_box messages (accepted $expected); server log errors $errors"
  echo "attackers (per kind): $(cat "$work/abuse.json")"
  [ -s "$work/smtp-source.log" ] && echo "smtp-source errors (most frequent): $(sed -E 's/[0-9]+//g' "$work/smtp-source.log" | sort | uniq -c | sort -rn | head -n 3 | tr -s ' ' | tr '\n' ';')"
  [ -s "$work/abuse.err" ] && echo "attacker stderr: $(tail -n 3 "$work/abuse.err")"
  true
} | tee "$out"
