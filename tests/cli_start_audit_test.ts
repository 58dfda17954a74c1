/**
 * Faults in `posixly start`'s set-up process (cli/daemon_step.ts), the
 * re-run of posixly that receives its step over a socket and `execve`s the
 * program: a launcher that is gone once it sent the step, and a `--ready
 * fd:N` whose N is a descriptor of the set-up process's own runtime. Real
 * processes and files; every process a test starts is stopped by its pid.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { libc, platform } from "../ffi/mod.ts";
import { parseUid } from "../platforms/users.ts";
import { SetUpProcess } from "../cli/set_up_process.ts";
import { type DaemonStep, sendStep } from "../cli/step_channel.ts";
import { alive, CLI, pidIn, posixly, Scratch } from "./_cli_util.ts";
import { scriptArgs } from "./_runtime.ts";
import { commandCycleUnderQemu } from "./_platform.ts";

/** Each test starts the runtime cold, the last two many times. */
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

/** The descriptors process `pid` has open, in order. */
function fdsOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
}

/**
 * Starts posixly's `_daemon` step as `start` does (cli/set_up_process.ts),
 * running the command from the sources in the runtime that runs the tests;
 * handed over at once: the test reaps it.
 */
function spawnSetUpProcess(): { pid: number; channel: number } {
  const step = new SetUpProcess((fd) => [
    process.execPath,
    ...scriptArgs(CLI, ["_daemon", String(fd)]),
  ]);
  step.handOver();
  if (step.pidfd >= 0) libc.close(step.pidfd);
  return { pid: step.pid, channel: step.channel };
}

/** The wait status of this process's child `pid` once it has ended (reaped), else null. */
function reaped(pid: number): number | null {
  const status = new Int32Array(1);
  return libc.waitpid(pid, status, platform.constants.WNOHANG) === pid ? status[0] : null;
}

/**
 * One more than the highest descriptor that posixly's set-up process's
 * runtime holds: the number of the pidfile lock in a program it started,
 * which the set-up process opened last.
 */
let highest: number | undefined;
function runtimeDescriptorsBelow(): number {
  if (highest !== undefined) return highest;
  const pidfile = s.path("probe.pid");
  const started = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
  assert.equal(started.status, 0, started.stderr);
  const program = s.trackPidfile(pidfile);
  highest = Math.max(...fdsOf(program));
  assert.ok(highest >= 3 && alive(program), `the program's descriptors: ${fdsOf(program)}`);
  assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  return highest;
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
      await sendStep(channel, step, [], () => Promise.reject(new Error("the socket was full")));
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

  test(
    "a step larger than the socket's buffer (a megabyte of arguments) reaches the program whole",
    {
      ...SLOW,
    },
    () => {
      const pidfile = s.path("big.pid");
      // Ten arguments of 100 KB (Linux takes up to 128 KiB each): a step of 1 MB, which the
      // set-up process reads while start sends it.
      const args = Array.from(
        { length: 10 },
        (_, i) => String.fromCharCode(0x61 + i).repeat(100_000),
      );
      const r = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--grace",
        "0",
        "--",
        "sh",
        "-c",
        "sleep 60",
        "sh",
        ...args,
      ]);
      const program = s.trackPidfile(pidfile);
      assert.equal(r.status, 0, r.stderr.slice(0, 2000));
      const cmdline = readFileSync(`/proc/${program}/cmdline`, "latin1").split("\0");
      // sh, -c, the script, $0, then the arguments (and the empty string after the last NUL).
      const got = cmdline.slice(4, -1);
      assert.deepEqual(got.map((arg) => arg.length), args.map((arg) => arg.length));
      assert.ok(got.every((arg, i) => arg === args[i]), "the program got every argument as given");
      assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
    },
  );

  test(
    "--ready fd:N on a descriptor of the set-up process's runtime: a failed execve is reported",
    {
      ...SLOW,
    },
    () => {
      // Runs, but fails at the execve: its interpreter does not exist.
      const bad = s.path("bad-interpreter");
      writeFileSync(bad, "#!/nonexistent/interpreter\n", { mode: 0o755 });
      for (let n = 3; n <= runtimeDescriptorsBelow(); n++) {
        const pidfile = s.path(`failed-${n}.pid`);
        const logfile = s.path(`failed-${n}.log`);
        const r = posixly([
          "start",
          "--pidfile",
          pidfile,
          "--logfile",
          logfile,
          "--ready",
          `fd:${n}`,
          "--",
          bad,
        ]);
        assert.equal(r.status, 5, `fd:${n}: ${r.stderr}`);
        assert.match(r.stderr, /cannot run program .*bad-interpreter.*ENOENT/, `fd:${n}`);
        assert.equal(readFileSync(logfile, "utf8"), "", `fd:${n}: nothing in the logfile`);
        assert.ok(!existsSync(pidfile), `fd:${n}: no pidfile left`);
      }
    },
  );

  test("--ready fd:N on a descriptor of the set-up process's runtime: the program gets N alone", {
    ...SLOW,
  }, () => {
    for (let n = 3; n <= runtimeDescriptorsBelow(); n++) {
      const pidfile = s.path(`fds-${n}.pid`);
      const listing = s.path(`fds-${n}.txt`);
      // It lists its descriptors and ends (so start fails: it never was ready).
      const list = `exec > ${listing}; ls -l /proc/$$/fd`;
      const r = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--ready",
        `fd:${n}`,
        "--",
        "sh",
        "-c",
        list,
      ]);
      assert.equal(r.status, 1, `fd:${n}: ${r.stderr}`);
      assert.match(r.stderr, /exited with status 0 before it was ready/, `fd:${n}`);
      const fds = new Map(
        [...readFileSync(listing, "utf8").matchAll(/ (\d+) -> (.*)$/gm)]
          .map(([, fd, what]) => [Number(fd), what]),
      );
      assert.match(fds.get(n) ?? "", /^pipe:/, `fd:${n}: the readiness pipe is on ${n}`);
      const others = [...fds.keys()].filter((fd) => fd > 2 && fd !== n);
      // One more: the pidfile's lock.
      assert.equal(others.length, 1, `fd:${n}: ${JSON.stringify([...fds])}`);
    }
  });
});

describe("posixly start and run: a --logfile another user planted in a sticky directory", {
  skip: noProc || commandCycleUnderQemu ||
    (libc.geteuid() === 0 ? false : "needs root: plants a file owned by nobody"),
}, () => {
  // The kernel's protected_regular rule, checked by posixly itself as the library's
  // launcher does: this machine may have the sysctl at 0. Before, root appended the
  // program's output to another user's file, which that user could read and empty.
  for (const command of ["start", "run"]) {
    test(`${command} refuses it, naming it and its owner, and starts nothing`, SLOW, () => {
      const sticky = s.path(`sticky-${command}`);
      mkdirSync(sticky);
      chmodSync(sticky, 0o1777);
      const planted = join(sticky, "app.log");
      writeFileSync(planted, "planted\n", { mode: 0o666 });
      const nobody = parseUid("nobody");
      chownSync(planted, nobody, -1);
      const pidfile = s.path(`planted-${command}.pid`);
      const r = posixly([command, "--pidfile", pidfile, "--logfile", planted, "--", "sleep", "60"]);
      assert.equal(r.status, 1, r.stderr);
      assert.ok(r.stderr.includes(JSON.stringify(planted)), r.stderr);
      assert.match(r.stderr, new RegExp(`owned by uid ${nobody} in .*sticky world-writable`));
      assert.equal(readFileSync(planted, "utf8"), "planted\n");
      assert.equal(existsSync(pidfile), false, "nothing was started");

      // A file of root's own there is used, as the kernel's rule has it.
      const own = join(sticky, "own.log");
      writeFileSync(own, "");
      const ok = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--logfile",
        own,
        "--grace",
        "0",
        "--",
        "sleep",
        "60",
      ]);
      assert.equal(ok.status, 0, ok.stderr);
      s.trackPidfile(pidfile);
      assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
    });
  }
});
