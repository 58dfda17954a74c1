/**
 * Daemonizing: from starting a program whose first line calls `detached()`
 * to its launcher's exit with the daemon ready ("launcher total"), minus the
 * cold start of an empty program in the same runtime ("cold start"): that is
 * "detach to ready". Goal: at most one cold runtime start plus 10 ms.
 * "detached() call to ready" leaves out the launcher's own start and import.
 * Celery's counterpart: bench/daemon_celery.py.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { DaemonContext } from "../mod.ts";
import { measure, record, report } from "./_harness.ts";

const ROUNDS = 15;
const isBun = "Bun" in globalThis;
const dir = mkdtempSync(join(tmpdir(), "posixly-bench-daemon-"));
const lib = new URL("../mod.ts", import.meta.url).href;
const program = join(dir, "program.ts");
const empty = join(dir, "empty.ts");
writeFileSync(
  program,
  `import { detached } from ${JSON.stringify(lib)};
import process from "node:process";
import { appendFileSync } from "node:fs";
appendFileSync(process.argv[3], \`\${performance.timeOrigin + performance.now()}\\n\`);
const ctx = await detached({ pidfile: process.argv[2] });
process.on("SIGTERM", () => {
  ctx.close();
  process.exit(0);
});
setInterval(() => {}, 1 << 30);
`,
);
writeFileSync(empty, "");

function run(script: string, args: string[] = []): number {
  const argv = isBun ? [script, ...args] : ["run", "-A", "--quiet", script, ...args];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { stdio: ["ignore", "ignore", "inherit"] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status}`);
  return ms;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function stopDaemon(pidfile: string): Promise<void> {
  const pid = Number(readFileSync(pidfile, "utf8").split("\n")[0]);
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 500 && existsSync(pidfile); i++) await sleep(5);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const totals: number[] = [];
const colds: number[] = [];
const calls: number[] = [];
try {
  for (let i = -2; i < ROUNDS; i++) { // two warm-up rounds fill the module caches
    const pidfile = join(dir, `d${i}.pid`);
    const stamps = join(dir, `d${i}.t`);
    const total = run(program, [pidfile, stamps]);
    const exited = performance.timeOrigin + performance.now();
    await stopDaemon(pidfile);
    const cold = run(empty);
    if (i >= 0) {
      totals.push(total);
      colds.push(cold);
      // the launcher's line comes first (the daemon writes its own later)
      calls.push(exited - Number(readFileSync(stamps, "utf8").split("\n")[0]));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const total = median(totals);
const cold = median(colds);
record("launcher total", total * 1e6, "ns");
record("cold start", cold * 1e6, "ns");
record("detach to ready", (total - cold) * 1e6, "ns");
// From the launcher calling detached() to its exit: Celery's "detached() to pidfile written".
record("detached() call to ready", median(calls) * 1e6, "ns");
measure("new DaemonContext()", () => new DaemonContext({ umask: "027", pidfile: "/tmp/x.pid" }));
await report("daemon");
