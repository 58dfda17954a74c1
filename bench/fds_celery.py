"""celery 5.2.6 close_open_fds() with 64 fds open, at the same RLIMIT_NOFILE as bench/fds.bench.ts
(on /dev/zero, as there)."""
import json, os, resource, time
from celery.platforms import close_open_fds, get_fdmax

WANT = 1048576
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
try:
    resource.setrlimit(resource.RLIMIT_NOFILE, (WANT, WANT))
except (ValueError, OSError):
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
limit = get_fdmax(0)
samples = []
for _ in range(100):
    for _ in range(64):
        os.open("/dev/zero", os.O_RDONLY)
    t0 = time.perf_counter_ns()
    close_open_fds([0, 1, 2])
    samples.append(time.perf_counter_ns() - t0)
samples.sort()
print("BENCH_JSON " + json.dumps({"area": "fds", "runtime": "celery", "figures": {
    "closeOpenFds": {"value": samples[len(samples) // 2], "unit": "ns"},
    "fd limit during closeOpenFds": {"value": limit, "unit": "count"},
}}))
