"""Idle IMAP connections for bench/idle.sh.

    imap_idle_load.py PORT PASSWORD USER_TEMPLATE --users K --connections N --addresses A [--tls] [--pid PID]

Opens N connections spread over source addresses 127.0.1.1 .. 127.0.1.A (so that per-address limits stay per
address), user USER_TEMPLATE.format(i % K) on each: LOGIN, SELECT INBOX, IDLE. Once all are idling it prints the
server's RSS growth (from /proc/PID) per connection, then APPENDs one message to each of five users on a separate
connection and measures, for every idling connection of those users, the time from the APPEND's tagged OK to the
"* n EXISTS" it receives. Prints: connections_open failed rss_before_mib rss_after_mib kib_per_connection
notified expected max_notify_ms p50_notify_ms.
"""
import argparse
import asyncio
import ssl
import statistics
import time

MESSAGE = b"From: idle@bench.test\r\nSubject: wake up\r\n\r\nnew mail\r\n"


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Idler:
    def __init__(self, user):
        self.user = user
        self.reader = self.writer = None
        self.woken = asyncio.Event()
        self.woken_at = None

    async def open(self, args, source, context):
        self.reader, self.writer = await asyncio.open_connection(
            "127.0.0.1", args.port, ssl=context, local_addr=(source, 0), server_hostname=None if context is None else "localhost")
        await self.reader.readline()
        await self.command(f'a LOGIN "{self.user}" "{args.password}"', b"a ")
        await self.command("b SELECT INBOX", b"b ")
        self.writer.write(b"c IDLE\r\n")
        await self.writer.drain()
        line = await self.reader.readline()
        if not line.startswith(b"+"):
            raise RuntimeError(f"IDLE refused: {line!r}")

    async def command(self, text, tag):
        self.writer.write(text.encode() + b"\r\n")
        await self.writer.drain()
        while True:
            line = await self.reader.readline()
            if not line:
                raise RuntimeError(f"closed during {text.split()[1]}")
            if line.startswith(tag):
                if not line[len(tag):].startswith(b"OK"):
                    raise RuntimeError(f"{text.split()[1]}: {line!r}")
                return

    async def watch(self):
        while True:
            line = await self.reader.readline()
            if not line:
                return
            if line.endswith(b"EXISTS\r\n"):
                self.woken_at = time.perf_counter()
                self.woken.set()
                return


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("password")
    parser.add_argument("user_template")
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--addresses", type=int, required=True)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--pid", type=int, required=True)
    args = parser.parse_args()
    context = ssl._create_unverified_context() if args.tls else None

    # Warm the server: one login per user first (the first login of an account pays the full password hash).
    for i in range(args.users):
        warm = Idler(args.user_template.format(i))
        await warm.open(args, "127.0.0.1", context)
        warm.writer.close()
    await asyncio.sleep(2)
    before = rss_mib(args.pid)

    idlers, failed = [], 0
    semaphore = asyncio.Semaphore(200)

    async def open_one(n):
        nonlocal failed
        idler = Idler(args.user_template.format(n % args.users))
        source = f"127.0.1.{n % args.addresses + 1}"
        async with semaphore:
            try:
                await asyncio.wait_for(idler.open(args, source, context), 120)
                idlers.append(idler)
            except Exception as e:  # counted, and the first few shown
                failed += 1
                if failed <= 3:
                    print(f"# connection {n} failed: {type(e).__name__}: {e}", flush=True)

    await asyncio.gather(*(open_one(n) for n in range(args.connections)))
    await asyncio.sleep(5)
    after = rss_mib(args.pid)
    per = (after - before) * 1024 / max(1, len(idlers))

    watchers = [asyncio.create_task(i.watch()) for i in idlers]
    targets = [args.user_template.format(i) for i in range(min(5, args.users))]
    expected = [i for i in idlers if i.user in targets]
    latencies = []
    for user in targets:
        sender = Idler(user)
        sender.reader, sender.writer = await asyncio.open_connection("127.0.0.1", args.port, ssl=context,
                                                                     server_hostname=None if context is None else "localhost")
        await sender.reader.readline()
        await sender.command(f'a LOGIN "{user}" "{args.password}"', b"a ")
        sender.writer.write(f"b APPEND INBOX {{{len(MESSAGE)}+}}\r\n".encode() + MESSAGE + b"\r\n")
        await sender.writer.drain()
        while not (await sender.reader.readline()).startswith(b"b "):
            pass
        appended = time.perf_counter()
        mine = [i for i in expected if i.user == user]
        await asyncio.wait([asyncio.create_task(i.woken.wait()) for i in mine], timeout=10)
        latencies += [(i.woken_at - appended) * 1000 for i in mine if i.woken_at is not None]
        sender.writer.close()
    for w in watchers:
        w.cancel()
    worst = max(latencies) if latencies else float("nan")
    median = statistics.median(latencies) if latencies else float("nan")
    print(f"{len(idlers)} {failed} {before:.1f} {after:.1f} {per:.1f} {len(latencies)} {len(expected)} {worst:.0f} {median:.0f}")


if __name__ == "__main__":
    asyncio.run(main())
