#!/usr/bin/python3
"""The pidfile race with Celery 5.2.6: PROCS Python processes (default 32)
call celery.platforms.create_pidlock on one path at once, TRIALS times
(default 1000) per starting state (clean, stale dead pid, empty, garbage).
A winner keeps the lock until every process has answered, so two winners in
one trial held it at the same time (each trial the processes wait for one
shared instant plus a random jitter of up to 0-0.2 ms, then race); each winner also checks with an O_EXCL
marker. Same output form as bench/pidfile_race.bench.ts:

    /usr/bin/python3 bench/pidfile_race_celery.py [TRIALS] [PROCS]
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import time

STATES = ["clean", "stale", "empty", "garbage"]
JITTERS = [0, 0.05, 0.1, 0.2]  # ms, cycled over the trials


def worker(path):
    import contextlib
    import io

    from celery import platforms

    marker = path + ".holder"
    held = None
    alone = False
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        parts = line.split()
        cmd = parts[0] if parts else ""
        if cmd == "go":
            # Start together: nap, then spin until the coordinator's start time
            # plus a random jitter (as bench/pidfile_race.bench.ts).
            end = (float(parts[1]) + random.random() * float(parts[2])) / 1000
            nap = end - time.time() - 0.003
            if nap > 0:
                time.sleep(nap)
            while time.time() < end:
                pass
            try:
                # create_pidlock without its atexit hook; it prints to stderr.
                with contextlib.redirect_stderr(io.StringIO()):
                    held = platforms._create_pidlock(path)
                try:
                    os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                    alone = True
                except FileExistsError:
                    alone = False
                out.write("won\n" if alone else "double\n")
            except (SystemExit, platforms.LockFailed, ValueError, OSError):
                held = None
                out.write("lost\n")
            except Exception as e:  # noqa: BLE001
                held = None
                out.write("error %r\n" % (e,))
        elif cmd == "release":
            if held is not None:
                if alone:
                    os.unlink(marker)
                held.release()
                held = None
            out.write("released\n")
        out.flush()


def prepare(path, state, dead):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    if state == "stale":
        with open(path, "w") as f:
            f.write("%d\n" % dead)
    elif state == "empty":
        open(path, "w").close()
    elif state == "garbage":
        with open(path, "wb") as f:
            f.write(b"eighteen\n\xff\n")


def main(trials, procs):
    d = tempfile.mkdtemp(prefix="celery-race-bench-")
    path = os.path.join(d, "race.pid")
    workers = [
        subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        for _ in range(procs)
    ]
    for w in workers:
        assert w.stdout.readline().strip() == "ready"
    dead = subprocess.Popen(["true"])
    dead.wait()
    figures = {}
    # Every process spins until the same instant, then races.
    start_delay = max(10, procs)
    for state in STATES:
        doubles = none = errors = 0
        t0 = time.time()
        for t in range(trials):
            prepare(path, state, dead.pid)
            at = time.time() * 1000 + start_delay
            jitter = JITTERS[t % len(JITTERS)]
            for w in workers:
                w.stdin.write("go %f %f\n" % (at, jitter))
                w.stdin.flush()
            replies = [w.stdout.readline().strip() for w in workers]
            won = sum(1 for r in replies if r in ("won", "double"))
            if won > 1 or "double" in replies:
                doubles += 1
            if won == 0:
                none += 1
            errors += sum(1 for r in replies if r.startswith("error"))
            for w in workers:
                w.stdin.write("release\n")
                w.stdin.flush()
            for w in workers:
                w.stdout.readline()
        print("pidfile celery race %s: %d double holders, %d without holder, %d errors in %d trials x %d processes (%.1f s)"
              % (state, doubles, none, errors, trials, procs, time.time() - t0))
        figures["race double holders " + state] = {"value": doubles, "unit": "count"}
        figures["race no holder " + state] = {"value": none, "unit": "count"}
    figures["race trials"] = {"value": trials, "unit": "count"}
    for w in workers:
        w.stdin.close()
        w.wait()
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    for name in os.listdir(d):
        os.unlink(os.path.join(d, name))
    os.rmdir(d)
    print("BENCH_JSON " + json.dumps({"area": "pidfile", "runtime": "celery", "figures": figures}))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        args = [a for a in sys.argv[1:] if a != "--quick"]
        default_trials = 100 if "--quick" in sys.argv else 1000
        main(int(args[0]) if len(args) > 0 else default_trials,
             int(args[1]) if len(args) > 1 else 32)
