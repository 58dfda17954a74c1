#!/usr/bin/env node
// Builds dist/, what JSR serves (`npm run build`; `npm test` runs it first, and
// it must run before `deno publish`). dist/ is not in git.
//
// dist/ is a plain ES module bundle of the entry points that deno.json exports,
// made by `deno bundle`, in three independent parts:
// - dist/mod.js, one module: the toolkit, and ffi/ as its `ffi` namespace.
//   dist/ffi/mod.js takes its names from that namespace, so a program importing
//   both has one copy of posixly's FFI code and state (one OSError class, one
//   libc). dist/platforms/mod.js re-exports dist/mod.js, as platforms/mod.ts
//   and mod.ts export the same names.
// - dist/threads/mod.js, one file: threads/ shares nothing with the rest.
// - dist/cli/main.js and the chunks of its subcommands, loaded when they run:
//   the posixly command is a program of its own.
// A runtime then loads one module for posixly instead of about 35, which keeps
// the import within its budget (docs/internals.md, "What JSR serves"). Each
// entry's first line, `@ts-self-types`, names its TypeScript source, so that Deno
// and JSR type-check and document the bundle from the sources themselves; tsc
// (the Bun type check) finds the same types through a `.d.ts` beside each entry.
//
// Usage: node scripts/build.mjs [outdir]   (default: dist/)
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

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
function bundle(...args) {
  const r = spawnSync(deno, ["bundle", "--quiet", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (r.status !== 0) {
    console.error(
      `deno bundle ${args.join(" ")} failed (status ${r.status}):\n${r.stdout}${r.stderr}`,
    );
    process.exit(1);
  }
}
const expected = ["mod.ts", "ffi/mod.ts", "platforms/mod.ts", "threads/mod.ts", "cli/main.ts"];
if (ENTRIES.join() !== expected.join()) {
  throw new Error(`deno.json's exports changed (${ENTRIES.join(", ")}): update scripts/build.mjs`);
}
bundle(`--output=${join(out, "mod.js")}`, "mod.ts");
mkdirSync(join(out, "platforms"));
writeFileSync(join(out, "platforms", "mod.js"), `export * from "../mod.js";\n`);
// The root holds ffi/ too, as its `ffi` namespace: dist/ffi/mod.js takes its names from
// there, so a program loads one module of posixly, and one copy of ffi/ whichever entry
// points it imports. Importing the bundle opens nothing: it only lists the names.
const { ffi } = await import(pathToFileURL(join(out, "mod.js")).href);
mkdirSync(join(out, "ffi"));
writeFileSync(
  join(out, "ffi", "mod.js"),
  `import { ffi } from "../mod.js";\nexport const {\n${
    Object.keys(ffi).map((name) => `  ${name},\n`).join("")
  }} = ffi;\n`,
);
bundle(`--output=${join(out, "threads", "mod.js")}`, "threads/mod.ts");
bundle("--code-splitting", `--outdir=${join(out, "cli")}`, "cli/main.ts");

for (const entry of ENTRIES) {
  const file = join(out, entry.replace(/\.ts$/, ".js"));
  const source = relative(dirname(file), join(root, entry));
  writeFileSync(file, `// @ts-self-types="${source}"\n${readFileSync(file, "utf8")}`);
  writeFileSync(file.replace(/\.js$/, ".d.ts"), `export * from "${source}";\n`);
}
console.log(`built ${relative(process.cwd(), out) || "."}`);
