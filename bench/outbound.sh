#!/usr/bin/env bash
# Outbound relay throughput: messages accepted on port 25 for a local alias that forwards to a remote domain, relayed
# to that domain's MX, which is Postfix's smtp-sink on loopback (it accepts and discards: the receiving side costs
# next to nothing). CloudMail (embedded: MX lookup through a dnsmasq on loopback, SRS, DKIM when a key exists,
# MailKit delivery) against Postfix (virtual alias + transport map to the same sink) in the same run, same load
# generator (smtp-source), same count, size and concurrency. Run as root on a throwaway machine.
#
#   bench/outbound.sh [-m MESSAGES] [-s SESSIONS] [-l SIZE_BYTES] [-w WARMUP_MESSAGES]
#
# Each server first relays WARMUP_MESSAGES (default 2000; 0 for none) the same way, all received by a sink before the
# timed run starts and not counted, as run.sh does: the rates are those of a running server, not of its first seconds
# (.NET compiles its hot code during the first few thousand messages). CloudMail's CPU is that of the timed run.
# CLOUDMAIL_BENCH_BIN (see lib.sh) skips the publish step.
#
# Prints relayed messages/s for each server (from the first connection until the sink has received every message)
# and the ratio; writes bench/results/outbound-<timestamp>.txt.
set -euo pipefail
messages=2000 sessions=20 size=4096 warmup=2000
while getopts "m:s:l:w:" o; do case $o in m) messages=$OPTARG;; s) sessions=$OPTARG;; l) size=$OPTARG;; w) warmup=$OPTARG;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cm_port=2525 pf_port=2526 dns_port=5354 sink=127.0.0.9
work="$(mktemp -d /tmp/cloudmail-bench-out.XXXXXX)"
results="$here/bench/results"; mkdir -p "$results"
out="$results/outbound-$(date -u +%Y%m%dT%H%M%SZ).txt"
# shellcheck source=bench/lib.sh
. "$here/bench/lib.sh"
command -v smtp-sink >/dev/null && command -v dnsmasq >/dev/null || { echo "needs postfix (smtp-source, smtp-sink) and dnsmasq" >&2; exit 2; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; postfix stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# start_sink COUNT: a sink on the MX address that exits after COUNT messages; prints its PID.
start_sink() { smtp-sink -u postfix -M "$1" "$sink:25" 256 >/dev/null 2>&1 & echo $!; }
# The sink is not our child (started in a command substitution): once it exits it is a zombie until init reaps it,
# which can take seconds on some machines, and kill -0 still succeeds on a zombie. Exited = gone or state Z.
sink_running() { local state; state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [ "$state" != Z ]; }
wait_sink() { while sink_running "$1"; do sleep 0.01; done; }
send() { smtp-source -s "$sessions" -m "$2" -l "$size" -f sender@remote.test -t fwd@bench.test "127.0.0.1:$1"; }
# warm PORT: WARMUP messages sent and relayed to a sink of their own before the timed run (none when WARMUP is 0).
warm() {
  [ "$warmup" -gt 0 ] || return 0
  local warm_sink; warm_sink=$(start_sink "$warmup"); pids+=("$warm_sink"); sleep 0.3
  send "$1" "$warmup"; wait_sink "$warm_sink"
}

# DNS: sink.test's MX is the sink. Answers carry a 300 s TTL as real zones' records do (dnsmasq's default for records
# it serves itself is 0, which would make every message a fresh lookup, something no real destination does);
# dnsmasq is authoritative for sink.test, so a name it lacks (_mta-sts, TLSA) is NXDOMAIN with the SOA that negative
# answers carry (RFC 2308), as from a real zone, not REFUSED.
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port=$dns_port \
  --local-ttl=300 --auth-ttl=300 --auth-server=ns.sink.test,127.0.0.1 --auth-zone=sink.test --mx-host=sink.test,mx.sink.test,10 --host-record=mx.sink.test,$sink --pid-file="$work/dnsmasq.pid" & pids+=($!)

# ---- CloudMail -------------------------------------------------------------------------------
cloudmail_publish smtp=$cm_port --CloudMail:HostName=mail.bench.test --CloudMail:Dns:Servers:0=127.0.0.1:$dns_port
cloudmail domain add bench.test >/dev/null
cloudmail alias add fwd@bench.test x@sink.test >/dev/null
cloudmail_serve; pids+=("$cm_pid")

warm $cm_port
sink_pid=$(start_sink "$messages"); pids+=($sink_pid); sleep 0.3
cpu0=$(awk '{print $14+$15}' "/proc/$cm_pid/stat")
t0=$(now)
send $cm_port "$messages"
t1=$(now)
wait_sink "$sink_pid"
t2=$(now)
cm_cpu=$(awk -v c0="$cpu0" '{printf "%.1f", ($14+$15-c0)/100}' "/proc/$cm_pid/stat")
cloudmail_stop
cm_accept=$(rate "$messages" "$t0" "$t1"); cm_relay=$(rate "$messages" "$t0" "$t2")

# ---- Postfix ---------------------------------------------------------------------------------
postfix stop >/dev/null 2>&1 || true
# Debian's "No configuration" install has no main.cf: start from the settings a working instance needs.
[ -f /etc/postfix/main.cf ] || printf '%s\n' "compatibility_level = 3.6" "queue_directory = /var/spool/postfix" \
  "data_directory = /var/lib/postfix" "mail_owner = postfix" "setgid_group = postdrop" > /etc/postfix/main.cf
cp -n /etc/postfix/main.cf /etc/postfix/main.cf.bench-orig 2>/dev/null || true
cp -n /etc/postfix/master.cf /etc/postfix/master.cf.bench-orig 2>/dev/null || true
echo "fwd@bench.test x@sink.test" > /etc/postfix/bench-virtual && postmap /etc/postfix/bench-virtual
echo "sink.test smtp:[$sink]:25" > /etc/postfix/bench-transport && postmap /etc/postfix/bench-transport
postconf -e "inet_interfaces = loopback-only" "mydestination =" "myhostname = mail.bench.test" \
  "mynetworks = 127.0.0.0/8" "virtual_alias_domains = bench.test" "virtual_alias_maps = hash:/etc/postfix/bench-virtual" \
  "transport_maps = hash:/etc/postfix/bench-transport" "default_process_limit = 200" "smtp_tls_security_level = none" \
  "alias_maps =" "alias_database ="
sed -i -E "s/^(smtp|127\.0\.0\.1:[0-9]+)( +inet +n)/127.0.0.1:$pf_port\2/" /etc/postfix/master.cf
# An earlier run's leftovers (the sink exits after its count, cutting sessions still in DATA) would be retried first,
# find the sink gone and mark it dead for minutes: start from an empty queue.
postsuper -d ALL >/dev/null 2>&1 || true
postfix start >/dev/null 2>&1; sleep 1
warm $pf_port
sink_pid=$(start_sink "$messages"); pids+=($sink_pid); sleep 0.3
t0=$(now)
send $pf_port "$messages"
t1=$(now)
wait_sink "$sink_pid"
t2=$(now)
postfix stop >/dev/null 2>&1 || true
pf_accept=$(rate "$messages" "$t0" "$t1"); pf_relay=$(rate "$messages" "$t0" "$t2")

{
  echo "outbound: smtp-source -s $sessions -m $messages -l $size to an alias forwarding to sink.test (smtp-sink) after $warmup warm-up messages each, $(nproc) cores"
  printf "%-10s %14s %14s\n" server "accepted msg/s" "relayed msg/s"
  printf "%-10s %14s %14s   (server CPU %ss in the timed run)\n" CloudMail "$cm_accept" "$cm_relay" "$cm_cpu"
  printf "%-10s %14s %14s\n" Postfix "$pf_accept" "$pf_relay"
  python3 -c "import sys; a,b,c,d=map(float,sys.argv[1:]); print(f'ratio CloudMail/Postfix: acceptance {a/c:.2f}x, relayed {b/d:.2f}x')" \
    "$cm_accept" "$cm_relay" "$pf_accept" "$pf_relay"
} | tee "$out"
