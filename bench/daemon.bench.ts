/**
 * Daemonizing: from a program's call of `detached()` (its first line) to its
 * launcher's exit with the daemon ready ("detach to ready"), and the same
 * minus the cold start of an empty program in the same runtime. Goal: at
 * most one cold runtime start plus 10 ms. The program imports posixly as JSR
 * serves it (dist/mod.js, the bundle); the "(sources)" rows are the same
 * program importing mod.ts, measured in rounds of their own with their own
 * cold start (a daemon of ~35 modules, run between the others, slowed the
 * next cold start and detach by 1-2 ms in Bun). "launcher total" also counts
 * the launcher's own start and import.
 * "floor" is the same figure for bench/_detach_floor.ts, which detaches with
 * the runtime's FFI alone (posix_spawn + a ready byte: no posixly, no checks,
 * no pidfile), measured in the same rounds: what the runtime itself costs;
 * "floor importing posixly" adds only the import of dist/mod.js to both processes.
 * Every program, the floor's copy too, runs from a temporary directory, so
 * that no runtime reads this project's deno.json, package.json or tsconfig.json.
 * Node.js runs them as `.mjs` files (the floor with its types stripped first):
 * a `.ts` program would load Node's type stripper at every start, which a
 * published program does not.
 * Each round waits until the previous daemons are gone.
 * Celery's counterpart: bench/daemon_celery.py.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { DaemonContext, processIsZombie } from "../mod.ts";
import { measure, record, report } from "./_harness.ts";

// Medians of 31 rounds: on this 2-core VM a wake-up after a pipe write or an
// exit takes ~0.1 ms or ~2.5 ms about half the time each, and a median of 15
// moved by 1-3 ms from one run to the next (same code).
// `--rounds=N` (and `--idle-rounds=N`) for a quick look, or `--quick` (7 and 3); the
// figures then move more.
const flag = (name: string): number | undefined => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : Number(arg.slice(name.length + 3));
};
const quick = process.argv.includes("--quick");
const ROUNDS = flag("rounds") ?? (quick ? 7 : 31);
// The same figure after the machine was idle for a while (a second here, before each
// run): on this VM everything then runs slower, the empty program's cold start too, by
// 1.3-4x from one run to the next. The other rounds run back to back, as Celery's do.
const IDLE_MS = 1000;
const IDLE_ROUNDS = flag("idle-rounds") ?? (quick ? 3 : 15);
const isBun = "Bun" in globalThis;
const isNode = !isBun && !("Deno" in globalThis);
const dir = mkdtempSync(join(tmpdir(), "posixly-bench-daemon-"));
const ext = isNode ? ".mjs" : ".ts";
const program = join(dir, `program${ext}`);
const programFromSources = join(dir, `program_sources${ext}`);
const empty = join(dir, `empty${ext}`);
const floor = join(dir, `floor${ext}`);
const floorText = readFileSync(new URL("./_detach_floor.ts", import.meta.url), "utf8").replace(
  `import("../dist/mod.js")`,
  `import(${JSON.stringify(new URL("../dist/mod.js", import.meta.url).href)})`,
);
writeFileSync(
  floor,
  isNode ? (await import("node:module")).stripTypeScriptTypes(floorText) : floorText,
);
// The program is as lean as a real one can be: posixly and nothing else (node:fs or
// node:process would add Deno's Node-compatibility start-up to both processes).
// Its print of the start time is the instrument's own cost, inside the measured time in
// both processes (the daemon runs it too), so it prints the cheapest way each runtime
// has: a first console.log costs Deno ~0.4 ms and Deno.stdout.writeSync ~0.2 ms; Bun's
// console.log ~0.14 ms (its first process.stdout.write ~12 ms).
const programText = (lib: string): string =>
  `import { detached, signals } from ${JSON.stringify(new URL(lib, import.meta.url).href)};
const g = globalThis;
const pidfile = g.Deno && !g.Bun ? g.Deno.args[0] : g.process.argv[2];
const start = performance.timeOrigin + performance.now();
if (g.Deno && !g.Bun) g.Deno.stdout.writeSync(new TextEncoder().encode(start + "\\n"));
else console.log(start);
const ctx = await detached({ pidfile });
signals.set("TERM", () => {
  ctx.close();
  if (g.Deno && !g.Bun) g.Deno.exit(0);
  else g.process.exit(0);
});
setInterval(() => {}, 1 << 30);
`;
writeFileSync(program, programText("../dist/mod.js"));
writeFileSync(programFromSources, programText("../mod.ts"));
writeFileSync(empty, "");

/** Runs a script to its exit: [ms it took, its stdout, the time it exited]. */
function run(script: string, args: string[] = []): [number, string, number] {
  const argv = isBun
    ? [script, ...args]
    : isNode
    ? ["--disable-warning=ExperimentalWarning", script, ...args]
    : ["run", "-A", "--quiet", script, ...args];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const t1 = performance.now();
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status}`);
  return [t1 - t0, r.stdout, performance.timeOrigin + t1];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Stops the daemon and waits until it is gone: a daemon still exiting would
 * take CPU from the next round. A SIGTERM that comes before the program has
 * set its handler (the daemon's `detached()` resolves only once the launcher
 * has exited) ends the daemon at once and leaves its pidfile, stale: it is
 * removed here, so that waiting for it never idles the machine.
 */
async function stopDaemon(pidfile: string): Promise<void> {
  const pid = Number(readFileSync(pidfile, "utf8").split("\n")[0]);
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 500 && isAlive(pid); i++) await sleep(5);
  rmSync(pidfile, { force: true });
}

/**
 * Whether the process still runs. A zombie does not: the daemons' parent is
 * pid 1 (or a subreaper), which may take a second or two to reap them, and
 * waiting for that would leave the machine idle before every round (see IDLE_MS).
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !processIsZombie(pid);
}

/**
 * Runs bench/_detach_floor.ts once and stops its child (it handles no signal:
 * SIGTERM ends it); returns ms from the start of detaching to the launcher's exit.
 */
async function runFloor(args: string[] = []): Promise<number> {
  const [, stdout, exited] = run(floor, args);
  const [start, child] = stdout.trim().split("\n").map(Number);
  process.kill(child, "SIGTERM");
  for (let i = 0; i < 500 && isAlive(child); i++) await sleep(5);
  return exited - start;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const totals: number[] = [];
const colds: number[] = [];
const calls: number[] = [];
const sourceCalls: number[] = [];
const sourceColds: number[] = [];
const idleCalls: number[] = [];
const idleColds: number[] = [];
const floors: number[] = [];
const importFloors: number[] = [];
/** Runs `script`'s launcher and stops its daemon: [ms it took, ms from detached() to its exit]. */
async function detachOnce(script: string, pidfile: string): Promise<[number, number]> {
  const [total, stdout, exited] = run(script, [pidfile]);
  await stopDaemon(pidfile);
  // the launcher printed when it called detached() (the daemon's stdout is /dev/null)
  return [total, exited - Number(stdout.trim().split("\n")[0])];
}
try {
  for (let i = -2; i < ROUNDS; i++) { // two warm-up rounds fill the module caches
    const pidfile = join(dir, `d${i}.pid`);
    const [total, call] = await detachOnce(program, pidfile);
    const floorMs = await runFloor();
    const importFloorMs = await runFloor(["--import-posixly"]);
    const [cold] = run(empty);
    if (i >= 0) {
      totals.push(total);
      colds.push(cold);
      calls.push(call);
      floors.push(floorMs);
      importFloors.push(importFloorMs);
    }
  }
  for (let i = -2; i < ROUNDS; i++) {
    const [, call] = await detachOnce(programFromSources, join(dir, `s${i}.pid`));
    const [cold] = run(empty);
    if (i >= 0) {
      sourceCalls.push(call);
      sourceColds.push(cold);
    }
  }
  for (let i = -1; i < IDLE_ROUNDS; i++) {
    await sleep(IDLE_MS);
    const [, call] = await detachOnce(program, join(dir, `i${i}.pid`));
    await sleep(IDLE_MS);
    const [cold] = run(empty);
    if (i >= 0) {
      idleCalls.push(call);
      idleColds.push(cold);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const total = median(totals);
const cold = median(colds);
const call = median(calls);
const sourceCall = median(sourceCalls);
const floorCall = median(floors);
const importFloor = median(importFloors);
// The figure: from calling detached() to the launcher's exit with the daemon
// ready (Celery's counterpart: detached() to pidfile written). Goal: <= cold start + 10 ms.
record("detach to ready", call * 1e6, "ns");
record("cold start", cold * 1e6, "ns");
record("detach to ready minus cold start", (call - cold) * 1e6, "ns");
record("launcher total (program start to exit)", total * 1e6, "ns");
record(
  "detach to ready minus cold start (sources)",
  (sourceCall - median(sourceColds)) * 1e6,
  "ns",
);
record(`detach to ready, each after ${IDLE_MS / 1000} s idle`, median(idleCalls) * 1e6, "ns");
record(`cold start after ${IDLE_MS / 1000} s idle`, median(idleColds) * 1e6, "ns");
record("floor: bare posix_spawn + ready byte, no posixly", floorCall * 1e6, "ns");
record("floor minus cold start", (floorCall - cold) * 1e6, "ns");
record("floor importing posixly", importFloor * 1e6, "ns");
record("floor importing posixly minus cold start", (importFloor - cold) * 1e6, "ns");
if (isNode) {
  console.log(
    "BENCH_NOTE daemon: in Node.js the (sources) row also counts stripping the types of the " +
      "sources' .ts files, in the launcher and again in the daemon.",
  );
}
console.log(
  `BENCH_NOTE daemon: the rounds run back to back, as bench/daemon_celery.py's do. The rows "each after ${
    IDLE_MS / 1000
  } s idle" wait that long before each run: on this VM a program started after a pause runs 1.3-4x slower than one started right after another, the empty program too, by an amount that changes from run to run, so the two are given as they are, not one minus the other.`,
);
measure("new DaemonContext()", () => new DaemonContext({ umask: "027", pidfile: "/tmp/x.pid" }));
await report("daemon");
