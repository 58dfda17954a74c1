#!/usr/bin/env python3
"""Where the import of posixly's bundle goes, per runtime (docs/internals-ffi.md, "Import cost").

Cold starts of tiny programs, run in alternated rounds (the order flips every round), after two
warm-up runs each; for each program the median wall-clock time and the median CPU time (user +
system, from wait4) over the rounds, and both over the empty program's. The programs import, and
use nothing of:

  empty       nothing (the baseline)
  module      one empty module of their own (what any import costs)
  async_hooks node:async_hooks (what threads/ needs for AsyncLocalStorage)
  ffi         dist/ffi/mod.js
  platforms   dist/platforms/mod.js (ffi/ and platforms/, no threads/)
  threads     dist/threads/mod.js
  mod         dist/mod.js (everything: the entry JSR serves)

Usage (after `npm run build`):
  python3 bench/ffi_import_cost.py [--rounds N] [--runtime deno|bun|node] [--dist DIR]
Node.js runs the programs as .mjs files (a .ts one would load its type stripper at every start).
Prefix `chrt -f 10` (as root) so that the machine's other work does not preempt the runs.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROGRAMS = {
    "empty": "",
    "module": 'import { x } from "./module.js";\nif (x !== 1) throw new Error("no x");\n',
    "async_hooks": 'import { AsyncLocalStorage } from "node:async_hooks";\n'
    + 'if (!AsyncLocalStorage) throw new Error("no AsyncLocalStorage");\n',
}
ENTRIES = {"ffi": "ffi/mod.js", "platforms": "platforms/mod.js", "threads": "threads/mod.js", "mod": "mod.js"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--runtime", choices=["deno", "bun", "node"], action="append")
    parser.add_argument("--dist", default=os.path.join(ROOT, "dist"))
    args = parser.parse_args()
    dist = os.path.abspath(args.dist)
    if not os.path.exists(os.path.join(dist, "mod.js")):
        sys.exit(f"{dist}/mod.js is missing: run `npm run build` first")
    work = tempfile.mkdtemp(prefix="posixly-import-")
    programs = dict(PROGRAMS)
    for name, entry in ENTRIES.items():
        programs[name] = (
            f'import * as entry from "{os.path.join(dist, entry)}";\n'
            + 'if (Object.keys(entry).length === 0) throw new Error("nothing exported");\n'
        )
    with open(os.path.join(work, "module.js"), "w") as f:
        f.write("export const x = 1;\n")
    files = {".ts": {}, ".mjs": {}}
    for ext, named in files.items():
        for name, source in programs.items():
            named[name] = os.path.join(work, f"{name}{ext}")
            with open(named[name], "w") as f:
                f.write(source)
    for runtime in args.runtime or ["deno", "bun", "node"]:
        measure(runtime, files[".mjs" if runtime == "node" else ".ts"], args.rounds)


def measure(runtime: str, files: dict, rounds: int) -> None:
    exe = os.path.realpath(os.path.join(ROOT, "node_modules", ".bin", runtime))
    devnull = os.open(os.devnull, os.O_WRONLY)

    def run(file: str) -> tuple:
        argv = {
            "deno": [exe, "run", "-A", "--no-check", file],
            "node": [exe, "--disable-warning=ExperimentalWarning", file],
        }.get(runtime, [exe, file])
        start = time.perf_counter()
        pid = os.posix_spawn(exe, argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status, usage = os.wait4(pid, 0)
        wall = (time.perf_counter() - start) * 1e3
        if status != 0:
            sys.exit(f"{' '.join(argv)} failed (status {status})")
        return wall, (usage.ru_utime + usage.ru_stime) * 1e3

    names = list(files)
    for name in names:
        run(files[name])
        run(files[name])
    walls = {name: [] for name in names}
    cpus = {name: [] for name in names}
    for i in range(rounds):
        for name in names if i % 2 == 0 else reversed(names):
            wall, cpu = run(files[name])
            walls[name].append(wall)
            cpus[name].append(cpu)
    base_wall = statistics.median(walls["empty"])
    base_cpu = statistics.median(cpus["empty"])
    print(f"{runtime}: medians of {rounds} rounds, ms (over the empty program)")
    for name in names:
        wall = statistics.median(walls[name])
        cpu = statistics.median(cpus[name])
        print(f"  {name:12s} wall {wall:6.1f} ({wall - base_wall:+5.1f})   cpu {cpu:6.1f} ({cpu - base_cpu:+5.1f})")


if __name__ == "__main__":
    main()
