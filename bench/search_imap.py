"""Times UID SEARCH over IMAPS for bench/search.sh: each query three times on one connection (the mailbox selected
once); prints one line per query: name, matches, first ms, best ms.

    python3 search_imap.py PORT USER PASSWORD
"""
import imaplib, ssl, sys, time

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
M = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ssl._create_unverified_context())
M.login(user, password)
typ, data = M.select("INBOX", readonly=True)
print(f"mailbox INBOX {data[0].decode()} messages")
queries = [
    ("BODY rare-substring", ["BODY", "quokkaflux"]),
    ("TEXT rare-substring", ["TEXT", "quokkaflux"]),
    ("BODY common-word", ["BODY", "meeting"]),
    ("BODY two-words", ["BODY", '"please review"']),
    ("BODY qp-latin1", ["CHARSET", "UTF-8", "BODY", "café crème"]),
    ("BODY base64-utf8", ["CHARSET", "UTF-8", "BODY", "ПРИВЕТ"]),
    ("BODY absent", ["BODY", "zzqqxxwwvv"]),
    ("SUBJECT", ["SUBJECT", "#4242"]),
    ("FROM", ["FROM", "sender42@remote5"]),
    ("BODY 2-chars", ["BODY", "qz"]),
    ("OR BODY SUBJECT", ["OR", "BODY", "quokkaflux", "SUBJECT", "#99999"]),
]
for name, args in queries:
    times, count = [], 0
    for _ in range(3):
        t0 = time.perf_counter()
        if "CHARSET" in args:
            # Non-ASCII needle as a literal (RFC 3501 §6.4.4 with CHARSET UTF-8).
            M.literal = args[-1].encode()
            typ, data = M.uid("SEARCH", *args[:-1])
        else:
            typ, data = M.uid("SEARCH", *args)
        times.append((time.perf_counter() - t0) * 1000)
        if typ != "OK":
            sys.exit(f"{name}: {typ} {data}")
        count = len(data[0].split())
    print(f"{name:22} {count:7d} {times[0]:9.1f} {min(times):9.1f}")
M.logout()
