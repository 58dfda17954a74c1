/**
 * A fault and hostile-input audit of `posixly stop`, `signal`, `status`,
 * `restart` and `run`, and of the argument parsing they share: each test is
 * a hole the audit found, run with real programs and pidfiles, from the
 * sources and from the bundle (`node scripts/build.mjs`). Every process a
 * test starts is killed by its pid at the end, even when the test fails.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { alive, CLI, gone, pidIn, posixly, type Ran, Scratch } from "./_cli_util.ts";
import { scriptArgs, scriptArgsWithoutFfi } from "./_runtime.ts";
import { until } from "./_util.ts";
import { commandCycleUnderQemu } from "./_platform.ts";

/** Each test starts real processes, a cold start of the runtime each. */
const SLOW = { timeout: 120_000 };
const notLinux = process.platform === "linux" ? false : "needs /proc (Linux)";
if (notLinux) console.warn(`SKIPPING the posixly command's operations audit: ${notLinux}`);
const noFfiPermission = scriptArgsWithoutFfi(CLI) === null
  ? "Bun has no FFI permission to withhold"
  : false;
if (noFfiPermission) {
  console.warn(`SKIPPING status --json without FFI permission: ${noFfiPermission}`);
}

const root = fileURLToPath(new URL("..", import.meta.url));

let s: Scratch;
/** The bundle's entry point, built on first use. */
let bundle: string | undefined;

before(() => {
  s = new Scratch();
});
after(() => {
  s.cleanup();
});

/** dist/cli/main.js as `node scripts/build.mjs` makes it, built into the scratch directory. */
function bundled(): string {
  if (bundle === undefined) {
    const out = s.path("dist");
    const built = spawnSync(
      join(root, "node_modules", ".bin", "node"),
      [join(root, "scripts", "build.mjs"), out],
      { encoding: "utf8", timeout: 120_000 },
    );
    assert.equal(built.status, 0, built.stdout + built.stderr);
    bundle = join(out, "cli", "main.js");
  }
  return bundle;
}

/** Runs `posixly ARGS...` from the sources or the bundle, as the test names it. */
function posixlyFrom(from: "sources" | "bundle", args: string[]): Ran {
  if (from === "sources") return posixly(args);
  const r = spawnSync(process.execPath, scriptArgs(bundled(), args), {
    encoding: "utf8",
    timeout: 60_000,
    killSignal: "SIGKILL",
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The pid a `start` message names ("started "sh" (pid 42): ..."), tracked for cleanup. */
function startedPid(r: Ran): number {
  const m = /\(pid (\d+)\)/.exec(r.stdout);
  assert.ok(m, `start: ${r.status} ${r.stdout}${r.stderr}`);
  return s.track(Number(m[1]));
}

/** The state letter of /proc/PID/stat ("T": stopped), or "" when it is gone. */
function stateOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat[stat.lastIndexOf(")") + 2];
  } catch {
    return "";
  }
}

/**
 * Stops process group `pgid` (SIGSTOP, as `kill -STOP -- -PGID` or a
 * debugger does) until each of `pids` that runs is stopped; true then. A
 * shell that was in vfork(2) when SIGSTOP came waits, in state D, for its
 * child, stopped before its exec: it counts as stopped. The SIGSTOP is sent
 * again while one runs: a process that was forking may have missed it.
 */
async function stopped(pgid: number, pids: readonly number[]): Promise<boolean> {
  return await until(() => {
    const still = (p: number) => ["T", "D"].includes(stateOf(p)) || !alive(p);
    if (pids.every(still) && groupOf(pgid).some((p) => stateOf(p) === "T")) return true;
    try {
      process.kill(-pgid, "SIGSTOP");
    } catch {
      // the group has ended
    }
    return false;
  }, 10_000);
}

/** The pids of process group `pgid`, from /proc. */
function groupOf(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** SIGKILLs each of `pids` that still runs. */
function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}

/** The contents of `path`, or "" when there is none. */
function contents(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

describe("posixly's options: a value given twice", { skip: commandCycleUnderQemu }, () => {
  for (const from of ["sources", "bundle"] as const) {
    test(`is bad usage naming the option and both values, from the ${from}`, SLOW, () => {
      const running = s.path(`twice-${from}.pid`);
      const other = s.path(`twice-other-${from}.pid`);
      const started = posixlyFrom(from, [
        "start",
        "--pidfile",
        running,
        "--grace",
        "0",
        "--",
        "sleep",
        "60",
      ]);
      const pid = startedPid(started);
      try {
        const cases: [string[], string][] = [
          [
            ["stop", "--pidfile", other, "--pidfile", running],
            `posixly stop: --pidfile is given twice ("${other}" and "${running}"): give it once`,
          ],
          [
            ["stop", "--pidfile", running, "--signal", "TERM", "--signal=KILL"],
            `posixly stop: --signal is given twice ("TERM" and "KILL"): give it once`,
          ],
          [
            ["stop", "--timeout", "60", "--pidfile", running, "--timeout", "0"],
            `posixly stop: --timeout is given twice ("60" and "0"): give it once`,
          ],
          [
            ["signal", "--pidfile", other, "KILL", "--pidfile", running],
            `posixly signal: --pidfile is given twice ("${other}" and "${running}"): give it once`,
          ],
          [
            ["status", "--pidfile", running, "--pidfile", running],
            `posixly status: --pidfile is given twice ("${running}" and "${running}"): give it once`,
          ],
          [
            ["restart", "--pidfile", running, "--timeout", "5", "--timeout", "9", "--", "true"],
            `posixly restart: --timeout is given twice ("5" and "9"): give it once`,
          ],
          [
            ["run", "--umask", "077", "--umask", "000", "--", "true"],
            `posixly run: --umask is given twice ("077" and "000"): give it once`,
          ],
        ];
        for (const [args, first] of cases) {
          const r = posixlyFrom(from, args);
          assert.equal(r.status, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
          assert.equal(r.stderr.split("\n")[0], first, args.join(" "));
          assert.match(r.stderr, /\n\nposixly \w+ /, `${args.join(" ")}: the usage follows`);
          assert.ok(alive(pid), `${args.join(" ")}: the program still runs`);
        }
        assert.equal(pidIn(running), pid);
        // What may repeat still does: --env, and a flag.
        const env = posixlyFrom(from, [
          "run",
          "--env",
          "A=1",
          "--env",
          "B=2",
          "--",
          "sh",
          "-c",
          'echo "$A$B"',
        ]);
        assert.equal(env.status, 0, env.stderr);
        assert.equal(env.stdout, "12\n");
        const flags = posixlyFrom(from, ["status", "--json", "--json", "--pidfile", running]);
        assert.equal(flags.status, 0, flags.stderr);
      } finally {
        process.kill(pid, "SIGKILL");
      }
    });
  }
});

/** Runs `posixly ARGS...` from the sources, each "\xff" in ARGS passed as the byte 0xff. */
function posixlyWithByteFF(args: string[]): Ran {
  const word = (arg: string) =>
    arg.split("\xff").map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(
      `"$(printf '\\377')"`,
    );
  const r = spawnSync(
    "sh",
    ["-c", `exec "$@" ${args.map(word).join(" ")}`, "sh", process.execPath, ...scriptArgs(CLI)],
    { encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" },
  );
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe("posixly run and start: an --env entry that is not UTF-8", {
  skip: commandCycleUnderQemu,
}, () => {
  test("is bad usage naming it; the program, which would get U+FFFD, is not run", SLOW, () => {
    const ran = s.path("env-ran");
    const pidfile = s.path("env.pid");
    const write = `printf %s "$X" > '${ran}'`;
    const cases: string[][] = [
      ["run", "--env", "X=a\xffb", "--", "sh", "-c", write],
      ["start", "--pidfile", pidfile, "--grace", "0", "--env", "X=\xff", "--", "sh", "-c", write],
      ["run", "--env", "\xff=1", "--", "sh", "-c", write],
    ];
    for (const args of cases) {
      const r = posixlyWithByteFF(args);
      if (existsSync(pidfile)) s.trackPidfile(pidfile);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(
          `^posixly ${args[0]}: --env ".*" is not valid UTF-8: the program would get U\\+FFFD`,
        ),
      );
      assert.match(r.stderr, /\n\nposixly \w+ /, "the usage follows");
      assert.ok(!existsSync(ran), `${args.join(" ")}: the program did not run`);
      assert.ok(!existsSync(pidfile), "no pidfile made");
    }
    // The way the message gives: env(1) after --, whose arguments pass as they are.
    const through = posixlyWithByteFF(["run", "--", "env", "X=a\xffb", "sh", "-c", write]);
    assert.equal(through.status, 0, through.stderr);
    assert.deepEqual([...readFileSync(ran)], [0x61, 0xff, 0x62]);
  });
});

describe("posixly stop: a stopped program (SIGSTOP) gets SIGCONT after the signal", {
  skip: notLinux || commandCycleUnderQemu,
}, () => {
  /** A shell that says "got TERM" in its logfile and exits 0 on TERM. */
  const cleanExit = `trap 'echo got TERM; exit 0' TERM; while :; do sleep 0.1; done`;

  for (const kill of [false, true]) {
    test(`it ends on its own handler, not ${kill ? "by KILL" : "left stopped (--no-kill)"}`, {
      ...SLOW,
    }, async () => {
      const pidfile = s.path(`stopped-${kill}.pid`);
      const logfile = s.path(`stopped-${kill}.log`);
      const started = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--logfile",
        logfile,
        "--grace",
        "0.2",
        "--",
        "sh",
        "-c",
        cleanExit,
      ]);
      const pid = startedPid(started);
      try {
        // The whole group stopped, as `kill -STOP -- -PGID` or a debugger leaves it.
        assert.ok(await stopped(pid, [pid]), `the program is stopped: ${stateOf(pid)}`);
        const stop = posixly([
          "stop",
          "--pidfile",
          pidfile,
          "--timeout",
          "5",
          ...(kill ? [] : ["--no-kill"]),
        ]);
        assert.equal(stop.status, 0, stop.stdout + stop.stderr);
        assert.match(stop.stdout, new RegExp(`^stopped \\(pid ${pid}, SIGTERM[;)]`));
        assert.doesNotMatch(stop.stdout, /SIGKILL/);
        assert.match(contents(logfile), /^got TERM$/m, "its TERM handler ran");
        assert.ok(await gone(pid));
        assert.ok(!existsSync(pidfile));
      } finally {
        for (const p of groupOf(pid)) s.track(p);
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // the group has ended
        }
      }
    });
  }

  test("what an ended program left in its process group, stopped, ends on its handler", {
    ...SLOW,
  }, async () => {
    const pidfile = s.path("stopped-left.pid");
    const logfile = s.path("stopped-left.log");
    // The program ends after a second; a subshell it started stays in its
    // group, holding the pidfile's lock, and ends cleanly on TERM.
    const started = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--logfile",
      logfile,
      "--grace",
      "0.2",
      "--",
      "sh",
      "-c",
      `(${cleanExit}) & sleep 1; exit 0`,
    ]);
    const pid = startedPid(started);
    try {
      assert.ok(await until(() => !alive(pid), 10_000), "the program ended");
      const left = groupOf(pid).filter(alive);
      assert.ok(left.length > 0, "what it started runs");
      left.forEach((p) => s.track(p));
      assert.ok(await stopped(pid, left), `what it left is stopped: ${left.map(stateOf)}`);
      const stop = posixly(["stop", "--pidfile", pidfile, "--timeout", "5", "--no-kill"]);
      assert.equal(stop.status, 0, stop.stdout + stop.stderr);
      assert.match(stop.stdout, new RegExp(`^stopped what pid ${pid} left running`));
      assert.match(contents(logfile), /^got TERM$/m, "its TERM handler ran");
      for (const p of left) assert.ok(await gone(p), `pid ${p} ended`);
      assert.ok(!existsSync(pidfile));
    } finally {
      for (const p of groupOf(pid)) s.track(p);
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // the group has ended
      }
    }
  });

  test("--signal STOP is not undone by SIGCONT", SLOW, () => {
    const pidfile = s.path("stop-signal.pid");
    const pid = startedPid(
      posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]),
    );
    try {
      const stop = posixly([
        "stop",
        "--pidfile",
        pidfile,
        "--signal",
        "STOP",
        "--timeout",
        "0.3",
        "--no-kill",
      ]);
      assert.equal(stop.status, 1, stop.stdout + stop.stderr);
      assert.equal(stateOf(pid), "T", "it stays stopped, as asked");
    } finally {
      process.kill(pid, "SIGKILL");
    }
  });
});

describe("posixly status --json: one line of JSON in every state", {
  skip: notLinux || commandCycleUnderQemu,
}, () => {
  const KEYS = ["pid", "pidfile", "startedAt", "state"];

  /** What `status --json` printed: one line of JSON with the documented keys, parsed. */
  function oneLine(r: { stdout: string; stderr: string }): Record<string, unknown> {
    const lines = r.stdout.split("\n");
    assert.equal(lines.length, 2, `one line: ${JSON.stringify(r.stdout)} ${r.stderr}`);
    const json = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(json).sort(), KEYS);
    return json;
  }

  test(
    "running, dead, stopped, unknown, a directory, what an ended program left, and when the current directory cannot be named",
    SLOW,
    async () => {
      const dir = s.path("json-states");
      mkdirSync(dir);
      const at = (name: string) => join(dir, name);
      const pidfile = at("p.pid");
      const check = (path: string, status: number, state: string) => {
        const r = posixly(["status", "--pidfile", path, "--json"]);
        const json = oneLine(r);
        assert.equal(r.status, status, `${path}: ${r.stdout}${r.stderr}`);
        assert.equal(json.state, state, path);
        assert.equal(json.pidfile, path);
        return json;
      };
      check(pidfile, 3, "stopped");
      const pid = startedPid(
        posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]),
      );
      const left = at("left.pid");
      const leader = startedPid(
        posixly([
          "start",
          "--pidfile",
          left,
          "--grace",
          "0.2",
          "--",
          "sh",
          "-c",
          "sleep 60 & sleep 1",
        ]),
      );
      try {
        assert.ok(
          await until(() => !alive(leader), 10_000),
          "the program that leaves a child ended",
        );
        groupOf(leader).forEach((p) => s.track(p));
        writeFileSync(at("dead.pid"), "2147483647\n");
        writeFileSync(at("junk.pid"), "garbage\n");
        const running = check(pidfile, 0, "running");
        assert.equal(running.pid, pid);
        assert.ok(!Number.isNaN(Date.parse(String(running.startedAt))), String(running.startedAt));
        assert.equal(check(at("dead.pid"), 1, "dead").pid, 2147483647);
        assert.equal(check(at("junk.pid"), 4, "unknown").pid, null);
        assert.equal(check(dir, 4, "unknown").pid, null);
        assert.equal(check(left, 1, "dead").pid, leader);
      } finally {
        killAll([pid, ...groupOf(leader)]);
      }
      // A current directory named with the byte 0xff (made by the shell: a JS
      // string would be UTF-8): status cannot name the pidfile, and says so.
      const r = spawnSync(
        "sh",
        [
          "-c",
          `mkdir "$1/bad$(printf '\\377')" && cd "$1/bad$(printf '\\377')" && shift && exec "$@"`,
          "sh",
          s.dir,
          process.execPath,
          ...scriptArgs(CLI, ["status", "--pidfile", "here.pid", "--json"]),
        ],
        { encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" },
      );
      assert.equal(r.status, 4, r.stdout + r.stderr);
      assert.match(r.stderr, /current directory's name is not valid UTF-8/);
      assert.deepEqual(oneLine(r), {
        state: "unknown",
        pid: null,
        pidfile: "here.pid",
        startedAt: null,
      });
    },
  );

  test("when the runtime refuses FFI: state unknown, status 4", {
    ...SLOW,
    skip: noFfiPermission,
  }, () => {
    const pidfile = s.path("noffi.pid");
    const r = spawnSync(
      process.execPath,
      scriptArgsWithoutFfi(CLI, ["status", "--pidfile", pidfile, "--json"])!,
      { encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" },
    );
    assert.equal(r.status, 4, r.stdout + r.stderr);
    assert.match(r.stderr, /needs FFI access/);
    assert.deepEqual(oneLine(r), { state: "unknown", pid: null, pidfile, startedAt: null });
  });
});
