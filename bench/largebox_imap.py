#!/usr/bin/env python3
"""Times the commands a client sends against one large INBOX, over IMAPS with Python's imaplib.

    python3 bench/largebox_imap.py PORT USER PASSWORD [--rounds 3]

One untimed round first (it lets each server build what it builds on first use: Dovecot its index and cache, CloudMail
its search index catch-up), then ROUNDS timed rounds on one connection; prints one line per command: the best time in
ms, the size of the answer in octets and a digest of it, as "NAME BEST_MS OCTETS DIGEST". Two servers whose SEARCH,
SORT or THREAD answers have the same digest found, ordered and threaded alike (FETCH answers differ in item order).
"""
import argparse
import hashlib
import imaplib
import ssl
import time

COMMANDS = [
    ("select", lambda c: c.select("INBOX", readonly=True)),
    ("uid-fetch-flags", lambda c: c.uid("FETCH", "1:*", "(FLAGS)")),
    ("uid-fetch-list", lambda c: c.uid("FETCH", "1:*", "(RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID REFERENCES IN-REPLY-TO CONTENT-TYPE)])")),
    ("uid-search-unseen", lambda c: c.uid("SEARCH", None, "UNSEEN")),
    ("uid-sort-date", lambda c: c.uid("SORT", "(DATE)", "UTF-8", "ALL")),
    ("uid-sort-reverse-arrival", lambda c: c.uid("SORT", "(REVERSE ARRIVAL)", "UTF-8", "ALL")),
    ("uid-sort-subject", lambda c: c.uid("SORT", "(SUBJECT)", "UTF-8", "ALL")),
    ("uid-thread-references", lambda c: c.uid("THREAD", "REFERENCES", "UTF-8", "ALL")),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("user")
    parser.add_argument("password")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    c = imaplib.IMAP4_SSL("127.0.0.1", args.port, ssl_context=ssl._create_unverified_context())
    c.login(args.user, args.password)
    best = {}
    size = {}
    digest = {}
    for round_ in range(args.rounds + 1):
        for name, command in COMMANDS:
            start = time.perf_counter()
            typ, data = command(c)
            elapsed = (time.perf_counter() - start) * 1000
            if typ != "OK":
                raise SystemExit(f"{name}: {typ} {data}")
            if round_ == 0:
                continue
            best[name] = min(best.get(name, elapsed), elapsed)
            answer = b"".join(p if isinstance(p, bytes) else b"".join(p) for p in data if p)
            size[name] = len(answer)
            digest[name] = hashlib.sha256(answer).hexdigest()[:12]
    c.logout()
    for name, _ in COMMANDS:
        print(name, f"{best[name]:.1f}", size[name], digest[name])


if __name__ == "__main__":
    main()
