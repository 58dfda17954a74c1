import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OSError } from "../ffi/mod.ts";
import { sdNotify } from "../platforms/systemd.ts";
import { fixture, runScript } from "./_util.ts";

const hasPython = spawnSync("python3", ["-c", "pass"]).status === 0;
const noPython = hasPython ? false : "needs python3 for an independent NOTIFY_SOCKET receiver";
if (!hasPython) console.warn(`SKIPPING systemd receiver tests: ${noPython}`);

/** A real unix datagram receiver (python3, as independent of posixly as systemd is). */
async function receiver(address: string, count: number): Promise<{ messages: Promise<string[]> }> {
  const child = spawn("python3", [
    fixture("daemon_notify_receiver.py"),
    address,
    String(count),
    "60", // seconds: spent only when a message that must come does not
  ], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  let onBound: () => void = () => {};
  const bound = new Promise<void>((r) => (onBound = r));
  const done = new Promise<string[]>((resolve) => {
    child.stdout!.on("data", (d) => {
      out += String(d);
      if (out.startsWith("bound\n")) onBound();
    });
    child.on("close", () => {
      onBound();
      const lines = out.split("\n").filter((l) => l !== "" && l !== "bound");
      resolve(lines.map((l) => (l === "timeout" ? "<timeout>" : JSON.parse(l))));
    });
  });
  await bound;
  return { messages: done };
}

describe("sdNotify", () => {
  test("sends nothing and returns false without a socket", () => {
    assert.equal(sdNotify({ ready: true }, ""), false);
  });

  test(
    "one datagram to a path socket, fields in systemd's format",
    { skip: noPython },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "posixly-sd-"));
      try {
        const path = join(dir, "notify");
        const r = await receiver(path, 2);
        assert.equal(
          sdNotify({ ready: true, status: "serving on :80", mainPid: 4242 }, path),
          true,
        );
        assert.equal(sdNotify("WATCHDOG=1", path), true);
        assert.deepEqual(await r.messages, [
          "READY=1\nSTATUS=serving on :80\nMAINPID=4242",
          "WATCHDOG=1",
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test("an abstract socket (@name)", { skip: noPython }, async () => {
    const name = `@posixly-test-${process.pid}-${Date.now()}`;
    const r = await receiver(name, 1);
    assert.equal(sdNotify({ stopping: true, errno: 5 }, name), true);
    assert.deepEqual(await r.messages, ["STOPPING=1\nERRNO=5"]);
  });

  test("reads NOTIFY_SOCKET from the environment (in a child)", { skip: noPython }, async () => {
    const name = `@posixly-test-env-${process.pid}-${Date.now()}`;
    const r = await receiver(name, 1);
    const out = runScript(
      fixture("daemon_sd_notify.ts"),
      ['{"status":"from env","watchdog":true}'],
      {
        env: { NOTIFY_SOCKET: name },
      },
    );
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout.trim(), "true");
    assert.deepEqual(await r.messages, ["WATCHDOG=1\nSTATUS=from env"]);
  });

  test("NOTIFY_SOCKET as the program changed it in process.env", { skip: noPython }, async () => {
    const unset = runScript(fixture("daemon_sd_notify.ts"), ['{"ready":true}', "unset"], {
      env: { NOTIFY_SOCKET: "/nonexistent/posixly-notify" },
    });
    assert.equal(unset.status, 0, unset.stderr);
    assert.equal(unset.stdout.trim(), "false", "removed: nothing is sent");
    const name = `@posixly-test-env-set-${process.pid}-${Date.now()}`;
    const r = await receiver(name, 1);
    const set = runScript(fixture("daemon_sd_notify.ts"), ['{"ready":true}', name], {
      env: { NOTIFY_SOCKET: "/nonexistent/posixly-notify" },
    });
    assert.equal(set.status, 0, set.stderr);
    assert.equal(set.stdout.trim(), "true");
    assert.deepEqual(await r.messages, ["READY=1"]);
  });

  test("a socket nobody listens on gives an OSError", () => {
    const dir = mkdtempSync(join(tmpdir(), "posixly-sd-"));
    try {
      const path = join(dir, "missing");
      assert.throws(() => sdNotify("READY=1", path), (e: unknown) => {
        assert.ok(e instanceof OSError);
        assert.equal(e.code, "ENOENT");
        assert.equal(e.syscall, "sendto");
        assert.equal(e.path, path);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a receiver that never reads: EAGAIN once its queue is full, never a wait", {
    skip: noPython,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "posixly-sd-"));
    const path = join(dir, "full.sock");
    const child = spawn("python3", [
      "-c",
      "import socket, sys, time\n" +
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])\n" +
      "print('bound', flush=True); time.sleep(60)",
      path,
    ], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise((resolve) => child.stdout!.once("data", resolve));
      let sent = 0;
      const error = (() => {
        try {
          // A datagram queue holds a few hundred at most: the loop ends long before.
          for (; sent < 100_000; sent++) sdNotify("WATCHDOG=1", path);
        } catch (e) {
          return e;
        }
      })();
      assert.ok(error instanceof OSError, `no error after ${sent} datagrams`);
      assert.equal(error.code, "EAGAIN");
      assert.equal(error.syscall, "sendto");
      assert.ok(sent > 0, "the first datagrams went through");
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bad states and socket names are rejected before sending", () => {
    assert.throws(() => sdNotify("", "/x"), TypeError);
    assert.throws(() => sdNotify({}, "/x"), /sets no field/);
    assert.throws(() => sdNotify({ status: "two\nlines" }, "/x"), TypeError);
    assert.throws(() => sdNotify({ mainPid: -1 }, "/x"), RangeError);
    assert.throws(() => sdNotify(null as never, "/x"), {
      name: "TypeError",
      message: /^sdNotify: the state must be a string or an object, got null$/,
    });
    assert.throws(() => sdNotify("READY=1", "relative/path"), /absolute path or start with "@"/);
    assert.throws(() => sdNotify("READY=1", "/" + "x".repeat(200)), /too long/);
  });

  test("a socket name or state that is not well-formed Unicode is a TypeError", {
    skip: noPython,
  }, async () => {
    // Encoded with U+FFFD, "/dir/s\uD800" would name the socket "/dir/s\uFFFD".
    const dir = mkdtempSync(join(tmpdir(), "posixly-sd-"));
    try {
      const path = join(dir, "s\uFFFD");
      const r = await receiver(path, 1);
      const refused = (what: RegExp) => (e: unknown) => {
        assert.ok(e instanceof TypeError, String(e));
        assert.match(e.message, what);
        assert.match(e.message, /not well-formed Unicode/);
        assert.ok(e.message.length < 200, `bounded: ${e.message.length} characters`);
        return true;
      };
      assert.throws(() => sdNotify("READY=1", `${dir}/s\uD800`), refused(/NOTIFY_SOCKET/));
      assert.throws(
        () => sdNotify("READY=1", "@s\uDC00" + "x".repeat(50)),
        refused(/NOTIFY_SOCKET/),
      );
      assert.throws(() => sdNotify({ status: "\uD800" }, path), refused(/state/));
      assert.equal(sdNotify("READY=1", path), true);
      assert.deepEqual(await r.messages, ["READY=1"], "only the well-formed message arrived");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
