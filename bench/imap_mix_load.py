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
counts as a protocol error. Prints one line: operations errors seconds ops_per_s [first error].
"""
import argparse
import imaplib
import multiprocessing
import random
import re
import ssl
import time

from load_workers import run_together, summarize

TIMEOUT = 30
BODY = ("From: load@bench.test\r\nTo: {user}\r\nSubject: load {n}\r\nDate: Fri, 4 Dec 2026 08:00:00 +0000\r\n"
        "Message-ID: <{n}.{r}@bench.test>\r\n\r\n" + ("0123456789abcdef" * 4 + "\r\n") * 60)
FETCH_ITEM = re.compile(rb"^(\d+) \(")


class ProtocolError(Exception):
    """An answer the benchmark counts as a protocol error."""


def connect(args):
    context = ssl._create_unverified_context()
    return imaplib.IMAP4_SSL("127.0.0.1", args.port, ssl_context=context, timeout=TIMEOUT)


def ok(result, what):
    typ, data = result
    if typ != "OK":
        raise ProtocolError(f"{what}: {typ} {data!r}")
    return data


def select(client):
    data = ok(client.select("INBOX"), "SELECT")
    return int(data[0])


def check_fetch(data, exists, what):
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if line is None or line == b")":
            continue
        m = FETCH_ITEM.match(line)
        if m and not 1 <= int(m.group(1)) <= exists:
            raise ProtocolError(f"{what}: FETCH for {m.group(1)} outside 1..{exists}")


def exists_now(client, before):
    """EXISTS reported since the last command; it may not go below the count known (no EXPUNGE is expected)."""
    typ, data = client.response("EXISTS")
    counts = [int(x) for x in data if x is not None]
    if counts and counts[-1] < before:
        raise ProtocolError(f"EXISTS went from {before} to {counts[-1]} without EXPUNGE")
    return counts[-1] if counts else before


def op_fetch(client, exists, rng):
    if exists == 0:
        return
    first = rng.randint(1, max(1, exists - 19))
    last = min(exists, first + 19)
    check_fetch(ok(client.fetch(f"{first}:{last}", "(FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)"), "FETCH"), exists, "FETCH")
    check_fetch(ok(client.fetch(str(rng.randint(1, exists)), "(BODY.PEEK[])"), "FETCH BODY"), exists, "FETCH BODY")


def op_store(client, exists, rng):
    if exists == 0:
        return
    uid = ok(client.fetch(str(rng.randint(1, exists)), "(UID)"), "FETCH UID")[0]
    m = re.search(rb"UID (\d+)", uid)
    sign = rng.choice("+-")
    ok(client.uid("STORE", m.group(1).decode(), f"{sign}FLAGS", "(\\Flagged $Label1)"), "UID STORE")


def op_append(client, user, rng):
    body = BODY.format(user=user, n=rng.randint(0, 1 << 30), r=rng.random()).encode()
    data = ok(client.append("INBOX", None, None, body), "APPEND")
    m = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
    if not m:
        raise ProtocolError(f"APPEND without APPENDUID: {data!r}")
    uid = m.group(1).decode()
    ok(client.uid("STORE", uid, "+FLAGS.SILENT", "(\\Deleted)"), "UID STORE \\Deleted")
    ok(client.uid("EXPUNGE", uid), "UID EXPUNGE")


def run_selected(args, user, deadline, rng, mix):
    client = connect(args)
    ok(client.login(user, args.password), "LOGIN")
    exists = select(client)
    operations = 0
    while time.perf_counter() < deadline:
        choice = mix if mix != "mixed" else rng.choices(["fetch", "store", "append"], [5, 3, 2])[0]
        if choice == "fetch":
            op_fetch(client, exists, rng)
        elif choice == "store":
            op_store(client, exists, rng)
        else:
            op_append(client, user, rng)
            # Our own message came and went (no other client uses this account): the count is what it was.
            client.response("EXISTS")
            client.response("EXPUNGE")
        if choice != "append":
            exists = exists_now(client, exists)
        operations += 1
    client.logout()
    return operations


def run_relogin(args, user, deadline, rng):
    operations = 0
    while time.perf_counter() < deadline:
        client = connect(args)
        ok(client.login(user, args.password), "LOGIN")
        exists = select(client)
        op_fetch(client, exists, rng)
        client.logout()
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
        except (ProtocolError, imaplib.IMAP4.error, OSError) as e:
            errors += 1
            first_error = first_error or f"{type(e).__name__}: {e}"
    results.put((operations, errors, first_error))


def fill(args, user, count):
    client = connect(args)
    ok(client.login(user, args.password), "LOGIN")
    rng = random.Random(user)
    for n in range(count):
        ok(client.append("INBOX", None, None, BODY.format(user=user, n=n, r=rng.random()).encode()), "APPEND (fill)")
    client.logout()


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
