import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { getIdent, Local, LocalManager, LocalStack } from "../threads/mod.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("LocalManager", () => {
  test("locals: a Local, a LocalStack or an array you can push to", () => {
    const local = new Local();
    const stack = new LocalStack<number>();
    assert.deepEqual(new LocalManager().locals, []);
    assert.equal(new LocalManager(local).locals[0], local);
    assert.equal(new LocalManager(stack).locals[0], stack);
    const list = [local];
    const mgr = new LocalManager(list);
    mgr.locals.push(stack);
    assert.deepEqual(mgr.locals, [local, stack]);
    assert.throws(() => new LocalManager({} as never), {
      name: "TypeError",
      message: /must be a Local or a LocalStack/,
    });
    assert.throws(() => new LocalManager([local, 3 as never]), /locals\[1\]/);
  });

  test("getIdent uses identFunc when given", () => {
    assert.equal(new LocalManager().getIdent(), getIdent());
    assert.equal(new LocalManager([], () => 42).getIdent(), 42);
  });

  test("cleanup releases all its locals in the current context only", async () => {
    const a = new Local<{ v?: number }>();
    const b = new LocalStack<number>();
    const other = new Local<{ v?: number }>();
    const mgr = new LocalManager([a, b]);
    a.v = 1;
    b.push(1);
    other.v = 1;
    await new LocalManager().run(() => {
      a.v = 2;
      b.push(2);
      mgr.cleanup();
      assert.equal(a.v, undefined);
      assert.equal(b.length, 0);
    });
    assert.equal(a.v, 1);
    assert.equal(b.top, 1);
    mgr.cleanup();
    assert.equal(a.v, undefined);
    assert.equal(b.top, undefined);
    assert.equal(other.v, 1);
    delete other.v;
  });

  test("run: fresh context, result returned, cleaned up after (sync and async)", async () => {
    const local = new Local<{ v?: number }>();
    const mgr = new LocalManager(local);
    const late: unknown[] = [];
    local.v = 0;
    const r = mgr.run(() => {
      assert.equal(local.v, undefined);
      local.v = 1;
      setTimeout(() => late.push(local.v), 5);
      return "sync";
    });
    assert.equal(r, "sync");
    const ar = await mgr.run(async () => {
      local.v = 2;
      setTimeout(() => late.push(local.v), 5);
      await sleep(1);
      return local.v;
    });
    assert.equal(ar, 2);
    await sleep(20);
    assert.deepEqual(late, [undefined, undefined], "timers left behind see the cleaned-up values");
    assert.equal(local.v, 0);
    delete local.v;
  });

  test("run with something that is not a function is a TypeError, as middleware's", () => {
    const manager = new LocalManager(new Local());
    for (
      const [bad, type] of [[5, "number"], [undefined, "undefined"], [null, "object"]] as const
    ) {
      assert.throws(() => manager.run(bad as never), {
        name: "TypeError",
        message: `run() expects a function, got ${type}`,
      });
    }
  });

  test("run cleans up when fn throws or rejects", async () => {
    const local = new Local<{ v?: number }>();
    const mgr = new LocalManager(local);
    const late: unknown[] = [];
    assert.throws(() =>
      mgr.run(() => {
        local.v = 1;
        setTimeout(() => late.push(local.v), 5);
        throw new Error("sync boom");
      }), /sync boom/);
    await assert.rejects(
      mgr.run(async () => {
        local.v = 2;
        setTimeout(() => late.push(local.v), 5);
        await sleep(1);
        throw new Error("async boom");
      }),
      /async boom/,
    );
    await sleep(20);
    assert.deepEqual(late, [undefined, undefined]);
  });

  test("run releases every value of its context, also of locals it does not manage", async () => {
    const local = new Local<{ v?: number }>();
    const stack = new LocalStack<number>();
    const late: unknown[] = [];
    await new LocalManager().run(async () => {
      local.v = 3;
      stack.push(3);
      setTimeout(() => late.push(local.v, stack.length), 5);
      await sleep(1);
    });
    await sleep(20);
    assert.deepEqual(late, [undefined, 0]);
  });

  test("what code left behind sets after the release is not kept", async () => {
    const local = new Local<{ v?: number }>();
    const stack = new LocalStack<number>();
    const late: unknown[] = [];
    await new LocalManager().run(async () => {
      setTimeout(() => {
        local.v = 5;
        late.push(local.v, stack.push(5), stack.length, stack.top);
        Object.defineProperty(local, "w", { value: 6 });
        late.push((local as { w?: number }).w, Object.keys(local).length);
      }, 5);
      await sleep(1);
    });
    await sleep(20);
    assert.deepEqual(late, [undefined, 1, 0, undefined, undefined, 0]);
  });

  test("a timer left behind sees its context's values until the call is done (control)", async () => {
    const local = new Local<{ v?: number }>();
    const seen: unknown[] = [];
    await new LocalManager().run(async () => {
      local.v = 4;
      setTimeout(() => seen.push(local.v), 1);
      await sleep(20);
    });
    assert.deepEqual(seen, [4]);
  });

  test("nested runs: the inner is fresh, the outer's values are back after return and throw", async () => {
    const local = new Local<{ v?: number }>();
    const mgr = new LocalManager(local);
    await mgr.run(async () => {
      local.v = 1;
      const outer = getIdent();
      assert.equal(
        mgr.run(() => {
          assert.equal(local.v, undefined);
          local.v = 2;
          return getIdent();
        }) === outer,
        false,
      );
      assert.equal(local.v, 1);
      assert.throws(() =>
        mgr.run(() => {
          local.v = 3;
          throw new Error("inner boom");
        }), /inner boom/);
      await sleep(1);
      assert.equal(local.v, 1);
      assert.equal(getIdent(), outer);
    });
  });

  test("a promise made inside run keeps its context when awaited outside; a listener sees the dispatcher's", async () => {
    const local = new Local<{ v?: string }>();
    const mgr = new LocalManager();
    const target = new EventTarget();
    const seen: (string | undefined)[] = [];
    local.v = "outside";
    const p = mgr.run(async () => {
      local.v = "inside";
      target.addEventListener("x", () => seen.push(local.v));
      await sleep(5);
      target.dispatchEvent(new Event("x"));
      return local.v;
    });
    // Dispatched outside, while run's context is still alive: the listener,
    // added inside, runs in the dispatcher's context and sees its value.
    target.dispatchEvent(new Event("x"));
    assert.deepEqual(seen, ["outside"]);
    assert.equal(local.v, "outside");
    assert.equal(await p, "inside");
    // Dispatched inside run after an await: the context was carried there.
    assert.deepEqual(seen, ["outside", "inside"]);
  });

  test("middleware: each call in its own context, cleaned up, errors propagate", async () => {
    const local = new Local<{ id?: string }>();
    const mgr = new LocalManager(local);
    const late: unknown[] = [];
    const idents = new Set<number>();
    const handler = mgr.middleware<{ tag: string }>(async (req, info) => {
      assert.equal(local.id, undefined);
      idents.add(getIdent());
      local.id = new URL(req.url).searchParams.get("id")!;
      if (local.id === "bad") throw new Error("handler failed");
      // Due well after the handler's own sleep (< 5 ms), so it runs after the call ended.
      setTimeout(() => late.push(local.id), 20);
      await sleep(Math.random() * 5);
      return new Response(`${local.id}:${info.tag}`);
    });
    const res = await Promise.all(
      ["1", "2", "3"].map((id) => handler(new Request(`http://x/?id=${id}`), { tag: "t" })),
    );
    assert.deepEqual(await Promise.all(res.map((r) => r.text())), ["1:t", "2:t", "3:t"]);
    await assert.rejects(handler(new Request("http://x/?id=bad"), { tag: "t" }), /handler failed/);
    assert.equal(idents.size, 4);
    assert.equal(idents.has(getIdent()), false);
    await sleep(40);
    assert.deepEqual(late, [undefined, undefined, undefined]);
  });
});

describe("LocalManager.middleware and this", () => {
  test("passes `this` through (Bun.serve calls fetch with the server as this)", async () => {
    const server = { port: 1234 };
    const wrapped = new LocalManager().middleware(function (this: unknown) {
      return new Response(String(this === server));
    });
    const res = await wrapped.call(server, new Request("http://127.0.0.1/"), server);
    assert.equal(await res.text(), "true");
  });
});

describe("LocalManager and thenables that are not promises", () => {
  test("run and middleware: then() runs in the call's context, values kept until it settles", async () => {
    const local = new Local<{ x?: string }>();
    const manager = new LocalManager(local);
    local.x = "top";
    // A lazy thenable (a query builder's, another library's promise) that settles later.
    const later = <T>(value: () => T): PromiseLike<T> => ({
      then(ok) {
        setTimeout(() => ok?.(value()), 5);
        return undefined as never;
      },
    });
    const ran = await manager.run(() => {
      local.x = "run";
      return later(() => `${local.x}@${getIdent()}`);
    });
    assert.match(ran, /^run@\d+$/);
    assert.notEqual(Number(ran.split("@")[1]), getIdent(), "not the top-level context");
    const handler = manager.middleware(() => {
      local.x = "middleware";
      return later(() => new Response(String(local.x))) as unknown as Promise<Response>;
    });
    assert.equal(
      await (await handler(new Request("http://127.0.0.1/"), undefined)).text(),
      "middleware",
    );
    assert.equal(local.x, "top");
  });
});
