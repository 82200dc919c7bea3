#!/usr/bin/env bash
# Compiles and lints infra/main.bicep with the Bicep CLI from the NuGet package
# Azure.Bicep.CommandLine.linux-x64 (restored through build/bicep/Bicep.proj: no download from
# anywhere but the package registry). Fails on any diagnostic line that says Warning or Error: the CLI
# exits 0 on warnings (unknown API versions, type mismatches, linter findings), so its output is parsed.
#
# usage: build/bicep-check.sh [--outdir DIR] [--file FILE]
#   --outdir DIR   where the compiled ARM JSON goes (default: build/bicep/bin/infra, git-ignored).
#                  The compiled JSON is a build output: it is never written under infra/ and never committed.
#   --file FILE    the Bicep file to check (default: infra/main.bicep; tests use it to prove a warning fails).
# Prints the CLI's output, then "bicep-check: OK" or "bicep-check: FAILED (...)". Exit 0 only when clean.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
outdir="$repo_root/build/bicep/bin/infra"
file="$repo_root/infra/main.bicep"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --outdir) outdir="$2"; shift 2 ;;
    --file) file="$2"; shift 2 ;;
    *) echo "bicep-check: unknown argument: $1" >&2; exit 2 ;;
  esac
done

bicep_version="0.49.2"
package_id="azure.bicep.commandline.linux-x64"
package_root="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$package_root/$package_id/$bicep_version/tools/bicep"

if [[ ! -f "$bicep" ]]; then
  # PackageDownload fetches the package into the NuGet cache without building anything.
  dotnet restore "$repo_root/build/bicep/Bicep.proj" --nologo -v quiet >&2
  # The cache may be elsewhere (nuget.config globalPackagesFolder): ask the restore where it put it.
  assets="$repo_root/build/bicep/obj/project.assets.json"
  if [[ ! -f "$bicep" && -f "$assets" ]]; then
    package_root="$(sed -n '/"packageFolders"/{n;p;}' "$assets" | sed -E 's/^[[:space:]]*"([^"]+)".*/\1/')"
    bicep="${package_root%/}/$package_id/$bicep_version/tools/bicep"
  fi
fi
if [[ ! -f "$bicep" ]]; then
  echo "bicep-check: FAILED (no Bicep CLI at $bicep after restoring build/bicep/Bicep.proj)" >&2
  exit 1
fi
# NuGet does not keep the executable bit on every platform.
[[ -x "$bicep" ]] || chmod +x "$bicep"

mkdir -p "$outdir"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
echo "bicep-check: $("$bicep" --version)"
echo "bicep-check: bicep build ${file#"$repo_root"/} --outdir $outdir"
"$bicep" build "$file" --outdir "$outdir" >"$log" 2>&1 || status=$?
cat "$log"
build_output="$(cat "$log")"

echo "bicep-check: bicep lint ${file#"$repo_root"/}"
"$bicep" lint "$file" >"$log" 2>&1 || status=$?
cat "$log"
lint_output="$(cat "$log")"

findings="$(printf '%s\n%s\n' "$build_output" "$lint_output" | grep -Ei 'warning|error' || true)"
if [[ $status -ne 0 ]]; then
  echo "bicep-check: FAILED (the Bicep CLI exited with $status)"
  exit 1
fi
if [[ -n "$findings" ]]; then
  echo "bicep-check: FAILED ($(printf '%s\n' "$findings" | sort -u | wc -l) warning/error line(s) above)"
  exit 1
fi
compiled="$outdir/$(basename "${file%.bicep}").json"
if [[ ! -s "$compiled" ]]; then
  echo "bicep-check: FAILED (no compiled template at $compiled)"
  exit 1
fi
echo "bicep-check: OK (compiled to $compiled; build and lint clean)"
