#!/usr/bin/env bash
# IMAP login rate: CloudMail (embedded, default settings: PBKDF2-SHA256 600,000 iterations with its verified-credential
# cache) against Dovecot (Debian dovecot-imapd, a passwd-file user with a SHA512-CRYPT hash, auth settings at their
# defaults) in the same run, same load generator (bench/imap_login_load.py): each iteration connects over implicit TLS
# (both servers with a self-signed RSA-2048 certificate), LOGIN, LOGOUT. Run as root on a throwaway machine: it
# installs dovecot-imapd and adds a local user "bench" (Dovecot's mail user).
#
#   bench/login.sh [-n LOGINS] [-c CONCURRENCY] [-p] [-a DOVECOT_AUTH_CACHE_SIZE]
#
# -p: plain IMAP (LOGIN without TLS) on both, which CloudMail allows only with CloudMail:Imap:AllowInsecureAuth.
# -a: Dovecot's auth_cache_size (default 0: Dovecot's own default, no cache; e.g. 10M to compare caches).
# Prints, per server, the first login's time (cold), a second single login's time and the repeated logins/s, and the
# ratio; writes bench/results/login-<timestamp>.txt.
set -euo pipefail
logins=2000 concurrency=8 plain="" auth_cache=0
while getopts "n:c:pa:" o; do case $o in n) logins=$OPTARG;; c) concurrency=$OPTARG;; p) plain=--plain;; a) auth_cache=$OPTARG;; *) exit 2;; esac; done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cloudmail-bench-login.XXXXXX)"
results="$here/bench/results"; mkdir -p "$results"
out="$results/login-$(date -u +%Y%m%dT%H%M%SZ).txt"
. "$here/bench/lib.sh"
need dovecot dovecot-imapd
cm_port=19930 dc_port=19931 user=bench@bench.test password=bench-password-0123
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
load() { python3 "$bench_python/imap_login_load.py" "$1" "$user" "$password" $plain -n "$logins" -c "$concurrency"; }

# ---- CloudMail -------------------------------------------------------------------------------
if [ -n "$plain" ]; then
  cloudmail_publish imap=$cm_port --CloudMail:Imap:AllowInsecureAuth=true
else
  cloudmail_publish imaps=$cm_port
fi
cloudmail domain add bench.test >/dev/null
echo "$password" | cloudmail user add "$user" >/dev/null
cloudmail_serve; pids+=("$cm_pid")
read -r cm_cold cm_warm cm_ok cm_failed cm_seconds cm_rate cm_error < <(load $cm_port)
cm_cpu=$(awk '{printf "%.1f", ($14+$15)/100}' /proc/$cm_pid/stat)
cloudmail_stop

# ---- Dovecot ---------------------------------------------------------------------------------
# A self-contained instance: its own configuration, run and state folders and port, so the package's own service
# (if running) is not touched. The mail user "bench" owns the (empty) home; LOGIN/LOGOUT opens no mailbox.
mkdir -p "$work/dovecot"
echo "$user:$(doveadm pw -s SHA512-CRYPT -p "$password")" > "$work/dovecot/users"
dovecot_start $dc_port "$work/dovecot/users" $plain "auth_cache_size = $auth_cache"; pids+=("$dc_pid")
read -r dc_cold dc_warm dc_ok dc_failed dc_seconds dc_rate dc_error < <(load $dc_port)
kill -TERM "$dc_pid"; wait "$dc_pid" 2>/dev/null || true

{
  echo "IMAP LOGIN/LOGOUT, one connection each, $([ -n "$plain" ] && echo "plain IMAP" || echo "implicit TLS (RSA-2048, self-signed)"): $logins logins, $concurrency client processes, $(nproc) cores"
  echo "CloudMail: PBKDF2-SHA256 600000 iterations, credential cache on (defaults); Dovecot $(dovecot --version | cut -d' ' -f1): SHA512-CRYPT (5000 rounds), auth_cache_size=$auth_cache"
  printf "%-10s %9s %9s %10s %9s\n" server "cold ms" "warm ms" "logins/s" failures
  printf "%-10s %9s %9s %10s %9s   (server CPU %ss)\n" CloudMail "$cm_cold" "$cm_warm" "$cm_rate" "$cm_failed" "$cm_cpu"
  printf "%-10s %9s %9s %10s %9s\n" Dovecot "$dc_cold" "$dc_warm" "$dc_rate" "$dc_failed"
  [ -n "${cm_error:-}" ] && echo "CloudMail first failure: $cm_error"
  [ -n "${dc_error:-}" ] && echo "Dovecot first failure: $dc_error"
  python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(f'ratio CloudMail/Dovecot: repeated logins {a/b:.2f}x')" "$cm_rate" "$dc_rate"
} | tee "$out"
