#!/usr/bin/python3
"""Celery 5.2.6 Pidfile acquire() + release() per cycle on /dev/shm and /tmp,
named as in bench/pidfile.bench.ts (mean ns per cycle over the best of 5 runs)."""
import json
import os
import shutil
import tempfile
import time

from celery.platforms import Pidfile

figures = {}
for base, cycles in (("/dev/shm", 20000), ("/tmp", 2000)):
    d = tempfile.mkdtemp(prefix="celery-pidfile-bench-", dir=base)
    try:
        lock = Pidfile(os.path.join(d, "bench.pid"))
        for _ in range(cycles // 10):  # warm up
            lock.acquire()
            lock.release()
        runs = []
        for _ in range(5):
            t0 = time.perf_counter_ns()
            for _ in range(cycles):
                lock.acquire()
                lock.release()
            runs.append((time.perf_counter_ns() - t0) / cycles)
        ns = min(runs)
        figures["Pidfile acquire+release " + base] = {"value": ns, "unit": "ns"}
        print("pidfile celery Pidfile acquire+release %s: %.2f ns" % (base, ns))
    finally:
        shutil.rmtree(d, ignore_errors=True)
print("BENCH_JSON " + json.dumps({"area": "pidfile", "runtime": "celery", "figures": figures}))
