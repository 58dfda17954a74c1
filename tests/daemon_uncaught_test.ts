// A daemon whose program leaves an error uncaught before it is ready: the
// daemon sends the error over the handshake pipe, so that the launcher can say
// why it died even where its output is lost (no logfile, a full disk). Before,
// the launcher said only "exited with code 1" and, without a logfile, "set a
// logfile to see why". Real launchers and daemons; each is killed by pid at the end.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canMountTmpfs, fillUp, fixture, onSmallTmpfs, runScript, until } from "./_util.ts";
import { runtime } from "./_runtime.ts";
import type { AppOptions } from "./fixtures/daemon_app_options.ts";
import { appDir, cleanUp, isRunning, loggedPids } from "./_daemon_app.ts";

const APP = fixture("daemon_app.ts");

function launch(dir: string, options: AppOptions) {
  return runScript(APP, [JSON.stringify({ dir, ...options })], { timeout: 30_000 });
}

const noTmpfs = canMountTmpfs ? false : "needs root allowed to mount a tmpfs";
if (noTmpfs) console.error(`daemon_uncaught_test: SKIPPING the full-disk test: ${noTmpfs}`);

describe("detached(): an error the program leaves uncaught before it is ready", () => {
  test("at the top level, no logfile: the launcher shows the error itself", () => {
    const dir = appDir("posixly-uncaught-");
    try {
      const r = launch(dir, { detached: { ready: "manual" }, throwBeforeReady: true });
      assert.equal(r.status, 1, r.stderr);
      const daemon = loggedPids(dir)[1];
      assert.ok(
        r.stderr.includes(
          `ERROR: the daemon (pid ${daemon}) exited with code 1 before it was ready.\n` +
            "It left an error uncaught: Error: boom before ready\n" +
            "Its output went to /dev/null: set a logfile to see more.",
        ),
        r.stderr,
      );
    } finally {
      cleanUp(dir);
    }
  });

  test("in a timer's callback, with a logfile: the error, then the log's tail", () => {
    const dir = appDir("posixly-uncaught-");
    try {
      const logfile = join(dir, "app.log");
      const r = launch(dir, {
        detached: { ready: "manual", logfile },
        timerThrowBeforeReady: true,
        neverReady: true,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /\nIt left an error uncaught: TypeError: boom in a timer\n/);
      assert.ok(r.stderr.includes(`Its output is in ${logfile}; it ends with:`), r.stderr);
    } finally {
      cleanUp(dir);
    }
  });

  test("an error the program handles itself does not fail the start", () => {
    const dir = appDir("posixly-uncaught-");
    try {
      const logfile = join(dir, "app.log");
      const pidfile = join(dir, "app.pid");
      const r = launch(dir, {
        detached: { ready: "manual", logfile, pidfile },
        handledThrowBeforeReady: true,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, "");
      const daemon = loggedPids(dir)[1];
      assert.ok(isRunning(daemon), "the daemon runs on");
      assert.match(readFileSync(logfile, "utf8"), /handled: boom, handled/);
    } finally {
      cleanUp(dir);
    }
  });

  test("once ready, posixly's listener for uncaught errors is gone", {
    skip: runtime === "deno"
      ? "Deno: posixly listens with event listeners, which cannot be counted"
      : false,
  }, async () => {
    const dir = appDir("posixly-uncaught-");
    try {
      const r = launch(dir, { detached: { logfile: join(dir, "app.log") } });
      assert.equal(r.status, 0, r.stderr);
      // Written by the daemon once detached() resolved, after the launcher's exit.
      const reportFile = join(dir, "report.json");
      assert.ok(await until(() => existsSync(reportFile), 10_000), "the daemon's report");
      const report = JSON.parse(readFileSync(reportFile, "utf8"));
      assert.equal(report.isReady, true);
      assert.equal(report.uncaughtMonitors, 0);
    } finally {
      cleanUp(dir);
    }
  });

  // Deno's console.log throws when its output cannot be written (ENOSPC on a full
  // logfile); Bun and Node drop the write. Either the daemon starts, or the launcher
  // says why: before, Deno's launcher said only "exited with code 1", and the log's
  // tail was empty.
  test("a full logfile: the daemon starts, or the launcher names ENOSPC", {
    skip: noTmpfs,
  }, async () => {
    const dir = appDir("posixly-uncaught-");
    try {
      await onSmallTmpfs(async (disk) => {
        const logfile = join(disk, "app.log");
        const pidfile = join(dir, "app.pid");
        fillUp(disk);
        const r = launch(dir, { detached: { ready: "manual", logfile, pidfile } });
        if (r.status === 0) {
          assert.ok(isRunning(loggedPids(dir)[1]), "the daemon runs");
        } else {
          assert.match(
            r.stderr,
            /\nIt left an error uncaught: .*(No space left on device|ENOSPC)/,
            r.stderr,
          );
          assert.equal(existsSync(pidfile), false, "no pidfile left behind");
        }
        // Before the unmount: the daemon holds the logfile open.
        const pids = loggedPids(dir);
        cleanUp(dir);
        assert.ok(await until(() => !pids.some(isRunning), 10_000), "the daemon ended");
      });
    } finally {
      cleanUp(dir);
    }
  });
});
