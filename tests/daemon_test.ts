import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  constants as fsConstants,
  existsSync,
  lchownSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { DaemonContext, DaemonError, type DetachedOptions } from "../platforms/daemon.ts";
import { posixSpawn, type PosixSpawnOptions, spawnCanCloseFrom } from "../platforms/spawn.ts";
import { libc, OSError, platform } from "../ffi/mod.ts";
import { parseUid } from "../platforms/users.ts";
import { Buffer } from "node:buffer";
import { fixture, isRoot, runScript, scriptArgs, sleep } from "./_util.ts";
import { appDir, cleanUp, commandLineOf, isRunning, loggedPids } from "./_daemon_app.ts";
import { runtime } from "./_runtime.ts";
import { cLibraryHas, timeScale, vforkIsFork } from "./_platform.ts";
import type { AppOptions } from "./fixtures/daemon_app_options.ts";

const APP = fixture("daemon_app.ts");
if (!isRoot) {
  console.error(
    "daemon_test: SKIPPING 4 tests that need root (setuid, a drop to nobody, a link owned by " +
      "nobody, a loop device)",
  );
}

interface Report {
  pid: number;
  sid: number;
  uid: number;
  euid: number;
  gid: number;
  umask: number;
  cwd: string;
  fds: Record<string, string>;
  envMarker: string | null;
  libcMarker: string | null;
  childMarker: string;
  isDaemon: boolean;
  isReady: boolean;
  workdir: string;
  pidlockPid: number | null;
  cmdlineHex: string;
  parentAtStart: number;
  parentAfterDetached: number;
}

/**
 * Where Deno keeps its caches for the fixtures, which inherit this process's
 * environment: DENO_DIR, else XDG_CACHE_HOME/deno, else ~/.cache/deno.
 */
function denoCacheDir(): string {
  const env = process.env;
  const dir = env.DENO_DIR ??
    join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), ".cache"), "deno");
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

function launch(dir: string, options: AppOptions, env: Record<string, string> = {}) {
  const started = performance.now();
  const r = runScript(APP, [JSON.stringify({ dir, ...options })], { env, timeout: 30_000 });
  const launcher =
    r.stdout.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l))[0];
  return { ...r, ms: performance.now() - started, launcher };
}

function procStat(pid: number): { state: string; ppid: number; session: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state: f[0], ppid: Number(f[1]), session: Number(f[3]) };
}

/**
 * Waits until `ok()` holds; throws after `ms`. The default is generous: it is
 * only spent when a test fails, and some waits span two cold starts of the
 * runtime on a loaded machine.
 */
async function waitUntil(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function readReport(dir: string): Promise<Report> {
  const path = join(dir, "report.json");
  await waitUntil("the daemon's report", () => existsSync(path));
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Pids of the `sleep` children the fixture logged (DIR/children). */
function childPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, "children"), "utf8").split("\n").map(Number).filter((p) => p > 0);
  } catch {
    return [];
  }
}

/**
 * SIGKILLs the `sleep` children the fixture started that still run: a logged
 * pid only while it is still a `sleep 30` or `sleep 60` (the fixture's; Deno's
 * spawn gives it the full path as argv[0]), not
 * once the pid has come round again to another process.
 */
function killChildren(dir: string): void {
  for (const pid of childPids(dir)) {
    if (!isRunning(pid) || !/^(?:[^\0]*\/)?sleep\0(?:30|60)\0$/.test(commandLineOf(pid))) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}

/** The pid on a pidfile's first line. */
function pidIn(pidfile: string): number {
  return Number(readFileSync(pidfile, "utf8").split("\n")[0]);
}

function fdInode(pid: number, fd: string): number | null {
  try {
    return statSync(`/proc/${pid}/fd/${fd}`).ino;
  } catch {
    return null;
  }
}

function umaskOf(pid: number): number {
  const m = /^Umask:\s+([0-7]+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return parseInt(m![1], 8);
}

describe("detached()", () => {
  for (const published of [false, true]) {
    const from = published ? " (the published bundle, dist/mod.js)" : "";
    test(`the launcher exits 0 and the daemon runs detached as asked${from}`, async () => {
      const dir = appDir("posixly-daemon-");
      try {
        const work = join(dir, "work");
        mkdirSync(work);
        const secret = join(dir, "secret");
        const kept = join(dir, "kept");
        writeFileSync(secret, "s3cret");
        writeFileSync(kept, "kept");
        const logfile = join(dir, "app.log");
        const pidfile = join(dir, "app.pid");
        const r = launch(dir, {
          detached: { logfile, pidfile, umask: "027", workdir: work },
          secret,
          kept,
          afterChdirFile: join(dir, "after-chdir"),
          published,
        });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
        const [launcherPid, daemonPid] = loggedPids(dir);
        assert.ok(daemonPid, "the daemon logged its pid");
        assert.equal(pidIn(pidfile), daemonPid);
        assert.ok(
          r.launcher.secretFd > r.launcher.keptFd && r.launcher.keptFd > 2,
          JSON.stringify(r.launcher),
        );

        const report = await readReport(dir);
        assert.equal(report.pid, daemonPid);
        assert.equal(report.isDaemon, true);
        assert.equal(report.pidlockPid, daemonPid);
        // A session leader whose parent is gone: reparented to init or a subreaper.
        assert.equal(report.sid, daemonPid);
        const stat = procStat(daemonPid)!;
        assert.equal(stat.session, daemonPid);
        assert.notEqual(stat.ppid, launcherPid);
        assert.equal(procStat(launcherPid), null, "the launcher is gone");
        // ready: "auto": detached() resolved in the daemon only once its launcher had exited
        assert.equal(report.parentAtStart, launcherPid);
        assert.notEqual(report.parentAfterDetached, launcherPid);
        // umask and cwd as asked
        assert.equal(report.umask, 0o027);
        assert.equal(umaskOf(daemonPid), 0o027);
        assert.equal(readlinkSync(`/proc/${daemonPid}/cwd`), work);
        assert.equal(report.cwd, work);
        assert.equal(
          readFileSync(join(dir, "after-chdir"), "utf8"),
          work,
          "afterChdir ran after the chdir",
        );
        // stdin /dev/null, stdout and stderr in the logfile
        assert.equal(readlinkSync(`/proc/${daemonPid}/fd/0`), "/dev/null");
        assert.equal(readlinkSync(`/proc/${daemonPid}/fd/1`), logfile);
        assert.equal(readlinkSync(`/proc/${daemonPid}/fd/2`), logfile);
        // the launcher's secret fd is closed; the kept one is there under its number
        const links = Object.values(report.fds);
        assert.ok(!links.some((l) => l.includes("secret")), JSON.stringify(report.fds));
        assert.equal(report.fds[String(r.launcher.keptFd)], `${kept} (deleted)`);
        // nothing else of the launcher's: only the runtime's own kinds of fds
        const pidfileInode = statSync(pidfile).ino;
        // Deno keeps its caches open; no other runtime has a reason to hold a file there
        const denoCache = runtime === "deno" ? `${denoCacheDir()}/` : null;
        for (const [fd, link] of Object.entries(report.fds)) {
          if (Number(fd) <= 2 || Number(fd) === r.launcher.keptFd) continue;
          // the pidfile lock's own fd (it shows the O_TMPFILE name)
          if (fdInode(daemonPid, fd) === pidfileInode) continue;
          if (denoCache !== null && link.startsWith(denoCache)) continue;
          assert.match(
            link,
            /^(anon_inode:|socket:|pipe:|\/dev\/|\/proc\/)|app\.log$/,
            `fd ${fd} -> ${link}`,
          );
        }
        // the marker is gone from the daemon's environment and its children's
        assert.equal(report.envMarker, null);
        assert.equal(report.libcMarker, null);
        assert.equal(report.childMarker, "unset");
        await waitUntil(
          "the log lines",
          () => readFileSync(logfile, "utf8").includes("daemon stderr line"),
        );
        assert.match(readFileSync(logfile, "utf8"), /daemon stdout line\n/);

        // SIGTERM: the program closes the context; the pidfile goes away.
        process.kill(daemonPid, "SIGTERM");
        await waitUntil("the daemon to exit", () => !isRunning(daemonPid));
        assert.equal(existsSync(pidfile), false);
      } finally {
        cleanUp(dir);
      }
    });
  }

  test("ready: manual waits for notifyReady; the launcher's event loop keeps running", async () => {
    const dir = appDir("posixly-daemon-");
    try {
      const r = launch(dir, {
        detached: { pidfile: join(dir, "p.pid"), ready: "manual" },
        readyDelayMs: 400,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.ms >= 400, `the launcher waited ${r.ms} ms`);
      // a 5 ms interval in the launcher kept ticking while it waited
      assert.ok(r.launcher.launcherTicks >= 30, JSON.stringify(r.launcher));
      const report = await readReport(dir);
      assert.equal(report.isReady, false, "the report was written before notifyReady()");
      // not ready when detached() resolved, so its launcher was still there, waiting
      assert.equal(report.parentAfterDetached, loggedPids(dir)[0]);
    } finally {
      cleanUp(dir);
    }
  });

  test("a pidfile held by a live daemon: exit 73 with Celery's message, no second daemon", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const pidfile = join(dir, "held.pid");
      const first = launch(dir, { detached: { pidfile } });
      assert.equal(first.status, 0, first.stderr);
      const holder = loggedPids(dir)[1];
      const second = launch(dir, { detached: { pidfile } });
      assert.equal(second.status, 73, second.stderr);
      assert.equal(
        second.stderr.trim(),
        `ERROR: Pidfile (${pidfile}) already exists.\nSeems we're already running? (pid: ${holder})`,
      );
      assert.equal(loggedPids(dir).length, 3, "the second launcher started no daemon");
      assert.ok(isRunning(holder));
      assert.equal(pidIn(pidfile), holder);
    } finally {
      cleanUp(dir);
    }
  });

  test("a stale pidfile is replaced", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const pidfile = join(dir, "stale.pid");
      const dead = spawnSync("true").pid!;
      writeFileSync(pidfile, `${dead}\n`);
      const r = launch(dir, { detached: { pidfile } });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(pidIn(pidfile), loggedPids(dir)[1]);
    } finally {
      cleanUp(dir);
    }
  });

  test("an unwritable logfile fails in the foreground (73), before detaching", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const logfile = join(dir, "missing-dir", "app.log");
      const r = launch(dir, { detached: { logfile, pidfile: join(dir, "x.pid") } });
      assert.equal(r.status, 73, r.stderr);
      assert.match(r.stderr, /ERROR: cannot open the logfile: ENOENT: no such file or directory/);
      assert.ok(r.stderr.includes(logfile));
      assert.equal(loggedPids(dir).length, 1, "no daemon was started");
      assert.equal(existsSync(join(dir, "x.pid")), false);
    } finally {
      cleanUp(dir);
    }
  });

  test("a logfile that is the pidfile: refused by name, or in the foreground by a hard link (64)", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const same = join(dir, "same.pid");
      assert.throws(() => new DaemonContext({ pidfile: same, logfile: same }), {
        name: "TypeError",
        message: `logfile and pidfile are the same file (${same}): the pidfile would take its ` +
          "place, and the daemon's output would be lost",
      });
      assert.equal(existsSync(same), false);
      const logfile = join(dir, "app.log");
      writeFileSync(logfile, "earlier output\n");
      linkSync(logfile, same);
      const r = launch(dir, { detached: { logfile, pidfile: same } });
      assert.equal(r.status, 64, r.stderr);
      assert.match(r.stderr, /ERROR: logfile and pidfile are the same file/);
      assert.equal(loggedPids(dir).length, 1, "no daemon was started");
      assert.equal(readFileSync(logfile, "utf8"), "earlier output\n");
    } finally {
      cleanUp(dir);
    }
  });

  test("an unknown user fails in the foreground, before detaching", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const r = launch(dir, { detached: { uid: "posixly-no-such-user" } });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr.trim(), 'ERROR: User does not exist: "posixly-no-such-user"');
      assert.equal(loggedPids(dir).length, 1, "no daemon was started");
    } finally {
      cleanUp(dir);
    }
  });

  test("a missing workdir fails in the foreground, before detaching", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const workdir = join(dir, "nope");
      const r = launch(dir, { detached: { workdir } });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /ERROR: workdir .*nope cannot be used: ENOENT/);
      assert.equal(loggedPids(dir).length, 1, "no daemon was started");
    } finally {
      cleanUp(dir);
    }
  });

  test("a daemon that throws before it is ready: non-zero, naming the logfile", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const logfile = join(dir, "app.log");
      const r = launch(dir, {
        detached: { logfile, ready: "manual" },
        throwBeforeReady: true,
      });
      assert.notEqual(r.status, 0);
      const daemonPid = loggedPids(dir)[1];
      assert.match(
        r.stderr,
        new RegExp(`the daemon \\(pid ${daemonPid}\\) exited with code \\d+ before it was ready`),
      );
      assert.ok(r.stderr.includes(`Its output is in ${logfile}`), r.stderr);
      assert.match(r.stderr, /boom before ready/, "the end of the log is shown");
    } finally {
      cleanUp(dir);
    }
  });

  test("the longest timeoutMs accepted (2**31 - 1) still waits for ready", () => {
    // setTimeout fires at once above 2**31 - 1 ms: the launcher's wait must not
    // take that for a timeout, nor lose "ready" to a read it left pending.
    const dir = appDir("posixly-daemon-");
    try {
      const pidfile = join(dir, "app.pid");
      const r = launch(dir, {
        detached: { timeoutMs: 2 ** 31 - 1, pidfile, logfile: join(dir, "log") },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, "");
      assert.equal(pidIn(pidfile), loggedPids(dir)[1]);
    } finally {
      cleanUp(dir);
    }
  });

  test("a child the daemon starts before ready does not hold the launcher's pipe", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const t0 = performance.now();
      const r = launch(dir, {
        detached: { ready: "manual", timeoutMs: 20_000, logfile: join(dir, "log") },
        childThenExit: 3,
      });
      const ms = performance.now() - t0;
      const daemonPid = loggedPids(dir)[1];
      assert.match(
        r.stderr,
        new RegExp(`the daemon \\(pid ${daemonPid}\\) exited with code 3 before it was ready`),
      );
      // Normally two cold starts; a launcher that waited for the child would wait
      // out the whole timeoutMs (20 s).
      assert.ok(ms < 19_000, `the launcher waited ${Math.round(ms)} ms (for the child?)`);
    } finally {
      killChildren(dir);
      cleanUp(dir);
    }
  });

  test("a child started before detached() holds the pipe: the daemon's exit still ends the wait", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const t0 = performance.now();
      const r = launch(dir, {
        detached: { ready: "manual", timeoutMs: 20_000, logfile: join(dir, "log") },
        leaderChildFirst: true,
        throwBeforeReady: true,
      });
      const ms = performance.now() - t0;
      const daemonPid = loggedPids(dir)[1];
      assert.match(
        r.stderr,
        new RegExp(`the daemon \\(pid ${daemonPid}\\) exited with code 1 before it was ready`),
      );
      assert.ok(ms < 19_000, `the launcher waited ${Math.round(ms)} ms (for the child?)`);
    } finally {
      killChildren(dir);
      cleanUp(dir);
    }
  });

  test("a daemon not ready in time is stopped; the launcher fails", async () => {
    const dir = appDir("posixly-daemon-");
    try {
      const r = launch(dir, {
        detached: { ready: "manual", timeoutMs: 500 * timeScale, logfile: join(dir, "log") },
        neverReady: true,
      });
      assert.equal(r.status, 1, r.stderr);
      const named = new RegExp(
        `the daemon \\(pid (\\d+)\\) was not ready within ${500 * timeScale} ms`,
      ).exec(r.stderr);
      assert.ok(named, r.stderr);
      const daemonPid = Number(named[1]);
      // Under load the daemon may be stopped before it logged its pid.
      const logged = loggedPids(dir);
      if (logged.length > 1) assert.equal(logged[1], daemonPid);
      await waitUntil("the stopped daemon to exit", () => !isRunning(daemonPid));
    } finally {
      cleanUp(dir);
    }
  });

  test("a daemon not ready in time is stopped with the children it started", async () => {
    // The child must be started before the timeout: cover the daemon's cold start.
    const timeoutMs = 3000 * Math.min(timeScale, 3);
    const dir = appDir("posixly-daemon-");
    try {
      const r = launch(dir, {
        detached: { ready: "manual", timeoutMs, logfile: join(dir, "log") },
        neverReady: true,
        childBeforeReady: true,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /was not ready within \d+ ms; sent it SIGTERM/);
      const [child] = childPids(dir);
      assert.ok(child, "the daemon started its child");
      await waitUntil("the daemon's child to end", () => !isRunning(child), 5000);
    } finally {
      killChildren(dir);
      cleanUp(dir);
    }
  });

  test("a daemon that closes the pipe and ignores SIGTERM is stopped, its pidfile removed", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const pidfile = join(dir, "p.pid");
      const r = launch(dir, {
        detached: { ready: "manual", logfile: join(dir, "log"), pidfile },
        ignoreTerm: true,
        closeBeforeReady: true,
        childBeforeReady: true,
      });
      assert.equal(r.status, 1, r.stderr);
      const daemonPid = loggedPids(dir)[1];
      assert.match(
        r.stderr,
        new RegExp(
          `the daemon \\(pid ${daemonPid}\\) closed the pipe to the launcher without becoming ` +
            "ready; sent it SIGTERM, and SIGKILL when it still ran 2000 ms later",
        ),
      );
      assert.equal(procStat(daemonPid), null, "gone and reaped by the launcher");
      const [child] = childPids(dir);
      assert.ok(child !== undefined && !isRunning(child), "its child was stopped too");
      assert.equal(existsSync(pidfile), false);
    } finally {
      killChildren(dir);
      cleanUp(dir);
    }
  });

  test("a daemon not ready in time that ignores SIGTERM gets SIGKILL", () => {
    // The launcher's time starts when it spawns the daemon, which ignores SIGTERM
    // only after its cold start: timeoutMs must cover that cold start, or the
    // SIGTERM kills it. Under qemu (cold starts about 10 times longer) 15 s, so
    // that with the 2 s before KILL it stays within launch()'s 30 s.
    const timeoutMs = 5000 * Math.min(timeScale, 3);
    const dir = appDir("posixly-daemon-");
    try {
      const pidfile = join(dir, "p.pid");
      const r = launch(dir, {
        detached: {
          ready: "manual",
          timeoutMs,
          logfile: join(dir, "log"),
          pidfile,
        },
        neverReady: true,
        ignoreTerm: true,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(existsSync(pidfile), false, "the killed daemon's pidfile was removed");
      const daemonPid = loggedPids(dir)[1];
      assert.match(
        r.stderr,
        new RegExp(
          `the daemon \\(pid ${daemonPid}\\) was not ready within ${timeoutMs} ms; ` +
            "sent it SIGTERM, and SIGKILL when it still ran 2000 ms later",
        ),
      );
      assert.equal(procStat(daemonPid), null, "gone and reaped by the launcher, not a zombie");
    } finally {
      cleanUp(dir);
    }
  });

  test("a malformed daemon marker in the environment is an error, not a daemon", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const hex = "0123456789abcdef".repeat(2);
      const markers = [
        "garbage",
        `:${hex}`,
        `3x:${hex}`,
        `3:${hex.slice(1)}`,
        `3:${hex.toUpperCase()}`,
        `3:${hex}0`,
        `3:${hex.slice(1)}g`,
      ];
      for (const [i, marker] of markers.entries()) {
        const r = launch(dir, { detached: {} }, { POSIXLY_DAEMON: marker });
        assert.notEqual(r.status, 0, marker);
        assert.match(r.stderr, /POSIXLY_DAEMON is set but malformed/, marker);
        // The app logs its pid first thing: only this process ran, no daemon was started.
        assert.equal(loggedPids(dir).length, i + 1, marker);
      }
    } finally {
      cleanUp(dir);
    }
  });

  test("a kept fd that is not open fails in the foreground, naming it", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const r = launch(dir, { detached: { keepFds: [777] } });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /keepFds: fd 777 is not open \(EBADF\)/);
      assert.equal(loggedPids(dir).length, 1, "no daemon was started");
    } finally {
      cleanUp(dir);
    }
  });

  test("a high kept fd: only it and 0-2 reach the daemon, and the start is quick", async () => {
    const dir = appDir("posixly-daemon-");
    try {
      const secret = join(dir, "secret");
      const kept = join(dir, "kept");
      writeFileSync(secret, "s3cret");
      writeFileSync(kept, "kept");
      const r = launch(dir, { detached: {}, kept, keptAt: 5000, secret });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.launcher.keptFd, 5000);
      assert.ok(r.launcher.secretFd < 5000, JSON.stringify(r.launcher));
      const report = await readReport(dir);
      assert.equal(report.fds["5000"], `${kept} (deleted)`);
      const links = Object.values(report.fds);
      assert.ok(!links.some((l) => l.includes("secret")), JSON.stringify(report.fds));
    } finally {
      cleanUp(dir);
    }
  });

  test("an error message with U+2028 reaches the launcher whole", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const r = launch(dir, { detached: {}, afterChdirThrows: { message: "bad\u2028config" } });
      assert.notEqual(r.status, 0);
      assert.ok(r.stderr.includes("ERROR: bad\u2028config"), JSON.stringify(r.stderr));
    } finally {
      cleanUp(dir);
    }
  });

  test("a DaemonError whose exit code is out of range still fails (exit 1, not 256 & 0xff)", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const r = launch(dir, {
        detached: {},
        afterChdirThrows: { message: "ERROR: cannot start", exitCode: 256 },
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /ERROR: cannot start/);
    } finally {
      cleanUp(dir);
    }
  });

  test("two detached() calls at once start one daemon at most, and none is left", async () => {
    const dir = appDir("posixly-daemon-");
    try {
      const r = launch(dir, { detached: { logfile: join(dir, "log") }, concurrent: true });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /already starting a daemon: open only one DaemonContext/);
      const pids = loggedPids(dir);
      assert.ok(pids.length <= 2, pids.join(","));
      if (pids.length === 2) {
        await waitUntil("the half-started daemon to end", () => !isRunning(pids[1]), 5000);
      }
    } finally {
      cleanUp(dir);
    }
  });

  test("a launcher stopped before ready takes its half-started daemon with it", async () => {
    const dir = appDir("posixly-daemon-");
    const pidfile = join(dir, "p.pid");
    const options: AppOptions = { detached: { pidfile, ready: "manual" }, readyDelayMs: 20_000 };
    const launcher = spawn(
      process.execPath,
      scriptArgs(APP, [JSON.stringify({ dir, ...options })]),
      { stdio: "ignore" },
    );
    try {
      await waitUntil("the daemon", () => existsSync(pidfile) && loggedPids(dir).length === 2);
      const daemonPid = loggedPids(dir)[1];
      launcher.kill("SIGINT");
      await waitUntil("the daemon to end", () => !isRunning(daemonPid), 5000);
      // Nobody holds the pidfile now: a new start is not refused.
      const r = launch(dir, { detached: { pidfile }, exitAfterReport: true });
      assert.equal(r.status, 0, r.stderr);
    } finally {
      launcher.kill("SIGKILL");
      cleanUp(dir);
    }
  });

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    test(`a launcher stopped by ${signal} stops the daemon's group, removes its pidfile, dies by it`, async () => {
      const dir = appDir("posixly-daemon-");
      const pidfile = join(dir, "p.pid");
      const options: AppOptions = {
        detached: { pidfile, ready: "manual", logfile: join(dir, "log") },
        childBeforeReady: true,
        readyDelayMs: 20_000,
      };
      const launcher = spawn(
        process.execPath,
        scriptArgs(APP, [JSON.stringify({ dir, ...options })]),
        { stdio: "ignore" },
      );
      const launcherGone = new Promise<string | null>((r) =>
        launcher.on("exit", (_, sig) => r(sig))
      );
      try {
        await waitUntil(
          "the daemon's child",
          () => existsSync(pidfile) && childPids(dir).length > 0,
        );
        const daemonPid = loggedPids(dir)[1];
        const [child] = childPids(dir);
        launcher.kill(signal);
        assert.equal(await launcherGone, signal);
        assert.equal(existsSync(pidfile), false, "the pidfile was removed");
        assert.equal(isRunning(daemonPid), false, "the daemon was stopped");
        await waitUntil("the daemon's child to end", () => !isRunning(child), 5000);
      } finally {
        launcher.kill("SIGKILL");
        killChildren(dir);
        cleanUp(dir);
      }
    });
  }

  test("an argument that is not UTF-8 reaches the daemon byte for byte", async () => {
    const dir = appDir("posixly-daemon-");
    try {
      const argv = [
        process.execPath,
        ...scriptArgs(APP, [JSON.stringify({ dir, detached: {}, exitAfterReport: true })]),
      ];
      // "caf\xe9" (Latin-1), which Node's spawn could not pass: a shell makes it.
      const r = spawnSync("sh", ["-c", `exec "$@" "$(printf 'caf\\351')"`, "sh", ...argv], {
        encoding: "utf8",
        timeout: 30_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const report = await readReport(dir);
      const args = Buffer.from(report.cmdlineHex, "hex").toString("latin1").split("\0");
      assert.equal(args.at(-2), "caf\xe9", JSON.stringify(args));
      assert.deepEqual(
        args.slice(1, -2),
        argv.slice(1).map((a) => Buffer.from(a).toString("latin1")),
      );
    } finally {
      cleanUp(dir);
    }
  });

  test("a second detached() in the daemon is refused", async () => {
    const dir = appDir("posixly-daemon-");
    try {
      const logfile = join(dir, "log");
      const r = launch(dir, { detached: { logfile }, twice: true });
      assert.equal(r.status, 0, r.stderr);
      await readReport(dir);
      assert.match(
        readFileSync(logfile, "utf8"),
        /second detached\(\): this process is already detached/,
      );
      assert.equal(loggedPids(dir).length, 2);
    } finally {
      cleanUp(dir);
    }
  });

  test(
    "uid: nobody runs the daemon as nobody",
    { skip: isRoot ? false : "needs root: setuid" },
    async () => {
      const dir = appDir("posixly-daemon-");
      try {
        const pidfile = join(dir, "nobody.pid");
        const r = launch(dir, { detached: { uid: "nobody", pidfile, logfile: join(dir, "log") } });
        assert.equal(r.status, 0, r.stderr);
        const report = await readReport(dir);
        const nobody = Number(
          spawnSync("id", ["-u", "nobody"], { encoding: "utf8" }).stdout.trim(),
        );
        assert.equal(report.uid, nobody);
        assert.equal(report.euid, nobody);
        assert.match(
          readFileSync(`/proc/${report.pid}/status`, "utf8"),
          new RegExp(`^Uid:\\s+${nobody}\\s+${nobody}\\s+${nobody}\\s+${nobody}$`, "m"),
        );
        assert.equal(pidIn(pidfile), report.pid);
      } finally {
        cleanUp(dir);
      }
    },
  );

  test(
    "a set-up failure in the daemon is reported by the launcher",
    { skip: isRoot ? false : "needs root: drops to nobody" },
    () => {
      const dir = appDir("posixly-daemon-");
      try {
        const locked = join(dir, "root-only");
        mkdirSync(locked, { mode: 0o755 });
        const r = launch(dir, { detached: { uid: "nobody", pidfile: join(locked, "p.pid") } });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /^ERROR: .*EACCES/, r.stderr);
        assert.equal(loggedPids(dir).length, 2);
      } finally {
        cleanUp(dir);
      }
    },
  );

  test("fake: true does everything in this process, without detaching", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const pidfile = join(dir, "fake.pid");
      const r = launch(dir, {
        detached: { fake: true, pidfile, umask: 0o077, workdir: dir },
        exitAfterReport: true,
      });
      assert.equal(r.status, 0, r.stderr);
      const pids = loggedPids(dir);
      assert.equal(pids.length, 1);
      const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;
      assert.equal(report.pid, pids[0]);
      assert.notEqual(report.sid, report.pid, "not a new session");
      assert.equal(report.isDaemon, false);
      assert.equal(report.pidlockPid, report.pid);
      assert.equal(report.umask, 0o077);
      assert.equal(report.cwd, dir);
      assert.equal(existsSync(pidfile), false, "released by close()");
    } finally {
      cleanUp(dir);
    }
  });

  const hasPython = spawnSync("python3", ["-c", "pass"]).status === 0;
  if (!hasPython) console.error("daemon_test: SKIPPING the NOTIFY_SOCKET test: no python3");
  test(
    "NOTIFY_SOCKET: READY=1 and MAINPID= from the daemon, then its STATUS=",
    { skip: hasPython ? false : "needs python3 for the NOTIFY_SOCKET receiver" },
    async () => {
      const dir = appDir("posixly-daemon-");
      const name = `@posixly-daemon-test-${process.pid}-${Date.now()}`;
      const receiver = spawn(
        "python3",
        [fixture("daemon_notify_receiver.py"), name, "2", "60"],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      receiver.stdout!.on("data", (d) => (out += String(d)));
      const closed = new Promise((r) => receiver.on("close", r));
      try {
        await waitUntil("the receiver", () => out.startsWith("bound\n"));
        const r = launch(dir, { detached: { pidfile: join(dir, "p.pid") }, status: "serving" }, {
          NOTIFY_SOCKET: name,
        });
        assert.equal(r.status, 0, r.stderr);
        await closed;
        const daemonPid = loggedPids(dir)[1];
        const messages = out.trim().split("\n").slice(1).map((l) => JSON.parse(l));
        assert.deepEqual(messages, [`READY=1\nMAINPID=${daemonPid}`, "STATUS=serving"]);
      } finally {
        receiver.kill();
        cleanUp(dir);
      }
    },
  );

  test("an unreachable NOTIFY_SOCKET is a warning in the log, not a dead daemon", async () => {
    const dir = appDir("posixly-daemon-");
    try {
      const logfile = join(dir, "d.log");
      const r = launch(dir, {
        detached: { pidfile: join(dir, "p.pid"), logfile },
        exitAfterReport: true,
      }, { NOTIFY_SOCKET: join(dir, "gone.sock") });
      assert.equal(r.status, 0, r.stderr);
      // The daemon went on past detached() (the launcher had been told "ready" first).
      const report = await readReport(dir);
      assert.equal(report.pid, loggedPids(dir)[1]);
      await waitUntil(
        "the warning in the log",
        () => readFileSync(logfile, "utf8").includes("READY=1"),
      );
      assert.match(
        readFileSync(logfile, "utf8"),
        /could not tell systemd READY=1 \(NOTIFY_SOCKET\): ENOENT.*gone\.sock/,
      );
    } finally {
      cleanUp(dir);
    }
  });

  test(
    "without FFI permission, detached() fails with the FFI-permission error",
    { skip: runtime === "bun" ? "Bun has no permissions" : false },
    () => {
      const dir = appDir("posixly-daemon-");
      try {
        const json = JSON.stringify({ dir, detached: {} });
        const withoutFfi = runtime === "deno"
          ? ["run", "--quiet", "--allow-read", "--allow-write", "--allow-env", APP, json]
          : [
            "--disable-warning=ExperimentalWarning",
            "--permission",
            "--allow-fs-read=*",
            "--allow-fs-write=*",
            APP,
            json,
          ];
        const r = spawnSync(process.execPath, withoutFfi, { encoding: "utf8", timeout: 20_000 });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /FfiPermissionError: .*--allow-ffi/);
        assert.equal(loggedPids(dir).length, 1, "no daemon was started");
      } finally {
        cleanUp(dir);
      }
    },
  );
});

describe("detached() faults (issue #29)", () => {
  // The kernel's rule, checked by posixly itself: this machine may have fs.protected_symlinks=0.
  test(
    "a logfile link planted by another user in a sticky directory is not followed",
    { skip: isRoot ? false : "needs root: plants a link owned by nobody" },
    () => {
      const dir = appDir("posixly-daemon-");
      try {
        const sticky = join(dir, "sticky");
        mkdirSync(sticky);
        chmodSync(sticky, 0o1777);
        const secret = join(dir, "root-only");
        writeFileSync(secret, "root only\n", { mode: 0o600 });
        const planted = join(sticky, "app.log");
        symlinkSync(secret, planted);
        const nobody = parseUid("nobody");
        lchownSync(planted, nobody, -1);
        const r = launch(dir, { detached: { logfile: planted }, exitAfterReport: true });
        assert.equal(r.status, 73, r.stderr);
        assert.match(r.stderr, /symbolic link owned by uid \d+ in .*sticky world-writable/);
        assert.ok(r.stderr.includes(planted), r.stderr);
        assert.equal(readFileSync(secret, "utf8"), "root only\n", "nothing was written through it");
        assert.equal(loggedPids(dir).length, 1, "no daemon was started");

        // The same link owned by this process (root) is followed, as the kernel would.
        const own = join(sticky, "own.log");
        symlinkSync(secret, own);
        const ok = launch(dir, { detached: { logfile: own }, exitAfterReport: true });
        assert.equal(ok.status, 0, ok.stderr);
      } finally {
        cleanUp(dir);
      }
    },
  );

  test(
    "a logfile that is a block device is refused before anything is written",
    { skip: isRoot ? false : "needs root: attaches a loop device" },
    () => {
      const dir = appDir("posixly-daemon-");
      const backing = join(dir, "disk.img");
      writeFileSync(backing, Buffer.alloc(64 * 1024));
      const attach = spawnSync("losetup", ["--find", "--show", backing], { encoding: "utf8" });
      if (attach.status !== 0) {
        cleanUp(dir);
        throw new Error(`losetup failed: ${attach.stderr || attach.error}`);
      }
      const device = attach.stdout.trim();
      try {
        assert.ok(statSync(device).isBlockDevice());
        const r = launch(dir, { detached: { logfile: device }, exitAfterReport: true });
        assert.equal(r.status, 73, r.stderr);
        assert.match(r.stderr, /is not a regular file, a character device or a FIFO/);
        assert.equal(loggedPids(dir).length, 1, "no daemon was started");
        assert.ok(readFileSync(backing).every((b) => b === 0), "nothing reached the device");
      } finally {
        spawnSync("losetup", ["--detach", device]);
        cleanUp(dir);
      }
    },
  );

  test("a FIFO logfile: no reader is an error at once, naming it; with a reader it works", async () => {
    const dir = appDir("posixly-daemon-");
    try {
      const fifo = join(dir, "log.fifo");
      assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
      const started = performance.now();
      const r = runScript(APP, [JSON.stringify({ dir, detached: { logfile: fifo } })], {
        timeout: 10_000,
      });
      assert.equal(r.status, 73, `the launcher hung or failed otherwise: ${r.stderr}`);
      assert.ok(performance.now() - started < 9000);
      assert.match(r.stderr, /log\.fifo is a FIFO that nobody reads/);
      assert.equal(loggedPids(dir).length, 1, "no daemon was started");

      const reader = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
      try {
        const ok = launch(dir, { detached: { logfile: fifo }, exitAfterReport: true });
        assert.equal(ok.status, 0, ok.stderr);
        // The launcher exits at "ready"; the daemon prints after that.
        let got = "";
        const buf = Buffer.alloc(4096);
        await waitUntil("the daemon's output in the FIFO", () => {
          try {
            got += buf.subarray(0, readSync(reader, buf)).toString();
          } catch {
            // EAGAIN: nothing yet
          }
          return got.includes("daemon stdout line");
        }, 5000);
      } finally {
        closeSync(reader);
      }
    } finally {
      cleanUp(dir);
    }
  });

  test("a launcher SIGKILLed before the daemon set its death signal: the daemon leaves at once", async () => {
    const dir = appDir("posixly-daemon-");
    const pidfile = join(dir, "p.pid");
    const go = join(dir, "go");
    const options: AppOptions = {
      detached: { pidfile, ready: "manual" },
      daemonWaitsFor: go,
      readyDelayMs: 20_000,
    };
    const launcher = spawn(
      process.execPath,
      scriptArgs(APP, [JSON.stringify({ dir, ...options })]),
      { stdio: "ignore" },
    );
    const launcherGone = new Promise((r) => launcher.on("exit", r));
    try {
      await waitUntil("the daemon's start", () => loggedPids(dir).length === 2);
      const daemonPid = loggedPids(dir)[1];
      launcher.kill("SIGKILL");
      await launcherGone;
      writeFileSync(go, "");
      // It calls detached() only now, then must leave without taking the pidfile.
      await waitUntil("the orphaned daemon to exit", () => !isRunning(daemonPid), 5000);
      assert.equal(existsSync(pidfile), false, "no pidfile is left");
    } finally {
      launcher.kill("SIGKILL");
      cleanUp(dir);
    }
  });

  test("a program that reuses the handshake's fd does not get the token; the daemon stops", async () => {
    const dir = appDir("posixly-daemon-");
    try {
      const own = join(dir, "own.txt");
      const pidfile = join(dir, "p.pid");
      const logfile = join(dir, "log");
      const r = launch(dir, {
        detached: { pidfile, logfile, ready: "manual" },
        reuseHandshakeFd: own,
      });
      assert.notEqual(r.status, 0);
      const daemonPid = loggedPids(dir)[1];
      await waitUntil("the daemon to stop", () => !isRunning(daemonPid), 5000);
      assert.equal(readFileSync(logfile, "utf8").includes("own file on fd 3"), true);
      assert.equal(readFileSync(own, "utf8"), "", "nothing was written into the program's file");
      assert.equal(existsSync(join(dir, "survived")), false, "notifyReady() did not return");
      assert.equal(existsSync(pidfile), false);
    } finally {
      cleanUp(dir);
    }
  });

  test("a daemon killed before ready leaves no pidfile: the launcher removes it", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const pidfile = join(dir, "p.pid");
      const r = launch(dir, {
        detached: { pidfile, ready: "manual" },
        killSelfBeforeReady: true,
      });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /was killed by SIGKILL before it was ready/);
      assert.equal(existsSync(pidfile), false);
    } finally {
      cleanUp(dir);
    }
  });

  test("a pidfile of another live process is not removed when the daemon fails", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const pidfile = join(dir, "p.pid");
      const r = launch(dir, {
        detached: { pidfile, ready: "manual" },
        killSelfBeforeReady: true,
      });
      assert.notEqual(r.status, 0);
      // Now a file naming this (live) test process: a failing start must leave it.
      writeFileSync(pidfile, `${process.pid}\n`);
      const again = launch(dir, { detached: { pidfile }, exitAfterReport: true });
      assert.equal(again.status, 73, again.stderr);
      assert.equal(readFileSync(pidfile, "utf8"), `${process.pid}\n`);
    } finally {
      cleanUp(dir);
    }
  });

  test("keepFds that is not an array is an error naming the option; long values are cut", () => {
    assert.throws(() => new DaemonContext({ keepFds: 5 as never }), {
      name: "TypeError",
      message: /^keepFds must be an array of fds \(3 and up\), got 5$/,
    });
    for (const bad of ["x".repeat(1_000_000), { length: 3 }]) {
      assert.throws(() => new DaemonContext({ keepFds: bad as never }), (e: Error) => {
        assert.ok(e instanceof TypeError);
        assert.match(e.message, /^keepFds must be an array/);
        assert.ok(e.message.length < 200, `${e.message.length} characters`);
        return true;
      });
    }
    const long = "u".repeat(1_000_000);
    const refusals = [
      [{ umask: long }, 'umask must be octal ("022") or decimal digits, got "uuu'],
      [{ ready: long }, 'ready must be "auto" or "manual", got "uuu'],
      [{ pidfile: `${long}\0` }, 'pidfile must be a non-empty path without NUL bytes, got "uuu'],
    ] as const;
    for (const [options, start] of refusals) {
      assert.throws(() => new DaemonContext(options as never), (e: Error) => {
        assert.ok(e instanceof TypeError);
        assert.ok(e.message.startsWith(start), e.message.slice(0, 100));
        assert.ok(e.message.length < 300, `${e.message.length} characters`);
        return true;
      });
    }
  });
});

describe("detached() without pidfd_open (issue #30)", () => {
  // POSIXLY_INTERNAL_NO_PIDFD makes the daemon wait for its launcher as on musl.
  test("ready: auto resolves only once the daemon is re-parented, without pidfds too", async () => {
    for (let round = 0; round < 8; round++) {
      const dir = appDir("posixly-daemon-");
      try {
        const r = launch(dir, { detached: {}, exitAfterReport: true }, {
          POSIXLY_INTERNAL_NO_PIDFD: "1",
        });
        assert.equal(r.status, 0, r.stderr);
        const [launcherPid] = loggedPids(dir);
        const report = await readReport(dir);
        assert.equal(report.parentAtStart, launcherPid);
        assert.notEqual(report.parentAfterDetached, launcherPid, `round ${round}`);
      } finally {
        cleanUp(dir);
      }
    }
  });
});

describe("DaemonContext.notifyReady", () => {
  test("later calls do nothing, also after close(); before open() it throws", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const script = join(dir, "notify_twice.ts");
      writeFileSync(
        script,
        `import { DaemonContext } from ${
          JSON.stringify(new URL("../mod.ts", import.meta.url).href)
        };
const early = new DaemonContext({ fake: true, ready: "manual", workdir: ${JSON.stringify(dir)} });
try {
  early.notifyReady();
  console.log("no error before open()");
} catch (e) {
  console.log("before open: " + e.message);
}
const ctx = new DaemonContext({ fake: true, ready: "manual", workdir: ${JSON.stringify(dir)} });
await ctx.open();
ctx.notifyReady();
ctx.notifyReady();
ctx.close();
ctx.notifyReady();
console.log("after close: ready " + ctx.isReady + ", open " + ctx.isOpen);
`,
      );
      const r = runScript(script);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(
        r.stdout,
        "before open: notifyReady() needs an open DaemonContext (call open() first)\n" +
          "after close: ready true, open false\n",
      );
    } finally {
      cleanUp(dir);
    }
  });
});

describe("DaemonContext options", () => {
  test("umask: numbers, octal strings with a leading 0, decimal strings; default 0o022", () => {
    assert.equal(new DaemonContext().umask, 0o022);
    assert.equal(new DaemonContext({ umask: 0 }).umask, 0);
    assert.equal(new DaemonContext({ umask: "0" }).umask, 0);
    assert.equal(new DaemonContext({ umask: "022" }).umask, 0o022);
    assert.equal(new DaemonContext({ umask: "0o27" }).umask, 0o027);
    assert.equal(new DaemonContext({ umask: "18" }).umask, 18);
    assert.throws(() => new DaemonContext({ umask: "abc" }), TypeError);
    assert.throws(() => new DaemonContext({ umask: "089" }), TypeError);
    assert.throws(() => new DaemonContext({ umask: 0o1000 }), RangeError);
    assert.throws(() => new DaemonContext({ umask: 1.5 }), RangeError);
  });

  test("paths are made absolute; workdir defaults to the current directory", () => {
    const ctx = new DaemonContext({ pidfile: "app.pid", logfile: "log/app.log" });
    assert.equal(ctx.pidfile, join(process.cwd(), "app.pid"));
    assert.equal(ctx.logfile, join(process.cwd(), "log/app.log"));
    assert.equal(ctx.workdir, process.cwd());
    assert.equal(ctx.fake, false);
    assert.equal(ctx.ready, "auto");
    assert.equal(ctx.timeoutMs, 30_000);
    assert.equal(ctx.isOpen, false);
    assert.equal(ctx.isDaemon, false);
    assert.equal(ctx.pidlock, null);
  });

  test("in a directory whose name is not UTF-8, workdir must be given (and works)", () => {
    const dir = appDir("posixly-daemon-");
    try {
      const r = spawnSync(
        "sh",
        [
          "-c",
          // "d" and the byte 0xE9, made by the shell (a runtime may encode a name as UTF-8)
          'd=$(printf "%s/d\\351" "$1") && mkdir "$d" && cd "$d" && shift && exec "$@"',
          "sh",
          dir,
          process.execPath,
          ...scriptArgs(fixture("daemon_cwd_name.ts")),
        ],
        { encoding: "utf8", timeout: 30_000 },
      );
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
      assert.match(
        out.byDefault,
        /^TypeError: workdir: the current directory's name is not valid UTF-8/,
      );
      assert.equal(out.given, "/");
    } finally {
      cleanUp(dir);
    }
  });

  test("bad options throw TypeError or RangeError; nothing is started", () => {
    assert.throws(
      () => new DaemonContext({ pidFile: "/tmp/x.pid" } as unknown as DetachedOptions),
      {
        name: "TypeError",
        message: /^unknown option "pidFile" for detached\(\)\/DaemonContext; known: logfile, /,
      },
    );
    assert.throws(() => new DaemonContext(null as never), {
      name: "TypeError",
      message: "DaemonContext takes an options object, got null",
    });
    assert.throws(() => new DaemonContext({ ready: "later" as never }), TypeError);
    assert.throws(() => new DaemonContext({ timeoutMs: -1 }), RangeError);
    assert.throws(() => new DaemonContext({ timeoutMs: Number.NaN }), RangeError);
    assert.throws(() => new DaemonContext({ keepFds: [1] }), RangeError);
    assert.throws(() => new DaemonContext({ keepFds: [3.5] }), RangeError);
    assert.throws(() => new DaemonContext({ pidfile: "" }), TypeError);
    assert.throws(() => new DaemonContext({ logfile: "a\0b" }), TypeError);
    assert.throws(() => new DaemonContext({ uid: {} as never }), TypeError);
    assert.throws(() => new DaemonContext({ afterChdir: 5 as never }), TypeError);
  });

  test("fake must be true or false: a string is a TypeError, not true", () => {
    for (const bad of ["false", "true", 0, 1]) {
      assert.throws(() => new DaemonContext({ fake: bad as never }), {
        name: "TypeError",
        message: `fake must be true or false, got ${typeof bad} ${JSON.stringify(bad)}`,
      });
    }
    assert.equal(new DaemonContext({ fake: true }).fake, true);
    assert.equal(new DaemonContext({ fake: false }).fake, false);
    assert.equal(new DaemonContext({}).fake, false);
  });

  test("a path with a lone surrogate is refused by the constructor, naming the option", () => {
    for (const option of ["pidfile", "logfile", "workdir"] as const) {
      for (const bad of ["/tmp/x\uD800.pid", "\uDC00"]) {
        assert.throws(() => new DaemonContext({ [option]: bad }), {
          name: "TypeError",
          message: `${option} is not well-formed Unicode (it has a lone surrogate), got ${
            JSON.stringify(bad)
          }`,
        });
      }
    }
  });

  test("uid, gid and umask given as -0 are 0 (the FFI of Deno and Node refuses -0)", {
    skip: isRoot ? false : "needs root: uid 0 is asked for",
  }, () => {
    const dir = appDir("posixly-daemon-");
    try {
      const r = launch(dir, {
        detached: { fake: true, workdir: dir },
        negativeZeros: true,
        exitAfterReport: true,
      });
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;
      assert.deepEqual([report.uid, report.gid, report.umask], [0, 0, 0]);
    } finally {
      cleanUp(dir);
    }
  });

  test("notifyReady() before open() is an error; close() before open() does nothing", () => {
    const dir = appDir("posixly-daemon-");
    try {
      // a pidfile of another process's, which open() would have taken: close() leaves it be
      const pidfile = join(dir, "app.pid");
      writeFileSync(pidfile, "1\n");
      const ctx = new DaemonContext({ fake: true, pidfile, umask: 0o077, workdir: dir });
      assert.throws(() => ctx.notifyReady(), /call open\(\) first/);
      const [cwd, umask] = [process.cwd(), umaskOf(process.pid)];
      ctx.close();
      assert.deepEqual([ctx.isOpen, ctx.isReady, ctx.pidlock], [false, false, null]);
      assert.deepEqual([process.cwd(), umaskOf(process.pid)], [cwd, umask]);
      assert.equal(readFileSync(pidfile, "utf8"), "1\n");
      assert.throws(() => ctx.notifyReady(), /call open\(\) first/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("DaemonError carries an exit code", () => {
    const e = new DaemonError("ERROR: x", 73);
    assert.equal(e.exitCode, 73);
    assert.equal(e.name, "DaemonError");
    assert.equal(new DaemonError("y").exitCode, 1);
  });
});

describe("posixSpawn", () => {
  /** Runs `sh -c script` through posixSpawn, output to a file; returns [status, output]. */
  function sh(script: string, options: Omit<PosixSpawnOptions, "args"> = {}): [number, string] {
    const dir = mkdtempSync(join(tmpdir(), "posixly-spawn-"));
    try {
      const out = join(dir, "out");
      const c = platform.constants;
      const pid = posixSpawn("/bin/sh", {
        ...options,
        args: ["sh", "-c", script],
        fileActions: [
          ...(options.fileActions ?? []),
          { open: 1, path: out, flags: c.O_WRONLY | c.O_CREAT | c.O_TRUNC, mode: 0o600 },
        ],
      });
      const status = new Int32Array(1);
      assert.equal(libc.waitpid(pid, status, 0), pid);
      return [status[0], readFileSync(out, "utf8")];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test("argv, env and file actions reach the child", () => {
    const [status, out] = sh('printf "%s|%s|%s" "$0" "$GREETING" "$(cat)"', {
      env: { GREETING: "hi there", PATH: "/usr/bin:/bin" },
      fileActions: [{ open: 0, path: "/etc/passwd", flags: platform.constants.O_RDONLY }],
    });
    assert.equal(status, 0);
    assert.equal(out, `sh|hi there|${readFileSync("/etc/passwd", "utf8").trim()}`);
  });

  test("-0 as an fd, flags or mode is 0 (the FFI of Deno and Node refuses -0)", () => {
    const [status, out] = sh("cat; cat <&5", {
      fileActions: [
        { close: -0 },
        { open: -0, path: "/etc/passwd", flags: -0, mode: -0 },
        { dup2: [-0, 5] },
      ],
    });
    assert.equal(status, 0);
    assert.equal(out, readFileSync("/etc/passwd", "utf8"), "all of it through fd 0, then none");
    assert.throws(() => posixSpawn("/bin/true", { fileActions: [{ close: -1 }] }), {
      name: "TypeError",
      message: "close must be a non-negative integer fd, got -1",
    });
    assert.throws(() => posixSpawn("/bin/true", { fileActions: [{ dup2: 3 as never }] }), {
      name: "TypeError",
      message: "dup2 must be a pair of fds [from, to], got 3",
    });
  });

  test("setsid, default signal actions and an empty mask", () => {
    // the runtime ignores SIGPIPE (and Bun SIGXFSZ): a plain child inherits that
    const [, inherited] = sh("grep -E '^SigIgn' /proc/self/status");
    assert.doesNotMatch(inherited, /^SigIgn:\s+0+$/m, "the runtime ignores some signals");
    const [, reset] = sh(
      // the session id: field 6 of /proc/PID/stat (the name, field 2, is "(sh)")
      "grep -E '^(SigIgn|SigBlk)' /proc/self/status; cut -d' ' -f6 /proc/$$/stat; echo $$",
      {
        setsid: true,
        defaultSignals: true,
        signalMask: [],
      },
    );
    assert.match(reset, /^SigIgn:\s+0+$/m);
    assert.match(reset, /^SigBlk:\s+0+$/m);
    const [sid, self] = reset.trim().split("\n").slice(-2).map((s) => Number(s.trim()));
    assert.equal(sid, self, "a session leader");
  });

  test("closeFrom closes inherited fds; dup2 onto a number keeps it open", () => {
    const fd = openSync("/etc/passwd", "r");
    try {
      libc.fcntl(fd, platform.constants.F_SETFD, 0); // inheritable
      const [, open] = sh(`ls /proc/self/fd`, {});
      assert.ok(open.split("\n").includes(String(fd)), "inherited without closeFrom");
      const [, closed] = sh(`ls /proc/self/fd`, { fileActions: [{ closeFrom: 3 }] });
      assert.ok(!closed.split("\n").includes(String(fd)), closed);
      const [, kept] = sh(`readlink /proc/self/fd/9`, {
        fileActions: [{ dup2: [fd, 9] }, { closeFrom: 10 }],
      });
      assert.equal(kept.trim(), "/etc/passwd");
    } finally {
      closeSync(fd);
    }
  });

  test("an exec failure is an OSError; bad input a TypeError", { skip: vforkIsFork }, () => {
    assert.throws(() => posixSpawn("/nonexistent/program"), (e: unknown) => {
      assert.ok(e instanceof OSError);
      assert.equal(e.code, "ENOENT");
      assert.equal(e.syscall, "posix_spawn");
      return true;
    });
    assert.throws(() => posixSpawn("/bin/true", { args: ["a\0b"] }), TypeError);
    assert.throws(
      () => posixSpawn("/bin/true", { args: [new Uint8Array([0x61, 0, 0x62])] }),
      TypeError,
    );
    assert.throws(() => posixSpawn("/bin/true", { env: { "A=B": "x" } }), TypeError);
    assert.throws(() => posixSpawn("/bin/true", { fileActions: [{ close: -1 }] }), TypeError);
    assert.throws(() => posixSpawn("/bin/true", { signalMask: [0] }), RangeError);
    // posix_spawn_file_actions_addclosefrom_np: glibc >= 2.34; musl has none
    assert.equal(spawnCanCloseFrom(), cLibraryHas("posix_spawn_file_actions_addclosefrom_np"));
  });

  test("a path, argument or environment entry that is not well-formed Unicode is a TypeError", () => {
    // Encoded with U+FFFD, each would name another program, argument or value.
    const dir = mkdtempSync(join(tmpdir(), "posixly-spawn-"));
    try {
      const ran = join(dir, "ran");
      const script = ["sh", "-c", `touch '${ran}'`];
      const refused = (what: RegExp) => (e: unknown) => {
        assert.ok(e instanceof TypeError, String(e));
        assert.match(e.message, what);
        assert.match(e.message, /not well-formed Unicode/);
        assert.ok(e.message.length < 200, `bounded: ${e.message.length} characters`);
        return true;
      };
      assert.throws(() => posixSpawn("/bin/s\uD800"), refused(/^path/));
      assert.throws(
        () => posixSpawn("/bin/sh", { args: [...script, "\uDC00"] }),
        refused(/args\[3\]/),
      );
      assert.throws(
        () => posixSpawn("/bin/sh", { args: script, env: { A: "x".repeat(10_000) + "\uD800" } }),
        refused(/environment variable "A"/),
      );
      assert.throws(
        () => posixSpawn("/bin/sh", { args: script, env: { ["B\uD800"]: "1" } }),
        refused(/environment variable/),
      );
      assert.throws(
        () =>
          posixSpawn("/bin/sh", {
            args: script,
            fileActions: [{ open: 0, path: "/dev/nul\uD800", flags: 0 }],
          }),
        refused(/open path/),
      );
      assert.equal(existsSync(ran), false, "nothing ran");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
