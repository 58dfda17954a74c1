"""celery 5.2.6's Local and LocalStack (celery.utils.threads): the counterparts of
bench/threads.bench.ts, in ns per operation (best of 5 timeit repeats, mean per call)."""
import json
import sys
import timeit

from celery.utils.threads import Local, LocalStack, get_ident

N = 100_000 if "--quick" in sys.argv else 1_000_000
local = Local()
local.user = "alice"
stack = LocalStack()


def ns(stmt):
    return min(timeit.repeat(stmt, number=N, repeat=5, globals=globals())) / N * 1e9


figures = {
    "Local get": ns("local.user"),
    "Local set": ns("local.user = 'bob'"),
    "LocalStack push+pop": ns("stack.push(1); stack.pop()"),
    "getIdent": ns("get_ident()"),
}
for name, value in figures.items():
    print("threads celery %s: %.1f ns" % (name, value))
print("BENCH_JSON " + json.dumps({
    "area": "threads",
    "runtime": "celery",
    "figures": {k: {"value": v, "unit": "ns"} for k, v in figures.items()},
}))
