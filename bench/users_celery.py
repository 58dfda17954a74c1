"""Celery 5.2.6's parse_uid, measured like bench/users.bench.ts (same figure names).

Run with the Debian interpreter: /usr/bin/python3 bench/users_celery.py
"""
import json
import timeit

import celery
from celery.platforms import parse_uid


def per_call_ns(stmt, number, repeat=7):
    # The mean over all runs, like mitata's average for the TypeScript side.
    stmt()  # warm up
    total = sum(timeit.repeat(stmt, number=number, repeat=repeat))
    return total / (number * repeat) * 1e9


figures = {
    "parseUid by name": {"value": per_call_ns(lambda: parse_uid("nobody"), 20000), "unit": "ns"},
    "parseUid by number": {"value": per_call_ns(lambda: parse_uid("65534"), 500000), "unit": "ns"},
}
for name, fig in figures.items():
    print(f"users celery {name}: {fig['value']:.2f} ns  (celery {celery.__version__})")
print("BENCH_JSON " + json.dumps({"area": "users", "runtime": "celery", "figures": figures}))
