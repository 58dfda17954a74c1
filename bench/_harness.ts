/**
 * Shared harness for posixly benchmarks: runs mitata quietly, prints a table
 * and one machine-readable line (`BENCH_JSON {...}`) that scripts/bench.mjs
 * collects into BENCHMARKS.md.
 *
 * Each bench file is runnable on its own:
 *   deno run -A bench/<area>.bench.ts      bun bench/<area>.bench.ts
 *   node --disable-warning=ExperimentalWarning bench/<area>.bench.ts
 */
import { bench, run } from "mitata";

/** A figure produced outside mitata (counts, one-shot timings). */
export interface Figure {
  /** Value (nanoseconds for timings unless `unit` says otherwise). */
  value: number;
  /** Unit shown in BENCHMARKS.md, e.g. "ns", "us", "ms", "count". */
  unit: string;
}

const extra: Record<string, Figure> = {};

/** Registers a mitata benchmark whose average is reported in ns per call. */
export function measure(name: string, fn: () => unknown): void {
  bench(name, fn);
}

/** Records a figure that is not a per-call timing (e.g. double holders). */
export function record(name: string, value: number, unit: string): void {
  extra[name] = { value, unit };
}

/** Runs all registered benchmarks and prints the table and the JSON line. */
export async function report(area: string): Promise<void> {
  // deno-lint-ignore no-explicit-any
  const r: any = await run({ format: "quiet" } as any);
  const out: Record<string, Figure> = {};
  for (const b of r.benchmarks) {
    const stats = b.runs[0].stats;
    out[b.alias] = { value: stats.avg, unit: "ns" };
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
