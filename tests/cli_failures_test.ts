/**
 * How `posixly start` and `posixly run` fail: the logfile opened once by
 * the launcher and passed on (never opened again by path, where a FIFO may
 * have been put meanwhile), what a failed program started outside its
 * process group stopped, a message that shows the program's output without
 * its terminal escapes, and no pidfile left by a `run` that failed after its
 * privilege drop. Real processes; every one a test starts is killed by its
 * pid at the end.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import process from "node:process";
import { alive, CLI, gone, pidIn, posixly, Scratch } from "./_cli_util.ts";
import { scriptArgs } from "./_runtime.ts";
import { isRoot } from "./_util.ts";
import { commandCycleUnderQemu } from "./_platform.ts";

/** Each test runs the command, a cold start of the runtime each, more than once. */
const SLOW = { timeout: 120_000 };

const notRoot = isRoot ? false : "needs root (--user)";
if (notRoot) console.warn("SKIPPING the failed run's pidfile test: not root");

/** What strace(1) is asked to show: every way to open a path. */
const OPENS = "trace=open,openat,openat2";
/** strace(1) that may trace this process's children (ptrace allowed). */
const noStrace = spawnSync("strace", ["-f", "-qq", "-e", OPENS, "-o", "/dev/null", "true"])
    .status === 0
  ? false
  : "needs strace(1), allowed to trace";
if (noStrace) console.warn(`SKIPPING the logfile's reopen test: ${noStrace}`);

const noProc = process.platform === "linux" ? false : "needs /proc (Linux)";

let s: Scratch;
before(() => {
  s = new Scratch();
});
after(() => s.cleanup());

/** The processes whose parent is `pid`, and theirs (from /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  for (const todo = [pid]; todo.length > 0;) {
    const parent = todo.pop()!;
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        todo.push(child);
      }
    }
  }
  return found;
}

/**
 * Runs `posixly start ARGS...` for at most `ms`: its status, or null when
 * it hung (it and what it started are then killed by their pids).
 */
async function startWithin(
  args: string[],
  ms: number,
): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, scriptArgs(CLI, ["start", ...args]), {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const launcher = s.track(child.pid!);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const timer = new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));
  const ended = new Promise<number | null>((resolve) => child.on("close", resolve));
  const status = await Promise.race([ended, timer]);
  if (status === null) {
    for (const pid of [launcher, ...descendants(launcher)]) s.track(pid);
    for (const pid of [...descendants(launcher), launcher]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    return { status: null, stderr };
  }
  return { status, stderr };
}

/** Tracks the pid in `pidfile` (its program) for the cleanup, when there is one. */
function trackProgram(pidfile: string): number {
  return existsSync(pidfile) ? s.track(pidIn(pidfile)) : 0;
}

describe("posixly start: the logfile is opened once, by the launcher", () => {
  test("the daemon's stdout is the launcher's descriptor: nothing opens the path blocking", {
    ...SLOW,
    skip: noStrace || commandCycleUnderQemu,
  }, () => {
    // Opening the path again in the spawn, after the check, could meet a FIFO put there
    // meanwhile: an open(2) without O_NONBLOCK then blocks (the launcher in its vfork wait,
    // for good). So every open of the path is the launcher's, and none blocks.
    const pidfile = s.path("once.pid");
    const logfile = s.path("once.log");
    const trace = s.path("once.strace");
    const r = spawnSync("strace", [
      "-f",
      "-b", // detached at a traced process's execve: strace does not wait for the program
      "execve",
      "-qq",
      "-e",
      OPENS,
      "-o",
      trace,
      process.execPath,
      ...scriptArgs(CLI, [
        "start",
        "--pidfile",
        pidfile,
        "--logfile",
        logfile,
        "--grace",
        "0",
        "--",
        "sh",
        "-c",
        "echo started; exec sleep 60",
      ]),
    ], { encoding: "utf8", timeout: 90_000, killSignal: "SIGKILL" });
    const pid = trackProgram(pidfile);
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(trace, "utf8").split("\n");
    const launcher = Number(lines[0].split(" ")[0]);
    const opens = lines.filter((line) => line.includes(`"${logfile}"`));
    assert.ok(opens.length > 0, "the launcher opened the logfile");
    for (const open of opens) {
      assert.equal(Number(open.split(" ")[0]), launcher, `opened by the launcher only: ${open}`);
      assert.match(open, /O_NONBLOCK/, `never blocking: ${open}`);
    }
    // What the program wrote went to the file that was checked.
    const until = Date.now() + 5000;
    while (readFileSync(logfile, "utf8") === "" && Date.now() < until) spawnSync("sleep", ["0.05"]);
    assert.equal(readFileSync(logfile, "utf8"), "started\n");
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
    assert.ok(!alive(pid));
  });

  test("a logfile that is a FIFO nobody reads fails at once, naming it", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("fifo.pid");
    const fifo = s.path("fifo.log");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const r = posixly(
      ["start", "--pidfile", pidfile, "--logfile", fifo, "--grace", "0", "--", "sleep", "60"],
      { timeout: 30_000 },
    );
    trackProgram(pidfile);
    assert.equal(r.signal ?? null, null, "it did not hang");
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stderr.includes(`--logfile ${JSON.stringify(fifo)}`), r.stderr);
    assert.ok(!existsSync(pidfile), "nothing started");
  });

  test("a FIFO swapped in while start runs never blocks it", {
    ...SLOW,
    skip: noProc || commandCycleUnderQemu,
  }, async () => {
    // The audit's race, bounded: a regular file and a FIFO take turns at the path.
    const dir = s.path("swap");
    mkdirSync(dir);
    const logfile = `${dir}/app.log`;
    writeFileSync(logfile, "");
    const loop = spawn("sh", [
      "-c",
      `cd ${dir} && while :; do mkfifo f.tmp; mv -f f.tmp app.log; : >r.tmp; mv -f r.tmp app.log; done`,
    ], { stdio: "ignore" });
    s.track(loop.pid!);
    try {
      for (let i = 0; i < 8; i++) {
        const pidfile = s.path(`swap${i}.pid`);
        const r = await startWithin(
          ["--pidfile", pidfile, "--logfile", logfile, "--grace", "0", "--", "sleep", "60"],
          20_000,
        );
        const pid = trackProgram(pidfile);
        assert.notEqual(r.status, null, `start ${i} hung: ${r.stderr}`);
        if (r.status === 0) assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
        else assert.match(r.stderr, /--logfile .*must be a regular file/, r.stderr);
        if (pid) assert.ok(await gone(pid));
      }
    } finally {
      loop.kill("SIGKILL");
    }
  });
});

/**
 * `start`s a program that starts `sleep 300` in a session of its own (which
 * keeps the pidfile's lock, inherited), after the shell code `first`, and
 * exits with `status` once that process runs: before it was ready.
 */
function startLeavingHolder(
  name: string,
  first: string,
  status: number,
): { pidfile: string; r: ReturnType<typeof posixly>; left: number } {
  const pidfile = s.path(`${name}.pid`);
  const leftPid = s.path(`${name}.left`);
  const ready = s.path(`${name}.ready`);
  const r = posixly([
    "start",
    "--pidfile",
    pidfile,
    "--grace",
    "0.5",
    "--",
    "sh",
    "-c",
    `setsid sh -c '${first}: >${ready}; exec sleep 300' & echo $! >${leftPid}; ` +
    `until [ -e ${ready} ]; do sleep 0.01; done; exit ${status}`,
  ]);
  return { pidfile, r, left: s.track(Number(readFileSync(leftPid, "utf8"))) };
}

describe("posixly start: a failure leaves nothing of the program running", () => {
  test("what it started outside its group, holding the pidfile's lock, is stopped", {
    ...SLOW,
    skip: noProc || commandCycleUnderQemu,
  }, async () => {
    const { pidfile, r, left } = startLeavingHolder("orphan", "", 0);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /exited with status 0 before it was ready/);
    assert.ok(
      r.stderr.includes(`sent TERM to pid ${left}, which it started outside its process group`),
      r.stderr,
    );
    assert.ok(await gone(left), "the process that held the lock was stopped");
    assert.ok(!existsSync(pidfile), "the pidfile was removed");
    assert.equal(posixly(["status", "--pidfile", pidfile]).status, 3);
  });

  test("one that ignores TERM gets KILL 5 s later", {
    ...SLOW,
    skip: noProc || commandCycleUnderQemu,
  }, async () => {
    // TERM stays ignored through the exec.
    const { pidfile, r, left } = startLeavingHolder("stubborn", `trap "" TERM; `, 3);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /exited with status 3 before it was ready/);
    assert.match(r.stderr, /and KILL 5 s later to pid/);
    assert.ok(await gone(left), "the holder was killed");
    assert.ok(!existsSync(pidfile), "the pidfile was removed once its lock was free");
  });
});

describe("posixly start: the failure message is safe to print", () => {
  test("the logfile's path is quoted and the program's escape codes are shown, not sent", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("escapes.pid");
    const logfile = s.path("a\nb\x1b[31m.log");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--logfile",
      logfile,
      "--",
      "sh",
      "-c",
      // OSC (set the title), CSI, a C1 CSI (U+009B), CR, DEL; then a very long line.
      String.raw`printf '\033]0;title\007 \033[31mred \302\2332J \rback \177 tab\tend\n'; ` +
      "head -c 3000 /dev/zero | tr '\\0' x; echo; exit 2",
    ]);
    trackProgram(pidfile);
    assert.equal(r.status, 1, r.stderr);
    // Nothing a terminal acts on: only printable text, newlines and tabs.
    // deno-lint-ignore no-control-regex -- what must not be printed
    assert.doesNotMatch(r.stderr, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, JSON.stringify(r.stderr));
    assert.ok(r.stderr.includes(`The last lines of ${JSON.stringify(logfile)}:`), r.stderr);
    assert.ok(
      r.stderr.includes(
        String.raw`  \x1b]0;title\x07 \x1b[31mred \x9b2J \x0dback \x7f tab` + "\tend",
      ),
      r.stderr,
    );
    const longest = Math.max(...r.stderr.split("\n").map((line) => line.length));
    assert.ok(longest < 400, `lines are cut (${longest} characters)`);
    assert.match(r.stderr, /x\.\.\. \(cut\)/);
  });

  test("a program that wrote nothing: the message quotes the path", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("quiet.pid");
    const logfile = s.path("quiet\x07.log");
    const r = posixly(["start", "--pidfile", pidfile, "--logfile", logfile, "--", "false"]);
    trackProgram(pidfile);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stderr.includes(`It wrote nothing to ${JSON.stringify(logfile)}.`), r.stderr);
    assert.ok(!r.stderr.includes("\x07"), JSON.stringify(r.stderr));
  });
});

describe("posixly run: a set-up that fails leaves no pidfile", () => {
  test("--chdir that --user cannot enter: status 1, no pidfile, status says not running", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    const closed = s.path("run-closed");
    mkdirSync(closed);
    chmodSync(closed, 0o700); // root's: nobody cannot enter it
    const pidfile = s.path("run-closed.pid");
    const r = posixly([
      "run",
      "--pidfile",
      pidfile,
      "--user",
      "nobody",
      "--chdir",
      closed,
      "--",
      "true",
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(
      r.stderr.includes(`--chdir ${JSON.stringify(closed)}: --user "nobody" cannot enter it`),
      r.stderr,
    );
    assert.ok(!existsSync(pidfile), "no pidfile left");
    assert.equal(posixly(["status", "--pidfile", pidfile]).status, 3);
    // The directory nobody may enter: run goes on as before.
    chmodSync(closed, 0o755);
    const ok = posixly([
      "run",
      "--pidfile",
      pidfile,
      "--user",
      "nobody",
      "--chdir",
      closed,
      "--",
      "pwd",
    ]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, `${closed}\n`);
  });

  test("a pidfile it did not create is left alone", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("run-held.pid");
    assert.equal(
      posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]).status,
      0,
    );
    const pid = trackProgram(pidfile);
    const before = statSync(pidfile);
    const r = posixly(["run", "--pidfile", pidfile, "--", "true"]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`already running \\(pid ${pid}`));
    const now = statSync(pidfile);
    assert.equal(now.ino, before.ino, "the same pidfile");
    assert.equal(pidIn(pidfile), pid);
    assert.ok(alive(pid));
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });
});
