/**
 * What importing posixly adds to a cold start, in Deno and in Bun: the entry
 * point JSR serves (dist/mod.js, the plain bundle `npm run build` makes), the
 * sources' mod.ts, and platforms/mod.ts alone. Each is the median of 25 runs
 * of a program that imports it, minus the median of 25 runs of an empty
 * program (alternated, caches warm). The goal: at most 5 ms for dist/mod.js.
 */
import process from "node:process";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";

const here = dirname(fileURLToPath(import.meta.url));
const bin = (n: string): string => join(here, "..", "node_modules", ".bin", n);
const runs = process.argv.includes("--quick") ? 9 : 25;
if (!existsSync(join(here, "..", "dist", "mod.js"))) {
  throw new Error("dist/ is not built: run `npm run build` first (npm run bench does)");
}

function time(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
  return performance.now() - t0;
}
const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];

for (const runtime of ["deno", "bun"] as const) {
  const args = (f: string): string[] =>
    runtime === "deno" ? ["run", "-A", "--no-check", join(here, f)] : [join(here, f)];
  time(bin(runtime), args("_import_dist.ts")); // warm the caches
  time(bin(runtime), args("_import_mod.ts"));
  time(bin(runtime), args("_import_platforms.ts"));
  const empty: number[] = [];
  const withDist: number[] = [];
  const withMod: number[] = [];
  const withPlatforms: number[] = [];
  for (let i = 0; i < runs; i++) {
    empty.push(time(bin(runtime), args("_empty.ts")));
    withDist.push(time(bin(runtime), args("_import_dist.ts")));
    withMod.push(time(bin(runtime), args("_import_mod.ts")));
    withPlatforms.push(time(bin(runtime), args("_import_platforms.ts")));
  }
  const e = median(empty);
  const d = median(withDist);
  const m = median(withMod);
  const p = median(withPlatforms);
  console.log(
    `${runtime}: empty ${e.toFixed(1)} ms, dist/mod.js ${d.toFixed(1)} ms, ` +
      `mod.ts ${m.toFixed(1)} ms, platforms ${p.toFixed(1)} ms`,
  );
  console.log(
    "BENCH_JSON " + JSON.stringify({
      area: "import",
      runtime,
      figures: {
        "import posixly (dist/mod.js, published)": { value: Math.max(0, d - e) * 1e6, unit: "ns" },
        "import mod.ts (sources)": { value: Math.max(0, m - e) * 1e6, unit: "ns" },
        "import platforms/mod.ts (sources, no threads/)": {
          value: Math.max(0, p - e) * 1e6,
          unit: "ns",
        },
        "cold start (empty program)": { value: e * 1e6, unit: "ns" },
      },
    }),
  );
}
