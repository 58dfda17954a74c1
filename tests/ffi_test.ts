import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  addressOf,
  backend,
  bindSymbol,
  check,
  checkReturnedErrno,
  cstr,
  cstrInto,
  errno,
  libc,
  nativeMemory,
  OSError,
  platform,
  platformFor,
  pointerAddress,
  readCString,
  setErrno,
  strerror,
  type SymbolName,
  SYMBOLS,
  type SymbolSpec,
} from "../ffi/mod.ts";
import { HOT_AFTER } from "../ffi/backend_deno.ts";
import { fixture } from "./_util.ts";
import { runRuntime, runtime, scriptArgs, scriptArgsWithoutFfi } from "./_runtime.ts";
import { cLibrary, hasCloseRange } from "./_platform.ts";
import {
  constants as fsConstants,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

describe("ffi: the C library", () => {
  test("platform tables describe this machine", () => {
    assert.equal(platform.os, "linux");
    assert.equal(platform.libc, cLibrary().name);
    // the C library posixly opens is the one mapped in this process
    const opened = platform.libraryName.startsWith("/")
      ? realpathSync(platform.libraryName)
      : platform.libraryName;
    assert.equal(basename(cLibrary().path), basename(opened));
    // and posixly's calls run in that file: a string strerror(3) returns lies in one of its mappings
    const message = pointerAddress(libc.strerror(osConstants.errno.EPERM));
    const mappedFrom = readFileSync("/proc/self/maps", "utf8").split("\n").find((line) => {
      const [start, end] = line.split(" ")[0].split("-").map((hex) => BigInt(`0x${hex}`));
      return start <= message && message < end;
    });
    assert.equal(
      mappedFrom?.slice(mappedFrom.indexOf("/")),
      cLibrary().path,
      mappedFrom ?? "not mapped",
    );
    // O_NOFOLLOW as the kernel understands it: a symbolic link is refused with ELOOP
    const link = join(mkdtempSync(join(tmpdir(), "posixly-ffi-")), "link");
    symlinkSync("/", link);
    const fd = libc.open(
      cstr(link),
      platform.constants.O_RDONLY | platform.constants.O_NOFOLLOW,
      0,
    );
    const openErrno = errno();
    rmSync(dirname(link), { recursive: true });
    assert.deepEqual([fd, openErrno], [-1, osConstants.errno.ELOOP]);
    assert.equal(platform.errnoNumbers.EWOULDBLOCK, osConstants.errno.EWOULDBLOCK);
    assert.equal(platform.errnoNames[osConstants.errno.EAGAIN], "EAGAIN");
    assert.equal(platform.signalNumbers.TERM, osConstants.signals.SIGTERM);
    assert.equal(platform.signalNames[osConstants.signals.SIGCHLD], "CHLD");
  });

  test("errno and signal tables agree with the runtime's on every name both have", () => {
    let errnos = 0;
    for (const [name, n] of Object.entries(osConstants.errno)) {
      if (!Object.hasOwn(platform.errnoNumbers, name)) continue;
      assert.equal(platform.errnoNumbers[name], n, name);
      errnos++;
    }
    assert.ok(errnos >= 70, `${errnos} errno numbers compared`);
    let signals = 0;
    for (const [sigName, n] of Object.entries(osConstants.signals)) {
      const name = sigName.slice(3); // the runtime's "SIGTERM" is posixly's "TERM"
      if (!Object.hasOwn(platform.signalNumbers, name)) continue; // e.g. Deno's SIGUNUSED
      assert.equal(platform.signalNumbers[name], n, sigName);
      signals++;
    }
    assert.ok(signals >= 30, `${signals} signal numbers compared`);
  });

  test("getpid/getuid agree with the runtime", () => {
    assert.equal(libc.getpid(), process.pid);
    assert.equal(libc.getuid(), process.getuid!());
    assert.equal(libc.getgid(), process.getgid!());
  });

  test("errno is read right after the failing call", () => {
    setErrno(0);
    assert.equal(libc.close(-1), -1);
    assert.equal(errno(), osConstants.errno.EBADF);
    assert.equal(libc.unlink(cstr("/nonexistent/posixly")), -1);
    assert.equal(errno(), osConstants.errno.ENOENT);
  });

  test("binding a function on the way leaves errno as the failed call set it", () => {
    // A function nothing in this process has bound yet (Bun runs every test
    // file in one process), so that reading it binds it here.
    const unbound = (Object.keys(SYMBOLS) as SymbolName[]).find((name) => {
      const spec: SymbolSpec = SYMBOLS[name];
      return !Object.hasOwn(libc, name) && !spec.optional && !spec.nonblocking;
    });
    assert.ok(unbound !== undefined, "every function is bound already");
    assert.equal(libc.close(-1), -1);
    assert.equal(typeof libc[unbound], "function");
    assert.equal(Object.hasOwn(libc, unbound), true, `${unbound} was bound here`);
    assert.equal(errno(), osConstants.errno.EBADF);
  });

  test("a NULL pointer result is null, and 64-bit parameters take numbers, in every runtime", () => {
    assert.equal(libc.getenv(cstr("POSIXLY_NO_SUCH_VARIABLE")), null);
    assert.equal(libc.lseek(-1, 0, 0), -1n);
    assert.equal(libc.lseek(-1, 0n, 0), -1n);
  });

  test("check() turns -1 into an OSError with errno, code, syscall, path", () => {
    try {
      check(libc.unlink(cstr("/nonexistent/posixly")), "unlink", { path: "/nonexistent/posixly" });
      assert.fail("unlink should fail");
    } catch (e) {
      assert.ok(e instanceof OSError);
      assert.equal(e.errno, osConstants.errno.ENOENT);
      assert.equal(e.code, "ENOENT");
      assert.equal(e.syscall, "unlink");
      assert.equal(e.path, "/nonexistent/posixly");
      assert.equal(e.message, "ENOENT: no such file or directory, unlink '/nonexistent/posixly'");
      assert.ok(e instanceof Error);
    }
    assert.equal(check(0, "x"), 0);
    assert.equal(check(5n, "x"), 5n);
    assert.throws(() => check(-1n, "read"), (e: unknown) => e instanceof OSError);
  });

  test("checkReturnedErrno throws for a non-zero return", () => {
    checkReturnedErrno(0, "posix_spawn");
    assert.throws(() => checkReturnedErrno(osConstants.errno.EACCES, "posix_spawn"), {
      name: "OSError",
      code: "EACCES",
      message: "EACCES: permission denied, posix_spawn",
    });
  });

  test("a message shows a path escaped and bounded; `path` keeps all of it", () => {
    const { ENOENT } = osConstants.errno;
    const forged = "/tmp/a\nposixly: started";
    const e = new OSError(ENOENT, "open", { path: forged, dest: "/b\x1b[31m" });
    assert.equal(
      e.message,
      "ENOENT: no such file or directory, open '/tmp/a\\nposixly: started' -> '/b\\u001b[31m'",
    );
    assert.equal(e.path, forged);
    const long = `/${"x".repeat(5000)}`;
    const cut = new OSError(ENOENT, "open", { path: long });
    assert.ok(cut.message.length < 400, `${cut.message.length} characters`);
    assert.match(cut.message, /'… \(5001 characters\)$/);
    assert.equal(cut.path, long);
  });

  test("strerror and C strings", () => {
    assert.equal(strerror(osConstants.errno.ENOENT), "No such file or directory");
    assert.equal(readCString(libc.strerror(osConstants.errno.EPERM)), "Operation not permitted");
    assert.equal(readCString(0n), null);
    assert.throws(() => cstr("a\0b"), TypeError);
    const s = cstr("héllo");
    assert.equal(s[s.length - 1], 0);
    assert.equal(readCString(addressOf(s)), "héllo");
  });

  test("a string that is not well-formed Unicode never reaches C", () => {
    for (const bad of ["px\uD800", "\uDC00x", "a\uD83Db"]) {
      assert.throws(() => cstr(bad), (e: unknown) =>
        e instanceof TypeError &&
        e.message.includes("not well-formed Unicode") &&
        e.message.includes(JSON.stringify(bad)));
    }
    assert.throws(() => cstr("px\uD800", "user name"), {
      name: "TypeError",
      message: 'user name is not well-formed Unicode (it has a lone surrogate): "px\\ud800"',
    });
    // a well-formed pair is fine
    assert.equal(readCString(addressOf(cstr("a\u{1F600}b"))), "a\u{1F600}b");
    // what the C library would have been given instead (U+FFFD) names another file
    const dir = mkdtempSync(join(tmpdir(), "posixly-ffi-"));
    try {
      writeFileSync(join(dir, "px\uFFFD"), "not ours to delete");
      // (not path.join: Bun's replaces the lone surrogate itself)
      assert.throws(() => libc.unlink(cstr(`${dir}/px\uD800`)), TypeError);
      assert.equal(existsSync(join(dir, "px\uFFFD")), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a bad string's error quotes at most 64 characters and gives its length", () => {
    const long = "u".repeat(1_000_000) + "\uD800";
    assert.throws(
      () => cstr(long, "user name"),
      (e: unknown) =>
        e instanceof TypeError && e.message.length < 200 &&
        e.message.startsWith("user name is not well-formed Unicode") &&
        e.message.endsWith(`"${"u".repeat(64)}"… (1000001 characters)`),
    );
    const nul = "a\0" + "b".repeat(100);
    assert.throws(
      () => cstr(nul, "path"),
      (e: unknown) =>
        e instanceof TypeError && e.message.length < 200 &&
        e.message.startsWith('path contains a NUL character: "a\\u0000b') &&
        e.message.endsWith("… (102 characters)"),
    );
  });

  test("cstrInto writes into the caller's buffer when it fits, with the same checks", () => {
    const buffer = new Uint8Array(32);
    assert.equal(cstrInto(buffer, "nobody"), buffer);
    assert.equal(readCString(addressOf(buffer)), "nobody");
    const long = cstrInto(buffer, "x".repeat(40));
    assert.notEqual(long, buffer);
    assert.equal(long.length, 41);
    assert.throws(() => cstrInto(buffer, "px\uD800"), TypeError);
    assert.throws(() => cstrInto(buffer, "a\0b"), TypeError);
    assert.throws(() => cstrInto(buffer, "y".repeat(40) + "\uDFFF"), TypeError);
  });

  test("native memory aliases a buffer", () => {
    const buf = new Uint8Array([1, 2, 3, 4]);
    const alias = new Uint8Array(nativeMemory(addressOf(buf), 4));
    assert.deepEqual([...alias], [1, 2, 3, 4]);
    // the same bytes, not a copy: a write through either is seen through the other
    buf[0] = 9;
    alias[3] = 7;
    assert.deepEqual([[...buf], [...alias]], [[9, 2, 3, 7], [9, 2, 3, 7]]);
  });

  test("i64 results are bigints; buffers are filled", () => {
    const fds = new Int32Array(2);
    check(libc.pipe(fds), "pipe");
    try {
      const n = libc.write(fds[1], new TextEncoder().encode("abc"), 3);
      assert.equal(n, 3n);
      const out = new Uint8Array(8);
      assert.equal(libc.read(fds[0], out, 8), 3n);
      assert.equal(new TextDecoder().decode(out.subarray(0, 3)), "abc");
    } finally {
      libc.close(fds[0]);
      libc.close(fds[1]);
    }
  });

  test("optional symbols: present ones bind, bindSymbol caches", () => {
    assert.equal(typeof libc.close_range, hasCloseRange() ? "function" : "object"); // null: absent
    assert.equal(bindSymbol("getpid"), bindSymbol("getpid"));
  });

  test("bindSymbol refuses a name that is not in the symbol table, by name", () => {
    assert.throws(
      () => bindSymbol("no_such_function" as "getpid"),
      (e: unknown) =>
        e instanceof TypeError &&
        /'no_such_function' is not in posixly's symbol table/.test(e.message),
    );
  });

  test("a nonblocking symbol is null where the runtime has no calls off the main thread", () => {
    // Deno's FFI has them (`nonblocking: true`); Bun's and Node's have none.
    assert.equal(backend().nonblocking, runtime === "deno");
    assert.equal(libc.poll_async === null, runtime !== "deno");
  });

  test(
    "a nonblocking symbol waits off the main thread",
    { skip: runtime === "deno" ? false : `${runtime}'s FFI has no calls off the main thread` },
    async () => {
      const pollAsync = libc.poll_async!;
      const fds = new Int32Array(2);
      check(libc.pipe(fds), "pipe");
      try {
        // struct pollfd { int fd; short events; short revents; }, as on Linux and macOS
        const { POLLIN } = platform.constants;
        const pollfd = new Int32Array([fds[0], 0]);
        new Int16Array(pollfd.buffer)[2] = POLLIN; // events
        let settled = false;
        const waiting = pollAsync(pollfd, 1, 5000).then((n) => {
          settled = true;
          return n;
        });
        // The event loop runs while poll(2) waits: timers fire, the promise is pending.
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(settled, false);
        libc.write(fds[1], new Uint8Array([42]), 1);
        assert.equal(await waiting, 1);
        assert.equal(new Int16Array(pollfd.buffer)[3] & POLLIN, POLLIN); // revents
      } finally {
        libc.close(fds[0]);
        libc.close(fds[1]);
      }
    },
  );

  test("a function is bound on its first read, then is a plain property", () => {
    // getitimer: a symbol no other test of this file reads before this one.
    assert.equal(Object.hasOwn(libc, "getitimer"), false);
    assert.equal("getitimer" in libc && !("no_such_function" in libc), true);
    const getitimer = libc.getitimer;
    assert.equal(typeof getitimer, "function");
    assert.equal(Object.getOwnPropertyDescriptor(libc, "getitimer")?.value, getitimer);
    assert.ok(Object.keys(libc).includes("getitimer"));
    assert.equal(bindSymbol("getitimer"), getitimer);
    const timer = new BigInt64Array(4);
    assert.equal(getitimer(platform.constants.ITIMER_REAL, timer), 0);
    // a name that is not a symbol reads as on any object
    assert.equal((libc as unknown as Record<string, unknown>).no_such_function, undefined);
    assert.equal(typeof libc.toString, "function");
  });

  test("a function gives the same results before and after Deno binds it (HOT_AFTER calls)", () => {
    // getsid: a symbol no other test of this file calls.
    const results = Array.from({ length: HOT_AFTER * 2 }, () => libc.getsid(0));
    assert.deepEqual(new Set(results), new Set([libc.getsid(0)]));
    assert.equal(libc.getsid(0), libc.getsid(libc.getpid()));
    // a failing call reports its errno on either path
    for (let i = 0; i < HOT_AFTER * 2; i++) {
      assert.equal(libc.getsid(-1), -1);
      assert.equal(errno(), osConstants.errno.ESRCH);
    }
    // from then on `libc` holds the fastest binding bindSymbol knows
    assert.equal(libc.getsid, bindSymbol("getsid"));
  });

  test("markShortLived(): Deno keeps the function it first bound (no trampoline); results alike", () => {
    const run = (mode: string) => {
      const r = runRuntime(scriptArgs(fixture("ffi_short_lived.ts"), [mode]));
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const plain = run("plain");
    const marked = run("mark");
    for (const seen of [plain, marked]) {
      assert.deepEqual(seen.results, [seen.sid]);
      assert.equal(seen.failed, true, "a failing call still reports ESRCH");
    }
    assert.equal(marked.same, true, "a short-lived process keeps the first binding");
    // Only Deno binds a function anew once it is hot; Bun and Node bind it once.
    assert.equal(plain.same, runtime !== "deno");
  });

  test("an optional symbol the C library lacks reads as null", () => {
    // each C library has one of the two errno functions
    const absent = platform.errnoSymbol === "__error" ? "__errno_location" : "__error";
    assert.equal(libc[absent], null);
    assert.equal(bindSymbol(absent), null);
  });

  test(
    "without FFI permission the first FFI use names the missing flag",
    { skip: runtime === "bun" ? "Bun has no FFI permission to withhold" : false },
    () => {
      const r = runRuntime(scriptArgsWithoutFfi(fixture("ffi_use.ts"))!);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^FfiPermissionError: posixly needs FFI access .*--allow-ffi/);
    },
  );

  test(
    "Node.js without node:ffi: the first FFI use names the version and the flag",
    { skip: runtime === "node" ? false : "node:ffi is Node's" },
    () => {
      const r = runRuntime(["--no-experimental-ffi", ...scriptArgs(fixture("ffi_use.ts"))]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(
        r.stdout.trim(),
        "UnsupportedRuntimeError: posixly's C bindings need node:ffi, which this Node.js " +
          `(${process.version}) does not offer: run it without --no-experimental-ffi`,
      );
    },
  );
});

describe("platformFor: the tables of every platform posixly knows", () => {
  const cases = [
    ["linux", "x86_64"],
    ["linux", "aarch64"],
    ["darwin", "x86_64"],
    ["darwin", "aarch64"],
  ] as const;
  for (const [os, arch] of cases) {
    test(`${os} ${arch}: errno and signal tables agree both ways`, () => {
      const p = platformFor(os, arch);
      const names = Object.entries(p.errnoNames);
      assert.ok(names.length > 90, `${names.length} errno names`);
      for (const [n, name] of names) assert.equal(p.errnoNumbers[name], Number(n), name);
      assert.equal(p.errnoNames[p.errnoNumbers.EWOULDBLOCK], "EAGAIN");
      assert.equal(p.errnoNumbers.EAGAIN, os === "darwin" ? 35 : 11);
      assert.equal(p.errnoNumbers.ENOENT, 2);
      assert.equal(Object.hasOwn(p.errnoNames, "toString"), false);
      for (const [n, name] of Object.entries(p.signalNames)) {
        assert.equal(p.signalNumbers[name], Number(n), name);
      }
      assert.equal(p.signalNumbers.KILL, 9);
      assert.equal(p.signalNumbers.USR1, os === "darwin" ? 30 : 10);
      assert.equal(p.libraryName.length > 0, true);
      assert.ok(p.layouts.stat.size > 0 && p.constants.O_NOFOLLOW > 0);
      assert.equal(p.errnoSymbol, os === "darwin" ? "__error" : "__errno_location");
    });
  }
  test("an unknown os or arch is a TypeError that names the accepted values", () => {
    assert.throws(
      () => platformFor("windows" as "linux", "x86_64"),
      { name: "TypeError", message: 'os must be "linux", "darwin" or "other", got "windows"' },
    );
    assert.throws(
      () => platformFor("linux", 64 as unknown as "x86_64"),
      { name: "TypeError", message: 'arch must be "x86_64", "aarch64" or "other", got 64' },
    );
  });
  test("the running platform's tables are those of its os and arch", () => {
    // os and arch as the runtime names them, not as posixly detects them
    const arch = ({ x64: "x86_64", arm64: "aarch64" } as Record<string, string>)[process.arch];
    const os = process.platform === "linux" || process.platform === "darwin"
      ? process.platform
      : "other";
    assert.deepEqual([platform.os, platform.arch], [os, arch ?? "other"]);
    const p = platformFor(os, (arch ?? "other") as Parameters<typeof platformFor>[1]);
    assert.deepEqual([p.constants, p.layouts], [platform.constants, platform.layouts]);
    // open(2) flags that differ between platforms, as the runtime's node:fs has them
    const names = ["O_CREAT", "O_EXCL", "O_NOFOLLOW", "O_DIRECTORY", "O_NONBLOCK", "O_APPEND"];
    for (const name of names) {
      const value = (fsConstants as Record<string, number | undefined>)[name];
      assert.equal(typeof value, "number", `node:fs has no ${name}`);
      assert.equal(platform.constants[name as keyof typeof platform.constants], value, name);
    }
    assert.equal(platform.errnoNumbers.ENOENT, osConstants.errno.ENOENT);
  });
});
