#!/usr/bin/env bash
# SMTP acceptance and delivery-to-mailbox throughput: CloudMail (embedded) vs Postfix, same machine, same
# load generator (Postfix's smtp-source), same message count, size and concurrency. Run as root on a
# throwaway machine: it installs and reconfigures the Debian postfix package and adds a local user "bench".
#
#   bench/run.sh [-m MESSAGES] [-s SESSIONS] [-l SIZE_BYTES] [-r RECIPIENTS_PER_MESSAGE]
#
# Prints one line per server and the ratio; writes bench/results/<timestamp>.txt.
set -euo pipefail
messages=5000 sessions=20 size=4096 rcpts=1
while getopts "m:s:l:r:" o; do case $o in m) messages=$OPTARG;; s) sessions=$OPTARG;; l) size=$OPTARG;; r) rcpts=$OPTARG;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cm_port=2525 pf_port=2526
work="$(mktemp -d /tmp/cloudmail-bench.XXXXXX)"
results="$here/bench/results"; mkdir -p "$results"
out="$results/$(date -u +%Y%m%dT%H%M%SZ).txt"

if ! command -v smtp-source >/dev/null 2>&1 && [ ! -x /usr/sbin/smtp-source ]; then
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  apt-get update -qq && apt-get install -y -qq postfix >/dev/null
fi
PATH="$PATH:/usr/sbin"

now() { date +%s.%N; }
rate() { python3 -c "import sys; print(f'{float(sys.argv[1])/(float(sys.argv[3])-float(sys.argv[2])):.1f}')" "$@"; }

# ---- CloudMail -------------------------------------------------------------------------------
dotnet publish "$here/listener/CloudMail.Listener/CloudMail.Listener.csproj" -c Release -o "$work/bin" --nologo -v quiet
cm_args=(--CloudMail:DataDirectory="$work/data" --CloudMail:ListenAddress=127.0.0.1
  --CloudMail:Ports:Smtp=$cm_port --CloudMail:Ports:Submission=-1 --CloudMail:Ports:Submissions=-1
  --CloudMail:Ports:Imap=-1 --CloudMail:Ports:Imaps=19930 --CloudMail:Ports:Pop3=-1 --CloudMail:Ports:Pop3s=-1
  --CloudMail:Ports:Http=-1 --Logging:LogLevel:Default=Warning)
dotnet "$work/bin/cloudmail.dll" domain add bench.test "${cm_args[@]}" >/dev/null
echo "bench-password" | dotnet "$work/bin/cloudmail.dll" user add bench@bench.test "${cm_args[@]}" >/dev/null
# Started directly (a subshell that execs, not a shell function) so that $! is the server's own PID. Its working
# directory is an empty folder: the host watches its content root (the working directory) for configuration
# changes, recursively, and file activity there (a build in the repository) would otherwise cost the server CPU.
mkdir -p "$work/cwd"
(cd "$work/cwd" && exec dotnet "$work/bin/cloudmail.dll" serve "${cm_args[@]}") & cm_pid=$!
trap 'kill $cm_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -f "$work/data/listening.json" ] && break; sleep 0.1; done

inbox_count() {
  python3 - "$@" <<'PY'
import imaplib, ssl, sys
c = imaplib.IMAP4_SSL("127.0.0.1", 19930, ssl_context=ssl._create_unverified_context())
c.login("bench@bench.test", "bench-password")
typ, data = c.status("INBOX", "(MESSAGES)")
print(data[0].decode().split("MESSAGES ")[1].rstrip(")"))
c.logout()
PY
}
rcpt_args=(-t bench@bench.test)
[ "$rcpts" -gt 1 ] && rcpt_args=(-r "$rcpts" -t bench@bench.test)

t0=$(now)
smtp-source -s "$sessions" -m "$messages" -l "$size" -f sender@remote.test "${rcpt_args[@]}" 127.0.0.1:$cm_port
t1=$(now)
until [ "$(inbox_count)" -ge "$messages" ]; do sleep 0.2; done
t2=$(now)
cm_cpu=$(awk '{printf "%.1f", ($14+$15)/100}' /proc/$cm_pid/stat)
kill -TERM $cm_pid; wait $cm_pid || true; trap - EXIT
cm_accept=$(rate "$messages" "$t0" "$t1"); cm_deliver=$(rate "$messages" "$t0" "$t2")

# ---- Postfix ---------------------------------------------------------------------------------
id bench >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin bench
postfix stop >/dev/null 2>&1 || true
cp -n /etc/postfix/main.cf /etc/postfix/main.cf.bench-orig 2>/dev/null || true
cp -n /etc/postfix/master.cf /etc/postfix/master.cf.bench-orig 2>/dev/null || true
postconf -e "inet_interfaces = loopback-only" "mydestination = bench.test, localhost" "myhostname = bench.localdomain" \
  "mynetworks = 127.0.0.0/8" "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination" \
  "alias_maps =" "alias_database =" "home_mailbox =" "mail_spool_directory = /var/mail" "default_process_limit = 200"
sed -i -E "s/^(smtp|127\.0\.0\.1:[0-9]+)( +inet +n)/127.0.0.1:$pf_port\2/" /etc/postfix/master.cf
: > /var/mail/bench; chown bench:mail /var/mail/bench 2>/dev/null || true
postfix start >/dev/null 2>&1
sleep 1
mbox_count() { grep -c '^From ' /var/mail/bench 2>/dev/null || echo 0; }
t0=$(now)
smtp-source -s "$sessions" -m "$messages" -l "$size" -f sender@remote.test "${rcpt_args[@]}" 127.0.0.1:$pf_port
t1=$(now)
until [ "$(mbox_count)" -ge "$messages" ]; do sleep 0.2; done
t2=$(now)
postfix stop >/dev/null 2>&1 || true
pf_accept=$(rate "$messages" "$t0" "$t1"); pf_deliver=$(rate "$messages" "$t0" "$t2")

{
  echo "smtp-source -s $sessions -m $messages -l $size (recipients per message: $rcpts), $(nproc) cores"
  printf "%-10s %14s %16s\n" server "accepted msg/s" "delivered msg/s"
  printf "%-10s %14s %16s   (server CPU %ss)\n" CloudMail "$cm_accept" "$cm_deliver" "$cm_cpu"
  printf "%-10s %14s %16s\n" Postfix "$pf_accept" "$pf_deliver"
  python3 -c "import sys; a,b,c,d=map(float,sys.argv[1:]); print(f'ratio CloudMail/Postfix: acceptance {a/c:.2f}x, delivery {b/d:.2f}x')" \
    "$cm_accept" "$cm_deliver" "$pf_accept" "$pf_deliver"
} | tee "$out"
rm -rf "$work"
