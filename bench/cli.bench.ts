/**
 * The `posixly` command against its goals, and beside Debian's
 * start-stop-daemon where `dpkg` provides it:
 * - `status` of a running program: at most one cold start + 10 ms;
 * - `start --ready exec --grace 0` to its exit: at most two cold starts + 15 ms
 *   (the launcher and the re-run that execve()s the program);
 * - `stop` of a program that exits on TERM, from its exit to stop's: at most
 *   20 ms. While stop runs, this process waits on a pidfd of the program
 *   (poll(2) wakes when it ends), then for stop's exit: the time between is
 *   that figure (an upper bound: it includes this process's wake-ups). stop's
 *   whole run minus one cold start, a looser bound, is given too.
 * "cold start" is an empty program of the same runtime, measured in the same
 * rounds; every figure is a median. Everything runs from a temporary
 * directory, and Deno with --no-config, as a command installed from JSR
 * would: this project's package.json and node_modules make Deno's own
 * start-up slower.
 *
 * Each command is measured twice: from the sources (cli/main.ts), and from
 * the bundle that `npm run build` makes (dist/cli/main.js, built here into a
 * temporary directory), which loads two modules instead of about 30. docs/internals.md ("The posixly command's speed") has the figures and what each part costs.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { libc } from "../ffi/mod.ts";
import { Pidfile } from "../platforms/pidfile.ts";
import { openPidfd, pollFds } from "../cli/wait.ts";
import { record, report } from "./_harness.ts";

/** Rounds of every command (`--quick`: 5, for a fast look). */
const ROUNDS = process.argv.includes("--quick") ? 5 : 15;
/** How this runtime runs a script (Deno: every permission, no config; Node: node:ffi's warning hidden). */
const RUN_SCRIPT: readonly string[] = "Bun" in globalThis
  ? []
  : "Deno" in globalThis
  ? ["run", "-A", "--quiet", "--no-config"]
  : ["--disable-warning=ExperimentalWarning"];
const cli = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
const nodeBin = fileURLToPath(new URL("../node_modules/.bin/node", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "posixly-bench-cli-"));
const bundleDir = join(dir, "bundle");
const built = spawnSync(nodeBin, [
  fileURLToPath(new URL("../scripts/build.mjs", import.meta.url)),
  bundleDir,
], { encoding: "utf8" });
if (built.status !== 0) throw new Error(`npm run build failed: ${built.stdout}${built.stderr}`);
const bundled = join(bundleDir, "cli", "main.js");
// An ES module, as in this repository (package.json's "type"), where Node.js would otherwise guess.
writeFileSync(join(bundleDir, "package.json"), '{ "type": "module" }\n');
// The cold start each variant is measured against: an empty program of the same kind (Node.js
// strips a .ts file's types on every run, which costs it more than the rest of a cold start).
const emptyTs = join(dir, "empty.ts");
writeFileSync(emptyTs, "");
const emptyJs = join(bundleDir, "empty.js");
writeFileSync(emptyJs, "");
const pidfile = join(dir, "app.pid");
const ssdPidfile = join(dir, "ssd.pid");
const hasSsd = spawnSync("sh", ["-c", "command -v start-stop-daemon"]).status === 0;

/** Runs a command to its exit; the ms it took (throws when it fails). */
function timed(cmd: string, args: string[], okStatus: number[] = [0]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: dir, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (!okStatus.includes(r.status ?? -1)) {
    throw new Error(`${cmd} ${args.join(" ")}: status ${r.status}: ${r.stderr}`);
  }
  return ms;
}

function runtime(script: string, args: string[] = [], ok?: number[]): number {
  return timed(process.execPath, [...RUN_SCRIPT, script, ...args], ok);
}

/**
 * Runs `stop` of `pidfile`'s program with `script`: ms of stop's whole run,
 * and from the program's end (its pidfd turns readable) to stop's exit.
 */
async function timedStop(script: string): Promise<{ whole: number; fromExit: number }> {
  const pid = new Pidfile(pidfile).readPid();
  const pidfd = pid === null ? -1 : openPidfd(pid);
  if (pidfd < 0) throw new Error(`no pidfd for the program of ${pidfile} (pid ${pid})`);
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...RUN_SCRIPT, script, "stop", "--pidfile", pidfile], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => stderr += chunk);
    const exited = new Promise<{ status: number | null; at: number }>((resolve) => {
      child.on("exit", (status) => resolve({ status, at: performance.now() }));
    });
    // Blocks this process (stop runs on its own) until the program has ended.
    if (pollFds([pidfd], 30_000, true) !== 1) throw new Error(`pid ${pid} did not end in 30 s`);
    const ended = performance.now();
    const { status, at } = await exited;
    if (status !== 0) throw new Error(`stop: status ${status}: ${stderr}`);
    return { whole: at - t0, fromExit: at - ended };
  } finally {
    libc.close(pidfd);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const VARIANTS = [["", cli, emptyTs], [" (bundle)", bundled, emptyJs]] as const;
const times = new Map<string, number[]>();
const add = (name: string, ms: number): void => {
  times.set(name, [...times.get(name) ?? [], ms]);
};
const ssd = ["--pidfile", ssdPidfile];
// Warm the runtime's caches (Deno's compiled modules) once.
for (const [, script] of VARIANTS) runtime(script, ["status", "--pidfile", pidfile], [3]);
try {
  for (let i = 0; i < ROUNDS; i++) {
    for (const [variant, script, empty] of VARIANTS) {
      add(`cold${variant}`, runtime(empty));
      const posixly = (args: string[]): number => runtime(script, args);
      add(
        `start${variant}`,
        posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]),
      );
      add(`status${variant}`, posixly(["status", "--pidfile", pidfile]));
      const { whole, fromExit } = await timedStop(script);
      add(`stop${variant}`, whole);
      add(`stop from exit${variant}`, fromExit);
    }
  }
  // In rounds of their own: start-stop-daemon's stop sleeps between its polls, and on this VM
  // the first programs after an idle second start up to 2-4x slower than the next ones. So
  // each round begins with a few untimed programs, as posixly's rounds have their commands.
  for (let i = 0; i < ROUNDS && hasSsd; i++) {
    for (let k = 0; k < 3; k++) runtime(emptyJs);
    add(
      "ssd start",
      timed("start-stop-daemon", [
        "--start",
        "--background",
        "--make-pidfile",
        ...ssd,
        "--exec",
        "/bin/sleep",
        "--",
        "60",
      ]),
    );
    add("ssd status", timed("start-stop-daemon", ["--status", ...ssd]));
    add(
      "ssd stop",
      timed("start-stop-daemon", [
        "--stop",
        "--retry",
        "TERM/10/KILL/5",
        "--remove-pidfile",
        ...ssd,
      ]),
    );
  }
} finally {
  runtime(cli, ["stop", "--pidfile", pidfile], [0, 1]);
  rmSync(dir, { recursive: true, force: true });
}

const m = (name: string): number => median(times.get(name)!);
for (const [variant] of VARIANTS) {
  const c = m(`cold${variant}`);
  record(`cold start of an empty program${variant}`, c, "ms");
  record(`status${variant} (running)`, m(`status${variant}`), "ms");
  record(`status${variant} minus one cold start (goal <= 10)`, m(`status${variant}`) - c, "ms");
  record(`start${variant} --ready exec --grace 0`, m(`start${variant}`), "ms");
  record(`start${variant} minus two cold starts (goal <= 15)`, m(`start${variant}`) - 2 * c, "ms");
  record(`stop${variant} (exits on TERM)`, m(`stop${variant}`), "ms");
  record(`stop${variant} minus one cold start (a looser bound)`, m(`stop${variant}`) - c, "ms");
  record(
    `stop${variant}: from the program's end to stop's exit (goal <= 20)`,
    m(`stop from exit${variant}`),
    "ms",
  );
}
if (hasSsd) {
  record("start-stop-daemon --start --background", m("ssd start"), "ms");
  record("start-stop-daemon --status", m("ssd status"), "ms");
  record("start-stop-daemon --stop --retry", m("ssd stop"), "ms");
} else {
  console.log(
    "BENCH_NOTE start-stop-daemon not found: no side-by-side figures for the posixly command",
  );
}
await report("cli");
