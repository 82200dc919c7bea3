#!/usr/bin/env bash
# Port-25 acceptance with the whole inbound filter chain on, against the same server with it off, and against Postfix's
# plain acceptance, in one run with the same load generator (smtp-source -F: one DKIM-signed message, sent MESSAGES
# times over SESSIONS parallel sessions). Filters on: SPF, DKIM, DMARC and ARC checks through a dnsmasq on loopback that
# serves sender.bench's SPF (pass for 127.0.0.1), DKIM key and DMARC p=reject records and answers the DNSBL zone
# bl.bench (not listed), the DNSBL check at connect, clamd scanning every message (a signature file with EICAR's MD5:
# no signature download), and CloudMail's spam rules. Every 250 is a message that passed all of them and is durable.
# Run as root on a throwaway machine (it installs Debian packages and rewrites Postfix's configuration, as run.sh does).
#
#   bench/filtered.sh [-m MESSAGES] [-s SESSIONS] [-b BODY_LINES] [-w WARMUP]
#
# Each server first takes WARMUP messages (default 2000; 0 for none) that are not timed, as run.sh does, so that a run
# of a few thousand messages measures the server rather than its start-up and JIT; CloudMail's timed run starts once it
# is idle after them (wait_idle in lib.sh: its tiered JIT recompiles the hot code for a few seconds of load, 12-14 % of
# the CPU of a timed run that started right after 1,000 warm-up messages, and the warm-up's full-text indexing runs once
# mail pauses); CloudMail's CPU is counted for the timed messages only. Prints accepted msg/s of each and the ratios against the targets (filtered >= 60% of unfiltered, >= 2x Postfix);
# writes bench/results/filtered-<timestamp>.txt.
set -euo pipefail
messages=3000 sessions=20 body_lines=50 warmup=2000
while getopts "m:s:b:w:" o; do case $o in m) messages=$OPTARG;; s) sessions=$OPTARG;; b) body_lines=$OPTARG;; w) warmup=$OPTARG;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cloudmail-bench-filtered.XXXXXX)"
# shellcheck source=bench/lib.sh
. "$here/bench/lib.sh"
cm_port=2525 pf_port=2526
results="$here/bench/results"; mkdir -p "$results"
out="$results/filtered-$(date -u +%Y%m%dT%H%M%SZ).txt"
need smtp-source postfix
need dnsmasq dnsmasq
need clamd clamav-daemon
/usr/bin/python3 -c "import dkim" 2>/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq python3-dkim >/dev/null; }
free_port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
dns_port=$(free_port) clamd_port=$(free_port) imaps_port=$(free_port)
pids=()
# clamd writes every scanned stream (and, with ScanMail, each MIME part) to a temporary file: on a disk file system the
# file creation and deletion cost clamd more than the scan (ext4 inode allocation in perf), so its TemporaryDirectory is
# on tmpfs, as docs/filtering.md recommends (Debian 13 mounts /tmp as tmpfs; this machine's /tmp is on disk).
clamd_tmp="$(mktemp -d /dev/shm/cloudmail-bench-clamd.XXXXXX)"
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; postfix stop >/dev/null 2>&1 || true; rm -rf "$work" "$clamd_tmp"; }
trap cleanup EXIT

# ---- The message: DKIM-signed by sender.bench (relaxed/relaxed), BODY_LINES lines of text (Debian python3-dkim,
# hence /usr/bin/python3 rather than a python3 earlier on PATH) -----------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/dkim.pem" 2>/dev/null
pubkey=$(openssl pkey -in "$work/dkim.pem" -pubout -outform DER 2>/dev/null | base64 -w0)
/usr/bin/python3 - "$work/dkim.pem" "$work/message.eml" "$body_lines" <<'PY'
import sys, dkim
key, path, lines = open(sys.argv[1], "rb").read(), sys.argv[2], int(sys.argv[3])
body = "".join(f"Line {i} of a benchmark message that the filters read from start to end.\r\n" for i in range(lines))
msg = ("From: Alice <alice@sender.bench>\r\nTo: bench@bench.test\r\nSubject: filtered benchmark\r\n"
       "Date: Fri, 04 Dec 2026 08:00:00 +0000\r\nMessage-ID: <bench@sender.bench>\r\nMIME-Version: 1.0\r\n"
       "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body).encode()
sig = dkim.sign(msg, b"sel", b"sender.bench", key, canonicalize=(b"relaxed", b"relaxed"),
                include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
# smtp-source -F appends CRLF to each line itself.
open(path, "wb").write((sig + msg).replace(b"\r\n", b"\n"))
PY
size=$(wc -c < "$work/message.eml")

# ---- DNS: SPF, DKIM key, DMARC, and the DNSBL zone (not listed: NXDOMAIN) ------------------------------------------
key_record="v=DKIM1; k=rsa; p=$pubkey"
# Strings of at most 250 characters, comma-separated and unquoted (dnsmasq keeps quotes given on its command line).
txt_strings=$(python3 -c 'import sys; t=sys.argv[1]; print(",".join(t[i:i+250] for i in range(0, len(t), 250)))' "$key_record")
# Records carry a 300 s TTL as real zones' do (dnsmasq's default for records it serves itself is 0, which would make
# every message a fresh lookup of the sender's SPF, DKIM key and DMARC records, something no real sender's zone does).
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port="$dns_port" --local-ttl=300 \
  --local=/sender.bench/ --local=/bl.bench/ --local=/bench.test/ --local=/in-addr.arpa/ \
  "--txt-record=sender.bench,v=spf1 ip4:127.0.0.1 -all" "--txt-record=_dmarc.sender.bench,v=DMARC1; p=reject" \
  "--txt-record=sel._domainkey.sender.bench,$txt_strings" --pid-file="$work/dnsmasq.pid" & pids+=($!)

# ---- clamd with a one-line signature file --------------------------------------------------------------------------
mkdir -p "$work/clamd"
echo "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature" > "$work/clamd/test.hdb"
printf '%s\n' "Foreground yes" "TCPAddr 127.0.0.1" "TCPSocket $clamd_port" "DatabaseDirectory $work/clamd" \
  "LogFile $work/clamd/clamd.log" "StreamMaxLength 25M" "MaxThreads 8" "TemporaryDirectory $clamd_tmp" "ScanMail yes" "Bytecode no" "User root" > "$work/clamd/clamd.conf"
clamd --config-file="$work/clamd/clamd.conf" >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 600); do python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', $clamd_port)); s.sendall(b'zPING\0'); sys.exit(0 if s.recv(16).startswith(b'PONG') else 1)" 2>/dev/null && break; sleep 0.1; done

# ---- CloudMail, filters off then on ------------------------------------------------------------------------------------
cloudmail_publish smtp=$cm_port imaps=$imaps_port --CloudMail:HostName=mx.bench.test --CloudMail:Dns:Servers:0=127.0.0.1:$dns_port
base_args=("${cm_args[@]}")
filters=(--CloudMail:Filtering:Enabled=true --CloudMail:Filtering:AuthServId=mx.bench.test --CloudMail:Spam:Enabled=true
  --CloudMail:Antivirus:Clamd=tcp://127.0.0.1:$clamd_port --CloudMail:Dnsbl:Zones:0=bl.bench)

# warm PORT: the untimed warm-up messages (none when WARMUP is 0).
warm() { [ "$warmup" -gt 0 ] || return 0; smtp-source -s "$sessions" -m "$warmup" -F "$work/message.eml" -f alice@sender.bench -t bench@bench.test 127.0.0.1:$1; }

# accept_rate RESULT [SETTING...]: a fresh data folder and bench@bench.test, the server with the extra settings, then
# smtp-source; sets RESULT to accepted msg/s, cm_cpu to the server's CPU seconds and verdict to the
# Authentication-Results field of the first message in INBOX (empty when the filters are off).
accept_rate() {
  local var=$1; shift
  rm -rf "$work/data"; cm_args=("${base_args[@]}" "$@")
  cloudmail domain add bench.test >/dev/null
  echo "bench-password" | cloudmail user add bench@bench.test >/dev/null
  cloudmail_serve; pids+=("$cm_pid")
  local t0 t1 cpu0
  warm $cm_port
  wait_idle "$cm_pid"
  cpu0=$(awk '{print $14+$15}' "/proc/$cm_pid/stat")
  t0=$(now)
  smtp-source -s "$sessions" -m "$messages" -F "$work/message.eml" -f alice@sender.bench -t bench@bench.test 127.0.0.1:$cm_port
  t1=$(now)
  cm_cpu=$(awk -v c0="$cpu0" '{printf "%.1f", ($14+$15-c0)/100}' "/proc/$cm_pid/stat")
  verdict=$(python3 - "$imaps_port" <<'PY'
import imaplib, ssl, sys, time
c = imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ssl._create_unverified_context())
c.login("bench@bench.test", "bench-password")
for _ in range(600):
    if int(c.select("INBOX", readonly=True)[1][0]) > 0: break
    time.sleep(0.1)
_, data = c.fetch("1", "(BODY.PEEK[HEADER.FIELDS (AUTHENTICATION-RESULTS)])")
print(" ".join(data[0][1].decode().split()))
c.logout()
PY
)
  cloudmail_stop
  printf -v "$var" '%s' "$(rate "$messages" "$t0" "$t1")"
}
accept_rate off; off_cpu=$cm_cpu
accept_rate on "${filters[@]}"; on_cpu=$cm_cpu
errors=$(server_errors)

# ---- Postfix: plain acceptance (no milters, no policy service) ------------------------------------------------------
postfix_local_mbox $pf_port
postfix start >/dev/null 2>&1; sleep 1
warm $pf_port
t0=$(now)
smtp-source -s "$sessions" -m "$messages" -F "$work/message.eml" -f alice@sender.bench -t bench@bench.test 127.0.0.1:$pf_port
t1=$(now)
postfix stop >/dev/null 2>&1 || true
pf=$(rate "$messages" "$t0" "$t1")

{
  echo "filtered: smtp-source -s $sessions -m $messages -F (DKIM-signed message, $size bytes) after $warmup warm-up messages each, $(nproc) cores"
  printf "%-22s %14s\n" server "accepted msg/s"
  printf "%-22s %14s   (server CPU %ss in the timed run)\n" "CloudMail, filters off" "$off" "$off_cpu"
  printf "%-22s %14s   (server CPU %ss; SPF/DKIM/DMARC/ARC, DNSBL, clamd, spam rules; %s error lines)\n" "CloudMail, filters on" "$on" "$on_cpu" "$errors"
  printf "%-22s %14s\n" "Postfix (plain)" "$pf"
  echo "verdict of a filtered message: ${verdict:-none}"
  python3 -c "import sys; off,on,pf=map(float,sys.argv[1:]); print(f'filtered/unfiltered {on/off:.2f} (target >= 0.60: {\"met\" if on/off >= 0.6 else \"NOT met\"}); filtered/Postfix {on/pf:.2f}x (target >= 2x: {\"met\" if on/pf >= 2 else \"NOT met\"})')" \
    "$off" "$on" "$pf"
} | tee "$out"
