"""IMAP login load generator for bench/login.sh: the same client for every server.

    imap_login_load.py PORT USER PASSWORD [--plain] [-n LOGINS] [-c CONCURRENCY]

First one login alone on the freshly started server (cold: the server's first password check, first TLS
handshake, JIT or process start-up), then a second one alone (warm), then LOGINS logins spread over CONCURRENCY
processes, each iteration a new connection: connect (implicit TLS unless --plain), LOGIN, LOGOUT. Prints one line:
cold_ms warm_ms logins failures seconds logins_per_s [first failure].
"""
import argparse
import imaplib
import ssl
import time

from load_workers import run_together, summarize

TIMEOUT = 30  # seconds a connection may wait for the server before it counts as failed


class Failed(Exception):
    """A login iteration that failed, with the step it failed at."""


def login_once(args, context):
    step = "connect"
    try:
        if args.plain:
            client = imaplib.IMAP4("127.0.0.1", args.port, timeout=TIMEOUT)
        else:
            client = imaplib.IMAP4_SSL("127.0.0.1", args.port, ssl_context=context, timeout=TIMEOUT)
        step = "LOGIN"
        client.login(args.user, args.password)
        step = "LOGOUT"
        client.logout()
    except Exception as e:
        raise Failed(f"{type(e).__name__} at {step}: {e}") from e


def worker(args, count, barrier, results):
    context = ssl._create_unverified_context()
    ok = failed = 0
    first_error = ""
    barrier.wait()
    for _ in range(count):
        try:
            login_once(args, context)
            ok += 1
        except Failed as e:  # a refused or failed login is counted, not fatal: the rate counts successes only
            failed += 1
            first_error = first_error or str(e)
    results.put((ok, failed, first_error))


def timed_login(args):
    start = time.perf_counter()
    login_once(args, ssl._create_unverified_context())
    return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("user")
    parser.add_argument("password")
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("-n", dest="logins", type=int, default=2000)
    parser.add_argument("-c", dest="concurrency", type=int, default=8)
    args = parser.parse_args()

    cold = timed_login(args)
    warm = timed_login(args)
    shares = [args.logins // args.concurrency + (1 if i < args.logins % args.concurrency else 0) for i in range(args.concurrency)]
    outcomes, seconds = run_together(worker, [(args, n) for n in shares])
    ok, failed, first_error = summarize(outcomes)
    print(f"{cold:.1f} {warm:.1f} {ok} {failed} {seconds:.2f} {ok / seconds:.1f} {first_error}".rstrip())


if __name__ == "__main__":
    main()
