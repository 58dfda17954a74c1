/**
 * The socket `start` hands its set-up process the step on
 * (cli/step_channel.ts): the step and its arguments byte for byte, the
 * descriptors attached to it arriving as new descriptors of the same open
 * files (close-on-exec), and an end of file when the launcher gave up.
 * Real socket pairs, pipes and SCM_RIGHTS in this process.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { libc, platform } from "../ffi/mod.ts";
import { type DaemonStep, receiveStep, sendStep, socketPair } from "../cli/step_channel.ts";
import { setNonBlocking } from "../cli/wait.ts";

/** For a step that fits the socket's buffer: never called. */
function neverFull(): Promise<void> {
  throw new Error("the socket was full");
}

/** A step, with arguments that are not UTF-8 and one large one (under a socket's buffer). */
function aStep(passOnTo: number | null): DaemonStep {
  return {
    plan: {
      pidfile: "/run/app.pid",
      logfile: "/var/log/app.log",
      user: "nobody",
      group: null,
      chdir: "/",
      umask: 0o22,
      program: "/bin/echo",
      args: [
        new TextEncoder().encode("echo"),
        Uint8Array.of(0xff, 0xfe, 0x41),
        new Uint8Array(60_000).fill(0x61),
      ],
    },
    env: [["HOME", "/nonexistent"], ["NOTIFY_SOCKET", "@posixly-x"]],
    logfile: true,
    passOnTo,
  };
}

/** A pipe: [read end, write end]. */
function pipe(): [number, number] {
  const ends = new Int32Array(2);
  assert.equal(libc.pipe(ends), 0);
  return [ends[0], ends[1]];
}

function closeOnExec(fd: number): boolean {
  const { F_GETFD, FD_CLOEXEC } = platform.constants;
  return (libc.fcntl(fd, F_GETFD, 0) & FD_CLOEXEC) !== 0;
}

describe("the step's socket (cli/step_channel.ts)", {
  skip: process.platform === "linux" ? false : "MSG_CMSG_CLOEXEC is Linux's",
}, () => {
  test("the step arrives whole, with its descriptors as new ones on the same files", async () => {
    const [ours, theirs] = socketPair();
    const [logRead, logWrite] = pipe();
    const [readyRead, readyWrite] = pipe();
    const received: number[] = [];
    try {
      assert.ok(closeOnExec(ours) && closeOnExec(theirs), "both ends are close-on-exec");
      const step = aStep(7);
      await sendStep(ours, step, [logWrite, readyWrite], neverFull);
      const got = receiveStep(theirs);
      assert.ok(got !== null);
      received.push(...got.fds);
      assert.deepEqual(got.step, step);
      assert.equal(got.fds.length, 2);
      for (const [i, fd] of got.fds.entries()) {
        assert.ok(![logWrite, readyWrite].includes(fd), `descriptor ${i} is a new one`);
        assert.ok(closeOnExec(fd), `descriptor ${i} is close-on-exec`);
      }
      // Each is the same pipe as the one sent: what goes in comes out of its read end.
      for (
        const [fd, readEnd, text] of [[got.fds[0], logRead, "log"], [
          got.fds[1],
          readyRead,
          "\n",
        ]] as const
      ) {
        const bytes = new TextEncoder().encode(text);
        assert.equal(Number(libc.write(fd, bytes, bytes.length)), bytes.length);
        const buf = new Uint8Array(16);
        const n = Number(libc.read(readEnd, buf, buf.length));
        assert.equal(new TextDecoder().decode(buf.subarray(0, n)), text);
      }
    } finally {
      for (const fd of [ours, theirs, logRead, logWrite, readyRead, readyWrite, ...received]) {
        libc.close(fd);
      }
    }
  });

  test("a step without descriptors; end of file when the launcher closes its end unsent", async () => {
    const [ours, theirs] = socketPair();
    try {
      const step = { ...aStep(null), logfile: false };
      await sendStep(ours, step, [], neverFull);
      const got = receiveStep(theirs);
      assert.deepEqual(got, { step, fds: [] });
      libc.close(ours);
      assert.equal(receiveStep(theirs), null);
    } finally {
      libc.close(theirs);
    }
  });

  test("sending to a step that has gone fails with EPIPE, and no SIGPIPE ends this process", async () => {
    const [ours, theirs] = socketPair();
    libc.close(theirs);
    try {
      await assert.rejects(sendStep(ours, aStep(null), [], neverFull), { code: "EPIPE" });
    } finally {
      libc.close(ours);
    }
  });

  test("a step larger than the socket's buffer, never read: the launcher is asked how long to wait, and gives up", async () => {
    const [ours, theirs] = socketPair();
    try {
      setNonBlocking(ours);
      const big = aStep(null);
      // Sixteen times the 60 KB argument: more than any socket buffer Linux gives by default.
      const step = { ...big, plan: { ...big.plan, args: Array(16).fill(big.plan.args[2]) } };
      let asked = 0;
      const given = new Error("gave up");
      await assert.rejects(
        sendStep(ours, step, [], () => {
          asked++;
          return Promise.reject(given);
        }),
        (e) => e === given,
      );
      assert.equal(asked, 1, "asked once, when the socket was full");
      // What went out is a start of the message: the 4-byte length of the whole step.
      const length = new Uint8Array(4);
      assert.equal(Number(libc.read(theirs, length, 4)), 4);
      assert.ok(new DataView(length.buffer).getUint32(0, true) > 16 * 60_000);
    } finally {
      libc.close(ours);
      libc.close(theirs);
    }
  });
});
