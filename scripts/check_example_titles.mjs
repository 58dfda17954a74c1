#!/usr/bin/env node
// Fails when a doc comment's `@example` has no title on its line (`@example
// Title`): JSR and `deno doc` show the title above the example. Run by
// `npm test` over mod.ts, ffi/, platforms/, threads/ and cli/.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  );
const files = [
  join(root, "mod.ts"),
  ...["ffi", "platforms", "threads", "cli"]
    .map((dir) => join(root, dir))
    .filter((dir) => existsSync(dir))
    .flatMap(tsFiles),
];

const untitled = files.flatMap((file) =>
  readFileSync(file, "utf8").split("\n").flatMap((line, i) =>
    /^\s*\*\s*@example\s*$/.test(line) ? [`${relative(root, file)}:${i + 1}`] : []
  )
);
if (untitled.length > 0) {
  console.error(`${untitled.length} @example without a title (write \`@example Title\`):`);
  for (const where of untitled) console.error(`  ${where}`);
  process.exit(1);
}
console.log(`every @example in ${files.length} files has a title`);
