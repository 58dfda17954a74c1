// dist/ is what JSR publishes (scripts/build.mjs bundles the sources): each of
// its entry points has the names of its source entry point, and all four share
// one copy of posixly: in Bun the CommonJS bundle with its bytecode, elsewhere
// (or without that file) the ES module bundle. `npm test` also checks that
// dist/ is built from these sources; tests/daemon_test.ts runs a whole daemon
// from it.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixture, isBun, runScript } from "./_util.ts";

const ENTRIES = [
  ["mod", "../mod.ts"],
  ["ffi", "../ffi/mod.ts"],
  ["platforms", "../platforms/mod.ts"],
  ["threads", "../threads/mod.ts"],
] as const;

// deno-lint-ignore no-explicit-any
type Module = Record<string, any>;

test("each dist/ entry point exports the names of its source entry point", async () => {
  for (const [name, source] of ENTRIES) {
    const built: Module = await import(`../dist/${name}.js`);
    const original: Module = await import(source);
    assert.deepEqual(Object.keys(built).sort(), Object.keys(original).sort(), name);
    for (const key of Object.keys(original)) {
      assert.equal(typeof built[key], typeof original[key], `${name}: ${key}`);
      if (typeof original[key] === "function") {
        assert.equal(built[key].name, original[key].name, `${name}: ${key}.name`);
      }
    }
  }
});

test("the dist/ entry points share one copy: one OSError class, one libc, one signals", async () => {
  const mod: Module = await import("../dist/mod.js");
  const ffi: Module = await import("../dist/ffi.js");
  const platforms: Module = await import("../dist/platforms.js");
  const threads: Module = await import("../dist/threads.js");
  assert.equal(mod.OSError, ffi.OSError);
  assert.equal(mod.signals, platforms.signals);
  assert.equal(mod.Local, threads.Local);
  // and it works: a real call through the bundle's bindings
  assert.equal(ffi.libc.getpid(), (await import("node:process")).default.pid);
  const err = new ffi.OSError(2, "open", { path: "/nonexistent" });
  assert.ok(err instanceof mod.OSError);
  assert.equal(err.code, "ENOENT");
});

/** Runs tests/fixtures/dist_copy.ts on a copy of dist/ without `drop`, or with it corrupted. */
function runOnCopy(
  change: { drop?: string; corrupt?: string } = {},
): { file: string; pid: boolean } {
  const dir = mkdtempSync(join(tmpdir(), "posixly-dist-copy-"));
  try {
    const dist = fileURLToPath(new URL("../dist/", import.meta.url));
    for (const f of readdirSync(dist)) {
      if (f !== change.drop && statSync(join(dist, f)).isFile()) {
        copyFileSync(join(dist, f), join(dir, f));
      }
    }
    if (change.corrupt) {
      const bytes = readFileSync(join(dir, change.corrupt));
      for (let i = 64; i < bytes.length; i += 997) bytes[i] ^= 0x5a;
      writeFileSync(join(dir, change.corrupt), bytes);
    }
    const r = runScript(fixture("dist_copy.ts"), [dir]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("Bun runs dist/posixly.bun.cjs (bytecode beside it), other runtimes dist/posixly.js", () => {
  assert.deepEqual(runOnCopy(), { file: isBun ? "posixly.bun.cjs" : "posixly.js", pid: true });
});

test("bytecode that does not match (another Bun, a damaged file) is ignored: posixly still runs", () => {
  assert.deepEqual(runOnCopy({ corrupt: "posixly.bun.cjs.jsc" }), {
    file: isBun ? "posixly.bun.cjs" : "posixly.js",
    pid: true,
  });
  assert.deepEqual(runOnCopy({ drop: "posixly.bun.cjs.jsc" }), {
    file: isBun ? "posixly.bun.cjs" : "posixly.js",
    pid: true,
  });
});

test("without dist/posixly.bun.cjs, Bun falls back to the ES module bundle", () => {
  assert.deepEqual(runOnCopy({ drop: "posixly.bun.cjs" }), { file: "posixly.js", pid: true });
});
