/**
 * What context locals cost a real server: `Deno.serve` / `Bun.serve` on
 * 127.0.0.1 with three handlers doing the same work (set one field, await
 * once, read it back, answer): a bare one with no context, one in a
 * hand-written `AsyncLocalStorage.run`, and posixly's `middleware` with a
 * Local. Node.js has neither server: there the three are `node:http` request
 * listeners, and posixly's is `requestListener` (the "middleware" rows).
 * A load generator in a child process (this file again, with
 * `--load`) sends a bounded number of requests from concurrent fetch loops,
 * the three servers taking turns in rounds, and stops. Reported: requests per
 * second of each (medians over the rounds) and the ratios of requests per
 * second middleware / bare and middleware / hand-written (1 is as fast,
 * below is slower), medians of each round's ratio. Client and servers share
 * the machine, so the ratios are the figures to read.
 *
 *   deno run -A bench/threads_serve.bench.ts      bun bench/threads_serve.bench.ts
 *   node bench/threads_serve.bench.ts
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { record, report } from "./_harness.ts";
import { Local, LocalManager } from "../threads/mod.ts";

const ways = ["bare", "als.run (hand-written)", "middleware"] as const;
const quick = process.argv.includes("--quick");
/** Requests per server in all, sent in rounds of `perRound` to each server in turn. */
const requests = quick ? 5_000 : 20_000;
const perRound = 500;
const rounds = requests / perRound;
const concurrency = 32;

type Handler = (req: Request, info: unknown) => Promise<Response>;
/** Node.js: the same handler as a `node:http` request listener. */
type Listener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

interface Server {
  port: number;
  stop(): Promise<void>;
}

function serve(handler: Handler, listener: Listener): Promise<Server> {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun) {
    const server = g.Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
    return Promise.resolve({ port: server.port, stop: async () => await server.stop(true) });
  }
  if (g.Deno) {
    const server = g.Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
    return Promise.resolve({ port: server.addr.port, stop: () => server.shutdown() });
  }
  const server = createServer(listener);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        stop: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      }))
  );
}

/** The load generator: `requests` fetches to `port`, `concurrency` at a time; prints the ms. */
async function load(port: number, count: number): Promise<number> {
  const url = `http://127.0.0.1:${port}/`;
  let left = count;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left > 0) {
      left--;
      const res = await fetch(url);
      if ((await res.text()) !== "alice") throw new Error(`unexpected answer from ${url}`);
    }
  }));
  return performance.now() - t0;
}

if (process.argv.includes("--load")) {
  // Child: argv is --load COUNT PORT...; for each round, each port in turn.
  const at = process.argv.indexOf("--load");
  const count = Number(process.argv[at + 1]);
  const ports = process.argv.slice(at + 2).map(Number);
  // A first round unreported: connections opened, code compiled.
  for (const port of ports) await load(port, count);
  for (let round = 0; round < rounds; round++) {
    const ms: number[] = [];
    // Alternate the order, so that no server always goes first.
    const order = round % 2 ? ports.toReversed() : ports;
    for (const port of order) ms[ports.indexOf(port)] = await load(port, count);
    console.log(JSON.stringify(ms));
  }
} else {
  const als = new AsyncLocalStorage<{ user?: string }>();
  const local = new Local<{ user?: string }>();
  const manager = new LocalManager(local);

  const handlers: Record<(typeof ways)[number], Handler> = {
    async bare() {
      const state: { user?: string } = {};
      state.user = "alice";
      await null;
      return new Response(state.user);
    },
    "als.run (hand-written)": () =>
      als.run({}, async () => {
        als.getStore()!.user = "alice";
        await null;
        return new Response(als.getStore()!.user);
      }),
    middleware: manager.middleware(async () => {
      local.user = "alice";
      await null;
      return new Response(local.user);
    }),
  };
  const listeners: Record<(typeof ways)[number], Listener> = {
    async bare(_req, res) {
      const state: { user?: string } = {};
      state.user = "alice";
      await null;
      res.end(state.user);
    },
    "als.run (hand-written)": (_req, res) =>
      als.run({}, async () => {
        als.getStore()!.user = "alice";
        await null;
        res.end(als.getStore()!.user);
      }),
    middleware: manager.requestListener(async (_req, res) => {
      local.user = "alice";
      await null;
      res.end(local.user);
    }) as Listener,
  };
  const servers = await Promise.all(ways.map((way) => serve(handlers[way], listeners[way])));
  const self = fileURLToPath(import.meta.url);
  const args = [self, "--load", String(perRound), ...servers.map((s) => String(s.port))];
  const runtimeArgs = "Bun" in globalThis
    ? []
    : "Deno" in globalThis
    ? ["run", "-A", "--quiet"]
    : ["--disable-warning=ExperimentalWarning"];
  const child = spawn(process.execPath, [...runtimeArgs, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (out += chunk));
  const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  await Promise.all(servers.map((s) => s.stop()));
  if (status !== 0) throw new Error(`the load generator exited with status ${status}`);

  const times = out.trim().split("\n").map((line) => JSON.parse(line) as number[]);
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];
  const perSecond = (ms: number): number => perRound / (ms / 1000);
  ways.forEach((way, k) => {
    record(`serve ${way}`, median(times.map((ms) => perSecond(ms[k]))), "req/s");
  });
  const [bare, handWritten, middleware] = [0, 1, 2];
  record(
    "serve req/s middleware / bare",
    median(times.map((ms) => ms[bare] / ms[middleware])),
    "x",
  );
  record(
    "serve req/s middleware / als.run",
    median(times.map((ms) => ms[handWritten] / ms[middleware])),
    "x",
  );
  record(`serve requests per server (${concurrency} at a time)`, requests, "count");
  console.log(
    "BENCH_NOTE threads: the serve rows are Deno.serve and Bun.serve servers with `middleware`; " +
      "in Node.js, node:http servers with `requestListener` (the middleware rows).",
  );
  await report("threads");
}
