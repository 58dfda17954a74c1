#!/usr/bin/env node
// `npm run test:platforms`: the Bun suite on the Linux platforms this machine
// does not run natively, and posixly's tables against their C headers:
//   - x86-64 musl: the npm build of Bun for musl, on Debian's musl, with
//     Debian's glibc libstdc++ and a small shim (scripts/test_platforms_musl_shim.c);
//     an approximation of Alpine.
//   - arm64 glibc: the npm build of Bun for arm64, under qemu-user
//     (binfmt_misc), on Debian's arm64 glibc (libc6-arm64-cross).
//   - scripts/check_tables.ts for glibc x86-64, musl x86-64 and glibc arm64.
// It sets up what it needs, idempotently: Debian packages with apt-get (root)
// and the two Bun builds (the version package.json pins) with npm, in a
// cache folder outside the tree: $POSIXLY_PLATFORMS_CACHE, else
// /var/cache/posixly-platforms as root (the suite runs the runtime as
// `nobody` too, who cannot enter /root), else ${XDG_CACHE_HOME:-~/.cache}/posixly-platforms.
//
//   node scripts/test_platforms.mjs [musl] [arm64] [tables]   all, or only these
//   node scripts/test_platforms.mjs --can-run   exit 0 if this machine can run it, else say why
//
// The last line is "N passed, N failed, N skipped": every test of both runs,
// plus one per table checked.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { countJunit } from "./junit.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const isRoot = process.getuid?.() === 0;
const cache = process.env.POSIXLY_PLATFORMS_CACHE ??
  (isRoot
    ? "/var/cache/posixly-platforms"
    : join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "posixly-platforms"));
const bunVersion = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
  .devDependencies.bun;
const APT_PACKAGES = [
  "musl",
  "musl-tools",
  "qemu-user-static",
  "libc6-arm64-cross",
  "gcc-aarch64-linux-gnu",
  "libc6-dev-arm64-cross",
  "gcc",
];
const muslLib = join(cache, "musl-lib");
const BUN = {
  musl: { pkg: "@oven/bun-linux-x64-musl", env: { LD_LIBRARY_PATH: muslLib } },
  arm64: { pkg: "@oven/bun-linux-aarch64", env: { QEMU_LD_PREFIX: "/usr/aarch64-linux-gnu" } },
};
const BINFMT = "/proc/sys/fs/binfmt_misc";
const results = join(root, ".test-results");

const bunPath = (which) => join(cache, "node_modules", BUN[which].pkg, "bin", "bun");
const sh = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, { encoding: "utf8", ...opts, env: { ...process.env, ...opts.env } });

/** Runs a command with its output shown; returns its exit status (null when a signal ended it). */
function run(label, cmd, args, opts = {}) {
  console.log(`\n== ${label}: ${[cmd, ...args].join(" ")}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: "inherit",
    timeout: opts.timeout ?? 10 * 60_000,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
  });
  console.log(
    `== ${label}: ${r.status === 0 ? "ok" : `FAILED (status ${r.status}, signal ${r.signal})`} in ${
      Date.now() - t0
    } ms`,
  );
  return r.status;
}

// ---- what the machine allows ----

function missingPackages() {
  const r = sh("dpkg-query", ["-W", "-f", "${Package} ${db:Status-Status}\n", ...APT_PACKAGES]);
  const installed = new Set(
    r.stdout.split("\n").filter((l) => l.endsWith(" installed")).map((l) => l.split(" ")[0]),
  );
  return APT_PACKAGES.filter((p) => !installed.has(p));
}

/** Why this machine cannot run the platforms, or null when it can. */
function cannotRun() {
  if (process.platform !== "linux") return `not Linux (${process.platform})`;
  const machine = sh("uname", ["-m"]).stdout.trim();
  if (machine !== "x86_64") return `the kernel is ${machine}, not x86_64`;
  if (!existsSync("/usr/bin/dpkg-query")) return "not a Debian system (no dpkg-query)";
  if (!isRoot && missingPackages().length) {
    return `not root, and apt-get must install ${missingPackages().join(" ")}`;
  }
  if (!existsSync(join(BINFMT, "qemu-aarch64"))) {
    if (!isRoot) return `not root, and qemu-aarch64 is not registered in ${BINFMT}`;
    if (!existsSync(join(BINFMT, "register"))) {
      const r = sh("mount", ["-t", "binfmt_misc", "binfmt_misc", BINFMT]);
      if (r.status !== 0) return `binfmt_misc cannot be mounted: ${r.stderr.trim()}`;
    }
  }
  return null;
}

// ---- set-up (idempotent) ----

function setUpApt() {
  const missing = missingPackages();
  if (!missing.length) return;
  console.log(`== apt-get: installing ${missing.join(" ")}`);
  const apt = (args) => {
    const r = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=600", ...args], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed`);
  };
  apt(["update", "-q"]);
  apt(["install", "-y", "-q", "--no-install-recommends", ...missing]);
}

function setUpBun() {
  const wanted = Object.values(BUN).map((b) => b.pkg);
  const installed = (pkg) => {
    const manifest = join(cache, "node_modules", pkg, "package.json");
    return existsSync(manifest) &&
      JSON.parse(readFileSync(manifest, "utf8")).version === bunVersion;
  };
  if (wanted.every(installed)) return;
  mkdirSync(cache, { recursive: true });
  // --force: npm refuses packages for another CPU or C library than its own.
  const args = ["install", "--prefix", cache, "--no-save", "--no-audit", "--no-fund", "--force"];
  console.log(`== npm ${args.join(" ")} (Bun ${bunVersion})`);
  const r = spawnSync("npm", [...args, ...wanted.map((p) => `${p}@${bunVersion}`)], {
    stdio: "inherit",
  });
  if (r.status !== 0 || !wanted.every(installed)) throw new Error("npm install failed");
}

/** Where ldconfig finds an x86-64 glibc library. */
function glibcLibrary(name) {
  const line = sh("ldconfig", ["-p"]).stdout.split("\n")
    .find((l) => l.trim().startsWith(`${name} (libc6,x86-64)`));
  if (!line) throw new Error(`ldconfig -p does not list ${name} (libc6,x86-64)`);
  return line.split(" => ")[1].trim();
}

function setUpMusl() {
  mkdirSync(muslLib, { recursive: true });
  for (const name of ["libstdc++.so.6", "libgcc_s.so.1"]) {
    const link = join(muslLib, name);
    rmSync(link, { force: true });
    symlinkSync(glibcLibrary(name), link);
  }
  const source = join(root, "scripts", "test_platforms_musl_shim.c");
  const shim = join(muslLib, "ld-linux-x86-64.so.2");
  if (existsSync(shim) && statSync(shim).mtimeMs > statSync(source).mtimeMs) return;
  const r = sh("musl-gcc", ["-O2", "-Wall", "-shared", "-fPIC", "-o", shim, source]);
  if (r.status !== 0) throw new Error(`musl-gcc failed building the shim:\n${r.stderr}`);
}

function setUpBinfmt() {
  const entry = join(BINFMT, "qemu-aarch64");
  if (!existsSync(entry)) {
    // Debian's qemu-user-static ships the registration line; systemd-binfmt
    // would write it at boot, which a container or a fresh install has not done.
    const line = readFileSync("/usr/lib/binfmt.d/qemu-aarch64.conf", "utf8")
      .split("\n").find((l) => l.startsWith(":"));
    writeFileSync(join(BINFMT, "register"), line);
  }
  if (!readFileSync(entry, "utf8").startsWith("enabled")) {
    throw new Error(`${entry} is registered but disabled`);
  }
}

/** A check that the runtime starts and posixly sees the platform it should. */
function checkPlatform(which, expected) {
  const probe = "import { platform } from './ffi/platform.ts';" +
    "import { readFileSync } from 'node:fs';" +
    "const libs = readFileSync('/proc/self/maps', 'utf8').match(/\\S*lib\\S*\\.so\\S*/g);" +
    "console.log(JSON.stringify({ arch: platform.arch, libc: platform.libc," +
    " mapped: [...new Set(libs)] }));";
  const r = sh(bunPath(which), ["-e", probe], { cwd: root, env: BUN[which].env });
  if (r.status !== 0) throw new Error(`the ${which} Bun does not start:\n${r.stderr}`);
  const seen = JSON.parse(r.stdout);
  console.log(
    `== ${which}: posixly sees ${seen.arch} ${seen.libc}; mapped: ${seen.mapped.join(" ")}`,
  );
  if (seen.arch !== expected.arch || seen.libc !== expected.libc) {
    throw new Error(`posixly should see ${expected.arch} ${expected.libc}`);
  }
  if (which === "musl" && seen.mapped.some((path) => path.endsWith("/libc.so.6"))) {
    throw new Error("glibc's libc.so.6 is mapped in the musl process");
  }
}

/** The path from / to the cache must be open to other users (tests run the runtime as nobody). */
function warnIfClosed() {
  for (let dir = cache; dir !== "/"; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      console.log(`== warning: ${dir} is closed to other users: tests that run Bun as nobody fail`);
      return;
    }
  }
}

// ---- counting (as scripts/test.mjs does) ----

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

/** countJunit's counts, with each failed case added to the failures listed at the end. */
function countJunitOf(file, label) {
  const r = countJunit(file);
  for (const name of r?.failedNames ?? []) failures.push(`${label}: ${name}`);
  return r;
}

/** The test files, as `bun test` finds them. */
function testFiles() {
  return readdirSync(join(root, "tests")).filter((f) => /_test\.ts$/.test(f)).sort()
    .map((f) => `tests/${f}`);
}

/**
 * How long one test file may run under qemu-user, and how often it is run
 * again when it ran out of that time. qemu-user's fork of a multi-threaded
 * process has once hung a spawned child between its fork and its exec (a
 * futex of the emulator, not posixly: see docs/platforms.md, "arm64: qemu-user"); a
 * hung synchronous spawn blocks `bun test` itself, which no test timeout
 * ends. A file that times out is killed with what it started and run once
 * more; a file whose tests fail is not.
 */
const EMULATED_FILE_TIMEOUT_S = 480;
const EMULATED_RETRIES = 1;

/**
 * Bun's suite on `which`: one `bun test tests/`, or under emulation (arm64)
 * one `bun test` per file, each under timeout(1) (which signals the file's
 * whole process group: TERM, KILL 10 s later) and run again when it ran out
 * of time (see {@link EMULATED_FILE_TIMEOUT_S}).
 */
function bunSuite(which) {
  const emulated = which === "arm64";
  const dir = join(results, `bun-${which}`);
  if (emulated) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const runs = emulated
    ? testFiles().map((file) => [file, join(dir, `${basename(file, ".ts")}.xml`)])
    : [["tests/", join(results, `bun-${which}.xml`)]];
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const [target, junit] of runs) {
    const label = emulated ? `bun ${which} ${target}` : `bun ${which}`;
    const bunTest = [
      bunPath(which),
      "test",
      "--timeout",
      "120000",
      "--reporter=junit",
      `--reporter-outfile=${junit}`,
      target,
    ];
    let status;
    for (let attempt = 0;; attempt++) {
      rmSync(junit, { force: true });
      status = emulated
        ? run(label, "timeout", ["-k", "10", String(EMULATED_FILE_TIMEOUT_S), ...bunTest], {
          env: BUN[which].env,
          timeout: (EMULATED_FILE_TIMEOUT_S + 60) * 1000,
        })
        : run(label, bunTest[0], bunTest.slice(1), { env: BUN[which].env, timeout: 20 * 60_000 });
      const timedOut = emulated && (status === 124 || status === 137);
      if (!timedOut) break;
      const again = attempt < EMULATED_RETRIES;
      console.log(
        `== ${label}: ran out of its ${EMULATED_FILE_TIMEOUT_S} s${
          again ? ": running it again" : ""
        }`,
      );
      if (!again) break;
    }
    const counts = countJunitOf(junit, `bun ${which}`);
    for (const key of ["passed", "failed", "skipped"]) total[key] += counts?.[key] ?? 0;
    if (status !== 0 && (!counts || counts.failed === 0)) {
      failed++;
      failures.push(`${label}: runner exited non-zero (status ${status})`);
    }
  }
  passed += total.passed;
  failed += total.failed;
  skipped += total.skipped;
  console.log(
    `== bun ${which}: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`,
  );
}

function tables() {
  console.log("\n== tables: scripts/check_tables.ts");
  const r = spawnSync(join(root, "node_modules", ".bin", "deno"), [
    "run",
    "-A",
    "--no-check",
    "scripts/check_tables.ts",
  ], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(r.stdout);
  const m = r.stdout.trim().split("\n").pop().match(/^(\d+) passed, (\d+) failed, (\d+) skipped$/);
  if (!m) {
    failed++;
    failures.push("tables: no counts (the check did not finish)");
    return;
  }
  passed += Number(m[1]);
  failed += Number(m[2]);
  skipped += Number(m[3]);
  if (Number(m[2])) failures.push("tables: see DIFFERS above");
}

// ---- main ----

const args = process.argv.slice(2);
if (args.includes("--can-run")) {
  const why = cannotRun();
  console.log(why ?? "yes");
  process.exit(why ? 1 : 0);
}
const want = (step) => args.length === 0 || args.includes(step);
const why = cannotRun();
if (why) {
  console.log(`test:platforms cannot run on this machine: ${why}`);
  console.log("0 passed, 1 failed, 0 skipped");
  process.exit(1);
}
const t0 = Date.now();
try {
  console.log(`== set-up in ${cache}`);
  setUpApt();
  setUpBun();
  setUpMusl();
  setUpBinfmt();
  warnIfClosed();
  checkPlatform("musl", { arch: "x86_64", libc: "musl" });
  checkPlatform("arm64", { arch: "aarch64", libc: "glibc" });
} catch (e) {
  console.log(`\n== set-up FAILED: ${e.message}`);
  console.log("0 passed, 1 failed, 0 skipped");
  process.exit(1);
}
mkdirSync(results, { recursive: true });
if (want("musl")) bunSuite("musl");
if (want("arm64")) bunSuite("arm64");
if (want("tables")) tables();

if (failures.length) {
  console.log("\nFailed:");
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`\n(test:platforms took ${Math.round((Date.now() - t0) / 1000)} s)`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
