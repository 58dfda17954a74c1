#!/usr/bin/env node
// Builds dist/, what JSR serves (`npm run build`; `npm test` runs it first, and
// it must run before `deno publish`). dist/ is not in git.
//
// dist/ is a plain ES module bundle of the entry points that deno.json exports
// (`deno bundle --code-splitting`): dist/mod.js, dist/ffi/mod.js,
// dist/platforms/mod.js and dist/threads/mod.js, plus the chunks they share, so
// that a program importing several entries still has one copy of posixly's
// code and state. A runtime then loads a handful of modules instead of about
// 35, which keeps the import within its budget (docs/internals.md, "What JSR
// serves"). Each entry's first line, `@ts-self-types`, names its TypeScript
// source, so that Deno and JSR type-check and document the bundle from the
// sources themselves; tsc (the Bun type check) finds the same types through a
// `.d.ts` beside each entry.
//
// Usage: node scripts/build.mjs [outdir]   (default: dist/)
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = resolve(process.argv[2] ?? join(root, "dist"));
// The entry points are deno.json's exports: "./dist/ffi/mod.js" is built from ffi/mod.ts.
const { exports } = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const ENTRIES = Object.values(exports).map((built) => {
  const source = /^\.\/dist\/(.+)\.js$/.exec(built)?.[1];
  if (!source) throw new Error(`deno.json: export ${built} is not ./dist/NAME.js`);
  return `${source}.ts`;
});

rmSync(out, { recursive: true, force: true });
const deno = join(root, "node_modules", ".bin", "deno");
const r = spawnSync(
  deno,
  ["bundle", "--quiet", "--code-splitting", `--outdir=${out}`, ...ENTRIES],
  { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
);
if (r.status !== 0) {
  console.error(`deno bundle failed (status ${r.status}):\n${r.stdout}${r.stderr}`);
  process.exit(1);
}

for (const entry of ENTRIES) {
  const file = join(out, entry.replace(/\.ts$/, ".js"));
  const source = relative(dirname(file), join(root, entry));
  writeFileSync(file, `// @ts-self-types="${source}"\n${readFileSync(file, "utf8")}`);
  writeFileSync(file.replace(/\.js$/, ".d.ts"), `export * from "${source}";\n`);
}
console.log(`built ${relative(process.cwd(), out) || "."}`);
