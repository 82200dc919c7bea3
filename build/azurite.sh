#!/usr/bin/env bash
# Starts and stops Azurite (the Azure Storage emulator, npm package `azurite`) for tests.
#
# usage: build/azurite.sh start|stop|status|connection-string [--state DIR]
#   start              installs azurite (pinned, repo-local under .azurite/, never global) when missing, starts it
#                      on 127.0.0.1 unless it already runs for this state dir, waits until blob and table accept
#                      connections, and prints the connection string as the last line of stdout.
#                      Ports: 10000 (blob), 10001 (queue), 10002 (table) when all three are free, else three free
#                      ports. The data lives in memory (--inMemoryPersistence): a restart starts empty.
#   stop               kills the process recorded in the state dir's PID file (by PID, never by name).
#   status             exit 0 and print the connection string when the instance of this state dir runs.
#   connection-string  same as status.
#   --state DIR        where the PID, ports and log live (default: .azurite/default). Separate state dirs give
#                      separate instances, so a test fixture can own one without stopping anybody else's.
# Environment: AZURITE_VERSION overrides the pinned version (for trying an upgrade).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${AZURITE_VERSION:-3.37.0}"
prefix="$repo_root/.azurite"
command="${1:-}"
[[ $# -gt 0 ]] && shift
state="$prefix/default"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --state) state="$2"; shift 2 ;;
    *) echo "azurite.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
pid_file="$state/azurite.pid"
ports_file="$state/ports"
log_file="$state/azurite.log"
# The well-known Azurite development account (public, documented by Microsoft; not a secret).
account="devstoreaccount1"
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

log() { echo "azurite.sh: $*" >&2; }

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid; pid="$(cat "$pid_file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Only our own Azurite counts, not an unrelated process that reused the PID.
  grep -q "azurite" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();});"
}

connection_string() {
  local blob queue table
  read -r blob queue table <"$ports_file"
  echo "DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
}

install() {
  local installed="$prefix/node_modules/azurite/package.json"
  if [[ -f "$installed" ]] && grep -q "\"version\": \"$version\"" "$installed"; then return 0; fi
  command -v npm >/dev/null || { log "npm is not installed (Debian: apt-get install nodejs npm)"; return 1; }
  mkdir -p "$prefix"
  log "installing azurite@$version into ${prefix#"$repo_root"/}"
  # One installer at a time: parallel test runs share the prefix.
  (
    flock 9
    if ! { [[ -f "$installed" ]] && grep -q "\"version\": \"$version\"" "$installed"; }; then
      npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "azurite@$version" >&2
    fi
  ) 9>"$prefix/install.lock"
}

start() {
  if running_pid >/dev/null; then connection_string; return 0; fi
  install
  mkdir -p "$state"
  # One start at a time across state dirs (test projects start theirs in parallel): choosing free ports and
  # binding them must not interleave. The lock is released when this script exits; Azurite does not inherit it.
  exec 8>"$prefix/start.lock"
  flock 8
  if running_pid >/dev/null; then connection_string; return 0; fi
  local blob=10000 queue=10001 table=10002
  if ! { port_free $blob && port_free $queue && port_free $table; }; then
    blob="$(free_port)"; queue="$(free_port)"; table="$(free_port)"
    while [[ "$queue" == "$blob" ]]; do queue="$(free_port)"; done
    while [[ "$table" == "$blob" || "$table" == "$queue" ]]; do table="$(free_port)"; done
  fi
  echo "$blob $queue $table" >"$ports_file"
  # --skipApiVersionCheck: the current SDKs send API versions newer than Azurite knows.
  # --disableTelemetry: otherwise Azurite may not exit promptly on SIGTERM.
  # Started from the state dir so that nothing Azurite might write lands in the caller's folder.
  (cd "$state" && exec setsid node "$prefix/node_modules/azurite/dist/src/azurite.js" \
    --silent --skipApiVersionCheck --disableTelemetry --inMemoryPersistence \
    --blobHost 127.0.0.1 --blobPort "$blob" \
    --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" 8>&-) >"$log_file" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pid_file"
  for _ in $(seq 1 150); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "azurite exited during start; log:"; cat "$log_file" >&2; rm -f "$pid_file"; return 1
    fi
    if ! port_free "$blob" && ! port_free "$table"; then
      log "azurite $version running, pid $pid, blob $blob, table $table (state ${state#"$repo_root"/})"
      connection_string
      return 0
    fi
    sleep 0.2
  done
  log "azurite did not open its ports within 30 s; log:"; cat "$log_file" >&2
  kill "$pid" 2>/dev/null || true
  rm -f "$pid_file"
  return 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then rm -f "$pid_file"; log "not running (state ${state#"$repo_root"/})"; return 0; fi
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$pid_file"
  log "stopped pid $pid"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status|connection-string) running_pid >/dev/null && connection_string ;;
  *) echo "usage: build/azurite.sh start|stop|status|connection-string [--state DIR]" >&2; exit 2 ;;
esac
