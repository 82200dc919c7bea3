#!/usr/bin/env python3
"""Times each step of one-connection SMTP transactions against a server (no TLS, no AUTH), one after the other.

    python3 bench/smtp_latency.py HOST PORT COUNT [--from ADDR] [--to ADDR]

Per message: connect and greeting, HELO, MAIL, RCPT, DATA, the content with its end-of-data reply, QUIT. Prints the
median and mean of each step over the last three quarters of the messages (the first quarter warms both sides) and the
sum of the medians. Fails on any reply that is not the expected success code. Used for docs/performance.md to compare
CloudMail's and Postfix's per-command latency on one machine.
"""
import argparse
import socket
import statistics
import sys
import time


def reply(reader):
    """The last line of one (possibly multi-line) SMTP reply."""
    while True:
        line = reader.readline()
        if not line:
            raise ConnectionError("connection closed")
        if line[3:4] != b"-":
            return line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--from", dest="sender", default="sender@remote.test")
    parser.add_argument("--to", dest="recipient", default="bench@bench.test")
    args = parser.parse_args()
    filler = (b"z" * 70 + b"\r\n") * 50
    steps = {}

    def timed(name, expected, send, reader):
        start = time.perf_counter()
        if send is not None:
            send()
        line = reply(reader)
        steps.setdefault(name, []).append(time.perf_counter() - start)
        if not line.startswith(expected):
            sys.exit(f"{name}: unexpected reply {line!r}")

    for i in range(args.count):
        with socket.socket() as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            start = time.perf_counter()
            s.connect((args.host, args.port))
            reader = s.makefile("rb")
            line = reply(reader)
            steps.setdefault("connect+greeting", []).append(time.perf_counter() - start)
            if not line.startswith(b"220"):
                sys.exit(f"greeting: {line!r}")
            for name, command, expected in (
                ("HELO", b"HELO client.test\r\n", b"250"),
                ("MAIL", b"MAIL FROM:<%s>\r\n" % args.sender.encode(), b"250"),
                ("RCPT", b"RCPT TO:<%s>\r\n" % args.recipient.encode(), b"250"),
                ("DATA", b"DATA\r\n", b"354"),
            ):
                timed(name, expected, lambda c=command: s.sendall(c), reader)
            content = (b"From: <%s>\r\nTo: <%s>\r\nSubject: latency %d\r\nMessage-ID: <%d.%f@remote.test>\r\n\r\n"
                       % (args.sender.encode(), args.recipient.encode(), i, i, time.time())) + filler + b".\r\n"
            timed("end of data", b"250", lambda: s.sendall(content), reader)
            timed("QUIT", b"221", lambda: s.sendall(b"QUIT\r\n"), reader)
    total = 0.0
    for name, values in steps.items():
        values = values[args.count // 4:]
        median = statistics.median(values)
        total += median
        print(f"{name:17s} median {median * 1000:.3f} ms  mean {statistics.mean(values) * 1000:.3f} ms")
    print(f"sum of medians    {total * 1000:.3f} ms")


if __name__ == "__main__":
    main()
