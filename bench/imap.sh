#!/usr/bin/env bash
# IMAP operation rates: CloudMail (embedded, defaults) against Dovecot (Debian dovecot-imapd, maildir, defaults) in the
# same run, same load generator (bench/imap_mix_load.py), same mixes: fetch, store, append (+ expunge), mixed (all
# three on one selected session) and relogin (connect, LOGIN, SELECT, FETCH, LOGOUT per operation); implicit TLS on
# both (self-signed RSA-2048). CLIENTS clients, each on its own account filled with FILL 4 KB messages first.
# Run as root on a throwaway machine: it installs dovecot-imapd and adds a local user "bench" (Dovecot's mail user).
#
#   bench/imap.sh [-c CLIENTS] [-d SECONDS_PER_MIX] [-f FILL]
#
# Prints operations/s per mix and server, protocol errors (NO/BAD answers, dropped connections, impossible sequence
# numbers; see imap_mix_load.py) and the ratio; writes bench/results/imap-<timestamp>.txt.
set -euo pipefail
clients=10 seconds=20 fill=200
while getopts "c:d:f:" o; do case $o in c) clients=$OPTARG;; d) seconds=$OPTARG;; f) fill=$OPTARG;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cloudmail-bench-imap.XXXXXX)"
results="$here/bench/results"; mkdir -p "$results"
out="$results/imap-$(date -u +%Y%m%dT%H%M%SZ).txt"
. "$here/bench/lib.sh"
need dovecot dovecot-imapd
cm_port=19932 dc_port=19933 password=bench-password-0123
mixes=(fetch store append mixed relogin)
users=(); for i in $(seq 0 $((clients - 1))); do users+=("bench$i@bench.test"); done
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
declare -A rate errors first
# measure NAME PORT: fills the mailboxes, then runs every mix; results in rate[NAME,mix], errors[NAME,mix].
measure() {
  local name=$1 port=$2 mix f=--fill=$fill ops errs secs r rest
  for mix in "${mixes[@]}"; do
    read -r ops errs secs r rest < <(python3 "$bench_python/imap_mix_load.py" "$port" "$password" "${users[@]}" --mix "$mix" -d "$seconds" $f)
    f=--fill=0
    rate[$name,$mix]=$r; errors[$name,$mix]=$errs; first[$name,$mix]=$rest
  done
}

# ---- CloudMail -------------------------------------------------------------------------------
cloudmail_publish imaps=$cm_port
cloudmail domain add bench.test >/dev/null
for u in "${users[@]}"; do echo "$password" | cloudmail user add "$u" >/dev/null; done
cloudmail_serve; pids+=("$cm_pid")
measure CloudMail $cm_port
cm_split=$(python3 "$bench_python/split_writes.py" imap-append $cm_port "${users[0]}" "$password" --tls)
cm_cpu=$(awk '{printf "%.1f", ($14+$15)/100}' /proc/$cm_pid/stat)
cm_errors=$(server_errors)
cloudmail_stop

# ---- Dovecot ---------------------------------------------------------------------------------
mkdir -p "$work/dovecot"
hash=$(doveadm pw -s SHA512-CRYPT -p "$password")
for u in "${users[@]}"; do echo "$u:$hash"; done > "$work/dovecot/users"
dovecot_start $dc_port "$work/dovecot/users"; pids+=("$dc_pid")
measure Dovecot $dc_port
dc_split=$(python3 "$bench_python/split_writes.py" imap-append $dc_port "${users[0]}" "$password" --tls)
kill -TERM "$dc_pid"; wait "$dc_pid" 2>/dev/null || true

{
  echo "IMAP operation mixes over implicit TLS: $clients clients (one account each, $fill messages of 4 KB), ${seconds}s per mix, $(nproc) cores"
  echo "CloudMail (defaults) vs Dovecot $(dovecot --version | cut -d' ' -f1) (maildir, defaults); ops/s (protocol errors)"
  printf "%-8s %16s %16s %7s\n" mix CloudMail Dovecot ratio
  for mix in "${mixes[@]}"; do
    printf "%-8s %10s (%3s) %10s (%3s) %6sx\n" "$mix" "${rate[CloudMail,$mix]}" "${errors[CloudMail,$mix]}" \
      "${rate[Dovecot,$mix]}" "${errors[Dovecot,$mix]}" \
      "$(python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "${rate[CloudMail,$mix]}" "${rate[Dovecot,$mix]}")"
  done
  echo "CloudMail server CPU ${cm_cpu}s, error log lines $cm_errors"
  echo "APPEND with literal and CRLF written separately (bench/split_writes.py): CloudMail $cm_split; Dovecot $dc_split"
  for k in "${!first[@]}"; do [ -n "${first[$k]}" ] && echo "first error $k: ${first[$k]}"; done
  true
} | tee "$out"
