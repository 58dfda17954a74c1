"""What `import celery.platforms` adds to a cold python3 start (median of 25 runs each)."""
import json, subprocess, sys, time

def t(code):
    t0 = time.perf_counter_ns()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter_ns() - t0

runs = 9 if "--quick" in sys.argv else 25
empty, mod = [], []
for _ in range(runs):
    empty.append(t("pass"))
    mod.append(t("import celery.platforms, celery.utils.threads"))
med = lambda xs: sorted(xs)[len(xs) // 2]
print("BENCH_JSON " + json.dumps({"area": "import", "runtime": "celery", "figures": {
    "import posixly (dist/mod.js, published)": {"value": max(0, med(mod) - med(empty)), "unit": "ns"},
    "cold start (empty program)": {"value": med(empty), "unit": "ns"},
}}))
