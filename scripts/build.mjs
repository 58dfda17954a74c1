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
// - dist/cli/: the posixly command, as one program per command. main.js only
//   loads the module of the command its command line names (status.js, ...;
//   help.js for --help, --version and lines that name none), and each of those
//   is one module holding all the code its command runs. A short-lived command
//   then loads one module, not a dozen, which Node.js and Bun feel
//   (docs/internals.md, "One program per command").
// A runtime then loads one module for posixly instead of about 35, which keeps
// the import within its budget (docs/internals.md, "What JSR serves"). Each
// entry's first line, `@ts-self-types`, names its TypeScript source, so that Deno
// and JSR type-check and document the bundle from the sources themselves; tsc
// (the Bun type check) finds the same types through a `.d.ts` beside each entry.
//
// Usage: node scripts/build.mjs [outdir]   (default: dist/)
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
buildCommand(join(out, "cli"));

/**
 * Builds the posixly command into `dir` as one program per command (see the
 * file's header): a module for each command that cli/main.ts names, bundled
 * with everything it needs, `help.js` for command lines that name none, and
 * main.js, which loads the one the command line names.
 */
function buildCommand(dir) {
  // cli/main.ts's table, `name: async () => (await import("./file.ts")).exported,`.
  const source = readFileSync(join(root, "cli", "main.ts"), "utf8");
  const table = [
    ...source.matchAll(/^ {4}(\w+): async \(\) => \(await import\("\.\/(\w+)\.ts"\)\)\.(\w+),$/gm),
  ];
  // Every module main.ts imports but set_up_process.ts is a command's.
  if (table.length === 0 || table.length !== source.match(/import\("\.\//g).length - 1) {
    throw new Error("cli/main.ts: its COMMANDS table changed: update scripts/build.mjs");
  }
  const stubs = mkdtempSync(join(tmpdir(), "posixly-build-"));
  const from = (path) => JSON.stringify(pathToFileURL(join(root, path)).href);
  try {
    const programs = [...table.map(([, name, file, exported]) => [name, file, exported]), ["help"]];
    for (const [name, file, exported] of programs) {
      const imports = [
        `import { runAndExit, runCommandLine } from ${from("cli/command_line.ts")};`,
      ];
      const entries = [];
      if (file) {
        imports.push(`import { ${exported} } from ${from(`cli/${file}.ts`)};`);
        entries.push(`commands: { ${JSON.stringify(name)}: () => Promise.resolve(${exported}) },`);
      } else entries.push("commands: {},");
      if (name === "start" || name === "restart") {
        imports.push(`import { SetUpProcess } from ${from("cli/set_up_process.ts")};`);
        entries.push("setUpProcess: () => Promise.resolve(SetUpProcess),");
      }
      writeFileSync(
        join(stubs, `${name}.ts`),
        `${imports.join("\n")}
const table = { ${entries.join(" ")} };
export const main = (argv: readonly string[]): Promise<number> => runCommandLine(argv, table);
export const cli = (): Promise<never> => runAndExit(table);
`,
      );
    }
    bundle(`--outdir=${dir}`, ...programs.map(([name]) => join(stubs, `${name}.ts`)));
    const loaders = programs.map(([name]) =>
      `  ${JSON.stringify(name)}: () => import("./${name}.js"),\n`
    );
    writeFileSync(
      join(dir, "main.js"),
      `// The posixly command (cli/main.ts), as scripts/build.mjs builds it: each command is a
// program of its own, and this module loads the one that the command line names.
const PROGRAMS = {\n${loaders.join("")}};
const program = (command) => (Object.hasOwn(PROGRAMS, command) ? PROGRAMS[command] : PROGRAMS.help)();

export async function main(argv) {
  return await (await program(argv[0])).main(argv);
}

if (import.meta.main) {
  const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
  await (await program(args[0])).cli();
}
`,
    );
  } finally {
    rmSync(stubs, { recursive: true, force: true });
  }
}

for (const entry of ENTRIES) {
  const file = join(out, entry.replace(/\.ts$/, ".js"));
  const source = relative(dirname(file), join(root, entry));
  writeFileSync(file, `// @ts-self-types="${source}"\n${readFileSync(file, "utf8")}`);
  writeFileSync(file.replace(/\.js$/, ".d.ts"), `export * from "${source}";\n`);
}
console.log(`built ${relative(process.cwd(), out) || "."}`);
