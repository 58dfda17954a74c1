/**
 * The `posixly` command against its goals, and beside Debian's
 * start-stop-daemon where `dpkg` provides it:
 * - `status` of a running program: at most one cold start + 10 ms;
 * - `start --ready exec --grace 0` to its exit: at most two cold starts + 15 ms
 *   (the launcher and the re-run that execve()s the program);
 * - `stop` of a program that exits on TERM, from its exit to stop's: at most
 *   20 ms. Measured as stop's whole run minus one cold start, an upper bound
 *   (the program exits only after stop has started and judged the pidfile).
 * "cold start" is an empty program of the same runtime, measured in the same
 * rounds; every figure is a median. Everything runs from a temporary
 * directory, and Deno with --no-config, as a command installed from JSR
 * would: this project's package.json and node_modules make Deno's own
 * start-up slower.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { record, report } from "./_harness.ts";

const ROUNDS = 15;
const isBun = "Bun" in globalThis;
const cli = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "posixly-bench-cli-"));
const empty = join(dir, "empty.ts");
writeFileSync(empty, "");
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
  const argv = isBun ? [script, ...args] : ["run", "-A", "--quiet", "--no-config", script, ...args];
  return timed(process.execPath, argv, ok);
}

const posixly = (args: string[], ok?: number[]): number => runtime(cli, args, ok);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const cold: number[] = [];
const status: number[] = [];
const start: number[] = [];
const stop: number[] = [];
const ssdStart: number[] = [];
const ssdStatus: number[] = [];
const ssdStop: number[] = [];
// Warm the runtime's caches (Deno's compiled modules) once.
posixly(["status", "--pidfile", pidfile], [3]);
try {
  for (let i = 0; i < ROUNDS; i++) {
    cold.push(runtime(empty));
    start.push(posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]));
    status.push(posixly(["status", "--pidfile", pidfile]));
    stop.push(posixly(["stop", "--pidfile", pidfile]));
    if (hasSsd) {
      const ssd = ["--pidfile", ssdPidfile];
      ssdStart.push(
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
      ssdStatus.push(timed("start-stop-daemon", ["--status", ...ssd]));
      ssdStop.push(
        timed("start-stop-daemon", [
          "--stop",
          "--retry",
          "TERM/10/KILL/5",
          "--remove-pidfile",
          ...ssd,
        ]),
      );
    }
  }
} finally {
  spawnSync(
    process.execPath,
    isBun
      ? [cli, "stop", "--pidfile", pidfile]
      : ["run", "-A", "--quiet", cli, "stop", "--pidfile", pidfile],
  );
  rmSync(dir, { recursive: true, force: true });
}

const c = median(cold);
record("cold start of an empty program", c, "ms");
record("status (running)", median(status), "ms");
record("status minus one cold start (goal <= 10)", median(status) - c, "ms");
record("start --ready exec --grace 0", median(start), "ms");
record("start minus two cold starts (goal <= 15)", median(start) - 2 * c, "ms");
record("stop (exits on TERM)", median(stop), "ms");
record("stop minus one cold start (goal <= 20)", median(stop) - c, "ms");
if (hasSsd) {
  record("start-stop-daemon --start --background", median(ssdStart), "ms");
  record("start-stop-daemon --status", median(ssdStatus), "ms");
  record("start-stop-daemon --stop --retry", median(ssdStop), "ms");
} else {
  console.log(
    "BENCH_NOTE start-stop-daemon not found: no side-by-side figures for the posixly command",
  );
}
await report("cli");
