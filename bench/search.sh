#!/usr/bin/env bash
# SEARCH over the embedded full-text index: fills one INBOX with N messages (default 100,000) through the storage API
# (`cloudmail import mbox`, no SMTP), starts `cloudmail serve`, waits until the search index has caught up (the
# background indexer works off mail.db's search_pending queue; the time it takes is reported), then times UID SEARCH
# BODY/TEXT/SUBJECT/FROM over IMAPS with Python imaplib (bench/search_imap.py): matches, first and best of three, ms.
# Wrap in flock (bench runs collide): flock /tmp/bench.lock bench/search.sh [-n MESSAGES]
# Writes bench/results/search-<timestamp>.txt.
set -euo pipefail
messages=100000
while getopts "n:" o; do case $o in n) messages=$OPTARG;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cloudmail-bench-search.XXXXXX)"
results="$here/bench/results"; mkdir -p "$results"
out="$results/search-$(date -u +%Y%m%dT%H%M%SZ).txt"
. "$here/bench/lib.sh"
port=19947 user=bench@bench.test password=bench-password-0123
cleanup() { [ -n "${cm_pid:-}" ] && kill "$cm_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cloudmail_publish imaps=$port
cloudmail domain add bench.test >/dev/null
echo "$password" | cloudmail user add "$user" >/dev/null
python3 "$bench_python/search_mbox.py" "$messages" "$work/inbox.mbox"
t0=$(now); cloudmail import mbox "$work/inbox.mbox" --to "$user" >/dev/null; t1=$(now)
pending() { python3 -c "import sqlite3,sys; c=sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True); print(c.execute('SELECT COUNT(*) FROM search_pending').fetchone()[0])" "$work/data/mail.db"; }
cloudmail_serve
t2=$(now)
while [ "$(pending)" -gt 0 ]; do sleep 1; done
t3=$(now)
{
  echo "SEARCH over the embedded full-text index: $messages messages in one INBOX, $(nproc) cores, $(du -sh "$work/inbox.mbox" | cut -f1) mbox"
  echo "import (storage API): $(rate "$messages" "$t0" "$t1") messages/s; index backfill after start: $(rate "$messages" "$t2" "$t3") messages/s ($(python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.0f}')" "$t2" "$t3") s)"
  echo "mail.db $(du -sh "$work/data/mail.db" | cut -f1) (with the index)"
  printf "%-22s %7s %9s %9s\n" query matches "first ms" "best ms"
  python3 "$bench_python/search_imap.py" "$port" "$user" "$password"
  echo "server errors logged: $(server_errors)"
} | tee "$out"
cloudmail_stop
