// dist/ is what JSR serves: `npm run build` (scripts/build.mjs) bundles the
// four entry points, and `npm test` builds it before the suite. Each dist/
// entry point has the names of its source entry point, and all four share one
// copy of posixly. tests/daemon_test.ts runs a whole daemon from dist/mod.js.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import process from "node:process";

const ENTRIES = [
  ["../dist/mod.js", "../mod.ts"],
  ["../dist/ffi/mod.js", "../ffi/mod.ts"],
  ["../dist/platforms/mod.js", "../platforms/mod.ts"],
  ["../dist/threads/mod.js", "../threads/mod.ts"],
] as const;

// deno-lint-ignore no-explicit-any
type Module = Record<string, any>;

before(() => {
  const built = new URL("../dist/mod.js", import.meta.url);
  assert.ok(existsSync(built), "dist/ is not built: run `npm run build` (npm test does)");
});

test("each dist/ entry point exports the names of its source entry point", async () => {
  for (const [bundled, source] of ENTRIES) {
    const built: Module = await import(bundled);
    const original: Module = await import(source);
    assert.deepEqual(Object.keys(built).sort(), Object.keys(original).sort(), bundled);
    for (const key of Object.keys(original)) {
      assert.equal(typeof built[key], typeof original[key], `${bundled}: ${key}`);
      if (typeof original[key] === "function") {
        assert.equal(built[key].name, original[key].name, `${bundled}: ${key}.name`);
      }
    }
  }
});

test("the dist/ entry points share one copy: one OSError class, one libc, one signals", async () => {
  const mod: Module = await import("../dist/mod.js");
  const ffi: Module = await import("../dist/ffi/mod.js");
  const platforms: Module = await import("../dist/platforms/mod.js");
  const threads: Module = await import("../dist/threads/mod.js");
  assert.equal(mod.OSError, ffi.OSError);
  assert.equal(mod.signals, platforms.signals);
  assert.equal(mod.Local, threads.Local);
  // and it works: a real call through the bundle's bindings
  assert.equal(ffi.libc.getpid(), process.pid);
  const err = new ffi.OSError(2, "open", { path: "/nonexistent" });
  assert.ok(err instanceof mod.OSError);
  assert.equal(err.code, "ENOENT");
});

test("each dist/ entry point names its TypeScript source for its types", () => {
  for (const [bundled, source] of ENTRIES) {
    const first = readFileSync(new URL(bundled, import.meta.url), "utf8").split("\n")[0];
    const types = /^\/\/ @ts-self-types="([^"]+)"$/.exec(first)?.[1];
    assert.ok(types, `${bundled} starts with ${JSON.stringify(first)}`);
    assert.equal(
      new URL(types, new URL(bundled, import.meta.url)).href,
      new URL(source, import.meta.url).href,
    );
  }
});
