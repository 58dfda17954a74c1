/**
 * Hostile and wrong input to the public platforms/ API: each test names a
 * hole an audit found (a value that reached C wrapped, an option that was
 * silently ignored, a message as long as the input, a change made before the
 * error), and checks the clear, bounded error that now comes before any
 * side effect.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DaemonContext,
  errnoName,
  execve,
  Pidfile,
  posixSpawn,
  sdNotify,
  setCloseOnExec,
  signals,
} from "../platforms/mod.ts";
import { libc, platform } from "../ffi/mod.ts";
import { runScript } from "./_util.ts";

/** The platforms and ffi modules, for the scripts children run. */
const PLATFORMS = fileURLToPath(new URL("../platforms/mod.ts", import.meta.url));
const FFI = fileURLToPath(new URL("../ffi/mod.ts", import.meta.url));

/** A message short enough to read: the inputs below are up to 1 MB long. */
const BOUNDED = 8192;

function flagsOf(fd: number): number {
  const flags = libc.fcntl(fd, platform.constants.F_GETFD, 0);
  assert.notEqual(flags, -1, `fd ${fd} is open`);
  return flags;
}

/** Runs `source` (TypeScript importing `platforms` from PLATFORMS) in a child of this runtime. */
function runSource(source: string): ReturnType<typeof runScript> {
  const dir = mkdtempSync(join(tmpdir(), "posixly-input-audit-"));
  try {
    const script = join(dir, "child.ts");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
    writeFileSync(script, `import * as platforms from ${JSON.stringify(PLATFORMS)};\n${source}`);
    return runScript(script, [], { cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("input audit: fds handed to C", () => {
  test("setCloseOnExec refuses an fd Bun's FFI would wrap (NaN -> 0, 2**32 + n -> n, 1.5 -> 1)", () => {
    const fd = openSync("/dev/null", "r");
    try {
      setCloseOnExec(fd, false);
      const before = [0, 1, 2, fd].map(flagsOf);
      for (const bad of [NaN, 2 ** 32 + fd, fd + 0.5, 1.5, -1, Infinity, `${fd}`, BigInt(fd)]) {
        assert.throws(() => setCloseOnExec(bad as number, true), {
          name: "TypeError",
          message: /^fd must be a non-negative integer fd, got /,
        }, `setCloseOnExec(${String(bad)})`);
      }
      // A string "false" is true to `?:`: it would have set close-on-exec.
      assert.throws(() => setCloseOnExec(fd, "false" as unknown as boolean), {
        name: "TypeError",
        message: 'closeOnExec must be true or false, got "false"',
      });
      assert.deepEqual([0, 1, 2, fd].map(flagsOf), before, "no descriptor changed");
    } finally {
      closeSync(fd);
    }
  });

  test('prepareForExec refuses keep entries that match no fd ("5", a hole) before changing anything', () => {
    // In a child: prepareForExec changes the whole process (fds, signals) when it runs.
    const r = runSource(`
      import { openSync } from "node:fs";
      import { libc, platform } from ${JSON.stringify(FFI)};
      const { F_GETFD, FD_CLOEXEC } = platform.constants;
      const fd = openSync("/dev/null", "r");
      platforms.setCloseOnExec(fd, false);
      const results = [];
      for (const keep of [[String(fd)], [, fd], "5", [fd, 1.5]]) {
        try {
          platforms.prepareForExec(keep);
          results.push({ ok: true });
        } catch (e) {
          results.push({ ok: false, name: e.name, message: e.message });
        }
      }
      const cloexec = (libc.fcntl(fd, F_GETFD, 0) & FD_CLOEXEC) !== 0;
      console.log(JSON.stringify({ results, cloexec }));
    `);
    assert.equal(r.status, 0, `child failed (signal ${r.signal}):\n${r.stderr}`);
    const { results, cloexec } = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.deepEqual(results.map((x: { name?: string }) => x.name), Array(4).fill("TypeError"));
    assert.match(results[0].message, /^keep\[0\] must be a non-negative integer fd, got "\d+"$/);
    assert.match(results[1].message, /^keep\[0\] is missing/);
    assert.match(results[2].message, /^keep must be an array of fds, got "5"$/);
    assert.match(results[3].message, /^keep\[1\] must be a non-negative integer fd, got 1\.5$/);
    assert.equal(cloexec, false, "the fd meant to be kept was not made close-on-exec");
  });
});

describe("input audit: misspelt options are errors", () => {
  test("new Pidfile refuses an option it does not know (lockDescriptors for lockDescriptor)", () => {
    const dir = mkdtempSync(join(tmpdir(), "posixly-input-audit-"));
    try {
      const path = join(dir, "app.pid");
      assert.throws(
        () => new Pidfile(path, { lockDescriptors: "read-only" } as never),
        {
          name: "TypeError",
          message:
            'unknown option "lockDescriptors" for new Pidfile(); known: tempFile, lockDescriptor',
        },
      );
      assert.throws(() => new Pidfile(path, { ["x".repeat(1e6)]: 1 } as never), (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.ok(e.message.length < 300, `bounded: ${e.message.length} characters`);
        return true;
      });
      assert.equal(existsSync(path), false, "no file was made");
      // The options it knows still work.
      new Pidfile(path, { tempFile: "named", lockDescriptor: "read-only" }).acquire().release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("posixSpawn refuses an unknown option, args that are no array, and null options, starting nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "posixly-input-audit-"));
    try {
      const trace = join(dir, "ran");
      const args = ["sh", "-c", `echo ran > '${trace}'`];
      // `fileAction`: the child would have inherited every descriptor.
      assert.throws(() => posixSpawn("/bin/sh", { args, fileAction: [] } as never), {
        name: "TypeError",
        message: /^unknown option "fileAction" for posixSpawn\(\); known: args, env, fileActions/,
      });
      assert.throws(() => posixSpawn("/bin/sh", null as never), {
        name: "TypeError",
        message: "posixSpawn options must be an object, got null",
      });
      assert.throws(() => posixSpawn("/bin/sh", { args: "sh" as never }), {
        name: "TypeError",
        message: 'args must be an array of strings or bytes, got "sh"',
      });
      // The string "false" is truthy: the child would have had a session of its own.
      assert.throws(() => posixSpawn("/bin/sh", { args, setsid: "false" as never }), {
        name: "TypeError",
        message: 'posixSpawn() setsid must be true or false, got "false"',
      });
      // deno-lint-ignore no-sparse-arrays
      assert.throws(() => posixSpawn("/bin/sh", { args: [, "-c", "true"] as never }), {
        name: "TypeError",
        message: "args[0] is missing (a hole in a sparse array)",
      });
      // A child started anyway would have written the trace by now.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      assert.equal(existsSync(trace), false, "no child ran");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("execve names a hole in args instead of failing inside the string table", () => {
    // deno-lint-ignore no-sparse-arrays
    assert.throws(() => execve("/bin/true", ["true", , "x"] as never, {}), {
      name: "TypeError",
      message: "args[1] is missing (a hole in a sparse array)",
    });
  });

  test("sdNotify names a socket that is not a string", () => {
    for (const socket of [5, {}, Symbol("s")]) {
      assert.throws(() => sdNotify("READY=1", socket as never), {
        name: "TypeError",
        message: /^sdNotify: socket must be a path or "@name", got /,
      });
    }
  });
});

describe("input audit: DaemonContext ids", () => {
  test("a uid or gid that is no id throws when the options are checked, not at open()", () => {
    const bad: [string, unknown][] = [
      ["uid", -1],
      ["uid", NaN],
      ["uid", 1.5],
      ["gid", 2 ** 32 - 1], // (gid_t)-1: "no change"
      ["gid", 2 ** 32],
      ["uid", ""],
      ["gid", "  "],
      ["uid", "-1"],
      ["gid", "1.5"],
      ["uid", "0x10"],
      ["uid", "root\0x"],
      ["gid", "staff\uD800"],
    ];
    for (const [key, value] of bad) {
      assert.throws(() => new DaemonContext({ [key]: value }), (e: unknown) => {
        assert.ok(e instanceof TypeError || e instanceof RangeError, `${key}: ${String(e)}`);
        assert.match(
          e.message,
          new RegExp(`^${key} (must|as a string must) `),
          `${key} = ${String(value)}`,
        );
        return true;
      });
    }
    // -0 is uid 0, as the C library takes it.
    assert.ok(Object.is(new DaemonContext({ uid: -0 }).uid, 0));
  });

  test("a 1 MB workdir that cannot be used gives a bounded message (fake mode, in a child)", () => {
    const r = runSource(`
      await new platforms.DaemonContext({ fake: true, workdir: "/" + "w".repeat(1_000_000) }).open();
      console.log("opened");
    `);
    assert.notEqual(r.status, 0, "fake mode fails");
    assert.doesNotMatch(r.stdout, /opened/);
    assert.match(r.stderr, /^ERROR: workdir \/www.*cannot be used: ENAMETOOLONG/);
    assert.ok(r.stderr.length < BOUNDED, `bounded: ${r.stderr.length} characters on stderr`);
  });
});

describe("input audit: messages and no partial changes", () => {
  test("errnoName's message is bounded for a 1 MB string, and a symbol does not break it", () => {
    assert.throws(() => errnoName("x".repeat(1e6) as never), (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /^unknown errno number: "x{64}"…\(1000000 characters\)$/);
      return true;
    });
    assert.throws(() => errnoName(Symbol("s") as never), {
      name: "RangeError",
      message: "unknown errno number: Symbol(s)",
    });
  });

  test("signals.update, ignore and reset check every signal before changing any", () => {
    const before = signals.get("USR2");
    try {
      assert.throws(() => signals.update({ USR2: "ignore", NOSUCH: "ignore" }), {
        name: "RangeError",
        message: 'unknown signal name: "NOSUCH"',
      });
      assert.equal(signals.get("USR2"), before, "update: USR2 unchanged");
      assert.throws(() => signals.update([["USR2", "ignore"], ["HUP", "bogus" as never]]), {
        name: "TypeError",
      });
      assert.equal(signals.get("USR2"), before, "update (pairs): USR2 unchanged");
      assert.throws(() => signals.update([["USR2", "ignore"], 5 as never]), {
        name: "TypeError",
        message: "signals.update() entry 1 must be a [signal, handler] pair, got 5",
      });
      assert.equal(signals.get("USR2"), before, "update (not a pair): USR2 unchanged");
      assert.throws(() => signals.ignore("USR2", "KILL"), RangeError);
      assert.equal(signals.get("USR2"), before, "ignore: USR2 unchanged");
      signals.ignore("USR2");
      assert.throws(() => signals.reset("USR2", 0), RangeError);
      assert.equal(signals.get("USR2"), "ignore", "reset: USR2 still ignored");
    } finally {
      signals.set("USR2", before);
    }
  });
});
