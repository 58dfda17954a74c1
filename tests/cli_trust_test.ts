/**
 * Whom `posixly status`, `stop`, `signal` and `start` take a pidfile's word
 * for. Whoever can write a pidfile can write any pid in it, with that
 * process's start time (anyone can read it in /proc): a program started with
 * `--user nobody` can, through the lock's descriptor it inherits, and so can
 * another user who plants a pidfile in a sticky directory such as /tmp. The
 * pid written counts only when that process holds the lock (or its process
 * group does), and only when the file's owner could signal it. Real
 * programs, files and signals; every process started is killed by its pid at
 * the end.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { processStartTime } from "../platforms/process_start.ts";
import { platform } from "../ffi/mod.ts";
import { signalIfStill } from "../cli/wait.ts";
import { lookupUser } from "../platforms/users.ts";
import { alive, posixly, posixlyAs, removeSharedCopy, Scratch } from "./_cli_util.ts";
import { atExit, scriptArgs } from "./_runtime.ts";
import {
  canMountTmpfs,
  copyForOtherUsers,
  isRoot,
  onSmallTmpfs,
  type SharedCopy,
  sleep,
  until,
} from "./_util.ts";
import { commandCycleUnderQemu } from "./_platform.ts";

/** Each test starts and stops real processes, a cold start of the runtime each. */
const SLOW = { timeout: 120_000 };
const notRoot = isRoot ? false : "needs root (a program and a pidfile of another user)";
if (!isRoot) console.warn("SKIPPING the posixly command's pidfile trust tests as nobody: not root");
const notLinux = process.platform === "linux" ? false : "needs /proc (Linux)";
if (notLinux) console.warn(`SKIPPING the posixly command's pidfile trust tests: ${notLinux}`);

let s: Scratch;
/** The copy of the sources nobody runs the rewriting program from (made on first use). */
let shared: SharedCopy | undefined;

/** Removes the copy of the sources made for nobody's program, if any (also at exit). */
function removeOwnCopy(): void {
  if (shared !== undefined) rmSync(shared.root, { recursive: true, force: true });
  shared = undefined;
}

before(() => {
  s = new Scratch();
});
after(() => {
  s.cleanup();
  removeSharedCopy();
  removeOwnCopy();
});

/**
 * A program of this runtime, run by nobody from a copy of the sources it can
 * read, that finds the descriptor holding its pidfile's lock (inherited from
 * posixly) and tries to rewrite the pidfile through it to name `argv[3]` with
 * that process's start time; it prints "rewrote" or "could not rewrite", then
 * closes the descriptor when `argv[4]` is "close", and runs on.
 */
const REWRITER = `import { readdirSync, readFileSync, statSync } from "node:fs";
import process from "node:process";
import { libc } from "./ffi/mod.ts";

const [pidfile, victim, then] = process.argv.slice(2);
const { dev, ino } = statSync(pidfile);
const fd = readdirSync("/proc/self/fd").map(Number).find((n) => {
  try {
    const st = statSync(\`/proc/self/fd/\${n}\`);
    return st.dev === dev && st.ino === ino;
  } catch {
    return false;
  }
});
const stat = readFileSync(\`/proc/\${victim}/stat\`, "latin1");
const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
const text = new TextEncoder().encode(\`\${victim}\\nstarttime=\${start}\\n\`);
if (fd === undefined || libc.ftruncate(fd, 0) !== 0 || Number(libc.lseek(fd, 0n, 0)) !== 0 ||
    Number(libc.write(fd, text, text.length)) !== text.length) {
  console.log(\`could not rewrite \${pidfile} (fd \${fd})\`);
} else {
  console.log(\`rewrote \${pidfile} through fd \${fd}\`);
}
if (then === "close" && fd !== undefined) libc.close(fd);
console.log("ready");
setInterval(() => {}, 60_000);
`;

/** The path of {@linkcode REWRITER} in a copy of the sources nobody can read. */
function rewriter(): { execPath: string; script: string } {
  if (shared === undefined) {
    shared = copyForOtherUsers();
    atExit(removeOwnCopy); // also when Deno's --filter skips the after() hook
  }
  const script = join(shared.root, "rewriter.ts");
  if (!existsSync(script)) writeFileSync(script, REWRITER, { mode: 0o644 });
  return { execPath: shared.execPath, script };
}

/** A home for nobody in the scratch directory (its HOME and its runtime's caches). */
function nobodyHome(name: string): string {
  const nobody = lookupUser("nobody");
  const home = s.path(name);
  mkdirSync(home);
  chownSync(home, nobody.uid, nobody.gid);
  return home;
}

/**
 * A victim: root's `sleep` in a process group of its own (the group that a
 * fooled `stop` signals after its leader), tracked for cleanup.
 */
function victim(): number {
  return s.track(spawn("sleep", ["1000"], { detached: true, stdio: "ignore" }).pid!);
}

/**
 * A pidfile that `user` planted in a new sticky, world-writable directory
 * `name`, naming a root process (a victim) with its start time.
 */
function plantedPidfile(
  name: string,
  user: { uid: number; gid: number },
): { pidfile: string; victimPid: number } {
  const sticky = s.path(name);
  mkdirSync(sticky);
  chmodSync(sticky, 0o1777);
  const pidfile = join(sticky, "planted.pid");
  const victimPid = victim();
  writeFileSync(pidfile, `${victimPid}\nstarttime=${processStartTime(victimPid)}\n`);
  chownSync(pidfile, user.uid, user.gid);
  return { pidfile, victimPid };
}

/**
 * A shell that opens `path` to read, waits for its flock (flock(1) on that
 * descriptor) and becomes `sleep 60` holding it: one process, whose pid is
 * the holder's; as `user` when given.
 */
function lockTaker(path: string, user?: { uid: number; gid: number }): number {
  const child = spawn(
    "sh",
    ["-c", 'exec 9<"$1"; flock 9; exec sleep 60', "sh", path],
    { ...(user && { uid: user.uid, gid: user.gid }), cwd: "/", stdio: "ignore" },
  );
  return s.track(child.pid!);
}

/** Whether process `pid` holds a flock on its descriptor `fd`. */
function holdsFlock(pid: number, fd: number): boolean {
  return /^lock:.*FLOCK/m.test(contents(`/proc/${pid}/fdinfo/${fd}`));
}

/** What `pidfile` holds ("" when it cannot be read). */
function contents(pidfile: string): string {
  try {
    return readFileSync(pidfile, "latin1");
  } catch {
    return "";
  }
}

/** The pid that a `start` message names ("started ... (pid N)", "already running (pid N"). */
function startedPid(stdout: string): number {
  const m = /\(pid (\d+)/.exec(stdout);
  assert.ok(m, `no pid in ${JSON.stringify(stdout)}`);
  return Number(m[1]);
}

/**
 * Asserts that status, signal and stop on `pidfile` all refuse to take
 * `victim` for the program ("cannot tell": status 4, the others 1), naming
 * it, and that it survives them.
 */
async function refusesVictim(pidfile: string, victim: number, why: RegExp): Promise<void> {
  const st = posixly(["status", "--pidfile", pidfile]);
  assert.equal(st.status, 4, st.stdout + st.stderr);
  assert.doesNotMatch(st.stdout, /running \(pid/);
  assert.match(st.stdout, /^cannot tell: /);
  assert.match(st.stdout, why);
  const json = JSON.parse(posixly(["status", "--pidfile", pidfile, "--json"]).stdout);
  assert.equal(json.state, "unknown");
  for (const signal of ["USR1", "TERM"]) {
    const r = posixly(["signal", "--pidfile", pidfile, signal]);
    assert.equal(r.status, 1, `signal ${signal}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /not sent: /);
    assert.match(r.stderr, why);
  }
  const stop = posixly(["stop", "--pidfile", pidfile, "--timeout", "1"]);
  assert.equal(stop.status, 1, stop.stdout + stop.stderr);
  assert.match(stop.stderr, /not stopped: /);
  assert.match(stop.stderr, why);
  await sleep(100); // a signal, had one been sent, has been delivered
  assert.ok(alive(victim), `pid ${victim} was signalled`);
  assert.ok(existsSync(pidfile), "the pidfile is left alone");
}

describe("posixly takes a pidfile's pid only from the lock's holder", {
  skip: notLinux || commandCycleUnderQemu,
}, () => {
  for (const then of ["keep", "close"]) {
    test(
      `a program run as nobody cannot rewrite its pidfile to name root's process (${then}s its lock)`,
      {
        ...SLOW,
        skip: notRoot,
      },
      async () => {
        const pidfile = s.path(`rewritten-${then}.pid`);
        const logfile = s.path(`rewritten-${then}.log`);
        const home = nobodyHome(`nobody-home-rewriter-${then}`);
        const victimPid = victim();
        const { execPath, script } = rewriter();
        const started = posixly([
          "start",
          "--pidfile",
          pidfile,
          "--logfile",
          logfile,
          "--user",
          "nobody",
          "--chdir",
          home,
          "--env",
          `DENO_DIR=${join(home, "deno")}`,
          "--env",
          `XDG_CACHE_HOME=${home}`,
          "--grace",
          "0.2",
          "--",
          execPath,
          ...scriptArgs(script, [pidfile, String(victimPid), then]),
        ]);
        assert.equal(started.status, 0, started.stdout + started.stderr);
        const program = s.track(startedPid(started.stdout));
        assert.ok(await until(() => contents(logfile).includes("ready")), contents(logfile));
        // The descriptor the program inherits is read-only: the file still names it.
        assert.match(contents(logfile), /could not rewrite/);
        assert.equal(contents(pidfile), `${program}\nstarttime=${processStartTime(program)}\n`);
        const st = posixly(["status", "--pidfile", pidfile]);
        assert.equal(st.status, 0, st.stdout + st.stderr);
        assert.match(st.stdout, new RegExp(`running \\(pid ${program}\\b`));
        const stop = posixly(["stop", "--pidfile", pidfile]);
        assert.equal(stop.status, 0, stop.stdout + stop.stderr);
        assert.ok(!alive(program), "the program was stopped");
        assert.ok(alive(victimPid), "root's process was not");
      },
    );
  }

  test("a pidfile of root's naming root's process, its lock held by another process", {
    ...SLOW,
    skip: notRoot,
  }, async () => {
    const pidfile = s.path("held-by-another.pid");
    const victimPid = victim();
    writeFileSync(pidfile, `${victimPid}\nstarttime=${processStartTime(victimPid)}\n`);
    const holder = lockTaker(pidfile);
    assert.ok(await until(() => holdsFlock(holder, 9)), "another process holds the lock");
    await refusesVictim(
      pidfile,
      victimPid,
      new RegExp(
        `its lock is held by pid ${holder}, not by pid ${victimPid}, which it records, ` +
          `nor by its process group: posixly does not signal pid ${victimPid}`,
      ),
    );
    const restart = posixly(["restart", "--pidfile", pidfile, "--", "sleep", "60"]);
    assert.equal(restart.status, 1, restart.stdout + restart.stderr);
    assert.ok(alive(victimPid) && alive(holder), "restart stopped nothing");
  });

  test("a pidfile that nobody planted in a sticky directory, locked by its own flock(1)", {
    ...SLOW,
    skip: notRoot,
  }, async () => {
    const nobody = lookupUser("nobody");
    const { pidfile, victimPid } = plantedPidfile("sticky", nobody);
    const holder = lockTaker(pidfile, nobody);
    assert.ok(await until(() => holdsFlock(holder, 9)), "nobody holds the planted file's lock");
    const start = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
    assert.equal(start.status, 1, start.stdout + start.stderr);
    assert.doesNotMatch(start.stdout, /already running/);
    assert.match(start.stderr, /cannot tell: .*belongs to uid 65534/);
    await refusesVictim(
      pidfile,
      victimPid,
      new RegExp(
        `belongs to uid ${nobody.uid}, and pid ${victimPid}, which it records, runs as uid 0`,
      ),
    );
    assert.ok(alive(holder), "nobody's process is left alone too");
  });

  test("a pidfile that nobody planted in a sticky directory, its lock not held", {
    ...SLOW,
    skip: notRoot,
  }, async () => {
    const nobody = lookupUser("nobody");
    const { pidfile, victimPid } = plantedPidfile("sticky-unheld", nobody);
    const start = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
    assert.equal(start.status, 1, start.stdout + start.stderr);
    assert.doesNotMatch(start.stdout, /already running/);
    await refusesVictim(pidfile, victimPid, /belongs to uid 65534, .*runs as uid 0/);
  });

  test("a pidfile of nobody's that names nobody's own process is taken at its word", {
    ...SLOW,
    skip: notRoot,
  }, async () => {
    const nobody = lookupUser("nobody");
    const sticky = s.path("sticky-own");
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    const pidfile = join(sticky, "own.pid");
    const own = spawn("sleep", ["1000"], {
      uid: nobody.uid,
      gid: nobody.gid,
      cwd: "/",
      stdio: "ignore",
    });
    const pid = s.track(own.pid!);
    assert.ok(await until(() => processStartTime(pid) !== null));
    writeFileSync(pidfile, `${pid}\nstarttime=${processStartTime(pid)}\n`);
    chownSync(pidfile, nobody.uid, nobody.gid);
    const st = posixly(["status", "--pidfile", pidfile]);
    assert.equal(st.status, 0, st.stdout);
    assert.match(st.stdout, new RegExp(`^running \\(pid ${pid}\\b`));
    const stop = posixly(["stop", "--pidfile", pidfile]);
    assert.equal(stop.status, 0, stop.stderr);
    assert.ok(!alive(pid), "nobody's own process, which nobody could stop itself, is stopped");
  });
});

describe("posixly's own programs still are what their pidfiles name", {
  skip: notLinux || commandCycleUnderQemu,
}, () => {
  test("a program started by posixly: status, signal, stop", SLOW, () => {
    const pidfile = s.path("plain.pid");
    const started = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.track(startedPid(started.stdout));
    const st = posixly(["status", "--pidfile", pidfile]);
    assert.equal(st.status, 0, st.stdout);
    assert.match(st.stdout, new RegExp(`^running \\(pid ${pid}\\b`));
    const again = posixly(["start", "--pidfile", pidfile, "--", "sleep", "60"]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`already running \\(pid ${pid}\\b`));
    const cont = posixly(["signal", "--pidfile", pidfile, "CONT"]);
    assert.equal(cont.status, 0, cont.stderr);
    assert.equal(cont.stdout, `sent SIGCONT to pid ${pid}\n`);
    const stop = posixly(["stop", "--pidfile", pidfile]);
    assert.equal(stop.status, 0, stop.stderr);
    assert.match(stop.stdout, new RegExp(`^stopped \\(pid ${pid}, SIGTERM`));
    assert.ok(!alive(pid));
  });

  test("a pidfile on a file system of its own (a tmpfs: another device number)", {
    ...SLOW,
    skip: canMountTmpfs ? false : "needs root to mount a tmpfs",
  }, async () => {
    await onSmallTmpfs((dir) => {
      const pidfile = join(dir, "on-tmpfs.pid");
      const started = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
      assert.equal(started.status, 0, started.stderr);
      const pid = s.track(startedPid(started.stdout));
      const st = posixly(["status", "--pidfile", pidfile]);
      assert.equal(st.status, 0, st.stdout);
      assert.match(st.stdout, new RegExp(`^running \\(pid ${pid}\\b`));
      assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
      assert.ok(!alive(pid));
    });
  });

  test("a program run as nobody, seen by root: status, signal, stop", {
    ...SLOW,
    skip: notRoot,
  }, () => {
    const pidfile = s.path("as-nobody.pid");
    const started = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--user",
      "nobody",
      "--chdir",
      "/",
      "--grace",
      "0",
      "--",
      "sleep",
      "60",
    ]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.track(startedPid(started.stdout));
    const st = posixly(["status", "--pidfile", pidfile]);
    assert.equal(st.status, 0, st.stdout);
    assert.match(st.stdout, new RegExp(`^running \\(pid ${pid}\\b`));
    assert.equal(posixly(["signal", "--pidfile", pidfile, "CONT"]).status, 0);
    // nobody, who cannot look at root's processes, sees its own program too.
    const home = nobodyHome("nobody-home-status");
    const mine = posixlyAs(lookupUser("nobody"), home, ["status", "--pidfile", pidfile]);
    assert.equal(mine.status, 0, mine.stdout + mine.stderr);
    const stop = posixly(["stop", "--pidfile", pidfile]);
    assert.equal(stop.status, 0, stop.stderr);
    assert.ok(!alive(pid));
  });

  test(
    "a program whose child holds the lock after the program closed its own copy",
    SLOW,
    async () => {
      const pidfile = s.path("child-holds.pid");
      const marker = `71.${process.pid}${Date.now() % 100000}`;
      // The shell starts a sleep (which inherits the lock's descriptor), then
      // closes every descriptor above 2, the lock's among them, and waits (bash:
      // dash cannot name a descriptor above 9).
      const started = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--grace",
        "0",
        "--",
        "bash",
        "-c",
        `sleep ${marker} & for f in /proc/$$/fd/*; do n=\${f##*/}; ` +
        `[ "$n" -gt 2 ] && eval "exec $n>&-"; done; echo closed; wait`,
      ]);
      assert.equal(started.status, 0, started.stderr);
      const pid = s.track(startedPid(started.stdout));
      const lockFds = (p: number): string[] => {
        try {
          return readdirSync(`/proc/${p}/fdinfo`).filter((fd) =>
            /FLOCK/.test(contents(`/proc/${p}/fdinfo/${fd}`))
          );
        } catch {
          return [];
        }
      };
      assert.ok(await until(() => lockFds(pid).length === 0), "the program let go of its copy");
      assert.ok(existsSync(pidfile));
      const st = posixly(["status", "--pidfile", pidfile]);
      assert.equal(st.status, 0, st.stdout);
      assert.match(st.stdout, new RegExp(`^running \\(pid ${pid}\\b`));
      assert.equal(posixly(["signal", "--pidfile", pidfile, "CONT"]).status, 0);
      const stop = posixly(["stop", "--pidfile", pidfile]);
      assert.equal(stop.status, 0, stop.stderr);
      assert.match(stop.stdout, new RegExp(`^stopped \\(pid ${pid}, SIGTERM; what it started got`));
      assert.ok(!alive(pid));
      assert.ok(!existsSync(pidfile), "the pidfile is removed");
    },
  );

  test(
    "a program of this runtime that holds its own pidfile with posixly's Pidfile",
    SLOW,
    async () => {
      const pidfile = s.path("library.pid");
      const script = s.path("library_daemon.ts");
      const pidfileModule = new URL("../platforms/pidfile.ts", import.meta.url).href;
      writeFileSync(
        script,
        `import { Pidfile } from ${JSON.stringify(pidfileModule)};\n` +
          `new Pidfile(${JSON.stringify(pidfile)}).acquire();\n` +
          `console.log("held");\n` +
          `setInterval(() => {}, 60_000);\n`,
      );
      const child = spawn(process.execPath, scriptArgs(script), {
        detached: true,
        stdio: "ignore",
      });
      const pid = s.track(child.pid!);
      assert.ok(await until(() => contents(pidfile).startsWith(`${pid}\n`)), "it took the pidfile");
      const st = posixly(["status", "--pidfile", pidfile]);
      assert.equal(st.status, 0, st.stdout);
      assert.match(st.stdout, new RegExp(`^running \\(pid ${pid}\\b`));
      const again = posixly(["start", "--pidfile", pidfile, "--", "sleep", "60"]);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`already running \\(pid ${pid}\\b`));
      const stop = posixly(["stop", "--pidfile", pidfile]);
      assert.equal(stop.status, 0, stop.stderr);
      assert.ok(!alive(pid));
    },
  );
});

describe("a process that takes the lock of an ended program's pidfile (any user can)", {
  skip: notLinux || commandCycleUnderQemu,
}, () => {
  test("stop names it and leaves it alone; start cannot tell until it lets go", SLOW, async () => {
    const pidfile = s.path("taken.pid");
    // A program that ends on its own: whether the taker or a stop that ended the program
    // gets the lock first would be a race.
    const started = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "1"]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.track(startedPid(started.stdout));
    // The pidfile is 0644: another user (nobody, when root) opens it to read
    // and waits for its lock, which it gets when the program ends.
    const taker = lockTaker(pidfile, isRoot ? lookupUser("nobody") : undefined);
    assert.ok(await until(() => existsSync(`/proc/${taker}/fd/9`)), "it opened the pidfile");
    assert.ok(await until(() => !alive(pid) && holdsFlock(taker, 9), 5000), "it took the lock");
    const stop = posixly(["stop", "--pidfile", pidfile]);
    assert.equal(stop.status, 1, stop.stdout + stop.stderr);
    assert.match(
      stop.stderr,
      new RegExp(
        `its lock is held by pid ${taker}, outside the process group of pid ${pid}, which has ` +
          "ended: posixly does not signal it",
      ),
    );
    const again = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
    assert.equal(again.status, 1, again.stdout + again.stderr);
    assert.match(
      again.stderr,
      new RegExp(`cannot tell: its lock is held by pids? [\\d, ]*\\b${taker}\\b`),
    );
    assert.ok(alive(taker) && holdsFlock(taker, 9), "never signalled");
    process.kill(taker, "SIGKILL");
    assert.ok(await until(() => !alive(taker)));
    const last = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
    assert.equal(last.status, 0, last.stdout + last.stderr);
    s.track(startedPid(last.stdout));
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });
});

describe("stop and signal send to a pid only while it is the process that was checked", {
  skip: process.platform === "linux" ? false : "reads start times from /proc",
}, () => {
  test("signalIfStill: another start time is another process, left alone; an ended one is false", async () => {
    const { TERM } = platform.signalNumbers;
    const pid = victim();
    const start = processStartTime(pid);
    assert.ok(start !== null && alive(pid));
    // The pid, as another process that got it would have it: same number, another start.
    assert.equal(signalIfStill(pid, start + 1, TERM), false);
    await sleep(100);
    assert.ok(alive(pid), "a process with another start time is never signalled");
    assert.equal(signalIfStill(pid, start, 0), true, "signal 0: it runs and may be signalled");
    assert.equal(signalIfStill(pid, start, TERM), true);
    assert.ok(await until(() => !alive(pid)), "the process checked got SIGTERM");
    // Reaped by the runtime (a zombie still takes signals, harmlessly): gone from /proc.
    assert.ok(await until(() => !existsSync(`/proc/${pid}`)), "reaped");
    assert.equal(signalIfStill(pid, start, TERM), false, "once it has ended, nothing is sent");
  });
});
