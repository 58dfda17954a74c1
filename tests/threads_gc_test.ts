import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { checkCollection, type GcResult } from "./fixtures/threads_gc.ts";
import { fixture, isBun } from "./_util.ts";

/** argv (without the executable) that runs `script` in this runtime with `gc()` exposed. */
function withGc(script: string): string[] {
  if (isBun) return [script]; // Bun.gc is always there
  if ("Deno" in globalThis) return ["run", "-A", "--quiet", "--v8-flags=--expose-gc", script];
  return ["--expose-gc", script]; // Node
}

async function measure(): Promise<GcResult> {
  if (isBun) {
    const bun = (globalThis as unknown as { Bun: { gc(force: boolean): void } }).Bun;
    return await checkCollection(() => bun.gc(true));
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) return await checkCollection(gc);
  // No gc() in this process: run the same check in a child that has it.
  const child = spawnSync(process.execPath, withGc(fixture("threads_gc.ts")), {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(child.status, 0, `gc child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as GcResult;
}

test("values of finished contexts are garbage-collected; a live context keeps its own", async () => {
  const result = await measure();
  assert.equal(result.total, 400);
  // A leak keeps them all; Bun's conservative stack scan may pin a stray one.
  assert.ok(result.collected >= result.total - 4, JSON.stringify(result));
  assert.equal(result.liveKept, true);
  assert.equal(result.liveValueOk, true);
});

test("values of a dropped Local set in the top context can be collected", () => {
  const r = spawnSync(process.execPath, withGc(fixture("threads_local_dropped.ts")), {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const { N, freed } = JSON.parse(r.stdout) as { N: number; freed: number };
  assert.ok(freed >= N * 0.9, `only ${freed} of ${N} values freed`);
});
