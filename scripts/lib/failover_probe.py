#!/usr/bin/env python3
"""Polls GET /users/<id> for each user until it answers 200, one thread and one keep-alive
connection per user (a fork of curl per attempt, 60 users every 100 ms, took a share of the two
cores the failover itself needs). Prints, per user, the ms from CRASHED_AT_MS (epoch) to its first
200, or "never" after DEADLINE_S; with --trace, also every attempt of the slowest user.

Usage: failover_probe.py HOST:PORT CRASHED_AT_MS DEADLINE_S [--trace] USER...
"""
import http.client
import sys
import threading
import time

ATTEMPT_TIMEOUT_S = 2.0
PAUSE_S = 0.1


def now_ms():
    return time.time_ns() // 1_000_000


def probe(address, user, crashed_at, deadline, attempts, answered):
    host, port = address.rsplit(":", 1)
    connection = None
    while now_ms() < deadline:
        started = now_ms()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, int(port), timeout=ATTEMPT_TIMEOUT_S)
            connection.request("GET", "/users/" + user)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__
            if connection is not None:
                connection.close()
            connection = None
        attempts.append((started - crashed_at, now_ms() - crashed_at, status))
        if status == 200:
            answered[user] = now_ms() - crashed_at
            return
        time.sleep(PAUSE_S)


def main(argv):
    trace = "--trace" in argv
    args = [a for a in argv if a != "--trace"]
    if len(args) < 4:
        sys.exit(__doc__)
    address, crashed_at, deadline_s, users = args[0], int(args[1]), float(args[2]), args[3:]
    deadline = crashed_at + int(deadline_s * 1000)
    attempts = {u: [] for u in users}
    answered = {}
    threads = [threading.Thread(target=probe, args=(address, u, crashed_at, deadline, attempts[u], answered)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for u in users:
        print(u, answered.get(u, "never"))
    if trace and answered:
        slowest = max(answered, key=answered.get)
        print("# attempts of the slowest user, %s (ms after the crash: sent, answered, status):" % slowest, file=sys.stderr)
        for sent, done, status in attempts[slowest]:
            print("#   +%d  +%d  %s" % (sent, done, status), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
