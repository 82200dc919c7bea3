#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that read network input (tests/CloudMail.Fuzz): AFL++ from Debian drives
# SharpFuzz-instrumented CloudMail assemblies. Usage:
#   build/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]     (default: 10 seconds, every target)
# Each target stops after SECONDS or CLOUDMAIL_FUZZ_EXECS executions (default 100000), whichever comes first, from a
# fixed seed (CLOUDMAIL_FUZZ_SEED, default 1), so a short run in the test command explores the same inputs every time;
# long runs (CLOUDMAIL_FUZZ_EXECS=10000000, a new seed) explore further.
# Installs afl++ (apt) and the sharpfuzz tool (into .tools/) when missing. Exit code 1 when any target found a crash or
# a hang (the input is kept in .fuzz/findings/TARGET/default/{crashes,hangs}/ and replayed on stdout), else 0.
# Prints one line per target: executions, paths, crashes, hangs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
seconds="${1:-10}"
shift || true

if ! command -v afl-fuzz >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi
tools="$here/.tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

out="$here/.fuzz/bin"
rm -rf "$out"
dotnet publish tests/CloudMail.Fuzz -c Release -o "$out" --nologo -v quiet -p:UseOfficialServiceBusExtension=false >/dev/null
# Instrument CloudMail's own parsers (not the framework or third-party libraries).
for dll in CloudMail.Protocols.dll CloudMail.SendApi.dll cloudmail.dll CloudMail.Filtering.dll CloudMail.Core.dll CloudMail.Delivery.dll; do
  "$tools/sharpfuzz" "$out/$dll" >/dev/null
done

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls tests/CloudMail.Fuzz/corpus)
fi

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_QUIET=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
status=0
for target in "${targets[@]}"; do
  findings="$here/.fuzz/findings/$target"
  rm -rf "$findings"; mkdir -p "$here/.fuzz/findings"
  afl-fuzz -i "tests/CloudMail.Fuzz/corpus/$target" -o "$findings" -V "$seconds" -E "${CLOUDMAIL_FUZZ_EXECS:-100000}" \
    -s "${CLOUDMAIL_FUZZ_SEED:-1}" -t 5000 -m none \
    -- dotnet "$out/CloudMail.Fuzz.dll" "$target" >"$here/.fuzz/$target.log" 2>&1 || true
  stats="$findings/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "fuzz $target: afl-fuzz did not run; see .fuzz/$target.log"; tail -n 20 "$here/.fuzz/$target.log"; status=1; continue
  fi
  get() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$stats"; }
  crashes=$(find "$findings/default/crashes" -name 'id:*' 2>/dev/null | wc -l)
  hangs=$(find "$findings/default/hangs" -name 'id:*' 2>/dev/null | wc -l)
  echo "fuzz $target: $(get execs_done) executions, $(get corpus_count) paths, $crashes crashes, $hangs hangs"
  if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
    status=1
    for input in "$findings"/default/crashes/id:* "$findings"/default/hangs/id:*; do
      [ -f "$input" ] || continue
      echo "--- $input"; timeout 10 dotnet "$out/CloudMail.Fuzz.dll" "$target" "$input" 2>&1 | head -n 20 || true
    done
  fi
done
exit $status
