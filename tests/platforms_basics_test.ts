import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { constants as osConstants, tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import {
  closeOpenFds,
  errnoName,
  errnoNumber,
  EX_CANTCREAT,
  EX_FAILURE,
  EX_OK,
  EX_UNAVAILABLE,
  EX_USAGE,
  fdByPath,
  getFdmax,
  ignoreErrno,
  isatty,
  openFds,
  OSError,
  processIsZombie,
  runtimeImplementation,
  signalName,
} from "../platforms/mod.ts";
import { FfiPermissionError } from "../mod.ts";
import { latin1, readFileWithLibc } from "../platforms/libc_file.ts";
import { fixture, isBun, runScript, scriptArgs } from "./_util.ts";
import { runtime } from "./_runtime.ts";

describe("platforms: basics", () => {
  test("runtimeImplementation names the runtime and its version", () => {
    // deno-lint-ignore no-explicit-any
    const g = globalThis as any;
    const want = {
      bun: () => `Bun ${g.Bun.version}`,
      deno: () => `Deno ${g.Deno.version.deno}`,
      node: () => `Node ${process.versions.node}`,
    }[runtime]();
    assert.equal(runtimeImplementation(), want);
    assert.match(runtimeImplementation(), /^(Deno|Bun|Node) \d+\.\d+\.\d+/);
  });

  test("exit codes are sysexits(3)", () => {
    assert.deepEqual([EX_OK, EX_FAILURE, EX_USAGE, EX_UNAVAILABLE, EX_CANTCREAT], [
      0,
      1,
      64,
      69,
      73,
    ]);
  });

  test("errnoNumber and errnoName, against the platform's numbers (node:os)", () => {
    const { EACCES, EAGAIN, ENOENT, EWOULDBLOCK } = osConstants.errno;
    assert.equal(errnoNumber("ENOENT"), ENOENT);
    assert.equal(errnoNumber("EWOULDBLOCK"), EWOULDBLOCK);
    assert.equal(errnoNumber(EACCES), EACCES);
    assert.equal(errnoNumber(-ENOENT), ENOENT, "negated, as Node's and Bun's errors carry it");
    assert.throws(() => errnoNumber("ENOSUCH"), { name: "RangeError", message: /ENOSUCH/ });
    assert.throws(() => errnoNumber(1.5), TypeError);
    assert.equal(errnoName(ENOENT), "ENOENT");
    // EWOULDBLOCK is EAGAIN where they share a number (Linux): the name is EAGAIN's.
    assert.equal(errnoName(EAGAIN), "EAGAIN");
    assert.throws(() => errnoName(99999), RangeError);
  });

  test("ignoreErrno swallows only the listed errors, from every source", async () => {
    const dir = mkdtempSync(join(tmpdir(), "posixly-errno-"));
    try {
      const missing = join(dir, "missing");
      // node:fs (Node-style: code "ENOENT", errno -2)
      assert.equal(ignoreErrno("ENOENT", () => unlinkSync(missing)), undefined);
      // numbers work as well as names, negated ones too (a node:fs error's errno)
      const { EBADF, ENOENT } = osConstants.errno;
      assert.equal(ignoreErrno([ENOENT], () => readFileSync(missing)), undefined);
      assert.equal(ignoreErrno(-ENOENT, () => unlinkSync(missing)), undefined);
      // posixly's OSError
      assert.equal(
        ignoreErrno("EBADF", () => {
          throw new OSError(EBADF, "close");
        }),
        undefined,
      );
      // results pass through
      assert.equal(ignoreErrno("ENOENT", () => 42), 42);
      // other errors propagate
      assert.throws(() => ignoreErrno("EACCES", () => unlinkSync(missing)), { code: "ENOENT" });
      assert.throws(
        () =>
          ignoreErrno("ENOENT", () => {
            throw new TypeError("not an OS error");
          }),
        TypeError,
      );
      // async functions: rejections are filtered the same way
      assert.equal(await ignoreErrno("ENOENT", () => readFile(missing)), undefined);
      await assert.rejects(ignoreErrno(["EPERM"], () => readFile(missing)), { code: "ENOENT" });
      writeFileSync(join(dir, "x"), "data");
      assert.equal(String(await ignoreErrno("ENOENT", () => readFile(join(dir, "x")))), "data");
      // Deno's own errors carry code too
      // deno-lint-ignore no-explicit-any
      const D = (globalThis as any).Deno;
      if (!isBun && D) {
        assert.equal(ignoreErrno("ENOENT", () => D.readFileSync(missing)), undefined);
      }
      assert.throws(() => ignoreErrno("ENOSUCH", () => 1), RangeError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("getFdmax is the soft RLIMIT_NOFILE", () => {
    const sh = spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" });
    const limit = sh.stdout.trim();
    if (limit === "unlimited") assert.equal(getFdmax("dflt"), "dflt");
    else assert.equal(getFdmax(), Number(limit));
  });

  test("getFdmax follows setrlimit in a child", () => {
    const r = runScript(fixture("fds_limits.ts"));
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.low, 64);
    assert.equal(out.high, out.hard);
  });

  test("openFds and fdByPath find a file we opened", () => {
    const dir = mkdtempSync(join(tmpdir(), "posixly-fd-"));
    const path = join(dir, "f");
    writeFileSync(path, "x");
    const fd1 = openSync(path, "r");
    const fd2 = openSync(path, "r");
    writeFileSync(join(dir, "g"), "y");
    const other = openSync(join(dir, "g"), "r");
    try {
      assert.ok(openFds().includes(fd1));
      assert.deepEqual(fdByPath([path]), [fd1, fd2].sort((a, b) => a - b));
      assert.deepEqual(fdByPath([join(dir, "missing")]), []);
      assert.deepEqual(fdByPath([path, join(dir, "g")]), [fd1, fd2, other].sort((a, b) => a - b));
      assert.throws(() => fdByPath([42 as unknown as string]), TypeError);
    } finally {
      closeSync(fd1);
      closeSync(fd2);
      closeSync(other);
    }
    try {
      assert.deepEqual(fdByPath([path, join(dir, "g")]), [], "closed: no fd names them");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("isatty: false for files and closed fds, clear error for bad input", () => {
    const fd = openSync("/dev/null", "r");
    try {
      assert.equal(isatty(fd), false);
    } finally {
      closeSync(fd);
    }
    assert.equal(isatty(100000), false);
    assert.throws(() => isatty(-1), TypeError);
    assert.throws(() => isatty(1.5), TypeError);
    // -0 is an integer that is not below 0: it is fd 0 (Deno's and Node's FFI refuse -0 itself).
    assert.equal(isatty(-0), isatty(0));
  });

  test("isatty: true on a real pseudo-terminal", { skip: !hasScript() && "no script(1)" }, () => {
    // script(1) runs the fixture with stdin/stdout on a pty.
    const r = runScript(fixture("fds_tty.ts"), [], {});
    assert.equal(r.status, 0, r.stderr);
    const shellQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;
    const cmd = [process.execPath, ...scriptArgs(fixture("fds_tty.ts"))].map(shellQuote).join(" ");
    const pty = spawnSync("script", ["-qec", cmd, "/dev/null"], { encoding: "utf8" });
    assert.equal(pty.status, 0, pty.stderr);
    assert.match(pty.stdout, /isatty\(0\)=true isatty\(1\)=true/);
    assert.match(r.stdout, /isatty\(0\)=false isatty\(1\)=false/);
  });

  test("every platforms/ area works with --allow-ffi alone (Deno, Node; Bun needs no flag)", () => {
    const file = fixture("ffi_only.ts");
    const args = {
      bun: [file],
      deno: ["run", "--quiet", "--allow-ffi", file],
      // Node's permission model also guards reading the modules: the clone, and nothing else.
      node: [
        "--disable-warning=ExperimentalWarning",
        "--disable-warning=SecurityWarning",
        "--permission",
        "--allow-ffi",
        `--allow-fs-read=${fileURLToPath(new URL("..", import.meta.url))}`,
        file,
      ],
    }[runtime];
    const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      fdmax: true,
      openFds: true,
      fdByPath: true,
      isatty: false,
      pidfile: true,
      nobody: true,
      title: "[ffi-only]",
      spawn: true,
    });
  });

  test("the errors posixly throws are importable from mod.ts", () => {
    assert.equal(typeof FfiPermissionError, "function");
    assert.ok(new FfiPermissionError(null).message.includes("--allow-ffi"));
  });

  test("wrong types to signalName and processIsZombie say what they got", () => {
    assert.throws(() => signalName("TERM" as unknown as number), {
      name: "TypeError",
      message: /signal number, got string "TERM"/,
    });
    assert.throws(() => processIsZombie("x" as unknown as number), {
      name: "TypeError",
      message: /got string "x"/,
    });
  });

  test("1 MB of bad input is quoted in the error as a bounded prefix", () => {
    const huge = "E".repeat(1 << 20);
    for (
      const call of [
        () => errnoNumber(huge),
        () => isatty(huge as unknown as number),
        () => fdByPath(huge as unknown as string[]),
        () => processIsZombie(huge as unknown as number),
      ]
    ) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof RangeError || e instanceof TypeError, String(e).slice(0, 100));
        assert.ok(e.message.length < 5000, `a ${e.message.length}-character message`);
        assert.match(e.message, /EEEE"?…\(\d+ characters\)/);
        return true;
      });
    }
  });

  test("bad input to the fd helpers gets a clear TypeError", () => {
    assert.throws(() => isatty("1" as unknown as number), {
      name: "TypeError",
      message: /got string "1"/,
    });
    assert.throws(() => closeOpenFds({ keep: [0] } as unknown as number[]), {
      name: "TypeError",
      message: /iterable of fds/,
    });
    assert.throws(() => fdByPath("/dev/null" as unknown as string[]), {
      name: "TypeError",
      message: /fdByPath\(\["\/dev\/null"\]\)/,
    });
  });

  for (const keep of ["", "stdio"]) {
    const how = keep === "" ? "closeOpenFds()" : "closeOpenFds([0, 1, 2])";
    test(`${how} closes the program's fds, keeps the runtime's, never hangs`, () => {
      const dir = mkdtempSync(join(tmpdir(), "posixly-fds-"));
      try {
        const out = join(dir, "out.json");
        const fifo = join(dir, "fifo");
        assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
        // The child inherits one end of a pipe on fd 3 (read-write: opening it does not wait).
        const argv = [process.execPath, ...scriptArgs(fixture("fds_close_all.ts"), [out, keep])];
        const r = spawnSync("sh", ["-c", 'exec "$@" 3<>"$FIFO"', "sh", ...argv], {
          encoding: "utf8",
          env: { ...process.env, FIFO: fifo },
          // Deno hung (or panicked) when its own descriptors were closed: the timeout ends that.
          timeout: 20_000,
        });
        assert.equal(r.error, undefined, `the child hung: ${String(r.error)}`);
        assert.equal(r.signal, null, `the child was killed by ${r.signal}; ${r.stderr}`);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(readFileSync(out, "utf8")), {
          leftOpenOfOurs: [],
          inheritedPipeClosed: true,
          eventLoopFdsLeft: true,
          stdoutClosed: true,
          timersAndImports: true,
          signalHandled: true,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test("a long kernel text is read and decoded whole (latin1, readFileWithLibc)", () => {
    // /proc/stat of a host with many CPUs is some 100 KB: a decoder that passed
    // every byte as one argument overflowed the stack there.
    const dir = mkdtempSync(join(tmpdir(), "posixly-latin1-"));
    try {
      const path = join(dir, "long");
      const bytes = new Uint8Array(300_000).map((_, i) => i % 256);
      writeFileSync(path, bytes);
      const short = join(dir, "short");
      writeFileSync(short, "\xff\n");
      const shortRead = readFileWithLibc(short);
      const text = latin1(readFileWithLibc(path));
      assert.equal(text.length, bytes.length);
      assert.equal(text, readFileSync(path, "latin1"));
      // Each result is its own copy: a later read leaves an earlier one alone.
      assert.deepEqual(shortRead, new Uint8Array([0xc3, 0xbf, 0x0a]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("execve refuses strings C would read otherwise, before running anything", () => {
    const r = runScript(fixture("exec_checks.ts"));
    assert.equal(r.status, 0, r.stderr);
    // One line, the report: an echo that ran would have printed its own.
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 1, r.stdout);
    const out = JSON.parse(lines[0]);
    for (
      const [what, pattern] of [
        ["NUL in path", /^path contains a NUL character/],
        ["NUL in an argument", /^args\[1\] contains a NUL character/],
        ["lone surrogate in an argument", /^args\[1\] is not well-formed Unicode/],
        ["= in an environment name", /^bad environment variable name: "A=B"/],
        ["empty environment name", /^bad environment variable name: ""/],
      ] as const
    ) {
      assert.equal(out[what]?.name, "TypeError", `${what}: ${JSON.stringify(out[what])}`);
      assert.match(out[what].message, pattern, what);
    }
    assert.deepEqual(
      [out["no such program"].name, out["no such program"].code],
      ["OSError", "ENOENT"],
    );
  });

  test("closeOpenFds closes all but the kept fds and held pidfile locks (child process)", () => {
    const r = runScript(fixture("fds_close.ts"));
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assert.equal(out.openedCount, 200);
    assert.deepEqual(out.leftOpenOfOurs, [out.kept]);
    // A held lock is never dropped unseen: its fd stays open, its flock held.
    assert.equal(out.lockFdOpen, true);
    assert.equal(out.lockHeld, true);
    assert.equal(out.released, "ok");
    assert.equal(out.runtimeWorks, true);
  });
});

import process from "node:process";
function hasScript(): boolean {
  const has = spawnSync("sh", ["-c", "command -v script"]).status === 0;
  if (!has) {
    console.error("platforms_basics_test: SKIPPING isatty on a pseudo-terminal: no script(1)");
  }
  return has;
}

describe("mod.ts", () => {
  test("exports exactly what platforms/mod.ts exports, and nothing of threads/", async () => {
    const all: Record<string, unknown> = await import("../mod.ts");
    const platforms: Record<string, unknown> = await import("../platforms/mod.ts");
    const threads: Record<string, unknown> = await import("../threads/mod.ts");
    assert.deepEqual(Object.keys(all).sort(), Object.keys(platforms).sort());
    for (const name of Object.keys(platforms)) assert.equal(all[name], platforms[name], name);
    // The locals live at @posixly/posixly/threads: the root entry must not load node:async_hooks.
    for (const name of Object.keys(threads)) assert.ok(!(name in all), name);
  });
});
