import { pendingExitHooks } from "../platforms/host.ts";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { constants as osConstants } from "node:os";
import process from "node:process";
import { createServer } from "node:net";
import type { Readable } from "node:stream";
import { cstr, errno, libc, OSError, platform } from "../ffi/mod.ts";
import { fdIdentity, statIdentity } from "../platforms/file_identity.ts";
import {
  createPidlock,
  EX_CANTCREAT,
  LockFailed,
  parseStartTime,
  Pidfile,
  PidfileError,
  posixSpawn,
  processIsZombie,
  processStartedAt,
  processStartTime,
  startTimeToDate,
} from "../mod.ts";
import {
  canMountTmpfs,
  copyForOtherUsers,
  fillUp,
  fixture,
  isRoot,
  onSmallTmpfs,
  runScript,
  scriptArgs,
  sleep,
  startScript,
} from "./_util.ts";

const CHILD = fixture("pidfile_child.ts");
/** Why the full-file-system tests are skipped: they mount a small tmpfs (root, CAP_SYS_ADMIN). */
const noTmpfs = canMountTmpfs ? false : "needs root allowed to mount a tmpfs";
if (noTmpfs) console.error(`pidfile_test: SKIPPING the full file system tests: ${noTmpfs}`);
if (!isRoot) {
  console.error(
    "pidfile_test: SKIPPING 2 tests that need root (a checker running as nobody, a holder " +
      "that drops to nobody)",
  );
}

function tempDir(): string {
  // In /tmp: some tests hand it to nobody, who may not enter a private TMPDIR.
  return mkdtempSync("/tmp/posixly-pidfile-");
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync("true");
  assert.equal(r.status, 0);
  return r.pid!;
}

/** Opens `path` and takes its flock, as another holder would; returns a closer. */
function flockFile(path: string): () => void {
  const fd = openSync(path, "r");
  assert.equal(libc.flock(fd, platform.constants.LOCK_EX | platform.constants.LOCK_NB), 0);
  return () => closeSync(fd);
}

/** Starts `sleep 60` (a live process we own); returns it and a stopper. */
function liveChild(): { pid: number; stop: () => void } {
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  return { pid: child.pid!, stop: () => child.kill("SIGKILL") };
}

function lockFailed(fn: () => unknown): LockFailed {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LockFailed, `expected LockFailed, got ${String(e)}`);
    return e;
  }
  assert.fail("expected LockFailed, nothing was thrown");
}

function pidfileError(fn: () => unknown): PidfileError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PidfileError, `expected PidfileError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected PidfileError, nothing was thrown");
}

const PID = process.pid;

describe("processStartTime", () => {
  test("field 22 of /proc/PID/stat, counted after the last ')'", () => {
    const line = "7 (a) b) S 1 7 7 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 99 0 0";
    assert.equal(parseStartTime(line), 99);
    assert.equal(parseStartTime("garbage"), null);
    const own = processStartTime(PID);
    assert.ok(typeof own === "number" && own > 0);
    const raw = readFileSync(`/proc/${PID}/stat`, "latin1");
    assert.equal(own, Number(raw.slice(raw.lastIndexOf(")") + 2).split(" ")[19]));
    assert.equal(processStartTime(deadPid()), null);
    assert.throws(() => processStartTime(0), RangeError);
    assert.throws(() => processStartTime(1.5), RangeError);
  });

  test("processStartedAt and startTimeToDate agree with ps(1)'s start time", () => {
    // ps prints the start to the second (lstart), in UTC with TZ=UTC.
    const ps = spawnSync("ps", ["-o", "lstart=", "-p", String(PID)], {
      encoding: "utf8",
      env: { ...process.env, TZ: "UTC", LC_ALL: "C" },
    });
    assert.equal(ps.status, 0, ps.stderr);
    const byPs = Date.parse(`${ps.stdout.trim()} UTC`);
    assert.ok(Number.isFinite(byPs), `ps said ${JSON.stringify(ps.stdout)}`);
    const at = processStartedAt(PID);
    assert.ok(at instanceof Date);
    assert.ok(
      Math.abs(at.getTime() - byPs) < 2000,
      `${at.toISOString()} against ps's ${ps.stdout}`,
    );
    assert.equal(startTimeToDate(processStartTime(PID)!)?.getTime(), at.getTime());
    assert.equal(processStartedAt(deadPid()), null);
    assert.throws(() => startTimeToDate(-1), RangeError);
    assert.throws(() => startTimeToDate(Number.NaN), RangeError);
  });
});

describe("Pidfile: acquire and release", () => {
  test("acquire writes PID and start time, held until release; release removes it", () => {
    const dir = tempDir();
    try {
      const lock = new Pidfile(join(dir, "a.pid"));
      assert.equal(lock.acquire(), lock);
      assert.equal(lock.held, true);
      assert.equal(readFileSync(lock.path, "utf8"), `${PID}\nstarttime=${processStartTime(PID)}\n`);
      assert.equal(lock.readPid(), PID);
      assert.equal(lock.isLocked(), true);
      assert.deepEqual(lock.inspect().status, "alive");
      // nothing left behind but the pidfile (O_TMPFILE: no temporary name)
      assert.deepEqual(readdirSync(dir), ["a.pid"]);
      lock.release();
      assert.equal(lock.held, false);
      assert.equal(existsSync(lock.path), false);
      assert.equal(lock.isLocked(), false);
      lock.release(); // no-op when not held
      assert.equal(lock.readPid(), null);
      assert.deepEqual(lock.inspect(), { status: "absent", pid: null, reason: "no file" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the path is made absolute", () => {
    assert.equal(new Pidfile("x.pid").path, join(process.cwd(), "x.pid"));
    assert.equal(new Pidfile("/a/../b/./c.pid").path, "/b/c.pid");
  });

  test("a second acquire while held fails with Celery's message, pid and exit code 73", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      const lock = new Pidfile(path).acquire();
      const e = lockFailed(() => new Pidfile(path).acquire());
      assert.equal(e.pid, PID);
      assert.equal(e.exitCode, 73);
      assert.equal(EX_CANTCREAT, 73);
      assert.equal(
        e.message,
        `ERROR: Pidfile (${path}) already exists.\nSeems we're already running? (pid: ${PID})`,
      );
      assert.equal(lockFailed(() => lock.acquire()).pid, PID); // the same object
      assert.equal(new Pidfile(path).removeIfStale(), false);
      assert.ok(existsSync(path));
      assert.equal(readFileSync(path, "utf8").split("\n")[0], String(PID));
      lock.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("`using` releases at the end of the block", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      {
        using lock = new Pidfile(path).acquire();
        assert.ok(lock.held && existsSync(path));
      }
      assert.equal(existsSync(path), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // 250 bytes each: valid names near NAME_MAX, in ASCII and in two-byte characters.
  for (
    const [what, name] of [
      ["a pidfile name near NAME_MAX", `${"a".repeat(246)}.pid`],
      ["a long name in multibyte characters", `${"\u00e9".repeat(123)}.pid`],
    ]
  ) {
    test(`tempFile 'named' works with ${what}`, () => {
      const dir = tempDir();
      try {
        const lock = new Pidfile(join(dir, name), { tempFile: "named" }).acquire();
        assert.equal(lock.readPid(), PID);
        lock.release();
        assert.deepEqual(readdirSync(dir), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test("tempFile 'named' works the same and leaves no temporary file", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      const lock = new Pidfile(path, { tempFile: "named" }).acquire();
      assert.equal(readFileSync(path, "utf8"), `${PID}\nstarttime=${processStartTime(PID)}\n`);
      assert.deepEqual(readdirSync(dir), ["a.pid"]);
      assert.equal(lockFailed(() => new Pidfile(path, { tempFile: "named" }).acquire()).pid, PID);
      assert.deepEqual(readdirSync(dir), ["a.pid"]);
      lock.release();
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("mode is 0644 before the umask", () => {
    const dir = tempDir();
    try {
      for (const [mask, want] of [["0", "644"], ["77", "600"], ["27", "640"]]) {
        const r = runScript(CHILD, ["umask", join(dir, `m${mask}.pid`), mask]);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), want, `umask ${mask}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a missing directory gives LockFailed with the OS error as cause", () => {
    const e = lockFailed(() => new Pidfile("/nonexistent-posixly-dir/a.pid").acquire());
    assert.ok(e.cause instanceof OSError);
    assert.equal((e.cause as OSError).code, "ENOENT");
    assert.match(e.message, /Cannot create pidfile \/nonexistent-posixly-dir\/a\.pid: ENOENT/);
    assert.equal(e.pid, null);
    assert.equal(e.exitCode, 73);
  });

  test("bad arguments are TypeErrors", () => {
    assert.throws(() => new Pidfile(""), TypeError);
    // deno-lint-ignore no-explicit-any
    assert.throws(() => new Pidfile(42 as any), TypeError);
    assert.throws(() => new Pidfile("/tmp/a\0b"), {
      name: "TypeError",
      message: /^pidfile path contains a NUL character: "\/tmp\/a\\u0000b"/,
    });
    // deno-lint-ignore no-explicit-any
    assert.throws(() => new Pidfile("/tmp/a", { tempFile: "x" as any }), TypeError);
    for (const options of [null, "named", 1]) {
      // deno-lint-ignore no-explicit-any
      assert.throws(() => new Pidfile("/tmp/a", options as any), {
        name: "TypeError",
        message: /^Pidfile options must be an object \(PidfileOptions\) or left out, got /,
      });
    }
    // deno-lint-ignore no-explicit-any
    assert.throws(() => createPidlock(undefined as any), TypeError);
  });
});

describe("Pidfile: a read-only lock descriptor (lockDescriptor)", () => {
  for (const tempFile of ["auto", "named"] as const) {
    test(`the lock is held through a descriptor nothing can write with (tempFile ${tempFile})`, () => {
      const dir = tempDir();
      try {
        const lock = new Pidfile(join(dir, "ro.pid"), { tempFile, lockDescriptor: "read-only" })
          .acquire();
        const content = `${PID}\nstarttime=${processStartTime(PID)}\n`;
        assert.equal(readFileSync(lock.path, "utf8"), content);
        assert.equal(lock.isLocked(), true);
        assert.deepEqual(readdirSync(dir), ["ro.pid"], "no temporary name left");
        const bytes = new TextEncoder().encode("1\n");
        assert.equal(Number(libc.write(lock.fd, bytes, bytes.length)), -1);
        assert.equal(errno(), platform.errnoNumbers.EBADF);
        assert.equal(libc.ftruncate(lock.fd, 0n), -1);
        assert.equal(readFileSync(lock.path, "utf8"), content, "the file is as written");
        lock.release();
        assert.equal(existsSync(lock.path), false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test("the default descriptor can write, and a bad value is a TypeError", () => {
    const dir = tempDir();
    try {
      const lock = new Pidfile(join(dir, "rw.pid")).acquire();
      const flags = Number.parseInt(
        /^flags:\s*(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${lock.fd}`, "utf8"))![1],
        8,
      );
      const { O_RDWR, O_WRONLY } = platform.constants;
      assert.notEqual(flags & (O_RDWR | O_WRONLY), 0, "opened for writing");
      lock.release();
      assert.throws(
        // deno-lint-ignore no-explicit-any
        () => new Pidfile(join(dir, "x.pid"), { lockDescriptor: "ro" as any }),
        {
          name: "TypeError",
          message: 'lockDescriptor must be "read-write" or "read-only", got "ro"',
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Pidfile: release never deletes another's pidfile", () => {
  test("a file put at the path by someone else survives release()", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      const lock = new Pidfile(path).acquire();
      unlinkSync(path); // e.g. an admin or Celery removed it ...
      writeFileSync(path, "4242\n"); // ... and another process wrote its own
      lock.release();
      assert.equal(readFileSync(path, "utf8"), "4242\n");
      // moved away: the file at the path is not ours either
      unlinkSync(path);
      const lock2 = new Pidfile(path).acquire();
      renameSync(path, join(dir, "moved.pid"));
      writeFileSync(path, "4343\n");
      lock2.release();
      assert.equal(readFileSync(path, "utf8"), "4343\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Pidfile: a lock whose descriptor other code closed", () => {
  /** A file with data in `dir`, opened read-write through the C library on descriptor `fd`. */
  function dataOnFd(dir: string, fd: number): string {
    const data = join(dir, "data.db");
    writeFileSync(data, "important data\n");
    const { O_RDWR, O_CLOEXEC } = platform.constants;
    const opened = libc.open(cstr(data), O_RDWR | O_CLOEXEC, 0);
    assert.ok(opened >= 0);
    assert.equal(libc.dup2(opened, fd), fd); // closes the lock's file: the lock is gone
    libc.close(opened);
    return data;
  }

  test("release() leaves the descriptor alone, removes the pidfile and throws 'lost'", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      const hooks = pendingExitHooks();
      const lock = new Pidfile(path).acquire().releaseAtExit();
      const fd = lock.fd;
      const data = dataOnFd(dir, fd);
      try {
        const e = pidfileError(() => lock.release());
        assert.equal(e.reason, "lost");
        assert.ok(e.message.includes(path), e.message);
        assert.match(e.message, new RegExp(`descriptor ${fd} was closed by other code`));
        assert.equal(lock.held, false);
        assert.equal(pendingExitHooks(), hooks, "the exit hook went away");
        // The descriptor still names the data file, whose contents are whole.
        const want = new Uint32Array(4);
        const got = new Uint32Array(4);
        assert.ok(statIdentity(data, cstr(data), want));
        fdIdentity(fd, got);
        assert.deepEqual(got, want);
        assert.equal(readFileSync(data, "utf8"), "important data\n");
        assert.equal(existsSync(path), false, "the pidfile itself is gone");
        lock.release(); // not held any more: nothing to do
      } finally {
        libc.close(fd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    "when the pidfile cannot be removed either, the data file is not emptied",
    { skip: isRoot ? false : "needs root: the holder drops to nobody before release()" },
    () => {
      const dir = tempDir();
      try {
        chmodSync(dir, 0o755); // nobody may read data.db, but not unlink run/app.pid
        const run = join(dir, "run");
        mkdirSync(run, { mode: 0o755 });
        const path = join(run, "app.pid");
        const data = join(dir, "data.db");
        writeFileSync(data, "important data\n", { mode: 0o644 });
        const r = runScript(CHILD, ["lost", path, data]);
        assert.equal(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
        assert.equal(out.threw?.name, "PidfileError", JSON.stringify(out));
        assert.equal(out.threw.reason, "lost");
        assert.match(out.threw.message, /stays at the path/);
        assert.equal(out.held, false);
        assert.equal(out.stillOpenOnData, true, "the descriptor was not closed");
        assert.equal(out.data, "important data\n", "the data file was not truncated");
        assert.equal(readFileSync(data, "utf8"), "important data\n");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("Pidfile: symbolic links are refused", () => {
  test("acquire, readPid, removeIfStale and inspect refuse a link at the path", () => {
    const dir = tempDir();
    try {
      const target = join(dir, "target");
      writeFileSync(target, "keep\n");
      const path = join(dir, "a.pid");
      for (const to of [target, join(dir, "dangling")]) {
        symlinkSync(to, path);
        const e = lockFailed(() => new Pidfile(path).acquire());
        assert.ok(e.cause instanceof PidfileError && e.cause.reason === "symlink");
        assert.match(e.message, /symbolic link/);
        assert.equal(pidfileError(() => new Pidfile(path).readPid()).reason, "symlink");
        assert.equal(pidfileError(() => new Pidfile(path).removeIfStale()).reason, "symlink");
        assert.equal(pidfileError(() => new Pidfile(path).remove()).reason, "symlink");
        assert.equal(new Pidfile(path).inspect().status, "unusable");
        assert.equal(readlinkSync(path), to);
        unlinkSync(path);
      }
      assert.equal(readFileSync(target, "utf8"), "keep\n");
      assert.equal(existsSync(join(dir, "dangling")), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a directory at the path is not a pidfile", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      mkdirSync(path);
      const e = lockFailed(() => new Pidfile(path).acquire());
      assert.ok(e.cause instanceof PidfileError && e.cause.reason === "not-regular");
      assert.equal(new Pidfile(path).inspect().status, "unusable");
      assert.throws(() => new Pidfile(path).readPid(), {
        name: "PidfileError",
        reason: "not-regular",
      });
      assert.ok(lstatSync(path).isDirectory());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a FIFO at the path is not a pidfile either (and readPid does not block on it)", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      assert.equal(spawnSync("mkfifo", [path]).status, 0);
      assert.throws(() => new Pidfile(path).readPid(), {
        name: "PidfileError",
        reason: "not-regular",
      });
      assert.equal(new Pidfile(path).inspect().status, "unusable");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a UNIX socket at the path is not a pidfile (not a bare ENXIO)", async () => {
    const dir = tempDir();
    const server = createServer();
    try {
      const path = join(dir, "a.pid");
      await new Promise<void>((resolve) => server.listen(path, resolve));
      assert.ok(lstatSync(path).isSocket());
      assert.throws(() => new Pidfile(path).readPid(), {
        name: "PidfileError",
        reason: "not-regular",
        message: /is not a regular file \(a socket\)/,
      });
      const state = new Pidfile(path).inspect();
      assert.equal(state.status, "unusable");
      assert.throws(() => createPidlock(path), /not a regular file/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("isLocked() is false for paths that cannot name a file, as os.path.exists", () => {
    assert.equal(new Pidfile("/etc/passwd/x.pid").isLocked(), false); // ENOTDIR
    assert.equal(new Pidfile(`/tmp/${"n".repeat(300)}.pid`).isLocked(), false); // ENAMETOOLONG
  });
});

describe("Pidfile: links another user planted in a sticky directory", () => {
  // The kernel's rule, checked by posixly itself: this machine may have fs.protected_symlinks=0.
  const asRoot = { skip: isRoot ? false : "needs root: plants links as uid 65534 (nobody)" };
  const NOBODY = 65534;

  /** Makes the symbolic link `path` -> `target` as nobody, as another user would plant it. */
  function plantAsNobody(target: string, path: string): void {
    const r = spawnSync("ln", ["-s", target, path], {
      uid: NOBODY,
      gid: NOBODY,
      cwd: "/",
      encoding: "utf8",
    });
    assert.equal(r.status, 0, `ln as nobody: ${r.error ?? r.stderr}`);
    assert.equal(lstatSync(path).uid, NOBODY);
  }

  /** A directory nobody may reach, with a sticky world-writable one and a root-only one in it. */
  function layout(): { dir: string; sticky: string; rootOnly: string; victim: string } {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const sticky = join(dir, "sticky");
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    const rootOnly = join(dir, "rootonly");
    mkdirSync(rootOnly);
    chmodSync(rootOnly, 0o700);
    const victim = join(rootOnly, "victim.pid");
    writeFileSync(victim, "garbage\n");
    return { dir, sticky, rootOnly, victim };
  }

  test("no method follows one; the error names the path and the link", asRoot, () => {
    const { dir, sticky, rootOnly, victim } = layout();
    try {
      const plant = join(sticky, "plant");
      plantAsNobody(rootOnly, plant);
      const path = join(plant, "victim.pid");
      const refused = (e: unknown, at = path, link = plant): void => {
        assert.ok(e instanceof PidfileError, `expected PidfileError, got ${String(e)}`);
        assert.equal(e.reason, "symlink");
        assert.ok(e.message.includes(`${at}: ${link} is a symbolic link`), e.message);
        assert.match(
          e.message,
          /owned by uid 65534 in .*sticky world-writable.*protected_symlinks/,
        );
      };
      const failed = lockFailed(() => new Pidfile(path).acquire());
      assert.equal(failed.pid, null);
      refused(failed.cause);
      refused(lockFailed(() => createPidlock(path)).cause);
      refused(pidfileError(() => new Pidfile(path).writePid()));
      refused(pidfileError(() => new Pidfile(path).readPid()));
      refused(pidfileError(() => new Pidfile(path).remove()));
      refused(pidfileError(() => new Pidfile(path).removeIfStale()));
      const state = new Pidfile(path).inspect();
      assert.equal(state.status, "unusable");
      assert.ok(state.reason.includes(`${plant} is a symbolic link`), state.reason);
      // As the kernel's rule would answer (EACCES), and Celery's os.path.exists then does.
      assert.equal(new Pidfile(path).isLocked(), false);
      assert.equal(readFileSync(victim, "utf8"), "garbage\n", "not removed as stale");
      assert.deepEqual(readdirSync(rootOnly), ["victim.pid"], "nothing was linked there");

      // Planted as the pidfile itself (the last component).
      const last = join(sticky, "app.pid");
      plantAsNobody(victim, last);
      refused(lockFailed(() => new Pidfile(last).acquire()).cause, last, last);
      refused(pidfileError(() => new Pidfile(last).removeIfStale()), last, last);
      assert.equal(readFileSync(victim, "utf8"), "garbage\n");
      assert.equal(readlinkSync(last), victim);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    "a link this process or the directory's owner owns, or one outside sticky directories, is followed",
    asRoot,
    () => {
      const { dir, sticky, rootOnly } = layout();
      try {
        const links: string[] = [];
        // This process's (root's) own link in the sticky directory.
        const mine = join(sticky, "mine");
        symlinkSync(rootOnly, mine);
        links.push(mine);
        // nobody's link in a sticky directory that nobody owns.
        const nobodysSticky = join(dir, "nobodys-sticky");
        mkdirSync(nobodysSticky);
        chmodSync(nobodysSticky, 0o1777);
        chownSync(nobodysSticky, NOBODY, NOBODY);
        plantAsNobody(rootOnly, join(nobodysSticky, "theirs"));
        links.push(join(nobodysSticky, "theirs"));
        // nobody's link in a directory that is not sticky.
        const home = join(dir, "home");
        mkdirSync(home);
        chownSync(home, NOBODY, NOBODY);
        plantAsNobody(rootOnly, join(home, "theirs"));
        links.push(join(home, "theirs"));
        for (const link of links) {
          const path = join(link, "app.pid");
          const lock = new Pidfile(path).acquire();
          assert.equal(readFileSync(join(rootOnly, "app.pid"), "utf8").split("\n")[0], `${PID}`);
          assert.equal(new Pidfile(path).readPid(), PID);
          assert.equal(new Pidfile(path).isLocked(), true);
          assert.equal(new Pidfile(path).inspect().status, "alive");
          lock.release();
          assert.equal(existsSync(join(rootOnly, "app.pid")), false, link);
          writeFileSync(join(rootOnly, "app.pid"), `${deadPid()}\n`);
          assert.equal(new Pidfile(path).removeIfStale(), true, link);
          writeFileSync(join(rootOnly, "app.pid"), `${deadPid()}\n`);
          new Pidfile(path).remove();
          assert.equal(existsSync(join(rootOnly, "app.pid")), false, link);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("Pidfile: bad contents", () => {
  const cases: [string, string | Uint8Array, string][] = [
    ["empty", "", "empty"],
    ["a word", "eighteen\n", "invalid"],
    ["negative", "-1\n", "invalid"],
    ["zero", "0\n", "invalid"],
    ["a word without newline", "eighteen", "invalid"],
    ["binary junk", new Uint8Array([0xff, 0, 0x13, 0x80, 10, 0xfe]), "invalid"],
    ["100 digits without newline", "7".repeat(100), "invalid"],
    ["too big", "99999999999999999999\n", "invalid"],
  ];
  for (const [name, content, reason] of cases) {
    test(`${name}: readPid throws, stale unless flock-ed`, () => {
      const dir = tempDir();
      try {
        const path = join(dir, "a.pid");
        writeFileSync(path, content);
        const lock = new Pidfile(path);
        const e = pidfileError(() => lock.readPid());
        assert.equal(e.reason, reason);
        assert.ok(e.message.includes(path), e.message);
        assert.ok(e.message.length < 300, "the message quotes a bounded excerpt");
        // someone holds its flock: alive, not removed, not taken
        const unlock = flockFile(path);
        assert.equal(lock.inspect().status, "alive");
        assert.equal(lock.removeIfStale(), false);
        assert.equal(lockFailed(() => new Pidfile(path).acquire()).pid, null);
        assert.ok(existsSync(path));
        unlock();
        // nobody holds it: stale
        assert.equal(lock.inspect().status, "stale");
        assert.equal(lock.removeIfStale(), true);
        assert.equal(existsSync(path), false);
        writeFileSync(path, content);
        new Pidfile(path).acquire().release();
        assert.equal(existsSync(path), false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test("a pid with surrounding blanks and a Celery-style file read fine", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      writeFileSync(path, " 1234 \n");
      assert.equal(new Pidfile(path).readPid(), 1234);
      writeFileSync(path, "1234\nnot-a-start-time\n");
      assert.equal(new Pidfile(path).readPid(), 1234);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The first 64 bytes of a file, as text. */
function firstBytes(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(64);
    return buf.subarray(0, readSync(fd, buf, 0, 64, 0)).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

describe("Pidfile: files that are not pidfiles", () => {
  const text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n".repeat(53); // ~3 KB
  const cases: [string, (path: string) => void, number][] = [
    ["a 3 KB text file", (path) => writeFileSync(path, text), Buffer.byteLength(text)],
    ["1 MB of digits", (path) => writeFileSync(path, "7".repeat(1 << 20)), 1 << 20],
    ["a 100 MB file", (path) => {
      // sparse: costs no disk
      writeFileSync(path, "data\n");
      truncateSync(path, 100 << 20);
    }, 100 << 20],
  ];
  for (const [name, make, size] of cases) {
    test(`${name} is refused with a PidfileError naming path and size, and left untouched`, () => {
      const dir = tempDir();
      try {
        const path = join(dir, "a.pid");
        make(path);
        const before = lstatSync(path);
        const head = firstBytes(path);
        const checkTooLarge = (e: unknown): void => {
          assert.ok(e instanceof PidfileError, `expected PidfileError, got ${String(e)}`);
          assert.equal(e.reason, "too-large");
          assert.ok(e.message.includes(path), e.message);
          assert.ok(e.message.includes(`${size} bytes`), e.message);
        };
        const failed = lockFailed(() => createPidlock(path));
        assert.equal(failed.pid, null);
        checkTooLarge(failed.cause);
        checkTooLarge(lockFailed(() => new Pidfile(path).acquire()).cause);
        checkTooLarge(pidfileError(() => new Pidfile(path).readPid()));
        checkTooLarge(pidfileError(() => new Pidfile(path).removeIfStale()));
        checkTooLarge(pidfileError(() => new Pidfile(path).remove()));
        const state = new Pidfile(path).inspect();
        assert.equal(state.status, "unusable");
        assert.match(state.reason, /not a pidfile/);
        const after = lstatSync(path);
        assert.equal(after.ino, before.ino, "the same file is still there");
        assert.equal(after.size, size);
        assert.equal(firstBytes(path), head);
        assert.deepEqual(readdirSync(dir), ["a.pid"], "no temporary file left behind");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test("a 3 KB text file whose lock another holds is refused too (not taken as alive)", () => {
    const dir = tempDir();
    const path = join(dir, "a.pid");
    writeFileSync(path, text);
    // Held through a descriptor of its own: flock(2) locks belong to an open file.
    const fd = openSync(path, "r");
    try {
      const { LOCK_EX, LOCK_NB } = platform.constants;
      assert.equal(libc.flock(fd, LOCK_EX | LOCK_NB), 0);
      const state = new Pidfile(path).inspect();
      assert.equal(state.status, "unusable", JSON.stringify(state));
      assert.match(state.reason, /not a pidfile/);
      const e = pidfileError(() => new Pidfile(path).removeIfStale());
      assert.equal(e.reason, "too-large");
      assert.equal(readFileSync(path, "utf8"), text, "left untouched");
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("small files that are no pid stay stale, as in Celery", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      for (const content of ["eighteen\n", "", "x".repeat(1000)]) {
        writeFileSync(path, content);
        assert.equal(new Pidfile(path).inspect().status, "stale", JSON.stringify(content));
        const lock = createPidlock(path);
        assert.equal(lock.readPid(), PID);
        lock.release();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Pidfile: hostile paths", () => {
  test("a 1 MB path is shown in errors as a bounded prefix", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "p".repeat(1 << 20));
      for (const call of [() => new Pidfile(path).acquire(), () => createPidlock(path)]) {
        const e = lockFailed(call);
        assert.ok(e.message.length < 10_000, `a ${e.message.length}-character message`);
        assert.match(e.message, /p…\(\d+ characters\)/);
      }
      assert.deepEqual(readdirSync(dir), [], "nothing left behind");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Pidfile: a pid without a trailing newline (Go, Docker)", () => {
  test("a live one is alive: never removed, the lock not taken", () => {
    const dir = tempDir();
    const child = liveChild();
    try {
      const path = join(dir, "a.pid");
      writeFileSync(path, String(child.pid));
      assert.equal(new Pidfile(path).readPid(), child.pid);
      const state = new Pidfile(path).inspect();
      assert.equal(state.status, "alive");
      assert.equal(state.pid, child.pid);
      assert.equal(new Pidfile(path).removeIfStale(), false);
      assert.equal(lockFailed(() => createPidlock(path)).pid, child.pid);
      assert.equal(lockFailed(() => new Pidfile(path).acquire()).pid, child.pid);
      assert.equal(readFileSync(path, "utf8"), String(child.pid), "the file is untouched");
    } finally {
      child.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a dead one is stale and replaced", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      const dead = deadPid();
      writeFileSync(path, String(dead));
      assert.deepEqual(new Pidfile(path).inspect(), {
        status: "stale",
        pid: dead,
        reason: "no such process",
      });
      const lock = createPidlock(path);
      assert.equal(lock.readPid(), PID);
      lock.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Pidfile: liveness", () => {
  test("an unlocked file naming a dead pid is stale; acquire replaces it", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      const dead = deadPid();
      writeFileSync(path, `${dead}\n`);
      assert.deepEqual(new Pidfile(path).inspect(), {
        status: "stale",
        pid: dead,
        reason: "no such process",
      });
      const lock = new Pidfile(path).acquire();
      assert.equal(lock.readPid(), PID);
      lock.release();
      writeFileSync(path, `${dead}\n`);
      assert.equal(new Pidfile(path).removeIfStale(), true);
      assert.equal(existsSync(path), false);
      assert.equal(new Pidfile(path).removeIfStale(), true); // nothing there: true, as Celery
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unlocked file naming a zombie (exited, not reaped) is stale", async () => {
    const dir = tempDir();
    // posixSpawn's children are not reaped by the runtime: this one stays a zombie.
    const zombie = posixSpawn("/bin/true", { args: ["true"] });
    try {
      const deadline = Date.now() + 5000;
      while (!processIsZombie(zombie) && Date.now() < deadline) await sleep(5);
      assert.equal(processIsZombie(zombie), true);
      assert.equal(libc.kill(zombie, 0), 0, "kill(pid, 0) succeeds for a zombie");
      const path = join(dir, "z.pid");
      writeFileSync(path, `${zombie}\n`);
      assert.equal(new Pidfile(path).inspect().status, "stale");
      const lock = createPidlock(path);
      assert.equal(lock.readPid(), PID);
      lock.release();
    } finally {
      libc.waitpid(zombie, new Int32Array(1), 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unlocked file naming this process is stale", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      writeFileSync(path, `${PID}\n`);
      assert.equal(new Pidfile(path).inspect().status, "stale");
      new Pidfile(path).acquire().release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unlocked file naming a live process (Celery's format) is alive", () => {
    const dir = tempDir();
    const child = liveChild();
    try {
      const path = join(dir, "a.pid");
      writeFileSync(path, `${child.pid}\n`);
      const lock = new Pidfile(path);
      assert.equal(lock.readPid(), child.pid);
      assert.equal(lock.inspect().status, "alive");
      assert.equal(lock.removeIfStale(), false);
      const e = lockFailed(() => createPidlock(path));
      assert.equal(e.pid, child.pid);
      assert.ok(existsSync(path));
    } finally {
      child.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a live pid with another start time was reused: stale", async () => {
    const dir = tempDir();
    const child = liveChild();
    try {
      await sleep(20);
      const path = join(dir, "a.pid");
      const start = processStartTime(child.pid);
      assert.ok(start !== null);
      writeFileSync(path, `${child.pid}\nstarttime=${start}\n`);
      assert.equal(new Pidfile(path).inspect().status, "alive");
      assert.equal(new Pidfile(path).removeIfStale(), false);
      // another tool's second line (a bare number, say a port) is not a start time
      writeFileSync(path, `${child.pid}\n${start + 1}\n`);
      assert.equal(new Pidfile(path).inspect().status, "alive");
      writeFileSync(path, `${child.pid}\nstarttime=${start + 1}\n`);
      const state = new Pidfile(path).inspect();
      assert.equal(state.status, "stale");
      assert.match(state.reason, /reused/);
      new Pidfile(path).acquire().release();
      assert.equal(existsSync(path), false);
    } finally {
      child.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a file whose flock is held is alive whatever its pid", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      writeFileSync(path, `${deadPid()}\n`);
      const unlock = flockFile(path);
      const started = performance.now();
      const e = lockFailed(() => new Pidfile(path).acquire());
      assert.ok(performance.now() - started < 5_000);
      assert.equal(new Pidfile(path).removeIfStale(), false);
      assert.equal(new Pidfile(path).inspect().status, "alive");
      assert.ok(existsSync(path));
      unlock();
      assert.equal(e.exitCode, 73);
      assert.equal(new Pidfile(path).removeIfStale(), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Pidfile: a full file system", () => {
  for (const tempFile of ["auto", "named"] as const) {
    test(`acquire (tempFile ${tempFile}) fails with ENOSPC naming the pidfile; nothing is left`, {
      skip: noTmpfs,
    }, async () => {
      await onSmallTmpfs((dir) => {
        fillUp(dir);
        const path = join(dir, "a.pid");
        const e = lockFailed(() => new Pidfile(path, { tempFile }).acquire());
        assert.ok(e.cause instanceof OSError, String(e.cause));
        assert.equal((e.cause as OSError).code, "ENOSPC");
        assert.equal((e.cause as OSError).errno, osConstants.errno.ENOSPC);
        assert.ok(e.message.includes(path), e.message);
        assert.equal(e.pid, null);
        assert.deepEqual(readdirSync(dir), ["filler"], "no pidfile, no temporary file");
      });
    });
  }

  test("a stale pidfile there stays as it was; a live one is still reported as live", {
    skip: noTmpfs,
  }, async () => {
    await onSmallTmpfs((dir) => {
      const stale = join(dir, "stale.pid");
      const staleText = `${deadPid()}\n`;
      writeFileSync(stale, staleText);
      const live = join(dir, "live.pid");
      const holder = liveChild();
      writeFileSync(live, `${holder.pid}\n`);
      const unlock = flockFile(live);
      try {
        fillUp(dir);
        const e = lockFailed(() => new Pidfile(stale).acquire());
        assert.equal((e.cause as OSError).code, "ENOSPC");
        assert.equal(readFileSync(stale, "utf8"), staleText, "the stale file is untouched");
        // The better answer than ENOSPC: who holds it.
        assert.equal(lockFailed(() => new Pidfile(live).acquire()).pid, holder.pid);
        assert.deepEqual(readdirSync(dir).sort(), ["filler", "live.pid", "stale.pid"]);
      } finally {
        unlock();
        holder.stop();
      }
    });
  });
});

describe("Pidfile: writePid and remove", () => {
  test("writePid is the bare step: EEXIST even for a stale file", () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      writeFileSync(path, `${deadPid()}\n`);
      const lock = new Pidfile(path);
      assert.throws(
        () => lock.writePid(),
        (e: unknown) => e instanceof OSError && e.code === "EEXIST",
      );
      unlinkSync(path);
      lock.writePid();
      assert.equal(lock.held, true);
      assert.equal(lock.readPid(), PID);
      lock.remove(); // held by this object: a release
      assert.equal(lock.held, false);
      assert.equal(existsSync(path), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("remove deletes a file nobody holds (any pid), never one a holder has locked", async () => {
    const dir = tempDir();
    const child = liveChild();
    try {
      const path = join(dir, "a.pid");
      writeFileSync(path, `${child.pid}\n`);
      new Pidfile(path).remove();
      assert.equal(existsSync(path), false);
      new Pidfile(path).remove(); // missing: fine
      const other = await runHolder(path);
      try {
        const e = lockFailed(() => new Pidfile(path).remove());
        assert.equal(e.pid, other.pid);
        assert.ok(existsSync(path));
      } finally {
        other.kill();
      }
    } finally {
      child.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Starts a child that holds `path` through createPidlock; resolves once it does. */
async function runHolder(path: string): Promise<{ pid: number; kill: () => void }> {
  const child = startScript(CHILD, ["hold", path]);
  const line = await firstLine(child.stdout!);
  assert.equal(line, `held ${child.pid}`);
  return { pid: child.pid!, kill: () => child.kill("SIGKILL") };
}

describe("createPidlock", () => {
  test("a live holder: Celery's message with the path as given, pid, exit code 73", async () => {
    const dir = tempDir();
    try {
      const path = join(dir, "a.pid");
      const holder = startScript(CHILD, ["hold", path]);
      const line = await firstLine(holder.stdout!);
      const pid = Number(line.split(" ")[1]);
      assert.equal(holder.pid, pid);
      const e = lockFailed(() => createPidlock(path));
      assert.equal(
        e.message,
        `ERROR: Pidfile (${path}) already exists.\nSeems we're already running? (pid: ${pid})`,
      );
      assert.equal(e.pid, pid);
      assert.equal(e.exitCode, 73);
      // SIGKILL: the file stays, unlocked; createPidlock takes over
      holder.kill("SIGKILL");
      await new Promise((r) => holder.once("exit", r));
      assert.equal(readFileSync(path, "utf8").split("\n")[0], String(pid));
      const lock = createPidlock(path);
      assert.equal(lock.readPid(), PID);
      lock.release();
      assert.equal(existsSync(path), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("released at normal exit and at process.exit()", () => {
    const dir = tempDir();
    try {
      for (const how of ["normal", "3"]) {
        const path = join(dir, `${how}.pid`);
        const r = runScript(CHILD, ["exit", path, how]);
        assert.equal(r.status, how === "normal" ? 0 : 3, r.stderr);
        assert.match(r.stdout, /^held \d+/);
        assert.equal(existsSync(path), false, `pidfile left after exit (${how})`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a held lock's exit hook goes away with release()", () => {
    const dir = tempDir();
    try {
      const before = pendingExitHooks();
      const lock = createPidlock(join(dir, "a.pid"));
      assert.equal(pendingExitHooks(), before + 1);
      lock.release();
      assert.equal(pendingExitHooks(), before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    stream.on("end", () => reject(new Error(`no line; got ${JSON.stringify(buf)}`)));
  });
}

describe("another user's live process", () => {
  test(
    "a checker running as nobody gets EPERM and keeps the pidfile (it could remove a dead one)",
    { skip: isRoot ? false : "needs root: runs a checker as uid/gid 65534 (nobody)" },
    () => {
      const dir = tempDir();
      const child = liveChild(); // a live root process
      const shared = copyForOtherUsers(); // the checker, where nobody can read it
      try {
        // A directory nobody owns: the checker COULD unlink there, so only the
        // liveness judgement keeps the file.
        const lockDir = join(dir, "run");
        mkdirSync(lockDir);
        chmodSync(dir, 0o755);
        chownSync(lockDir, 65534, 65534);
        const home = join(dir, "home");
        mkdirSync(home);
        chownSync(home, 65534, 65534);
        const path = join(lockDir, "a.pid");
        const check = (mode = "check", target = path) => {
          const checker = shared.fixture("pidfile_child.ts");
          const r = spawnSync(shared.execPath, scriptArgs(checker, [mode, target]), {
            uid: 65534,
            gid: 65534,
            encoding: "utf8",
            env: { ...process.env, HOME: home, DENO_DIR: join(home, "deno"), TMPDIR: home },
            cwd: home, // not the clone's directory, which nobody may not enter
            timeout: 30_000,
          });
          assert.equal(r.status, 0, `checker failed: ${r.error ?? r.stderr}`);
          return JSON.parse(r.stdout.trim().split("\n").pop()!);
        };
        for (
          const content of [
            `${child.pid}\n`,
            `${child.pid}\nstarttime=${processStartTime(child.pid)}\n`,
          ]
        ) {
          writeFileSync(path, content);
          const out = check();
          assert.equal(out.uid, 65534);
          assert.equal(out.pid, child.pid);
          assert.equal(out.killErrno, osConstants.errno.EPERM);
          assert.equal(out.inspect.status, "alive");
          assert.match(out.inspect.reason, /EPERM/);
          assert.equal(out.removeIfStale, false);
          assert.equal(out.exists, true);
          assert.equal(readFileSync(path, "utf8"), content);
        }
        // createPidlock as nobody: the holder's pid and Celery's message
        const taken = check("take");
        assert.equal(taken.pid, child.pid);
        assert.equal(taken.exitCode, 73);
        assert.match(taken.message, /^ERROR: Pidfile \(.*\) already exists\.\nSeems we're/);
        // control: the same checker removes a stale one there
        writeFileSync(path, `${deadPid()}\n`);
        const out = check();
        assert.equal(out.inspect.status, "stale");
        assert.equal(out.removeIfStale, true);
        assert.equal(existsSync(path), false);
        assert.deepEqual(check("take"), { ok: true });
        // In a directory nobody cannot write to, a live holder is still reported
        // as such (not as EACCES); a free path gives EACCES as the cause.
        const rootPath = join(dir, "root.pid");
        const rootLock = new Pidfile(rootPath).acquire();
        try {
          const held = check("take", rootPath);
          assert.equal(held.pid, PID);
          assert.equal(held.exitCode, 73);
        } finally {
          rootLock.release();
        }
        const denied = check("take", rootPath);
        assert.equal(denied.pid, null);
        assert.equal(denied.cause, "EACCES");
        assert.equal(denied.exitCode, 73);
      } finally {
        child.stop();
        rmSync(dir, { recursive: true, force: true });
        rmSync(shared.root, { recursive: true, force: true });
      }
    },
  );
});

describe("release() after dropping privileges", () => {
  for (const mode of [0o755, 0o700]) {
    test(
      `a file the holder can no longer remove (directory ${
        mode.toString(8)
      }) is left stale, not alive`,
      { skip: isRoot ? false : "needs root: the holder drops to nobody before release()" },
      async () => {
        const dir = tempDir();
        chmodSync(dir, 0o755); // nobody may reach run/
        const sub = join(dir, "run");
        mkdirSync(sub, { mode });
        chmodSync(sub, mode); // root-owned: nobody cannot unlink (and with 0700 not even lstat)
        const path = join(sub, "app.pid");
        const child = startScript(CHILD, ["drop", path]);
        try {
          const out = JSON.parse(await firstLine(child.stdout!));
          assert.equal(out.threw, null, "release() must not throw for lack of permission");
          assert.equal(out.held, false);
          // the file stayed (nobody could not remove it) but is empty and unlocked,
          // so while its writer still lives, everyone else judges it stale
          if (mode === 0o755) assert.equal(out.size, 0);
          assert.equal(lstatSync(path).size, 0);
          assert.equal(new Pidfile(path).inspect().status, "stale");
          const lock = createPidlock(path);
          assert.equal(lock.readPid(), PID);
          lock.release();
        } finally {
          child.kill("SIGKILL");
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  }
});
