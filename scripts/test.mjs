#!/usr/bin/env node
// posixly's whole check, run by `npm test` and CI: fmt, the build of dist/
// (what JSR serves), lint, type checks for Deno and Bun, JSDoc on every export
// (`deno doc --lint`) with type-checked and titled examples, the suite on Deno,
// on Bun and on Node 26, and `deno publish --dry-run`. `npm test -- deno bun`
// runs only the steps named; each step prints its time.
// The last line is "N passed, N failed, N skipped", counting every test in
// every runtime plus each check step.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { countJunit } from "./junit.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const results = join(root, ".test-results");
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const only = process.argv.slice(2); // e.g. `npm test -- deno` runs only the Deno suite
const want = (step) => only.length === 0 || only.includes(step);

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

const times = [];

/**
 * Runs one step and prints its time. `opts.expect`, when given, reads the
 * step's output (then captured and echoed) and returns what is wrong with it,
 * or null.
 */
function run(label, cmd, args, opts = {}) {
  console.log(`\n== ${label}: ${[cmd.replace(root + "/", ""), ...args].join(" ")}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: opts.expect ? "pipe" : "inherit",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: opts.timeout ?? 20 * 60_000,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
  });
  let problem = r.status === 0 ? null : `status ${r.status}, signal ${r.signal}`;
  if (opts.expect) {
    process.stdout.write(r.stdout ?? "");
    process.stderr.write(r.stderr ?? "");
    problem ??= opts.expect(`${r.stdout}${r.stderr}`);
  }
  const ms = Date.now() - t0;
  times.push([label, ms]);
  console.log(`== ${label}: ${problem ? `FAILED (${problem})` : "ok"} in ${ms} ms`);
  return problem === null;
}

/** Runs a check step when it is selected (`opts.when` overrides) and counts it. */
function step(label, cmd, args, opts = {}) {
  if (!(opts.when ?? want(label))) return;
  if (run(label, cmd, args, opts)) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

/** countJunit's counts, with each failed case added to the failures listed at the end. */
function countJunitOf(file, runtime) {
  const r = countJunit(file);
  for (const name of r?.failedNames ?? []) failures.push(`${runtime}: ${name}`);
  return r;
}

function suite(label, cmd, args, junit) {
  if (!want(label)) return;
  const ok = run(label, cmd, args);
  const counts = countJunitOf(junit, label);
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    console.log(
      `== ${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    );
  }
  if (!ok && (!counts || counts.failed === 0)) {
    // the runner failed outside any test (load error, crash, timeout)
    failed++;
    failures.push(`${label}: runner exited non-zero`);
  }
}

const sourceDirs = ["ffi/", "platforms/", "threads/", "cli/"].filter((d) =>
  existsSync(join(root, d))
);
const tsFiles = ["mod.ts", ...sourceDirs, "tests/", "examples/", "bench/"];

step("fmt", bin("deno"), ["fmt", "--check"]);
// dist/ (not in git) is what JSR serves: built first whenever a selected step reads it
// (the type checks resolve "@posixly/posixly" to it; the suites and the dry run import it).
const readingDist = [
  "deno-check",
  "doc-check",
  "bun-typecheck",
  "deno",
  "bun",
  "node",
  "publish-dry-run",
];
step("build", process.execPath, ["scripts/build.mjs"], {
  when: ["build", ...readingDist].some(want),
});
step("lint", bin("deno"), ["lint"]);
step("deno-check", bin("deno"), ["check", ...tsFiles]);
// JSDoc on every export of every entry point deno.json exports ("./dist/ffi/mod.js": ffi/mod.ts).
const { exports } = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const entryPoints = Object.values(exports).map((built) =>
  built.replace(/^\.\/dist\/(.+)\.js$/, "$1.ts")
);
step("doc-lint", bin("deno"), ["doc", "--lint", ...entryPoints]);
// The examples in doc comments type-check: in every source file (given one
// entry point, `--doc` checks the examples of that file only). Their
// "@posixly/posixly" imports resolve through deno.json's name and exports, to
// dist/ and its types, the sources.
step("doc-check", bin("deno"), ["check", "--doc", "mod.ts", ...sourceDirs]);
step("example-titles", process.execPath, ["scripts/check_example_titles.mjs"]);
step("bun-typecheck", bin("tsc"), ["-p", "tsconfig.json"]);
suite("deno", bin("deno"), [
  "test",
  "-A",
  "--no-check",
  `--junit-path=${join(results, "deno.xml")}`,
  "tests/",
], join(results, "deno.xml"));
suite("bun", bin("bun"), [
  "test",
  "--timeout",
  "120000",
  "--reporter=junit",
  `--reporter-outfile=${join(results, "bun.xml")}`,
  "tests/",
], join(results, "bun.xml"));
// Node 26 (node:ffi) runs the same files when package.json's pinned node is installed;
// a Node before 26 has no node:ffi, so the step is skipped (and counted so).
const node = bin("node");
const nodeMajor = existsSync(node)
  ? Number(/^v(\d+)/.exec(spawnSync(node, ["--version"], { encoding: "utf8" }).stdout)?.[1])
  : 0;
if (nodeMajor >= 26) {
  suite("node", node, [
    "--test",
    "--disable-warning=ExperimentalWarning",
    "--test-concurrency=1",
    "--test-timeout=120000",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=junit",
    `--test-reporter-destination=${join(results, "node.xml")}`,
    "tests/*_test.ts",
  ], join(results, "node.xml"));
} else if (want("node")) {
  console.log(`\n== node: skipped (${node} is not Node 26 or later; run npm install)`);
  skipped++;
}
// threads/ must work with no FFI permission at all: its tests once more, without --allow-ffi.
const threadTests = readdirSync(join(root, "tests"))
  .filter((f) => /^threads_.*_test\.ts$/.test(f))
  .map((f) => `tests/${f}`);
step("threads-without-ffi", bin("deno"), [
  "test",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-net",
  "--allow-env",
  "--allow-sys",
  "--no-check",
  ...threadTests,
]);
// dist/ is in .gitignore, which `deno publish` honours unless deno.json's publish.exclude
// has "!dist/": without it the dry run succeeds and publishes no entry point.
step("publish-dry-run", bin("deno"), ["publish", "--dry-run", "--allow-dirty"], {
  expect: (out) =>
    out.includes("/dist/mod.js") ? null : "dist/mod.js is not in the published files",
});

console.log("\nStep times:");
for (const [label, ms] of times) console.log(`  ${label.padEnd(20)} ${(ms / 1000).toFixed(1)} s`);
if (failures.length) {
  console.log("\nFailed:");
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
