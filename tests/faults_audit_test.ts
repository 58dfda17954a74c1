// Faults found by an audit of detached() and Pidfile: each test failed on the
// code before its fix. Real processes and files throughout.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  constants as fsConstants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import {
  canMountTmpfs,
  fillUp,
  fixture,
  isRoot,
  onSmallTmpfs,
  runScript,
  scriptArgs,
} from "./_util.ts";
import { parseUid } from "../platforms/users.ts";
import type { AppOptions } from "./fixtures/daemon_app_options.ts";
import { appDir, cleanUp, isRunning, loggedPids } from "./_daemon_app.ts";

const APP = fixture("daemon_app.ts");

const noTmpfs = canMountTmpfs ? false : "needs root allowed to mount a tmpfs";
if (noTmpfs) console.error(`faults_audit_test: SKIPPING the full file system test: ${noTmpfs}`);

/** A fresh directory for the fixture's own files (its pids). */
function tempDir(): string {
  return appDir("posixly-faults-");
}

function launch(dir: string, options: AppOptions, stderrFd?: number) {
  const args = [JSON.stringify({ dir, ...options })];
  if (stderrFd === undefined) return runScript(APP, args, { timeout: 30_000 });
  return spawnSync(process.execPath, scriptArgs(APP, args), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", stderrFd],
    timeout: 30_000,
  });
}

describe("detached(): output that cannot be written", () => {
  // Deno's console.error throws when stderr cannot be written; the daemon wrote its
  // failure to the logfile first, and that throw lost the message on its way to the
  // launcher, which then said only "exited with code 1".
  test("a full disk under the pidfile and the logfile: the launcher says why, exit 73", {
    skip: noTmpfs,
  }, async () => {
    const dir = tempDir();
    try {
      await onSmallTmpfs((disk) => {
        const pidfile = join(disk, "app.pid");
        const logfile = join(disk, "app.log");
        fillUp(disk);
        const r = launch(dir, { detached: { pidfile, logfile }, exitAfterReport: true });
        assert.equal(r.status, 73, r.stderr);
        assert.match(r.stderr, /Cannot create pidfile .*app\.pid: ENOSPC/);
        assert.equal(existsSync(pidfile), false);
        const [, daemon] = loggedPids(dir);
        assert.ok(daemon > 0, "a daemon was started");
        assert.equal(isRunning(daemon), false);
      });
    } finally {
      cleanUp(dir);
    }
  });

  // Deno's stderr write threw out of the launcher's "print and exit with the code".
  test("a launcher whose stderr cannot be written still exits with the failure's code", () => {
    const dir = tempDir();
    const full = openSync("/dev/full", "w");
    try {
      const held = join(dir, "held.pid");
      const first = launch(dir, { detached: { pidfile: held } });
      assert.equal(first.status, 0, first.stderr);
      const second = launch(dir, { detached: { pidfile: held }, exitAfterReport: true }, full);
      assert.equal(second.status, 73, "the held pidfile's status");
    } finally {
      closeSync(full);
      cleanUp(dir);
    }
  });
});

describe("detached(): a logfile another user planted in a sticky directory", () => {
  // The kernel's protected_fifos and protected_regular rules, checked by posixly itself
  // as it checks protected_symlinks: this machine may have both sysctls at 0. Before,
  // a root launcher handed the daemon's output to another user's FIFO or file.
  const asRoot = { skip: isRoot ? false : "needs root: plants files owned by nobody" };

  function stickyDir(dir: string): string {
    const sticky = join(dir, "sticky");
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    return sticky;
  }

  test("another user's FIFO, read by them, is refused, naming it and its owner", asRoot, () => {
    const dir = tempDir();
    try {
      const fifo = join(stickyDir(dir), "app.log");
      assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
      const nobody = parseUid("nobody");
      chownSync(fifo, nobody, -1);
      const reader = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
      try {
        const r = launch(dir, { detached: { logfile: fifo }, exitAfterReport: true });
        assert.equal(r.status, 73, r.stderr);
        assert.ok(r.stderr.includes(fifo), r.stderr);
        assert.match(r.stderr, new RegExp(`owned by uid ${nobody} in .*sticky world-writable`));
        assert.equal(loggedPids(dir).length, 1, "no daemon was started");
        const buf = new Uint8Array(4096);
        let got = 0;
        try {
          got = readSync(reader, buf);
        } catch {
          // EAGAIN: nothing was written
        }
        assert.equal(got, 0, "nothing reached the FIFO");
      } finally {
        closeSync(reader);
      }
    } finally {
      cleanUp(dir);
    }
  });

  test(
    "another user's regular file is refused and left as it was; one's own is used",
    asRoot,
    () => {
      const dir = tempDir();
      try {
        const sticky = stickyDir(dir);
        const planted = join(sticky, "app.log");
        writeFileSync(planted, "planted\n", { mode: 0o666 });
        chownSync(planted, parseUid("nobody"), -1);
        const r = launch(dir, { detached: { logfile: planted }, exitAfterReport: true });
        assert.equal(r.status, 73, r.stderr);
        assert.ok(r.stderr.includes(planted), r.stderr);
        assert.equal(readFileSync(planted, "utf8"), "planted\n");
        assert.equal(loggedPids(dir).length, 1, "no daemon was started");

        // A file of this process's own user there is fine, as the kernel's rule has it.
        const own = join(sticky, "own.log");
        writeFileSync(own, "");
        const ok = launch(dir, { detached: { logfile: own }, exitAfterReport: true });
        assert.equal(ok.status, 0, ok.stderr);
      } finally {
        cleanUp(dir);
      }
    },
  );
});
