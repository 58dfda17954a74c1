/**
 * Shared harness for posixly benchmarks: runs mitata quietly, prints a table
 * and one machine-readable line (`BENCH_JSON {...}`) that scripts/bench.mjs
 * collects into BENCHMARKS.md.
 *
 * Each bench file is runnable on its own:
 *   deno run -A bench/<area>.bench.ts      bun bench/<area>.bench.ts
 *   node --disable-warning=ExperimentalWarning bench/<area>.bench.ts
 */
import { measure as mitataMeasure } from "mitata";

/** A figure produced outside mitata (counts, one-shot timings). */
export interface Figure {
  /** Value (nanoseconds for timings unless `unit` says otherwise). */
  value: number;
  /** Unit shown in BENCHMARKS.md, e.g. "ns", "us", "ms", "count". */
  unit: string;
}

const extra: Record<string, Figure> = {};
const benchmarks: [string, () => unknown][] = [];

/** Registers a mitata benchmark whose average is reported in ns per call. */
export function measure(name: string, fn: () => unknown): void {
  benchmarks.push([name, fn]);
}

/**
 * Whether mitata should time `fn` in batches of calls (one clock read per
 * 4,096 calls) rather than one call at a time. mitata decides this itself from
 * the very first calls, and a single slow one among them (a garbage
 * collection left by the benchmark before, a compile) made it time a fast
 * function call by call, adding a clock read to each: the same code measured
 * 2-8x slower in one process out of several. The median of 64 calls decides
 * here instead, against mitata's own threshold.
 */
async function fastEnoughToBatch(fn: () => unknown): Promise<boolean> {
  const times: number[] = [];
  for (let i = 0; i < 64; i++) {
    const t0 = performance.now();
    const result = fn();
    if (result instanceof Promise) await result;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] * 1e6 <= 65_536; // mitata's batch threshold, in ns
}

/** Records a figure that is not a per-call timing (e.g. double holders). */
export function record(name: string, value: number, unit: string): void {
  extra[name] = { value, unit };
}

/** Runs all registered benchmarks and prints the table and the JSON line. */
export async function report(area: string): Promise<void> {
  const out: Record<string, Figure> = {};
  for (const [name, fn] of benchmarks) {
    const batch = await fastEnoughToBatch(fn);
    const stats = await mitataMeasure(fn, {
      warmup_threshold: Infinity,
      batch_threshold: batch ? Infinity : -1,
    });
    out[name] = { value: stats.avg, unit: "ns" };
  }
  Object.assign(out, extra);
  const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";
  for (const [k, v] of Object.entries(out)) {
    console.log(
      `${area} ${runtime} ${k}: ${v.value.toFixed(v.unit === "count" ? 0 : 2)} ${v.unit}`,
    );
  }
  console.log("BENCH_JSON " + JSON.stringify({ area, runtime, figures: out }));
}
