/**
 * Faults in `posixly start`'s set-up process (cli/daemon_step.ts), the
 * re-run of posixly that receives its step over a socket and `execve`s the
 * program: a launcher that is gone once it sent the step. Real processes and
 * files; every process a test starts is stopped by its pid.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { libc, platform } from "../ffi/mod.ts";
import { posixSpawn } from "../platforms/spawn.ts";
import { type DaemonStep, sendStep, socketPair } from "../cli/step_channel.ts";
import { CLI, pidIn, Scratch } from "./_cli_util.ts";
import { scriptArgs } from "./_runtime.ts";
import { commandCycleUnderQemu } from "./_platform.ts";

/** Each test starts the runtime cold. */
const SLOW = { timeout: 180_000 };
const noProc = process.platform === "linux" ? false : "reads /proc/PID/fd";

let s: Scratch;
before(() => {
  s = new Scratch();
});
after(() => s.cleanup());

const encoder = new TextEncoder();

/** The name of the program process `pid` runs (/proc/PID/comm), or null when it is gone. */
function commandOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null;
  }
}

/**
 * Spawns posixly's `_daemon` step as `start` does (its own session, stdin,
 * stdout and stderr on /dev/null, one end of a socket pair), in the runtime
 * that runs the tests; returns its pid and the launcher's end of the socket.
 */
function spawnSetUpProcess(): { pid: number; channel: number } {
  const c = platform.constants;
  const [ours, theirs] = socketPair();
  const at = theirs === 3 ? 4 : 3;
  try {
    const pid = posixSpawn(process.execPath, {
      args: [process.execPath, ...scriptArgs(CLI, ["_daemon", String(at)])],
      fileActions: [
        { dup2: [theirs, at] },
        { open: 0, path: "/dev/null", flags: c.O_RDONLY },
        { open: 1, path: "/dev/null", flags: c.O_WRONLY },
        { dup2: [1, 2] },
        { closeFrom: at + 1 },
      ],
      setsid: true,
      defaultSignals: true,
      signalMask: [],
    });
    return { pid, channel: ours };
  } finally {
    libc.close(theirs);
  }
}

/** The wait status of this process's child `pid` once it has ended (reaped), else null. */
function reaped(pid: number): number | null {
  const status = new Int32Array(1);
  return libc.waitpid(pid, status, platform.constants.WNOHANG) === pid ? status[0] : null;
}

describe("posixly start's set-up process, under faults", {
  skip: noProc || commandCycleUnderQemu,
}, () => {
  test("a launcher gone once it sent the step (killed) leaves the program running", {
    ...SLOW,
  }, async () => {
    const pidfile = s.path("orphaned.pid");
    const step: DaemonStep = {
      plan: {
        pidfile,
        logfile: null,
        user: null,
        group: null,
        chdir: null,
        umask: 0o22,
        program: "/bin/sh",
        args: ["sh", "-c", "exec sleep 60"].map((arg) => encoder.encode(arg)),
      },
      env: [],
      logfile: false,
      passOnTo: null,
    };
    const { pid, channel } = spawnSetUpProcess();
    s.track(pid);
    try {
      sendStep(channel, step, []);
    } finally {
      libc.close(channel); // the launcher is gone before the step is even read
    }
    let status: number | null = null;
    const until = Date.now() + 60_000;
    while ((status = reaped(pid)) === null && commandOf(pid) !== "sleep" && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
    try {
      assert.equal(
        status,
        null,
        `the set-up process ended (wait status ${status}) instead of running the program`,
      );
      assert.equal(commandOf(pid), "sleep", "it runs the program");
      assert.equal(pidIn(pidfile), pid, "the pidfile names it");
    } finally {
      if (status === null) {
        libc.kill(pid, platform.signalNumbers.KILL);
        libc.waitpid(pid, new Int32Array(1), 0);
      }
    }
  });
});
