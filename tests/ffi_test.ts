import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  addressOf,
  bindSymbol,
  check,
  checkReturnedErrno,
  cstr,
  errno,
  libc,
  nativeMemory,
  OSError,
  platform,
  platformFor,
  readCString,
  setErrno,
  strerror,
} from "../ffi/mod.ts";
import { isBun, runScript } from "./_util.ts";
import { fileURLToPath } from "node:url";
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { cLibrary, hasCloseRange } from "./_platform.ts";

describe("ffi: the C library", () => {
  test("platform tables describe this machine", () => {
    assert.equal(platform.os, "linux");
    assert.equal(platform.libc, cLibrary().name);
    // the C library posixly opens is the one mapped in this process
    const opened = platform.libraryName.startsWith("/")
      ? realpathSync(platform.libraryName)
      : platform.libraryName;
    assert.equal(basename(cLibrary().path), basename(opened));
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
    assert.deepEqual([fd, openErrno], [-1, platform.errnoNumbers.ELOOP]);
    assert.equal(platform.layouts.passwd.size, 48);
    assert.equal(platform.errnoNumbers.EWOULDBLOCK, 11);
    assert.equal(platform.errnoNames[11], "EAGAIN");
    assert.equal(platform.signalNumbers.TERM, 15);
    assert.equal(platform.signalNames[17], "CHLD");
  });

  test("getpid/getuid agree with the runtime", () => {
    assert.equal(libc.getpid(), process.pid);
    assert.equal(libc.getuid(), process.getuid!());
    assert.equal(libc.getgid(), process.getgid!());
  });

  test("errno is read right after the failing call", () => {
    setErrno(0);
    assert.equal(libc.close(-1), -1);
    assert.equal(errno(), 9);
    assert.equal(libc.unlink(cstr("/nonexistent/posixly")), -1);
    assert.equal(errno(), 2);
  });

  test("check() turns -1 into an OSError with errno, code, syscall, path", () => {
    try {
      check(libc.unlink(cstr("/nonexistent/posixly")), "unlink", { path: "/nonexistent/posixly" });
      assert.fail("unlink should fail");
    } catch (e) {
      assert.ok(e instanceof OSError);
      assert.equal(e.errno, 2);
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
    assert.throws(() => checkReturnedErrno(13, "posix_spawn"), {
      name: "OSError",
      code: "EACCES",
      message: "EACCES: permission denied, posix_spawn",
    });
  });

  test("strerror and C strings", () => {
    assert.equal(strerror(2), "No such file or directory");
    assert.equal(readCString(libc.strerror(1)), "Operation not permitted");
    assert.equal(readCString(0n), null);
    assert.throws(() => cstr("a\0b"), TypeError);
    const s = cstr("héllo");
    assert.equal(s[s.length - 1], 0);
    assert.equal(readCString(addressOf(s)), "héllo");
  });

  test("native memory aliases a buffer", () => {
    const buf = new Uint8Array([1, 2, 3, 4]);
    const alias = new Uint8Array(nativeMemory(addressOf(buf), 4));
    assert.deepEqual([...alias], [1, 2, 3, 4]);
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

  test("a nonblocking symbol waits off the main thread, or is null where it cannot", async () => {
    const pollAsync = libc.poll_async;
    if (pollAsync === null) {
      // Bun has no call that runs on a worker thread: the symbol reads as missing.
      assert.equal(isBun, true);
      return;
    }
    const fds = new Int32Array(2);
    check(libc.pipe(fds), "pipe");
    try {
      const pollfd = new Int32Array([fds[0], 0]);
      new Int16Array(pollfd.buffer)[2] = 1; // POLLIN
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
      assert.equal(new Int16Array(pollfd.buffer)[3] & 1, 1); // revents has POLLIN
    } finally {
      libc.close(fds[0]);
      libc.close(fds[1]);
    }
  });

  test("a function is right from its first call and bound for real once it is hot", () => {
    const script = fileURLToPath(new URL("./fixtures/ffi_tiering.ts", import.meta.url));
    const r = runScript(script, [], { cwd: "/tmp" });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout);
    assert.deepEqual(seen, {
      chdirResult: -1,
      chdirErrno: 2,
      getcwdOk: true,
      cwd: "/tmp",
      samePidEveryCall: true,
      genericAtFirst: !isBun, // Bun binds at once
      boundAfterHot: true,
      savedReferenceBound: true,
      boundAfterBadCall: true,
      closeRange: hasCloseRange() ? "function" : "object",
      absentIsNull: true,
      notMadeBeforeRead: true,
      inBeforeRead: true,
      madeOnRead: true,
      getegidRight: true,
      unknownIsUndefined: true,
      lookupsRight: true,
      lookupMissingIsNull: true,
    });
  });

  test("the C calls work where the runtime's FFI is only its module (Bun without Bun.FFI)", () => {
    const script = fileURLToPath(new URL("./fixtures/ffi_bun_module.ts", import.meta.url));
    const r = runScript(script, [], { cwd: "/tmp" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      ffiHidden: isBun ? true : null,
      pidMatches: true,
      chdirResult: -1,
      chdirErrno: 2,
      strerror: "No such file or directory",
      cwd: "/tmp",
      memoryAliases: true,
      absentIsNull: true,
    });
  });

  test(
    "without --allow-ffi the first FFI use names the missing flag",
    { skip: isBun ? "Bun has no FFI permission to withhold" : false },
    () => {
      const script = fileURLToPath(new URL("./fixtures/ffi_no_permission.ts", import.meta.url));
      const r = runScript(script);
      // the fixture runs a grandchild Deno without --allow-ffi
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /FfiPermissionError: .*--allow-ffi/);
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
    const p = platformFor(platform.os, platform.arch);
    assert.deepEqual(p.constants, platform.constants);
    assert.deepEqual(p.layouts, platform.layouts);
    assert.equal(platform.errnoNumbers.ENOENT, 2);
  });
});
