"""Celery 5.2.6's detached(): from calling it to the pidfile written by the daemon.

Counterpart of bench/daemon.bench.ts. Each round runs a fresh Python that
imports celery.platforms, reads CLOCK_MONOTONIC (t0), enters detached(),
and, in the daemon, takes create_pidlock() and reads the clock again (t1):
"detach to ready" is t1 - t0 (the clock is system-wide). "launcher total"
is from this script starting that Python to t1 (the daemon's pidfile); "cold start" is an empty
Python's run time.

    /usr/bin/python3 bench/daemon_celery.py
"""
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROUNDS = 15

PROGRAM = r"""
import sys, time
from celery.platforms import detached, create_pidlock
pidfile, logfile, result = sys.argv[1:4]
t0 = time.monotonic()
with detached(logfile=logfile, pidfile=pidfile, umask=0o22):
    create_pidlock(pidfile)
    t1 = time.monotonic()
    with open(result + ".tmp", "w") as f:
        f.write(repr((t0, t1)))
    import os
    os.rename(result + ".tmp", result)
    time.sleep(600)
"""


def wait_for(path, timeout=20.0):
    until = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > until:
            raise RuntimeError("timed out waiting for " + path)
        time.sleep(0.001)


def main():
    detach, total, cold = [], [], []
    with tempfile.TemporaryDirectory(prefix="posixly-bench-celery-") as d:
        for i in range(-2, ROUNDS):
            pidfile = os.path.join(d, "c%d.pid" % i)
            result = os.path.join(d, "c%d.result" % i)
            start = time.monotonic()
            subprocess.run(
                [sys.executable, "-c", PROGRAM, pidfile, os.path.join(d, "log"), result],
                check=True,
            )
            wait_for(result)
            with open(result) as f:
                t0, t1 = eval(f.read())
            with open(pidfile) as f:
                pid = int(f.read().strip())
            os.kill(pid, signal.SIGKILL)
            t = time.monotonic()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            c = time.monotonic() - t
            if i >= 0:
                detach.append(t1 - t0)
                total.append(t1 - start)
                cold.append(c)
    import celery

    figures = {
        "detach to ready": statistics.median(detach) * 1e9,
        "cold start": statistics.median(cold) * 1e9,
        "detach to ready minus cold start": (statistics.median(detach) - statistics.median(cold)) * 1e9,
        "launcher total (program start to exit)": statistics.median(total) * 1e9,
    }
    for name, value in figures.items():
        print("daemon celery-%s %s: %.2f ms" % (celery.__version__, name, value / 1e6))
    print("BENCH_JSON " + json.dumps({
        "area": "daemon",
        "runtime": "celery",
        "figures": {k: {"value": v, "unit": "ns"} for k, v in figures.items()},
    }))


if __name__ == "__main__":
    main()
