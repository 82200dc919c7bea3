"""IMAP operation-mix load generator for bench/imap.sh: the same client for every server.

    imap_mix_load.py PORT PASSWORD USERS... --mix MIX [-d SECONDS] [--fill N]

One process per user (10 users = 10 clients), each on its own account over implicit TLS, for SECONDS:
  fetch    SELECT once, then FETCH 20 messages (FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE) and one BODY.PEEK[]
  store    SELECT once, then UID STORE +FLAGS/-FLAGS (\\Flagged $Label1) on a random message
  append   SELECT once, then APPEND one 4 KB message, mark it \\Deleted, UID EXPUNGE it
  mixed    SELECT once, then one of the above (fetch 50%, store 30%, append/expunge 20%)
  relogin  each operation: connect, LOGIN, SELECT, FETCH 20 (as fetch), LOGOUT
--fill N first appends N messages to every INBOX (not timed). Every answer is checked: a NO or BAD, a dropped
connection, a FETCH with a sequence number outside the mailbox, or an EXISTS count that goes down without an EXPUNGE
counts as a protocol error. Prints one line: operations errors seconds ops_per_s [first error]. The client is
imap_wire.py rather than imaplib: the servers share two cores with it, and imaplib's per-line parsing cost the load
generator about as much CPU per operation as CloudMail spent answering (docs/performance.md, 2026-12-06).
"""
import argparse
import multiprocessing
import random
import re
import time

from imap_wire import ImapError, ImapWire
from load_workers import run_together, summarize

BODY = ("From: load@bench.test\r\nTo: {user}\r\nSubject: load {n}\r\nDate: Fri, 4 Dec 2026 08:00:00 +0000\r\n"
        "Message-ID: <{n}.{r}@bench.test>\r\n\r\n" + ("0123456789abcdef" * 4 + "\r\n") * 60)
FETCH_ITEM = re.compile(rb"^\* (\d+) FETCH ")
EXISTS = re.compile(rb"^\* (\d+) EXISTS$")
UID = re.compile(rb"UID (\d+)")
APPENDUID = re.compile(rb"APPENDUID \d+ (\d+)")


class ProtocolError(Exception):
    """An answer the benchmark counts as a protocol error."""


def ok(result, what):
    untagged, tagged = result
    if not tagged.startswith(b"OK"):
        raise ProtocolError(f"{what}: {tagged!r}")
    return untagged, tagged


def quoted(text):
    return b'"' + text.replace("\\", "\\\\").replace('"', '\\"').encode() + b'"'


def login(args, user):
    client = ImapWire(args.port)
    ok(client.command(b"LOGIN " + quoted(user) + b" " + quoted(args.password)), "LOGIN")
    return client


def exists_in(untagged, before):
    """The last EXISTS among untagged responses; it may not go below the count known (no EXPUNGE is expected)."""
    count = before
    for line in untagged:
        m = EXISTS.match(line)
        if m:
            count = int(m.group(1))
    if count < before:
        raise ProtocolError(f"EXISTS went from {before} to {count} without EXPUNGE")
    return count


def select(client):
    untagged, _ = ok(client.command(b"SELECT INBOX"), "SELECT")
    return exists_in(untagged, 0)


def check_fetch(untagged, exists, what):
    for line in untagged:
        m = FETCH_ITEM.match(line)
        if m and not 1 <= int(m.group(1)) <= exists:
            raise ProtocolError(f"{what}: FETCH for {m.group(1)} outside 1..{exists}")
    return untagged


def op_fetch(client, exists, rng):
    """Returns the untagged responses of its commands (for the EXISTS check)."""
    if exists == 0:
        return []
    first = rng.randint(1, max(1, exists - 19))
    last = min(exists, first + 19)
    a, _ = ok(client.command(b"FETCH %d:%d (FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)" % (first, last)), "FETCH")
    check_fetch(a, exists, "FETCH")
    b, _ = ok(client.command(b"FETCH %d (BODY.PEEK[])" % rng.randint(1, exists)), "FETCH BODY")
    check_fetch(b, exists, "FETCH BODY")
    return a + b


def op_store(client, exists, rng):
    if exists == 0:
        return []
    a, _ = ok(client.command(b"FETCH %d (UID)" % rng.randint(1, exists)), "FETCH UID")
    check_fetch(a, exists, "FETCH UID")
    m = next((UID.search(line) for line in a if FETCH_ITEM.match(line)), None)
    if not m:
        raise ProtocolError(f"FETCH UID without UID: {a!r}")
    sign = rng.choice(b"+-")
    b, _ = ok(client.command(b"UID STORE " + m.group(1) + b" " + bytes([sign]) + b"FLAGS (\\Flagged $Label1)"), "UID STORE")
    return a + b


def op_append(client, user, rng):
    body = BODY.format(user=user, n=rng.randint(0, 1 << 30), r=rng.random()).encode()
    _, tagged = ok(client.command(b"APPEND INBOX", body), "APPEND")
    m = APPENDUID.search(tagged)
    if not m:
        raise ProtocolError(f"APPEND without APPENDUID: {tagged!r}")
    uid = m.group(1)
    ok(client.command(b"UID STORE " + uid + b" +FLAGS.SILENT (\\Deleted)"), "UID STORE \\Deleted")
    ok(client.command(b"UID EXPUNGE " + uid), "UID EXPUNGE")


def run_selected(args, user, deadline, rng, mix):
    client = login(args, user)
    exists = select(client)
    operations = 0
    while time.perf_counter() < deadline:
        choice = mix if mix != "mixed" else rng.choices(["fetch", "store", "append"], [5, 3, 2])[0]
        if choice == "fetch":
            exists = exists_in(op_fetch(client, exists, rng), exists)
        elif choice == "store":
            exists = exists_in(op_store(client, exists, rng), exists)
        else:
            # Our own message comes and goes (no other client uses this account): the count stays what it was.
            op_append(client, user, rng)
        operations += 1
    client.close()
    return operations


def run_relogin(args, user, deadline, rng):
    operations = 0
    while time.perf_counter() < deadline:
        client = login(args, user)
        exists = select(client)
        op_fetch(client, exists, rng)
        client.close()
        operations += 1
    return operations


def worker(args, user, barrier, results):
    rng = random.Random(hash(user))
    barrier.wait()
    deadline = time.perf_counter() + args.seconds
    operations = errors = 0
    first_error = ""
    while time.perf_counter() < deadline:
        try:
            if args.mix == "relogin":
                operations += run_relogin(args, user, deadline, rng)
            else:
                operations += run_selected(args, user, deadline, rng, args.mix)
        except (ProtocolError, ImapError, OSError) as e:
            errors += 1
            first_error = first_error or f"{type(e).__name__}: {e}"
    results.put((operations, errors, first_error))


def fill(args, user, count):
    client = login(args, user)
    rng = random.Random(user)
    for n in range(count):
        ok(client.command(b"APPEND INBOX", BODY.format(user=user, n=n, r=rng.random()).encode()), "APPEND (fill)")
    client.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("password")
    parser.add_argument("users", nargs="+")
    parser.add_argument("--mix", required=True, choices=["fetch", "store", "append", "mixed", "relogin"])
    parser.add_argument("-d", dest="seconds", type=float, default=20)
    parser.add_argument("--fill", type=int, default=0)
    args = parser.parse_args()

    if args.fill:
        with multiprocessing.Pool(len(args.users)) as pool:
            pool.starmap(fill, [(args, u, args.fill) for u in args.users])
    outcomes, seconds = run_together(worker, [(args, u) for u in args.users])
    operations, errors, first_error = summarize(outcomes)
    print(f"{operations} {errors} {seconds:.2f} {operations / seconds:.1f} {first_error}".rstrip())


if __name__ == "__main__":
    main()
