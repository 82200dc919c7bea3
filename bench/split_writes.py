#!/usr/bin/env python3
"""Latency of requests whose client writes them in two pieces, the second held back by Nagle's algorithm until the
first is acknowledged: an IMAP APPEND literal and its closing CRLF (as Python's imaplib writes them), or an SMTP BDAT
command line and its chunk. A server that leaves the first piece to the kernel's delayed-ACK timer makes each such
request wait ~40 ms. Prints one line: "<mode> median ms <m> over <n> requests".

  split_writes.py imap-append PORT USER PASSWORD [--tls]     (APPEND of a 4 KB message into INBOX, 50 times)
  split_writes.py smtp-bdat PORT RECIPIENT                    (MAIL, RCPT, BDAT n LAST of a 4 KB message, 50 times)
"""
import socket
import ssl
import statistics
import sys
import time

COUNT = 50
BODY = ("From: probe@probe.test\r\nSubject: split writes\r\n\r\n" + "x" * 4000 + "\r\n").encode()


def imap_append(port, user, password, tls):
    sock = socket.create_connection(("127.0.0.1", port))
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock)
    lines = sock.makefile("rb")

    def tagged(tag):
        while True:
            line = lines.readline()
            if not line:
                raise SystemExit("connection closed")
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise SystemExit(f"refused: {line!r}")
                return

    lines.readline()
    sock.sendall(b"a LOGIN " + user.encode() + b" " + password.encode() + b"\r\n")
    tagged(b"a")
    times = []
    for n in range(COUNT):
        tag = b"p%d" % n
        start = time.perf_counter()
        sock.sendall(tag + b" APPEND INBOX {%d}\r\n" % len(BODY))
        if not lines.readline().startswith(b"+"):
            raise SystemExit("no continuation")
        sock.sendall(BODY)
        sock.sendall(b"\r\n")
        tagged(tag)
        times.append(time.perf_counter() - start)
    sock.sendall(b"z LOGOUT\r\n")
    return times


def smtp_bdat(port, recipient):
    sock = socket.create_connection(("127.0.0.1", port))
    lines = sock.makefile("rb")

    def reply(expect):
        while True:
            line = lines.readline()
            if not line:
                raise SystemExit("connection closed")
            if line[3:4] == b" ":
                if not line.startswith(expect):
                    raise SystemExit(f"unexpected reply: {line!r}")
                return

    reply(b"220")
    sock.sendall(b"EHLO probe.test\r\n")
    reply(b"250")
    times = []
    for _ in range(COUNT):
        start = time.perf_counter()
        sock.sendall(b"MAIL FROM:<probe@probe.test>\r\n")
        reply(b"250")
        sock.sendall(b"RCPT TO:<" + recipient.encode() + b">\r\n")
        reply(b"250")
        sock.sendall(b"BDAT %d LAST\r\n" % len(BODY))
        sock.sendall(BODY)
        reply(b"250")
        times.append(time.perf_counter() - start)
    sock.sendall(b"QUIT\r\n")
    return times


def main():
    mode = sys.argv[1]
    if mode == "imap-append":
        times = imap_append(int(sys.argv[2]), sys.argv[3], sys.argv[4], "--tls" in sys.argv[5:])
    elif mode == "smtp-bdat":
        times = smtp_bdat(int(sys.argv[2]), sys.argv[3])
    else:
        raise SystemExit(__doc__)
    print(f"{mode} median ms {statistics.median(times) * 1000:.1f} over {len(times)} requests")


if __name__ == "__main__":
    main()
