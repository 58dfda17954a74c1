// Faults found by an audit of detached() and Pidfile under hostile file system
// conditions: each test failed on the code before its fix. Real processes and
// files throughout; every process a test starts is killed by pid at its end.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { Pidfile } from "../platforms/pidfile.ts";
import { fixture, runScript, sleep } from "./_util.ts";
import type { AppOptions } from "./fixtures/daemon_app_options.ts";
import { appDir, cleanUp, isRunning, loggedPids } from "./_daemon_app.ts";

const APP = fixture("daemon_app.ts");
const PIDFILE_MODULE = new URL("../platforms/pidfile.ts", import.meta.url).href;
const DAEMON_MODULE = new URL("../platforms/daemon.ts", import.meta.url).href;

/** A fresh directory for the fixture's own files (its pids). */
function tempDir(): string {
  return appDir("posixly-daemon-faults-");
}

async function waitUntil(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Moves `dir` away (to DIR.moved) and puts `how` in its place: a regular file
 * (the path then fails with ENOTDIR) or a symbolic link to itself (ELOOP).
 * Returns the moved directory.
 */
function replaceDirectory(dir: string, how: "file" | "looping link"): string {
  const moved = `${dir}.moved`;
  renameSync(dir, moved);
  if (how === "file") writeFileSync(dir, "not a directory\n");
  else symlinkSync(dir, dir);
  return moved;
}

describe("Pidfile.release(): the pidfile's directory replaced while the lock is held", () => {
  // Before: release() threw OSError ENOTDIR/ELOOP from its look at the path (only
  // EACCES/EPERM were expected there), after emptying the moved file: ctx.close()
  // and the exit hook failed although nothing was at the path to remove.
  for (const how of ["file", "looping link"] as const) {
    test(`by a ${how}: release() does not throw and touches nothing it does not own`, () => {
      const root = tempDir();
      try {
        const dir = join(root, "run");
        mkdirSync(dir);
        const lock = new Pidfile(join(dir, "app.pid")).acquire();
        const moved = replaceDirectory(dir, how);
        const mine = readFileSync(join(moved, "app.pid"), "utf8");
        lock.release();
        assert.equal(lock.held, false);
        if (how === "file") assert.equal(readFileSync(dir, "utf8"), "not a directory\n");
        assert.equal(readFileSync(join(moved, "app.pid"), "utf8"), mine, "not at the path: left");
        // The lock is free: another holder takes the moved file's path at once.
        new Pidfile(join(moved, "app.pid")).acquire().release();
        assert.equal(existsSync(join(moved, "app.pid")), false);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  test("createPidlock's exit hook: a clean exit, no 'exit hook failed'", () => {
    const root = tempDir();
    try {
      const dir = join(root, "run");
      mkdirSync(dir);
      const script = join(root, "hook.ts");
      writeFileSync(
        script,
        `import { renameSync, writeFileSync } from "node:fs";\n` +
          `import { createPidlock } from ${JSON.stringify(PIDFILE_MODULE)};\n` +
          `createPidlock(${JSON.stringify(join(dir, "app.pid"))});\n` +
          `renameSync(${JSON.stringify(dir)}, ${JSON.stringify(`${dir}.moved`)});\n` +
          `writeFileSync(${JSON.stringify(dir)}, "not a directory\\n");\n`,
      );
      const r = runScript(script);
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /exit hook failed|ENOTDIR/);
      assert.equal(readFileSync(dir, "utf8"), "not a directory\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("detached(): the daemon's pidfile directory replaced while it runs", () => {
  // Before: the daemon's SIGTERM handler (ctx.close(), then exit 0) threw OSError
  // ENOTDIR from release(), into its logfile, and did not reach its exit.
  test("SIGTERM: close() releases without an error; the daemon ends", async () => {
    const dir = tempDir();
    try {
      const run = join(dir, "run");
      mkdirSync(run);
      const pidfile = join(run, "app.pid");
      const logfile = join(dir, "app.log");
      const options: AppOptions = { detached: { pidfile, logfile } };
      const r = runScript(APP, [JSON.stringify({ dir, ...options })], { timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      const [, daemon] = loggedPids(dir);
      assert.ok(daemon > 0 && isRunning(daemon), "the daemon runs");
      assert.equal(Number(readFileSync(pidfile, "utf8").split("\n")[0]), daemon);
      await waitUntil("the daemon's report", () => existsSync(join(dir, "report.json")));
      replaceDirectory(run, "file");
      process.kill(daemon, "SIGTERM");
      await waitUntil("the daemon's end", () => !isRunning(daemon), 10_000);
      const log = readFileSync(logfile, "utf8");
      assert.doesNotMatch(log, /ENOTDIR|OSError|exit hook failed/, log);
      assert.equal(readFileSync(run, "utf8"), "not a directory\n");
    } finally {
      cleanUp(dir);
    }
  });
});

describe("DaemonContext: the current directory was removed", () => {
  // Before: new DaemonContext() threw "ENOENT: no such file or directory, getcwd",
  // naming neither the default workdir nor the relative path it could not resolve.
  function runIn(removed: string, options: string, pids: string) {
    const script = join(removed, "..", "cwd_gone.ts");
    writeFileSync(
      script,
      `import process from "node:process";\n` +
        `import { appendFileSync, rmdirSync } from "node:fs";\n` +
        `import { detached } from ${JSON.stringify(DAEMON_MODULE)};\n` +
        `appendFileSync(${JSON.stringify(pids)}, process.pid + "\\n");\n` +
        `process.chdir(${JSON.stringify(removed)});\n` +
        `rmdirSync(${JSON.stringify(removed)});\n` +
        `try { await detached(${options}); console.log("detached"); }\n` +
        `catch (e) { console.log(e.message); process.exit(3); }\n`,
    );
    return runScript(script);
  }

  test("the default workdir: an error naming workdir and ENOENT; nothing started", () => {
    const dir = tempDir();
    try {
      const removed = join(dir, "gone");
      mkdirSync(removed);
      const r = runIn(
        removed,
        `{ logfile: ${JSON.stringify(join(dir, "app.log"))} }`,
        join(dir, "pids"),
      );
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stdout, /^workdir: the current directory was removed \(getcwd: ENOENT\)/);
      assert.match(r.stdout, /give workdir/);
      assert.equal(loggedPids(dir).length, 1, "no daemon was started");
      assert.equal(existsSync(join(dir, "app.log")), false);
    } finally {
      cleanUp(dir);
    }
  });

  test("a relative pidfile: an error naming it and ENOENT; nothing started", () => {
    const dir = tempDir();
    try {
      const removed = join(dir, "gone");
      mkdirSync(removed);
      const r = runIn(removed, `{ workdir: "/", pidfile: "app.pid" }`, join(dir, "pids"));
      assert.equal(r.status, 3, r.stderr);
      assert.match(
        r.stdout,
        /^pidfile "app\.pid" is relative, and the current directory was removed \(getcwd: ENOENT\)/,
      );
      assert.equal(loggedPids(dir).length, 1, "no daemon was started");
    } finally {
      cleanUp(dir);
    }
  });
});

describe("detached(): no descriptor left for the handshake (EMFILE)", {
  skip: process.platform === "linux" ? false : "fills the descriptor table through /dev/null",
}, () => {
  // Before: the launcher's pipe2() threw an OSError out of open(), and the
  // process stayed "a launcher" that had started nothing and could start
  // nothing ("this process is already starting a daemon").
  test("a failed start: status 1 and the reason (EMFILE), not an exception; nothing started", () => {
    const dir = tempDir();
    try {
      const script = join(dir, "emfile.ts");
      const FFI = new URL("../ffi/mod.ts", import.meta.url).href;
      writeFileSync(
        script,
        `import process from "node:process";\n` +
          `import { appendFileSync } from "node:fs";\n` +
          `import { DaemonContext } from ${JSON.stringify(DAEMON_MODULE)};\n` +
          `import { cstr, libc, platform } from ${JSON.stringify(FFI)};\n` +
          `appendFileSync(${JSON.stringify(join(dir, "pids"))}, process.pid + "\\n");\n` +
          `const c = platform.constants;\n` +
          `const ctx = new DaemonContext({ workdir: "/" });\n` +
          // The launcher's C functions, called now (bound: binding may need a descriptor).
          `const ends = new Int32Array(2);\n` +
          `for (let i = 0; i < 10; i++) {\n` +
          `  libc.pipe2(ends, c.O_CLOEXEC); libc.fcntl(ends[0], c.F_GETFL, 0);\n` +
          `  libc.read(ends[0], new Uint8Array(0), 0); libc.close(ends[0]); libc.close(ends[1]);\n` +
          `}\n` +
          // Every free descriptor taken but one: enough to open and close a file, not for a pipe.
          `const taken = [];\n` +
          `for (let fd; (fd = libc.open(cstr("/dev/null"), c.O_RDONLY | c.O_CLOEXEC, 0)) >= 0;) taken.push(fd);\n` +
          `libc.close(taken.pop());\n` +
          `try { await ctx.open(); console.log("opened"); }\n` +
          `catch (e) { for (const fd of taken) libc.close(fd); console.log("threw: " + e.message); process.exit(3); }\n`,
      );
      const r = runScript(script, [], { timeout: 60_000 });
      assert.equal(r.status, 1, `status ${r.status}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /ERROR: cannot start the daemon: .*EMFILE/);
      assert.equal(loggedPids(dir).length, 1, "no daemon was started");
    } finally {
      cleanUp(dir);
    }
  });
});
