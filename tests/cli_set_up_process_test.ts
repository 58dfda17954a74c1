/**
 * `start` and `restart` start posixly's set-up process before their checks
 * (cli/set_up_process.ts): whatever ends the command before it hands that
 * process its step (a check that fails, a program that already runs, bad
 * usage) leaves no process of it behind. Each run carries a marker in its
 * environment, which the set-up process inherits; afterwards no process
 * may have it. Real processes; every one a test starts is stopped by its pid.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { posixly, Scratch } from "./_cli_util.ts";
import { commandCycleUnderQemu } from "./_platform.ts";

/** Each test runs the command, a cold start of the runtime each, more than once. */
const SLOW = { timeout: 120_000 };
const noProc = process.platform === "linux" ? false : "reads /proc/PID/environ";

let s: Scratch;
before(() => {
  s = new Scratch();
});
after(() => s.cleanup());

/** The processes whose environment has `entry` (NAME=VALUE). */
function carrying(entry: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, "latin1").split("\0").includes(entry)) {
        found.push(Number(name));
      }
    } catch {
      // ended meanwhile, or not ours to read
    }
  }
  return found;
}

let runs = 0;
/** Runs posixly with a marker of its own; returns the run and the processes left with it. */
function markedRun(args: string[]): { status: number | null; stderr: string; left: number[] } {
  const entry = `POSIXLY_SET_UP_TEST=${process.pid}-${++runs}`;
  const [name, value] = entry.split("=");
  const r = posixly(args, { env: { [name]: value } });
  return { status: r.status, stderr: r.stderr, left: carrying(entry) };
}

describe("start's set-up process, started before the checks", () => {
  test("a failed check, bad usage, or a program running already: nothing is left running", {
    ...SLOW,
    skip: noProc || commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("app.pid");
    const missing = markedRun(["start", "--pidfile", pidfile, "--", s.path("no-such-program")]);
    assert.equal(missing.status, 5, missing.stderr);
    assert.deepEqual(missing.left, [], "not found: no process left");

    const usage = markedRun(["start", "--pidfile", pidfile, "--grace", "soon", "--", "true"]);
    assert.equal(usage.status, 2, usage.stderr);
    assert.deepEqual(usage.left, [], "bad usage: no process left");

    const started = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
    assert.equal(started.status, 0, started.stderr);
    s.trackPidfile(pidfile);
    for (const command of ["start", "restart"]) {
      const again = markedRun(
        command === "start"
          ? ["start", "--pidfile", pidfile, "--", "sleep", "60"]
          : ["restart", "--pidfile", pidfile, "--chdir", s.path("no-such-dir"), "--", "true"],
      );
      assert.equal(again.status, command === "start" ? 0 : 1, again.stderr);
      assert.deepEqual(again.left, [], `${command}: no process left`);
    }
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });
});
