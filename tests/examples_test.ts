// Runs each short example as a user would: `deno run --allow-ffi examples/X.ts`
// (no other permission), `bun examples/X.ts` or `node examples/X.ts`, and checks
// what it prints.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { constants } from "node:os";
import process from "node:process";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { isRoot } from "./_util.ts";
import { runtime, scriptArgs } from "./_runtime.ts";
import { lookupUser } from "../platforms/mod.ts";

function runExample(name: string): { status: number | null; stdout: string; stderr: string } {
  const file = fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
  // Deno with --allow-ffi alone: the examples need no other permission
  const args = runtime === "deno" ? ["run", "--quiet", "--allow-ffi", file] : scriptArgs(file);
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

// The user drop_privileges.ts becomes by default, as this machine defines it.
const nobody = isRoot ? lookupUser("nobody") : null;

const expectations: Record<string, RegExp[]> = {
  "pidlock.ts": [/Seems we're already running\? \(pid: \d+\)/, /after the block: absent/],
  "drop_privileges.ts": nobody
    ? [
      new RegExp(
        `after:\\s+uid=${nobody.uid},${nobody.uid},${nobody.uid} ` +
          `gid=${nobody.gid},${nobody.gid},${nobody.gid}`,
      ),
      /setuid\(0\) fails: EPERM/,
    ]
    : [/not root/i],
  "signals.ts": [
    new RegExp(`handler ran for SIGUSR1 \\(${constants.signals.SIGUSR1}\\)`),
    /USR1 ignored and survived/,
    /alarm after/,
  ],
  "locals.ts": [/user=alice/, /user=bob/, /top level ctx 1/],
  "proctitle.ts": [/returned "\[example\] -active-"/, /\[celeryd: w1@host:MainProcess\] busy/],
};

describe("examples run as they are", () => {
  for (const [name, patterns] of Object.entries(expectations)) {
    test(name, () => {
      const r = runExample(name);
      assert.equal(r.status, 0, `examples/${name} exited ${r.status}\n${r.stderr}`);
      for (const p of patterns) assert.match(r.stdout, p, `examples/${name} output:\n${r.stdout}`);
    });
  }
});
