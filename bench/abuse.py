"""Abusive SMTP and IMAP clients for bench/abuse.sh (asyncio, one process).

    abuse.py SMTP_PORT IMAP_PORT [-d SECONDS] [-n CONNECTIONS] [-a ADDRESSES] [--rcpt ADDRESS]

Keeps CONNECTIONS bad connections going for SECONDS against 127.0.0.1, each bound to a source address among
127.0.0.2 .. 127.0.0.(ADDRESSES+1) in turn, so the server's per-address limits apply (127.0.0.1, the normal client,
is exempt by default). Two thirds go to SMTP, one third to IMAP (plain port: the attacks are all before login):

  smtp-idle     reads the greeting, then sends nothing
  smtp-slow     EHLO one byte a second, then an endless line, one byte a second
  smtp-long     100 KiB command lines without end, as fast as the server reads them
  smtp-datacut  EHLO, MAIL, RCPT, DATA, 64 KiB of body, then a reset (no final dot)
  imap-idle     reads the greeting, then sends nothing
  imap-slow     a command one byte a second, then an endless line
  imap-literal  announces a literal (LOGIN {60000}, a 4 GiB one, a non-synchronizing APPEND {30000000+}) and never
                sends it

A slot whose connection ends opens a new one (0.5 s later after a refusal or an error). Prints a JSON summary per kind:
connections opened, refused at the greeting (SMTP 421 / IMAP BYE, or closed before it), ended later (closed by the
server, or by the attacker for smtp-datacut), reset by the server, connect errors, and the most held open at once.
"""
import argparse
import asyncio
import json
import socket
import struct
import time
from collections import defaultdict

stats = defaultdict(lambda: defaultdict(int))
held = defaultdict(int)


def opened(kind):
    held[kind] += 1
    stats[kind]["max_open"] = max(stats[kind]["max_open"], held[kind])


async def connect(args, port, source, kind):
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0), limit=1 << 20), 10)
    stats[kind]["opened"] += 1
    opened(kind)
    return reader, writer


class Refused(Exception):
    """The server turned the connection away at the greeting."""


async def greeting(reader, ok_prefix):
    line = await asyncio.wait_for(reader.readline(), 30)
    if not line.startswith(ok_prefix):
        raise Refused()


async def drain_until_closed(reader):
    while await reader.read(65536):
        pass


async def trickle(writer, data, interval):
    for b in data:
        writer.write(bytes([b]))
        await writer.drain()
        await asyncio.sleep(interval)


async def endless_trickle(writer, interval):
    while True:
        writer.write(b"X")
        await writer.drain()
        await asyncio.sleep(interval)


def idle(ok_prefix):
    """Reads the greeting, then sends nothing until the server closes."""
    async def behave(reader, writer, args):
        await greeting(reader, ok_prefix)
        await drain_until_closed(reader)
    return behave


def slow(ok_prefix, command):
    """Sends a command one byte at a time, then an endless line the same way."""
    async def behave(reader, writer, args):
        await greeting(reader, ok_prefix)
        await race(reader, trickle_then_endless(writer, command, args.interval))
    return behave


async def trickle_then_endless(writer, data, interval):
    await trickle(writer, data, interval)
    await endless_trickle(writer, interval)


async def race(reader, sender):
    """Runs the sender until the server closes the connection."""
    send = asyncio.ensure_future(sender)
    try:
        await drain_until_closed(reader)
    finally:
        send.cancel()


async def smtp_long(reader, writer, args):
    await greeting(reader, b"220")
    line = b"A" * (100 * 1024) + b"\r\n"

    async def flood():
        while True:
            writer.write(line)
            await writer.drain()
    await race(reader, flood())


async def smtp_datacut(reader, writer, args):
    await greeting(reader, b"220")
    for command in (b"EHLO cut.test", b"MAIL FROM:<cut@attacker.test>", b"RCPT TO:<" + args.rcpt.encode() + b">", b"DATA"):
        writer.write(command + b"\r\n")
        await writer.drain()
        reply = await read_reply(reader)
        if not reply:
            return
    writer.write((b"Subject: cut\r\n\r\n" + b"x" * 78 + b"\r\n") * 800)
    await writer.drain()
    stats["smtp-datacut"]["cut_mid_data"] += 1
    # Reset instead of an orderly close: SO_LINGER 0.
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def read_reply(reader):
    """Reads one (possibly multi-line) SMTP reply; returns its last line, or b"" at EOF."""
    while True:
        line = await asyncio.wait_for(reader.readline(), 30)
        if not line or line[3:4] != b"-":
            return line


LITERALS = (b"a1 LOGIN {60000}\r\n", b"a1 LOGIN {4294967295}\r\n", b"a1 APPEND INBOX {30000000+}\r\n")


async def imap_literal(reader, writer, args):
    await greeting(reader, b"* OK")
    imap_literal.turn = (getattr(imap_literal, "turn", 0) + 1) % len(LITERALS)
    writer.write(LITERALS[imap_literal.turn])
    await writer.drain()
    await drain_until_closed(reader)


SMTP_KINDS = (("smtp-idle", idle(b"220"), 3), ("smtp-slow", slow(b"220", b"EHLO slow.test\r\n"), 3), ("smtp-long", smtp_long, 1), ("smtp-datacut", smtp_datacut, 3))
IMAP_KINDS = (("imap-idle", idle(b"* OK"), 2), ("imap-slow", slow(b"* OK", b"a1 CAPABILITY\r\n"), 1), ("imap-literal", imap_literal, 2))


async def slot(args, port, source, kind, behave, deadline):
    while time.monotonic() < deadline:
        pause = 0.05
        try:
            reader, writer = await connect(args, port, source, kind)
        except (OSError, asyncio.TimeoutError):
            stats[kind]["connect_errors"] += 1
            await asyncio.sleep(0.5)
            continue
        try:
            await asyncio.wait_for(behave(reader, writer, args), max(0.1, deadline - time.monotonic()))
            stats[kind]["ended"] += 1
        except Refused:
            stats[kind]["refused"] += 1
            pause = 0.5
        except asyncio.TimeoutError:
            pass  # the run is over
        except (OSError, asyncio.IncompleteReadError):
            stats[kind]["reset_by_server"] += 1
            pause = 0.5
        finally:
            held[kind] -= 1
            writer.transport.abort()
        await asyncio.sleep(pause)


def plan(total, kinds):
    weight = sum(w for _, _, w in kinds)
    return [(name, behave, total * w // weight) for name, behave, w in kinds]


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("smtp_port", type=int)
    parser.add_argument("imap_port", type=int)
    parser.add_argument("-d", dest="seconds", type=float, default=60)
    parser.add_argument("-n", dest="connections", type=int, default=3000)
    parser.add_argument("-a", dest="addresses", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between the bytes of slow senders")
    parser.add_argument("--rcpt", default="bench@bench.test")
    args = parser.parse_args()

    deadline = time.monotonic() + args.seconds
    sources = [f"127.0.0.{i}" for i in range(2, args.addresses + 2)]
    tasks, n = [], 0
    for port, kinds, share in ((args.smtp_port, SMTP_KINDS, args.connections * 2 // 3), (args.imap_port, IMAP_KINDS, args.connections // 3)):
        for name, behave, count in plan(share, kinds):
            for _ in range(count):
                tasks.append(slot(args, port, sources[n % len(sources)], name, behave, deadline))
                n += 1
    # Open them over the first seconds rather than in one burst.
    async def staggered(i, coro):
        await asyncio.sleep(i * 0.003)
        await coro
    await asyncio.gather(*(staggered(i, t) for i, t in enumerate(tasks)))
    print(json.dumps({k: dict(v) for k, v in sorted(stats.items())}))


if __name__ == "__main__":
    asyncio.run(main())
