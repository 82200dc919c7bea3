#!/usr/bin/env bash
# One large INBOX (default 50,000 messages of ~1.5 KB, with reply chains, Re:/Fwd: subjects and display names), the
# same messages in CloudMail (imported with `cloudmail import mbox`) and in Dovecot (written as Maildir files, indexed by
# Dovecot on first access), then the commands clients send to show and sort it, timed over IMAPS on one connection by
# bench/largebox_imap.py: SELECT, UID FETCH 1:* FLAGS, a message-list header fetch, UID SEARCH UNSEEN, UID SORT by
# DATE, REVERSE ARRIVAL and SUBJECT, UID THREAD REFERENCES; best of ROUNDS after one untimed round on each server
# (CloudMail's once it has finished indexing the imported messages' text, which it does in the background). Then
# the memory each server spends per session holding the INBOX selected (SESSIONS sessions, bench/largebox_memory.py).
# Run as root on a throwaway machine (it installs Debian packages and adds a system user, as imap.sh does).
#
#   flock /tmp/bench.lock bench/largebox.sh [-n MESSAGES] [-r ROUNDS] [-s SESSIONS]
#
# Writes bench/results/largebox-<timestamp>.txt.
set -euo pipefail
messages=50000 rounds=3 sessions=8
while getopts "n:r:s:" o; do case $o in n) messages=$OPTARG;; r) rounds=$OPTARG;; s) sessions=$OPTARG;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cloudmail-bench-largebox.XXXXXX)"
# shellcheck source=bench/lib.sh
. "$here/bench/lib.sh"
results="$here/bench/results"; mkdir -p "$results"
out="$results/largebox-$(date -u +%Y%m%dT%H%M%SZ).txt"
need dovecot dovecot-imapd
cm_port=19942 dc_port=19943 user=big@bench.test password=bench-password-0123
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# ---- The messages: an mbox for CloudMail and the same messages as Maildir files for Dovecot ------------------------
id bench >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin bench
chmod 755 "$work"; mkdir -p "$work/home/big/Maildir/cur" "$work/home/big/Maildir/new" "$work/home/big/Maildir/tmp"
python3 - "$messages" "$work/big.mbox" "$work/home/big/Maildir/cur" <<'PY'
import os, random, sys, time
n, mbox, maildir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
random.seed(7)
names = ["Ann Lee", "Bob Stone", "Carla Diaz", "Dieter Müller", "Eve", "Frank O'Neil", "Grace Hopper", "Hal"]
topics = ["quarterly report", "lunch on friday", "server outage", "invoice 4411", "holiday plans", "release notes",
          "meeting notes", "build failure", "new laptop", "design review"]
start = 1733000000
with open(mbox, "w", encoding="utf-8") as f:
    for i in range(n):
        sender = random.randrange(len(names))
        name = names[sender]
        addr = f"user{sender}@remote.test"
        thread = random.randrange(n // 5 + 1)
        prefix = random.choice(["", "", "Re: ", "RE: ", "Fwd: ", "Re: Re: "])
        subject = f"{prefix}{topics[thread % len(topics)]} #{thread}"
        when = start + i * 60 + random.randrange(-3600, 3600)
        date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when))
        refs = f"References: <t{thread}@remote.test>\n" if prefix else ""
        display = name.encode("utf-8").decode("ascii", "ignore") if name.isascii() else "=?UTF-8?Q?Dieter_M=C3=BCller?="
        body = "".join(f"Line {k} of message {i} in thread {thread}, written for the large mailbox benchmark.\n" for k in range(12))
        text = (f"From: {display} <{addr}>\nTo: big@bench.test\nSubject: {subject}\nDate: {date}\n"
                f"Message-ID: <{'t' if not prefix else 'm'}{thread if not prefix else i}@remote.test>\n{refs}"
                f"MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n{body}")
        f.write(f"From {addr} {time.asctime(time.gmtime(when))}\n{text}\n")
        # Dovecot gives new Maildir files their UIDs in file name order: names in message order, so that both servers
        # number the messages alike (the file's modification time is its arrival, its internal date).
        path = os.path.join(maildir, f"{start + i}.M{i}P1.bench:2,")
        with open(path, "w", encoding="ascii") as m:
            m.write(text.replace("\n", "\r\n"))
        os.utime(path, (when, when))
PY
chown -R bench: "$work/home"

# ---- CloudMail ---------------------------------------------------------------------------------
cloudmail_publish imaps=$cm_port
cloudmail domain add bench.test >/dev/null
echo "$password" | cloudmail user add "$user" >/dev/null
cloudmail import mbox "$work/big.mbox" --to "$user" >/dev/null
cloudmail_serve; pids+=("$cm_pid")
# The imported messages' full-text index is built in the background after the start (Dovecot builds its index in
# the untimed round, before its timed ones): wait for it, so that it does not run during the timed rounds.
wait_idle "$cm_pid"
cm=$(python3 "$bench_python/largebox_imap.py" $cm_port "$user" "$password" --rounds "$rounds")
cm_mem=$(python3 "$bench_python/largebox_memory.py" $cm_port "$user" "$password" "$cm_pid" --sessions "$sessions" | cut -d' ' -f2)
cm_errors=$(server_errors)
cloudmail_stop

# ---- Dovecot ---------------------------------------------------------------------------------
mkdir -p "$work/dovecot"
echo "$user:$(doveadm pw -s SHA512-CRYPT -p "$password")" > "$work/dovecot/users"
dovecot_start $dc_port "$work/dovecot/users"; pids+=("$dc_pid")
dc=$(python3 "$bench_python/largebox_imap.py" $dc_port "$user" "$password" --rounds "$rounds")
dc_mem=$(python3 "$bench_python/largebox_memory.py" $dc_port "$user" "$password" "$dc_pid" --sessions "$sessions" | cut -d' ' -f2)
kill -TERM "$dc_pid"; wait "$dc_pid" 2>/dev/null || true

{
  echo "One INBOX of $messages messages over IMAPS, best of $rounds rounds after one untimed round, $(nproc) cores"
  echo "CloudMail (defaults, imported) vs Dovecot $(dovecot --version | cut -d' ' -f1) (maildir, defaults); ms (lower is better) and answer octets"
  printf "%-26s %12s %12s %8s   %s\n" command CloudMail Dovecot ratio "answer octets and digests (CloudMail / Dovecot)"
  paste -d' ' <(echo "$cm") <(echo "$dc") | while read -r name cm_ms cm_size cm_digest _ dc_ms dc_size dc_digest; do
    printf "%-26s %12s %12s %7sx   %s %s / %s %s%s\n" "$name" "$cm_ms" "$dc_ms" \
      "$(python3 -c "import sys; print(f'{float(sys.argv[2])/float(sys.argv[1]):.2f}')" "$cm_ms" "$dc_ms")" \
      "$cm_size" "$cm_digest" "$dc_size" "$dc_digest" "$([ "$cm_digest" = "$dc_digest" ] && echo "  (same answer)")"
  done
  echo "ratio: Dovecot's time / CloudMail's (above 1: CloudMail faster). CloudMail error log lines: $cm_errors"
  echo "memory per session holding the INBOX selected ($sessions sessions, growth of the servers' summed Pss): CloudMail $cm_mem KiB, Dovecot $dc_mem KiB"
} | tee "$out"
