# Shared by bench/login.sh, soak.sh and abuse.sh (sourced, not run). Expects $here (the repository) and $work (a
# fresh temporary folder) to be set, and fills cm_args, cm_pid.

PATH="$PATH:/usr/sbin"
bench_python="$here/bench"

now() { date +%s.%N; }
# rate COUNT START END: COUNT per second between two now() values, one decimal.
rate() { python3 -c "import sys; print(f'{float(sys.argv[1])/(float(sys.argv[3])-float(sys.argv[2])):.1f}')" "$@"; }

# Installs the Debian packages named when COMMAND is missing: need COMMAND PACKAGE...
need() {
  command -v "$1" >/dev/null 2>&1 && return
  shift
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  apt-get update -qq && apt-get install -y -qq "$@" >/dev/null
}

# How the benches publish CloudMail: ReadyToRun for this machine's runtime, as ./cloudmail and the Dockerfile do (without
# it the first thousands of messages are measured against the JIT: docs/performance.md).
cloudmail_publish_flags="--use-current-runtime --no-self-contained -p:PublishReadyToRun=true"

# Publishes CloudMail (Release) into $work/bin and sets cm_args: data in $work/data, every endpoint off except the
# ones given as name=port (smtp=2525 imaps=19930 ...), warnings and errors logged. Extra --key=value settings may
# follow the endpoints. With CLOUDMAIL_BENCH_BIN set to a folder holding a published cloudmail.dll, uses that instead.
cloudmail_publish() {
  if [ -n "${CLOUDMAIL_BENCH_BIN:-}" ]; then ln -s "$CLOUDMAIL_BENCH_BIN" "$work/bin"
  else dotnet publish "$here/listener/CloudMail.Listener/CloudMail.Listener.csproj" -c Release -o "$work/bin" --nologo -v quiet $cloudmail_publish_flags
  fi
  local -A ports=([Smtp]=-1 [Submission]=-1 [Submissions]=-1 [Imap]=-1 [Imaps]=-1 [Pop3]=-1 [Pop3s]=-1 [Http]=-1)
  local extra=() a name
  for a in "$@"; do
    case $a in
      --*) extra+=("$a");;
      *=*) name=${a%%=*}; ports[${name^}]=${a#*=};;
    esac
  done
  cm_args=(--CloudMail:DataDirectory="$work/data" --CloudMail:ListenAddress=127.0.0.1 --Logging:LogLevel:Default=Warning)
  for name in "${!ports[@]}"; do cm_args+=(--CloudMail:Ports:$name="${ports[$name]}"); done
  cm_args+=("${extra[@]}")
}

# Runs an admin command against the published server's data: cloudmail domain add bench.test
cloudmail() { dotnet "$work/bin/cloudmail.dll" "$@" "${cm_args[@]}"; }

# Starts `cloudmail serve` in the background (log in $work/server.log), sets cm_pid to the server's own PID and
# waits until it listens. Its working directory is an empty folder: the host watches its content root (the working
# directory) for configuration changes, recursively, and file activity there (a build) would cost the server CPU.
cloudmail_serve() {
  # A server left from an earlier run would silently share the ports (.NET listeners set SO_REUSEPORT on Linux).
  local p
  for p in $(printf '%s\n' "${cm_args[@]}" | sed -n 's/^--CloudMail:Ports:[A-Za-z0-9]*=\([1-9][0-9]*\)$/\1/p'); do
    if ss -ltnH "sport = :$p" | grep -q .; then echo "port $p is in use: stop what listens there first" >&2; return 1; fi
  done
  mkdir -p "$work/cwd"
  rm -f "$work/data/listening.json"
  (cd "$work/cwd" && exec dotnet "$work/bin/cloudmail.dll" serve "${cm_args[@]}") >>"$work/server.log" 2>&1 & cm_pid=$!
  for _ in $(seq 300); do [ -f "$work/data/listening.json" ] && return; sleep 0.1; done
  echo "cloudmail serve did not start; log:" >&2; cat "$work/server.log" >&2; return 1
}

# Waits until a process uses less than a tenth of a core for three seconds in a row (at most 300 s): work a server
# does on its own after starting (CloudMail's full-text indexing catch-up after an import) would otherwise run during
# the timed rounds of a benchmark whose peer did the same work in its untimed first round. wait_idle PID
wait_idle() {
  local pid=$1 quiet=0 before after
  for _ in $(seq 300); do
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat"); sleep 1; after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    if [ $((after - before)) -lt 10 ]; then quiet=$((quiet + 1)); [ $quiet -ge 3 ] && return; else quiet=0; fi
  done
}

# Stops the server started by cloudmail_serve and waits for it.
# Stops the server and flushes what it wrote (sync): the kernel would otherwise write CloudMail's dirty pages back while
# the next server of the same run is measured, and charge that I/O to the peer.
cloudmail_stop() { kill -TERM "$cm_pid" 2>/dev/null || true; wait "$cm_pid" 2>/dev/null || true; sync; }

# Prints MESSAGES of INBOX over IMAPS: inbox_count PORT USER PASSWORD
inbox_count() { python3 "$bench_python/imap_count.py" "$@"; }

# Server-side log lines at error level or worse (the console logger writes "fail:" and "crit:").
server_errors() { grep -cE '^(fail|crit):' "$work/server.log" || true; }

# RSS in MiB and thread count of a process: proc_sample PID
proc_sample() { awk '/^VmRSS:/ {rss=$2} /^Threads:/ {t=$2} END {printf "%.1f %d\n", rss/1024, t}' "/proc/$1/status"; }

# Configures the Debian Postfix for local delivery to the mbox of a local user "bench" (bench.test), listening on
# 127.0.0.1:PORT only, with an empty queue and mailbox (originals kept as *.bench-orig): postfix_local_mbox PORT.
# Leaves Postfix stopped.
postfix_local_mbox() {
  id bench >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin bench
  postfix stop >/dev/null 2>&1 || true
  # Debian's "No configuration" install has no main.cf: start from the settings a working instance needs.
  [ -f /etc/postfix/main.cf ] || printf '%s\n' "compatibility_level = 3.6" "queue_directory = /var/spool/postfix" \
    "data_directory = /var/lib/postfix" "mail_owner = postfix" "setgid_group = postdrop" > /etc/postfix/main.cf
  cp -n /etc/postfix/main.cf /etc/postfix/main.cf.bench-orig 2>/dev/null || true
  cp -n /etc/postfix/master.cf /etc/postfix/master.cf.bench-orig 2>/dev/null || true
  postconf -e "inet_interfaces = loopback-only" "mydestination = bench.test, localhost" "myhostname = bench.localdomain" \
    "mynetworks = 127.0.0.0/8" "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination" \
    "alias_maps =" "alias_database =" "home_mailbox =" "mail_spool_directory = /var/mail" "default_process_limit = 200" "mailbox_size_limit = 0"
  sed -i -E "s/^(smtp|127\.0\.0\.1:[0-9]+)( +inet +n)/127.0.0.1:$1\2/" /etc/postfix/master.cf
  postsuper -d ALL >/dev/null 2>&1 || true
  # A dotlock left by a local(8) that was stopped mid-delivery blocks every delivery for stale_lock_time (500 s).
  rm -f /var/mail/bench.lock; : > /var/mail/bench; chown bench:mail /var/mail/bench 2>/dev/null || true
}

# dovecot_start PORT USERS_FILE [--plain] [SETTING...]: a Dovecot with default settings on 127.0.0.1:PORT, implicit TLS
# only (--plain: plain IMAP only, LOGIN allowed without TLS), its users from USERS_FILE (passwd-file, SHA512-CRYPT),
# Maildir in $work/home/USER owned by the system user bench (created when missing), each SETTING ("name = value") added
# to its configuration; configuration, certificate and state under $work/dovecot. Starts it in the background, sets
# dc_pid and returns once the port answers. imap.sh, login.sh and largebox.sh measure against it.
dovecot_start() {
  local port=$1 users=$2 on=imaps off=imap ssl=required plaintext=yes
  shift 2
  if [ "${1:-}" = --plain ]; then on=imap off=imaps ssl=yes plaintext=no; shift; fi
  id bench >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin bench
  chmod 755 "$work"; mkdir -p "$work/dovecot/run" "$work/dovecot/state" "$work/home"; chown bench: "$work/home"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mail.bench.test \
    -keyout "$work/dovecot/key.pem" -out "$work/dovecot/cert.pem" 2>/dev/null
  {
    cat <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $work/dovecot/run
state_dir = $work/dovecot/state
log_path = $work/dovecot/dovecot.log
ssl = $ssl
ssl_cert = <$work/dovecot/cert.pem
ssl_key = <$work/dovecot/key.pem
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = $plaintext
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT $users
}
userdb {
  driver = static
  args = uid=bench gid=bench home=$work/home/%n
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener $on {
    address = 127.0.0.1
    port = $port
  }
  inet_listener $off {
    port = 0
  }
}
CONF
    for setting in "$@"; do echo "$setting"; done
  } > "$work/dovecot/dovecot.conf"
  dovecot -F -c "$work/dovecot/dovecot.conf" & dc_pid=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
}
