// dist/ is what JSR serves: `npm run build` (scripts/build.mjs) bundles the
// entry points, and `npm test` builds it before the suite. Each dist/ entry
// point has the names of its source entry point; the root, ffi and platforms
// share one copy of posixly (the root is one module, which holds ffi/ too);
// the root loads no node:async_hooks (threads/ is its own entry).
// The posixly command is one program (one module) per command, which
// dist/cli/main.js loads by name. tests/daemon_test.ts runs a whole daemon
// from dist/mod.js.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { constants } from "node:os";
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

test("dist/mod.js, ffi and platforms share one copy: one OSError class, one signals", async () => {
  const mod: Module = await import("../dist/mod.js");
  const ffi: Module = await import("../dist/ffi/mod.js");
  const platforms: Module = await import("../dist/platforms/mod.js");
  assert.equal(mod.OSError, ffi.OSError);
  assert.equal(mod.signals, platforms.signals);
  assert.equal(mod.libc, undefined);
  // dist/ffi/mod.js takes every name from the root's `ffi` namespace
  assert.equal(mod.ffi, platforms.ffi);
  assert.deepEqual(Object.keys(ffi).sort(), Object.keys(mod.ffi).sort());
  for (const name of Object.keys(ffi)) assert.equal(ffi[name], mod.ffi[name], name);
  // and it works: a real call through the bundle's bindings
  assert.equal(ffi.libc.getpid(), process.pid);
  const err = new ffi.OSError(constants.errno.ENOENT, "open", { path: "/nonexistent" });
  assert.ok(err instanceof mod.OSError);
  assert.equal(err.code, "ENOENT");
});

test("dist/mod.js and what it imports load neither threads/ nor node:async_hooks", () => {
  const seen = new Set<string>();
  const visit = (url: URL): void => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const text = readFileSync(url, "utf8");
    assert.ok(!text.includes("node:async_hooks"), `${url.pathname} names node:async_hooks`);
    for (const [, spec] of text.matchAll(/^(?:import|export)\b[^;]*?from\s*"(\.[^"]+)"/gms)) {
      visit(new URL(spec, url));
    }
  };
  visit(new URL("../dist/mod.js", import.meta.url));
  // one module: each module more costs every importer (docs/internals.md, "What JSR serves")
  assert.deepEqual([...seen].map((href) => href.replace(/^.*\/dist\//, "")), ["mod.js"]);
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

test("dist/cli: main.js loads one program per command, and each program is one module", async () => {
  const dir = new URL("../dist/cli/", import.meta.url);
  const main = readFileSync(new URL("main.js", dir), "utf8");
  const relative = /^(?:import|export)\b[^;]*?from\s*"\.|\bimport\(\s*"\./gm;
  const loaded = [...main.matchAll(/import\("\.\/([\w-]+)\.js"\)/g)].map(([, name]) => name);
  assert.deepEqual(
    loaded.toSorted(),
    ["_daemon", "help", "restart", "run", "signal", "start", "status", "stop"],
  );
  assert.equal(main.match(relative)?.length, loaded.length, "main.js imports only the programs");
  // a program shares no module: each module more costs a short-lived command
  // (docs/internals.md, "One program per command")
  for (const name of loaded) {
    const program = readFileSync(new URL(`${name}.js`, dir), "utf8");
    assert.deepEqual(program.match(relative), null, `${name}.js imports a module of dist/`);
    const { cli, main } = await import(new URL(`${name}.js`, dir).href);
    assert.equal(typeof cli, "function", `${name}.js: cli`);
    assert.equal(typeof main, "function", `${name}.js: main`);
  }
});
