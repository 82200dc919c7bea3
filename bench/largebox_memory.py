#!/usr/bin/env python3
"""Memory a server spends per session that holds the large INBOX selected, over IMAPS with Python's imaplib.

    python3 bench/largebox_memory.py PORT USER PASSWORD ROOT_PID [--sessions 8]

Sums the proportional set size (Pss, /proc/PID/smaps_rollup: shared pages divided among the processes that map them) of
ROOT_PID and every process below it, opens SESSIONS connections that each log in and SELECT INBOX, waits two seconds,
sums again, and prints "NAME KIB_PER_SESSION": the growth divided by the sessions. One process with threads
(CloudMail) and a process per session (Dovecot's imap) are counted alike.
"""
import argparse
import imaplib
import os
import ssl
import time


def tree(root):
    """ROOT and its descendants, by the parent PIDs in /proc."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pss_kib(root):
    total = 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("user")
    parser.add_argument("password")
    parser.add_argument("root_pid", type=int)
    parser.add_argument("--sessions", type=int, default=8)
    args = parser.parse_args()
    before = pss_kib(args.root_pid)
    sessions = []
    for _ in range(args.sessions):
        c = imaplib.IMAP4_SSL("127.0.0.1", args.port, ssl_context=ssl._create_unverified_context())
        c.login(args.user, args.password)
        c.select("INBOX")
        sessions.append(c)
    time.sleep(2)
    after = pss_kib(args.root_pid)
    for c in sessions:
        c.logout()
    print(f"memory-per-selected-session {(after - before) / args.sessions:.0f}")


if __name__ == "__main__":
    main()
