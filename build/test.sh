#!/usr/bin/env bash
# Installs what the tests need (on a fresh Debian machine, as root) and runs every test.
# Exit code: 0 when every test passed. Prints a closing "Tests: N passed, N failed" line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

need_apt=()
command -v swaks >/dev/null 2>&1 || need_apt+=(swaks)
# swaks needs Net::SSLeay for STARTTLS; --no-install-recommends leaves it out.
perl -MNet::SSLeay -MIO::Socket::SSL -e1 >/dev/null 2>&1 || need_apt+=(libnet-ssleay-perl libio-socket-ssl-perl)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
# DKIM and ARC differential tests: dkimpy (Debian's python3-dkim, for Debian's /usr/bin/python3; ARC needs python3-authres)
# signs, seals and verifies beside CloudMail.
/usr/bin/python3 -c "import dkim" >/dev/null 2>&1 || need_apt+=(python3-dkim)
/usr/bin/python3 -c "import authres" >/dev/null 2>&1 || need_apt+=(python3-authres)
# The openspf.org RFC 7208 test suite ships with python3-spf (/usr/share/doc/python3-spf); python3-yaml reads it.
[ -e /usr/share/doc/python3-spf/rfc7208-tests.yml.gz ] || need_apt+=(python3-spf)
/usr/bin/python3 -c "import yaml" >/dev/null 2>&1 || need_apt+=(python3-yaml)
# The Public Suffix List project's test vectors (and Debian's copy of the list) for the DMARC organizational-domain tests.
[ -e /usr/share/doc/publicsuffix/examples/test_psl.txt ] || need_apt+=(publicsuffix)
# Debian's mail clients for tests/CloudMail.EndToEnd.Tests/DebianClients (a missing one fails its test).
command -v mbsync >/dev/null 2>&1 || need_apt+=(isync)
command -v offlineimap >/dev/null 2>&1 || need_apt+=(offlineimap3)
command -v fetchmail >/dev/null 2>&1 || need_apt+=(fetchmail)
command -v msmtp >/dev/null 2>&1 || need_apt+=(msmtp)
command -v mutt >/dev/null 2>&1 || need_apt+=(mutt)
command -v s-nail >/dev/null 2>&1 || need_apt+=(s-nail)
command -v interimap >/dev/null 2>&1 || need_apt+=(interimap)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# The web console tests drive Debian's chromium headless (Playwright with ExecutablePath; no browser download).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
command -v script >/dev/null 2>&1 || need_apt+=(bsdutils)
# Outbound delivery tests: a DNS server on loopback (dnsmasq, zone written by the test) and Postfix as the peer.
command -v dnsmasq >/dev/null 2>&1 || need_apt+=(dnsmasq-base)
command -v smtp-sink >/dev/null 2>&1 || need_apt+=(postfix)
# The IMAP reference peer (tests/CloudMail.EndToEnd.Tests/Interop/DovecotImapComparisonTests.cs): a Dovecot the test starts.
[ -x /usr/sbin/dovecot ] || need_apt+=(dovecot-imapd)
# DANE tests: a validating unbound started by the tests, serving a zone signed with ldnsutils.
[ -x /usr/sbin/unbound ] || need_apt+=(unbound)
command -v ldns-signzone >/dev/null 2>&1 || need_apt+=(ldnsutils)
# Coverage-guided fuzzing of the network parsers (build/fuzz.sh, a short bounded run per target).
command -v afl-fuzz >/dev/null 2>&1 || need_apt+=(afl++)
# Virus scanning tests: a real clamd started by the tests with their own signature file (no download).
[ -x /usr/sbin/clamd ] || need_apt+=(clamav-daemon)
# rspamd scoring and learning tests: a real rspamd started by the tests (own config dir, loopback ports, SQLite Bayes, no redis).
[ -x /usr/bin/rspamd ] || need_apt+=(rspamd)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix's installer asks for a mail configuration; "No configuration" leaves it unconfigured and not running.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The package's own resolver service is not wanted (the tests start their own unbound on a free port).
  command -v systemctl >/dev/null 2>&1 && systemctl disable --now unbound >/dev/null 2>&1 || true
  # Nor Dovecot's (the IMAP comparison test starts a private Dovecot on a free loopback port).
  command -v systemctl >/dev/null 2>&1 && systemctl disable --now dovecot >/dev/null 2>&1 || true
fi

command -v npm >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
# Azurite for the Azure Storage tests (pinned npm package, installed into .azurite/ on first use), stopped by PID on exit.
export CLOUDMAIL_AZURITE="$(build/azurite.sh start --state .azurite/test-run | tail -n 1)"
trap 'build/azurite.sh stop --state .azurite/test-run >/dev/null 2>&1 || true' EXIT

results="$here/TestResults"
rm -rf "$results"
# The official Service Bus worker extension is the Functions app's default but is not served on this machine's
# package mirror: build the stand-in (functions/CloudMail.Functions/README.md, "The Service Bus extension").
standin=-p:UseOfficialServiceBusExtension=false
dotnet build CloudMail.sln -c Release --nologo -v quiet "$standin"
status=0
dotnet test CloudMail.sln -c Release --no-build --nologo "$standin" \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

# Each network parser fuzzed for a bounded time (CLOUDMAIL_FUZZ_SECONDS, default 10): a crash or hang fails the run.
fuzz_status=0
build/fuzz.sh "${CLOUDMAIL_FUZZ_SECONDS:-10}" || fuzz_status=$?
[ "$fuzz_status" -eq 0 ] || status=$fuzz_status

python3 - "$results" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
if passed == 0: sys.exit(1)
PY
exit $status
