// dist/ is what JSR publishes (scripts/build.mjs bundles the sources): each of
// its entry points has the names of its source entry point, and all four share
// one copy of posixly. `npm test` also checks that dist/ is built from these
// sources; tests/daemon_test.ts runs a whole daemon from it.
import { test } from "node:test";
import assert from "node:assert/strict";

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
