// LocalManager.requestListener with a real node:http server on 127.0.0.1, in
// whichever runtime runs the suite (Deno's and Bun's node:http, Node's own).
import { AsyncLocalStorage } from "node:async_hooks";
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getIdent, Local, LocalManager, LocalStack } from "../threads/mod.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function idOf(req: IncomingMessage): string {
  return new URL(req.url ?? "/", "http://127.0.0.1").searchParams.get("id") ?? "";
}

test("requestListener: concurrent requests are isolated and released when each response finishes", async () => {
  const local = new Local<{ id?: string }>();
  const stack = new LocalStack<string>();
  const manager = new LocalManager([local, stack]);
  const problems: string[] = [];
  const late: unknown[] = [];
  const idents = new Set<number>();
  local.id = "server-top"; // must never leak into requests

  const server = createServer(manager.requestListener(async (req, res) => {
    const id = idOf(req);
    if (local.id !== undefined || stack.length !== 0) {
      problems.push(`request ${id} started with ${local.id}/${stack.stack}`);
    }
    idents.add(getIdent());
    local.id = id;
    stack.push(id);
    for (let k = 0; k < 3; k++) {
      await sleep(Math.random() * 10);
      if (local.id !== id || stack.top !== id) {
        problems.push(`request ${id} saw ${local.id}/${stack.top}`);
      }
    }
    // Runs in this request's context after the response: must see released values.
    res.once("finish", () => setTimeout(() => late.push([local.id, stack.length]), 0));
    res.end(local.id);
  }));
  const port = await listen(server);
  try {
    const ids = Array.from({ length: 40 }, (_, i) => String(i));
    const bodies = await Promise.all(ids.map(async (id) => {
      const res = await fetch(`http://127.0.0.1:${port}/?id=${id}`);
      return await res.text();
    }));
    assert.deepEqual(bodies, ids);
    const until = Date.now() + 10_000;
    while (late.length < ids.length && Date.now() < until) await sleep(10);
  } finally {
    await close(server);
  }
  assert.deepEqual(problems, []);
  assert.equal(idents.size, 40, "every request has its own ident");
  assert.equal(idents.has(getIdent()), false);
  assert.equal(late.length, 40);
  assert.ok(late.every((v) => JSON.stringify(v) === "[null,0]"), JSON.stringify(late));
  assert.equal(local.id, "server-top");
  delete local.id;
});

test("requestListener: a request whose client goes away is released when the connection closes", async () => {
  const local = new Local<{ id?: string }>();
  const manager = new LocalManager(local);
  let arrived!: () => void;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  let check!: () => unknown;
  const server = createServer(manager.requestListener((_req, res) => {
    local.id = "abandoned";
    // What code left behind in this request's context would see later.
    const inRequest = AsyncLocalStorage.snapshot();
    check = () => inRequest(() => local.id);
    res.once("close", () => setTimeout(closed, 0));
    arrived();
    // Never answers.
  }));
  let closed!: () => void;
  const closing = new Promise<void>((resolve) => (closed = resolve));
  const port = await listen(server);
  try {
    const client = request({ host: "127.0.0.1", port, path: "/" });
    client.on("error", () => {}); // the socket is destroyed on purpose
    client.end();
    await arrival;
    assert.equal(check(), "abandoned", "set while the request is open");
    client.destroy();
    await closing;
    assert.equal(check(), undefined, "released once the connection closed");
  } finally {
    await close(server);
  }
});

test("requestListener: passes the server as this, and rejects what is not a function", async () => {
  let self: unknown;
  const server = createServer(
    new LocalManager().requestListener(function (this: unknown, _req, res) {
      self = this;
      res.end("ok");
    }),
  );
  const port = await listen(server);
  try {
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "ok");
  } finally {
    await close(server);
  }
  assert.equal(self, server);
  assert.throws(() => new LocalManager().requestListener("nope" as never), {
    name: "TypeError",
    message: /requestListener\(\) expects a listener function, got string/,
  });
});

test("requestListener: the request's and the response's listeners run in the request's context", async () => {
  const local = new Local<{ path?: string }>();
  const manager = new LocalManager(local);
  local.path = "server-top"; // what an emitter's own context would show
  const server = createServer(manager.requestListener((req, res) => {
    local.path = req.url;
    let body = "";
    req.on("data", (chunk) => {
      body += `${chunk}:${local.path}`;
    });
    req.on("end", () => res.end(`${body}|end:${local.path}`));
  }));
  const port = await listen(server);
  try {
    const got = await Promise.all(["/a", "/b"].map(async (path) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", body: "x" });
      return await res.text();
    }));
    assert.deepEqual(got, ["x:/a|end:/a", "x:/b|end:/b"]);
  } finally {
    await close(server);
  }
});

test("requestListener: the response's finish listeners still see the request's values; then they are released", async () => {
  const local = new Local<{ id?: string }>();
  const manager = new LocalManager(local);
  const seen: string[] = [];
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const server = createServer(manager.requestListener((req, res) => {
    local.id = idOf(req);
    res.on("finish", () => {
      seen.push(`finish:${local.id}`);
      // After the finish listeners: released, and nothing set later is kept.
      setTimeout(() => {
        seen.push(`later:${local.id}`);
        local.id = "set-late";
        seen.push(`set-late:${local.id}`);
        finished();
      }, 5);
    });
    res.end("ok");
  }));
  const port = await listen(server);
  try {
    await (await fetch(`http://127.0.0.1:${port}/?id=r1`)).text();
    await done;
    assert.deepEqual(seen, ["finish:r1", "later:undefined", "set-late:undefined"]);
  } finally {
    await close(server);
  }
});

test("requestListener: wrapped by two managers, the request's listeners run in the inner context", async () => {
  const outer = new Local<{ id?: string }>();
  const inner = new Local<{ user?: string }>();
  const app = new LocalManager(inner).requestListener((req, res) => {
    inner.user = "alice";
    let seen = "";
    req.on("data", () => (seen += `data:${inner.user} `));
    req.on("end", () => res.end(`${seen}end:${inner.user}`));
  });
  const server = createServer(new LocalManager(outer).requestListener((req, res) => {
    outer.id = "x";
    return app(req, res);
  }));
  const port = await listen(server);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x" });
    assert.equal(await res.text(), "data:alice end:alice");
  } finally {
    await close(server);
  }
});

test("requestListener: a listener that throws or rejects has its values released at once", async () => {
  // Real emitters stand in for the request and response: a server would turn the
  // throw into an uncaught exception, which the test runner reports as a failure.
  const { EventEmitter } = await import("node:events");
  const local = new Local<{ id?: string }>();
  const manager = new LocalManager(local);
  let inRequest!: <R>(fn: () => R) => R;
  const failing = manager.requestListener((_req, _res) => {
    local.id = "sync";
    inRequest = AsyncLocalStorage.snapshot();
    throw new Error("listener failed");
  });
  assert.throws(
    () => failing(new EventEmitter() as IncomingMessage, new EventEmitter() as never),
    /listener failed/,
  );
  assert.equal(inRequest(() => local.id), undefined, "released when the listener threw");

  const rejecting = manager.requestListener(async (_req, _res) => {
    local.id = "async";
    inRequest = AsyncLocalStorage.snapshot();
    await sleep(1);
    assert.equal(local.id, "async");
    throw new Error("listener rejected");
  });
  const pending = rejecting(new EventEmitter() as IncomingMessage, new EventEmitter() as never);
  assert.equal(inRequest(() => local.id), "async", "kept while the listener runs");
  await assert.rejects(Promise.resolve(pending), /listener rejected/);
  assert.equal(inRequest(() => local.id), undefined, "released when its promise rejected");

  // Returning normally keeps the values until the response ends.
  const res = new EventEmitter();
  manager.requestListener((_req, _res) => {
    local.id = "answering";
    inRequest = AsyncLocalStorage.snapshot();
  })(new EventEmitter() as IncomingMessage, res as never);
  assert.equal(inRequest(() => local.id), "answering");
  res.emit("finish");
  assert.equal(inRequest(() => local.id), undefined);
});
