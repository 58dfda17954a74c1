/**
 * Benchmarks for threads/: Local get/set, LocalStack push+pop, getIdent.
 * Measured inside a LocalManager.run() context (as in a request handler).
 *
 *   deno run -A bench/threads.bench.ts      bun bench/threads.bench.ts
 */
import { measure, report } from "./_harness.ts";
import { getIdent, Local, LocalManager, LocalStack } from "../threads/mod.ts";

const local = new Local<{ user?: string; n?: number }>();
const stack = new LocalStack<number>();
const manager = new LocalManager([local, stack]);

let i = 0;
measure("Local get", () => local.user);
measure("Local set", () => {
  local.n = i++;
});
measure("LocalStack push+pop", () => {
  stack.push(1);
  return stack.pop();
});
measure("getIdent", () => getIdent());

await manager.run(async () => {
  local.user = "alice";
  await report("threads");
});
