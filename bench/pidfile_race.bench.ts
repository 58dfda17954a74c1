/**
 * The pidfile race: PROCS processes of this runtime (default 32) call
 * `createPidlock` on one path at once, TRIALS times (default 1000) per
 * starting state: clean, stale (a dead pid), empty, garbage. Each trial the
 * processes wait for one shared instant (plus a random jitter of up to 0,
 * 0.05, 0.1 or 0.2 ms, cycling), then race. A winner keeps
 * the lock until every process has answered, so two winners in one trial
 * held it at the same time; each winner also checks with an O_EXCL marker.
 *
 *   deno run -A bench/pidfile_race.bench.ts [TRIALS] [PROCS]
 *   bun bench/pidfile_race.bench.ts [TRIALS] [PROCS]
 *   node --disable-warning=ExperimentalWarning bench/pidfile_race.bench.ts [TRIALS] [PROCS]
 *
 * Prints `BENCH_JSON` with "race double holders <state>" (count),
 * "race no holder <state>" (count) and "race trials" (count).
 * bench/pidfile_race_celery.py does the same with Celery 5.2.6.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createPidlock, LockFailed, type Pidfile } from "../mod.ts";
import { LineWorker } from "../tests/_util.ts";

const STATES = ["clean", "stale", "empty", "garbage"] as const;
/** Start-time jitters (ms), cycled over the trials: collisions at many phases. */
const JITTERS = [0, 0.05, 0.1, 0.2];
type State = (typeof STATES)[number];

function worker(path: string): void {
  const marker = `${path}.holder`;
  let held: Pidfile | null = null;
  let alone = false;
  let buffered = "";
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const reply = (s: string) => process.stdout.write(s + "\n");
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const [cmd, at, jitter] = buffered.slice(0, nl).split(" ");
      buffered = buffered.slice(nl + 1);
      if (cmd === "go") {
        // Start together: nap, then spin until the coordinator's start time
        // plus a random jitter (collisions at many phases; a spinning crowd
        // also gets preempted mid-call, as on a loaded host).
        const end = Number(at) - performance.timeOrigin + Math.random() * Number(jitter);
        const nap = end - performance.now() - 3;
        if (nap > 0) Atomics.wait(pause, 0, 0, nap);
        while (performance.now() < end) { /* spin */ }
        try {
          held = createPidlock(path);
          try {
            closeSync(openSync(marker, "wx"));
            alone = true;
          } catch {
            alone = false;
          }
          reply(alone ? "won" : "double");
        } catch (e) {
          reply(e instanceof LockFailed ? "lost" : `error ${String(e).replaceAll("\n", " ")}`);
        }
      } else if (cmd === "release") {
        if (held) {
          if (alone) unlinkSync(marker);
          held.release();
          held = null;
        }
        reply("released");
      }
    }
  });
  process.stdin.on("end", () => process.exit(0));
  reply("ready");
}

function prepare(path: string, state: State, dead: number): void {
  if (existsSync(path)) unlinkSync(path);
  if (state === "stale") writeFileSync(path, `${dead}\n`);
  if (state === "empty") writeFileSync(path, "");
  if (state === "garbage") writeFileSync(path, "eighteen\n\u00ff\n");
}

async function main(trials: number, procs: number): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), "posixly-race-bench-"));
  const path = join(dir, "race.pid");
  const workers = Array.from(
    { length: procs },
    () => new LineWorker(self, ["--worker", path]),
  );
  await Promise.all(workers.map((w) => w.next()));
  const figures: Record<string, { value: number; unit: string }> = {};
  const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";
  const dead = spawnSync("true").pid!;
  // Every process spins until the same instant, then races.
  const startDelay = Math.max(10, procs);
  for (const state of STATES) {
    let doubles = 0;
    let none = 0;
    let errors = 0;
    const t0 = performance.now();
    for (let t = 0; t < trials; t++) {
      prepare(path, state, dead);
      const at = performance.timeOrigin + performance.now() + startDelay;
      const jitter = JITTERS[t % JITTERS.length];
      for (const w of workers) w.send(`go ${at} ${jitter}`);
      const replies = await Promise.all(workers.map((w) => w.next()));
      const won = replies.filter((r) => r === "won" || r === "double").length;
      if (won > 1 || replies.includes("double")) doubles++;
      if (won === 0) none++;
      errors += replies.filter((r) => r.startsWith("error")).length;
      for (const w of workers) w.send("release");
      await Promise.all(workers.map((w) => w.next()));
    }
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(
      `pidfile ${runtime} race ${state}: ${doubles} double holders, ${none} without holder, ` +
        `${errors} errors in ${trials} trials x ${procs} processes (${secs} s)`,
    );
    figures[`race double holders ${state}`] = { value: doubles, unit: "count" };
    figures[`race no holder ${state}`] = { value: none, unit: "count" };
  }
  figures["race trials"] = { value: trials, unit: "count" };
  for (const w of workers) w.end();
  rmSync(dir, { recursive: true, force: true });
  console.log("BENCH_JSON " + JSON.stringify({ area: "pidfile", runtime, figures }));
}

// --quick (from `npm run bench -- --quick`): 100 trials per state.
const quick = process.argv.includes("--quick");
const argv = process.argv.slice(2).filter((a) => a !== "--quick");
if (argv[0] === "--worker") {
  worker(argv[1]);
} else {
  const trials = Number(argv[0] ?? (quick ? 100 : 1000));
  const procs = Number(argv[1] ?? 32);
  if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(procs) || procs < 2) {
    console.error("usage: pidfile_race.bench.ts [TRIALS>=1] [PROCS>=2]");
    process.exit(64);
  }
  await main(trials, procs);
}
