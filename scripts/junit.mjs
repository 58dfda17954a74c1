// Counts the leaf test cases of a JUnit file written by `deno test`, `bun test`
// or `node --test` (Deno lists describe blocks as cases too: only leaves count).
// Used by scripts/test.mjs and scripts/test_platforms.mjs.
import { existsSync, readFileSync } from "node:fs";

/**
 * Returns { passed, failed, skipped, failedNames } for `file`, or null when
 * the runner wrote no file.
 */
export function countJunit(file) {
  if (!existsSync(file)) return null;
  const xml = readFileSync(file, "utf8");
  const cases = [];
  const re = /<testcase\s+name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const body = m[3] ?? "";
    cases.push({
      name: m[1],
      failed: /<failure|<error/.test(body),
      skipped: /<skipped/.test(body),
    });
  }
  const names = cases.map((c) => c.name);
  const leaves = cases.filter((c) => !names.some((n) => n.startsWith(c.name + " &gt; ")));
  const r = { passed: 0, failed: 0, skipped: 0, failedNames: [] };
  for (const c of leaves) {
    if (c.failed) {
      r.failed++;
      r.failedNames.push(c.name.replaceAll("&gt;", ">"));
    } else if (c.skipped) r.skipped++;
    else r.passed++;
  }
  return r;
}
