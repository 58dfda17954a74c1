/**
 * What importing posixly adds to a cold start, in Deno, Bun and Node.js: the
 * entry point JSR serves (dist/mod.js, the plain bundle `npm run build`
 * makes), dist/platforms/mod.js (the FFI side, without threads/), and the
 * sources' mod.ts and platforms/mod.ts. Each is the median of 25 runs of a
 * program that imports it and uses nothing, minus the median of 25 runs of
 * an empty program (alternated, caches warm). The goal: at most 5 ms for
 * dist/mod.js.
 *
 * The programs are `.mjs` files in a temporary directory, as a user's program
 * is neither TypeScript nor inside this project: no runtime reads this
 * project's deno.json or package.json, and Node.js does not load its type
 * stripper for the program itself (it does for the sources' `.ts` files,
 * which the "(sources)" rows count).
 *
 *   node bench/import_cost.ts [--quick]       (any of the three runs it)
 */
import process from "node:process";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (n: string): string => join(root, "node_modules", ".bin", n);
const runs = process.argv.includes("--quick") ? 9 : 25;
if (!existsSync(join(root, "dist", "mod.js"))) {
  throw new Error("dist/ is not built: run `npm run build` first (npm run bench does)");
}

/** Row name -> the module its program imports (from the repository's root). */
const IMPORTS = {
  "import posixly (dist/mod.js, published)": "dist/mod.js",
  "import dist/platforms/mod.js (no threads/)": "dist/platforms/mod.js",
  "import mod.ts (sources)": "mod.ts",
  "import platforms/mod.ts (sources, no threads/)": "platforms/mod.ts",
};

const dir = mkdtempSync(join(tmpdir(), "posixly-bench-import-"));
const empty = join(dir, "empty.mjs");
writeFileSync(empty, "");
const programs = Object.entries(IMPORTS).map(([row, module], i) => {
  const file = join(dir, `import${i}.mjs`);
  const url = pathToFileURL(join(root, module)).href;
  writeFileSync(
    file,
    `import * as m from ${JSON.stringify(url)};\n` +
      `if (Object.keys(m).length === 0) throw new Error("nothing exported");\n`,
  );
  return { row, file };
});

const RUNTIMES = {
  deno: (f: string) => [bin("deno"), "run", "-A", "--no-check", f],
  bun: (f: string) => [bin("bun"), f],
  node: (f: string) => [bin("node"), "--disable-warning=ExperimentalWarning", f],
};

/** ms from spawning the program to its exit (throws when it fails). */
function time([cmd, ...args]: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${String(r.stderr).trim()}`);
  }
  return ms;
}
const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];

try {
  for (const [runtime, argv] of Object.entries(RUNTIMES)) {
    try {
      for (const { file } of programs) time(argv(file)); // warm the caches
      const emptyMs: number[] = [];
      const ms = programs.map((): number[] => []);
      for (let i = 0; i < runs; i++) {
        emptyMs.push(time(argv(empty)));
        programs.forEach(({ file }, k) => ms[k].push(time(argv(file))));
      }
      const e = median(emptyMs);
      const figures: Record<string, { value: number; unit: string }> = {};
      programs.forEach(({ row }, k) => {
        figures[row] = { value: Math.max(0, median(ms[k]) - e) * 1e6, unit: "ns" };
      });
      figures["cold start (empty program)"] = { value: e * 1e6, unit: "ns" };
      console.log(
        `${runtime}: empty ${e.toFixed(1)} ms; ` +
          programs.map(({ row }) => `${row} +${(figures[row].value / 1e6).toFixed(1)} ms`)
            .join(", "),
      );
      console.log("BENCH_JSON " + JSON.stringify({ area: "import", runtime, figures }));
      if (runtime === "node") {
        console.log(
          "BENCH_NOTE import: in Node.js the (sources) rows also count loading its type " +
            "stripper and stripping each .ts file's types, at every start.",
        );
      }
    } catch (e) {
      // One runtime failing leaves the others' figures standing.
      console.error(String(e));
      console.log(`BENCH_NOTE import: ${runtime} failed: ${String(e).split("\n")[0]}`);
      process.exitCode = 1;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
