import { test } from "node:test";
import assert from "node:assert/strict";
import { getIdent, Local, LocalManager, LocalStack } from "../threads/mod.ts";

const isBun = "Bun" in globalThis;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Handler = (req: Request, info: unknown) => Promise<Response>;
interface Running {
  port: number;
  close(): Promise<void>;
}

interface BunLike {
  serve(opts: {
    hostname: string;
    port: number;
    fetch: Handler;
    error(e: Error): Response;
  }): { port: number; stop(force?: boolean): Promise<void> | void };
}

interface DenoLike {
  serve(
    opts: { hostname: string; port: number; onListen(): void; onError(e: unknown): Response },
    handler: Handler,
  ): { addr: { port: number }; shutdown(): Promise<void> };
}

/** Serves `handler` on 127.0.0.1 with the runtime running this test. */
function serve(handler: Handler): Running {
  const onError = (e: unknown): Response =>
    new Response(`error: ${(e as Error).message}`, { status: 500 });
  if (isBun) {
    const bun = (globalThis as unknown as { Bun: BunLike }).Bun;
    const server = bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler, error: onError });
    return { port: server.port, close: async () => await server.stop(true) };
  }
  const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;
  const server = deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, onError },
    handler,
  );
  return { port: server.addr.port, close: () => server.shutdown() };
}

// Node has no fetch-style server: its node:http servers are tested with
// requestListener in threads_request_listener_test.ts.
const noServe = "Deno" in globalThis || isBun
  ? false
  : "no Deno.serve or Bun.serve in this runtime";

test("serve + middleware: concurrent requests are isolated and cleaned up after each", {
  skip: noServe,
}, async () => {
  const local = new Local<{ id?: string }>();
  const stack = new LocalStack<string>();
  const manager = new LocalManager([local, stack]);
  const problems: string[] = [];
  const late: unknown[] = [];
  const idents = new Set<number>();
  local.id = "server-top"; // must never leak into requests

  const server = serve(manager.middleware(async (req) => {
    const id = new URL(req.url).searchParams.get("id")!;
    if (local.id !== undefined || stack.length !== 0) {
      problems.push(`request ${id} started with ${local.id}/${stack.stack}`);
    }
    idents.add(getIdent());
    local.id = id;
    stack.push(id);
    if (id === "boom") throw new Error("handler failed");
    for (let k = 0; k < 3; k++) {
      await sleep(Math.random() * 10);
      if (local.id !== id || stack.top !== id) {
        problems.push(`request ${id} saw ${local.id}/${stack.top}`);
      }
    }
    // Runs in this request's context after the response: must see cleaned-up values.
    setTimeout(() => late.push([local.id, stack.length]), 30);
    return new Response(local.id);
  }));
  try {
    const ids = Array.from({ length: 40 }, (_, i) => String(i));
    const bodies = await Promise.all(ids.map(async (id) => {
      const res = await fetch(`http://127.0.0.1:${server.port}/?id=${id}`);
      return await res.text();
    }));
    assert.deepEqual(bodies, ids);
    const failed = await fetch(`http://127.0.0.1:${server.port}/?id=boom`);
    assert.equal(failed.status, 500);
    await failed.text();
  } finally {
    await server.close();
  }
  await sleep(80);
  assert.deepEqual(problems, []);
  assert.equal(idents.size, 41, "every request has its own ident");
  assert.equal(idents.has(getIdent()), false);
  assert.equal(late.length, 40);
  assert.ok(late.every((v) => JSON.stringify(v) === "[null,0]"), JSON.stringify(late));
  assert.equal(local.id, "server-top");
  delete local.id;
});
