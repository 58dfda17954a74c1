// scripts/eager_compile.mjs, which `npm run build` applies to dist/posixly.js
// (Deno's bundle): top-level functions become parenthesized named function
// expressions, which V8 compiles with the module, so Deno's code cache keeps
// their bytecode. Where that would change what the module does while it is
// evaluated (a function used above its definition), the build refuses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { markEager } from "../scripts/eager_compile.mjs";

const rewrite = (source: string): string => markEager(source, "t.js").text;

test("markEager wraps top-level function declarations, names and bodies kept", () => {
  assert.equal(
    rewrite("function f(a, b) {\n  return a + b;\n}\nexport { f };\n"),
    "var f = (function f(a, b) {\n  return a + b;\n});\nexport { f };\n",
  );
  assert.equal(
    rewrite("async function g() { await 1; }\nfunction* h() { yield 1; }\n"),
    "var g = (async function g() { await 1; });\nvar h = (function* h() { yield 1; });\n",
  );
  // Nested declarations, arrows and class members are left alone.
  const untouched = "var k = () => 1;\nclass C { m() { function inner() {} } }\n";
  assert.equal(rewrite(untouched), untouched);
});

test("markEager parenthesizes function expressions, at any depth, once", () => {
  assert.equal(
    rewrite("var k = function () {};\nconst o = { m: async function m() {} };\n"),
    "var k = (function () {});\nconst o = { m: (async function m() {}) };\n",
  );
  assert.equal(
    rewrite(
      "function f() {\n  const g = function g(x) { return function () { return x; }; };\n}\n",
    ),
    "var f = (function f() {\n  const g = (function g(x) { return (function () { return x; }); });\n});\n",
  );
  const already = "var p = (function () {});\nclass C { m() { return (function () {}); } }\n";
  assert.equal(rewrite(already), already);
  // inside a class member: compiled with it, at its first call
  assert.equal(
    rewrite("class C { m() { return function () {}; } }\n"),
    "class C { m() { return (function () {}); } }\n",
  );
});

test("markEager allows uses after the definition and inside deferred bodies", () => {
  const source = "function a() { return b(); }\nfunction b() { return 1; }\nconst x = a();\n" +
    "class K { m() { return later(); } }\nfunction later() {}\n";
  assert.match(rewrite(source), /^var a = \(function a\(\)/);
});

test("markEager refuses when evaluation would reach a function before its definition", () => {
  for (
    const [source, name] of [
      ["f();\nfunction f() {}\n", "f"],
      // through another function's body
      ["function a() { return b(); }\nconst x = a();\nfunction b() {}\n", "b"],
      // a static field runs when the class is defined
      ["class K { static y = g(); }\nfunction g() {}\n", "g"],
      // a reference is enough: it may be called later, from anywhere
      ["const table = { run: late };\nfunction late() {}\n", "late"],
    ]
  ) {
    assert.throws(() => rewrite(source), (e: Error) => {
      assert.match(e.message, /before their definition/);
      assert.ok(e.message.endsWith(`: ${name}`), e.message);
      return true;
    });
  }
});

test("dist/posixly.js has its top-level functions marked, and they keep their names", () => {
  const text = readFileSync(new URL("../dist/posixly.js", import.meta.url), "utf8");
  assert.doesNotMatch(text, /^(async )?function\*? \w+\(/m);
  const marked = text.match(/^var (\w+) = \((?:async )?function\*? \1\(/gm) ?? [];
  assert.ok(marked.length > 100, `only ${marked.length} marked functions`);
  // including the work that a daemon's launcher and the daemon do once, cold (see daemon.ts)
  for (
    const name of ["parseUid", "createPidlock", "detached", "openContext", "launch", "acquireLock"]
  ) {
    assert.ok(marked.some((m) => m.startsWith(`var ${name} = `)), name);
  }
});
