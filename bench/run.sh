#!/usr/bin/env bash
# SMTP acceptance and delivery-to-mailbox throughput: CloudMail (embedded) vs Postfix, same machine, same
# load generator (Postfix's smtp-source), same message count, size and concurrency; and, as the ceiling of the
# SMTP exchange alone, Postfix's smtp-sink (answers every command, stores nothing). Run as root on a throwaway
# machine: it installs and reconfigures the Debian postfix package and adds a local user "bench".
#
#   bench/run.sh [-m MESSAGES] [-s SESSIONS] [-l SIZE_BYTES] [-r RECIPIENTS_PER_MESSAGE] [-w WARMUP_MESSAGES]
#
# Every server first gets WARMUP_MESSAGES (default 2000; 0 for none) the same way, delivered before the timed run
# starts and not counted: the rates are those of a running server, not of its first seconds (.NET re-compiles its
# hot code during roughly the first few thousand messages after a start; docs/performance.md).
# CloudMail's timed run starts once the warm-up's full-text indexing is done (wait_idle in lib.sh); the CPU the timed
# messages' indexing takes afterwards (it waits for mail to pause, at most 30 s) is printed beside the run's own.
#
# Prints one line per server and the ratios; writes bench/results/<timestamp>.txt. CLOUDMAIL_BENCH_BIN (see lib.sh)
# skips the publish step. Fails (instead of waiting for ever) when the CloudMail server exits during the run or
# delivery stalls for DELIVERY_STALL_SECONDS (default 120) without a new message in the mailbox.
set -euo pipefail
messages=5000 sessions=20 size=4096 rcpts=1 warmup=2000
while getopts "m:s:l:r:w:" o; do case $o in m) messages=$OPTARG;; s) sessions=$OPTARG;; l) size=$OPTARG;; r) rcpts=$OPTARG;; w) warmup=$OPTARG;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cloudmail-bench.XXXXXX)"
results="$here/bench/results"; mkdir -p "$results"
out="$results/$(date -u +%Y%m%dT%H%M%SZ).txt"
. "$here/bench/lib.sh"
need smtp-source postfix
cm_port=2525 pf_port=2526 sink_port=2527 imaps_port=19930 user=bench@bench.test password=bench-password-0123
stall=${DELIVERY_STALL_SECONDS:-120}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT

rcpt_args=(-t "$user")
[ "$rcpts" -gt 1 ] && rcpt_args=(-r "$rcpts" -t "$user")
# send PORT [COUNT]: COUNT (default MESSAGES) messages over SESSIONS parallel sessions.
send() { smtp-source -s "$sessions" -m "${2:-$messages}" -l "$size" -f sender@remote.test "${rcpt_args[@]}" "127.0.0.1:$1"; }
# warm PORT COUNT_COMMAND CHECK_COMMAND: the warm-up messages, sent and delivered (none when WARMUP is 0).
warm() { [ "$warmup" -gt 0 ] || return 0; send "$1" "$warmup" && wait_delivered "$2" "$3" "$warmup"; }

# Waits until COUNT_COMMAND prints at least TARGET (default: the warm-up and the timed messages); fails when
# CHECK_COMMAND fails or the count stops rising.
# wait_delivered COUNT_COMMAND CHECK_COMMAND [TARGET]
wait_delivered() {
  local count=0 last=-1 since=$SECONDS target=${3:-$((warmup + messages))}
  while :; do
    $2 || return 1
    count=$($1 2>/dev/null) || count=0
    [ "$count" -ge "$target" ] && return 0
    if [ "$count" -ne "$last" ]; then last=$count since=$SECONDS
    elif [ $((SECONDS - since)) -ge "$stall" ]; then echo "delivery stalled at $count of $target messages" >&2; return 1
    fi
    sleep 0.2
  done
}

# ---- CloudMail -------------------------------------------------------------------------------
cloudmail_publish smtp=$cm_port imaps=$imaps_port
cloudmail domain add bench.test >/dev/null
echo "$password" | cloudmail user add "$user" >/dev/null
cloudmail_serve; pids+=("$cm_pid")
cm_alive() {
  kill -0 "$cm_pid" 2>/dev/null && return 0
  echo "cloudmail serve exited during the run; end of its log:" >&2; tail -n 40 "$work/server.log" >&2; return 1
}
cm_count() { inbox_count $imaps_port "$user" "$password"; }

warm $cm_port cm_count cm_alive || { cm_alive; echo "the warm-up failed against CloudMail" >&2; exit 1; }
# The warm-up's full-text indexing (done in the background once mail pauses) would otherwise run in the timed window.
wait_idle "$cm_pid"
cpu0=$(awk '{print $14+$15}' /proc/$cm_pid/stat)
t0=$(now); send $cm_port || { cm_alive; echo "smtp-source failed against CloudMail; server errors and warnings:" >&2; grep -A3 -E '^(warn|fail|crit):' "$work/server.log" | tail -n 40 >&2; exit 1; }; t1=$(now)
cm_alive
wait_delivered cm_count cm_alive
t2=$(now)
cm_cpu=$(awk -v c0="$cpu0" '{printf "%.1f", ($14+$15-c0)/100}' /proc/$cm_pid/stat)
# What the run still costs after it: the timed messages' full-text indexing (deferred until mail pauses), then idle.
cpu1=$(awk '{print $14+$15}' /proc/$cm_pid/stat); wait_idle "$cm_pid"
cm_cpu_after=$(awk -v c1="$cpu1" '{printf "%.1f", ($14+$15-c1)/100}' /proc/$cm_pid/stat)
cm_errors=$(server_errors)
cm_split=$(python3 "$bench_python/split_writes.py" smtp-bdat $cm_port "$user")
cloudmail_stop
cm_accept=$(rate "$messages" "$t0" "$t1"); cm_deliver=$(rate "$messages" "$t0" "$t2")
echo "CloudMail: accepted $cm_accept msg/s, delivered $cm_deliver msg/s" >&2

# ---- smtp-sink (SMTP exchange only, nothing stored) ------------------------------------------
# Same client, same commands; -u because it refuses to keep root privileges as root. (Not -M: it may exit at the
# last message's DATA while other sessions still send theirs, and smtp-source then fails with "lost connection".)
smtp-sink -u nobody 127.0.0.1:$sink_port 1024 & sink_pid=$!; pids+=("$sink_pid")
for _ in $(seq 50); do ss -ltnH "sport = :$sink_port" | grep -q . && break; sleep 0.1; done
[ "$warmup" -gt 0 ] && send $sink_port "$warmup"
t0=$(now); send $sink_port; t1=$(now)
kill "$sink_pid"; wait "$sink_pid" 2>/dev/null || true
sink_accept=$(rate "$messages" "$t0" "$t1")
echo "smtp-sink: accepted $sink_accept msg/s" >&2

# ---- Postfix ---------------------------------------------------------------------------------
postfix_local_mbox "$pf_port"  # nothing left queued by an interrupted run may count
postfix start >/dev/null 2>&1
sleep 1
mbox_count() { local n; n=$(grep -c '^From ' /var/mail/bench 2>/dev/null) || true; echo "${n:-0}"; }
pf_alive() { postfix status >/dev/null 2>&1 || { echo "postfix stopped during the run" >&2; return 1; }; }
warm $pf_port mbox_count pf_alive
t0=$(now); send $pf_port; t1=$(now)
wait_delivered mbox_count pf_alive
t2=$(now)
pf_split=$(python3 "$bench_python/split_writes.py" smtp-bdat $pf_port "$user")
postfix stop >/dev/null 2>&1 || true
pf_accept=$(rate "$messages" "$t0" "$t1"); pf_deliver=$(rate "$messages" "$t0" "$t2")

{
  echo "smtp-source -s $sessions -m $messages -l $size (recipients per message: $rcpts) after $warmup warm-up messages each, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  printf "%-10s %14s %16s\n" server "accepted msg/s" "delivered msg/s"
  printf "%-10s %14s %16s   (server CPU %ss in the timed run and %ss after it until idle, mostly full-text indexing; error log lines %s)\n" \
    CloudMail "$cm_accept" "$cm_deliver" "$cm_cpu" "$cm_cpu_after" "$cm_errors"
  printf "%-10s %14s %16s\n" Postfix "$pf_accept" "$pf_deliver"
  printf "%-10s %14s %16s\n" smtp-sink "$sink_accept" "-"
  python3 -c "import sys; a,b,c,d,e=map(float,sys.argv[1:]); print(f'ratio CloudMail/Postfix: acceptance {a/c:.2f}x, delivery {b/d:.2f}x; CloudMail/smtp-sink acceptance {a/e:.2f}x')" \
    "$cm_accept" "$cm_deliver" "$pf_accept" "$pf_deliver" "$sink_accept"
  echo "BDAT with command line and chunk written separately (bench/split_writes.py): CloudMail $cm_split; Postfix $pf_split"
} | tee "$out"
