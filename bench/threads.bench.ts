/**
 * Benchmarks for threads/: Local get/set, LocalStack push+pop, getIdent
 * (mitata, inside a LocalManager.run() context, as in a request handler), and
 * what a request pays for its context: `LocalManager.run` and `middleware`
 * side by side with a hand-written `AsyncLocalStorage.run`, all running the
 * same handler (set one field, await once, read it back). The per-request
 * rows are medians of interleaved batches, and their ratios are figures too:
 * ratios taken in one process hold up on a loaded machine.
 *
 *   deno run -A bench/threads.bench.ts      bun bench/threads.bench.ts
 */
import { AsyncLocalStorage } from "node:async_hooks";
import process from "node:process";
import { measure, record, report } from "./_harness.ts";
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

// One request, four ways. The handler's store is what a hand-written server
// keeps its request state in; posixly's handler uses a Local instead.
const als = new AsyncLocalStorage<{ user?: string }>();
const response = new Response("ok");
const request = new Request("http://127.0.0.1/");

async function alsHandler(): Promise<Response> {
  als.getStore()!.user = "alice";
  await null;
  return als.getStore()!.user === "alice" ? response : Response.error();
}

async function localHandler(): Promise<Response> {
  local.user = "alice";
  await null;
  return local.user === "alice" ? response : Response.error();
}

// The hand-written server that also releases the request's state once the
// response is ready, as LocalManager does: one reaction to the handler's promise.
function releasedValue(value: Response): Response {
  als.getStore()!.user = undefined;
  return value;
}
function releasedError(error: unknown): never {
  als.getStore()!.user = undefined;
  throw error;
}
function alsHandlerReleased(): Promise<Response> {
  return alsHandler().then(releasedValue, releasedError);
}

const wrapped = manager.middleware(localHandler);
const requestWays: Record<string, () => Promise<Response>> = {
  "request: als.run (hand-written)": () => als.run({}, alsHandler),
  "request: als.run + release (hand-written)": () => als.run({}, alsHandlerReleased),
  "request: LocalManager.run": () => manager.run(localHandler),
  "request: middleware": () => wrapped(request, undefined),
};

/** ns per call of each way: the median of `rounds` interleaved batches. */
async function perRequest(ways: Record<string, () => Promise<unknown>>, rounds: number) {
  const batch = 500;
  const samples: Record<string, number[]> = {};
  const names = Object.keys(ways);
  for (let round = 0; round < rounds; round++) {
    // Small batches, many rounds, alternating order: a pause of the machine
    // spoils a few samples, not the median.
    for (const name of round % 2 ? names : names.toReversed()) {
      const call = ways[name];
      const t0 = performance.now();
      for (let k = 0; k < batch; k++) await call();
      (samples[name] ??= []).push(((performance.now() - t0) * 1e6) / batch);
    }
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];
  return Object.fromEntries(names.map((name) => [name, median(samples[name])]));
}

const perCall = await perRequest(requestWays, process.argv.includes("--quick") ? 61 : 201);
for (const [name, ns] of Object.entries(perCall)) record(name, ns, "ns");
const anchor = perCall["request: als.run (hand-written)"];
record("LocalManager.run / als.run", perCall["request: LocalManager.run"] / anchor, "x");
record("middleware / als.run", perCall["request: middleware"] / anchor, "x");
record(
  "als.run + release / als.run",
  perCall["request: als.run + release (hand-written)"] / anchor,
  "x",
);

console.log(
  "BENCH_NOTE threads: the request rows run one handler (set a field, await once, read it " +
    "back) per call, medians of interleaved batches in one process; `als.run + release` is a " +
    "hand-written AsyncLocalStorage.run that also releases the request's state when the " +
    "handler's promise settles (the one promise reaction LocalManager adds), the floor for " +
    "any design that releases values when the response is ready.",
);

await manager.run(async () => {
  local.user = "alice";
  await report("threads");
});
