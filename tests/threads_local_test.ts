import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { getIdent, Local, LocalManager, LocalStack, releaseLocal } from "../threads/mod.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const manager = new LocalManager();

describe("Local", () => {
  test("values are per context; unset names read undefined", async () => {
    const local = new Local<{ user?: string; n?: number }>();
    assert.equal(local.user, undefined);
    assert.equal(local.toString, undefined, "no inherited names leak through");
    local.user = "top";
    await manager.run(async () => {
      assert.equal(local.user, undefined);
      assert.equal("user" in local, false);
      local.user = "inner";
      await sleep(1);
      assert.equal(local.user, "inner");
      assert.deepEqual(Object.keys(local), ["user"]);
    });
    assert.equal(local.user, "top");
    assert.equal("user" in local, true);
    assert.deepEqual({ ...local }, { user: "top" });
    delete local.user;
    assert.equal(local.user, undefined);
    assert.equal("user" in local, false);
  });

  test("is a Local, and must be constructed with new", () => {
    const local = new Local();
    assert.ok(local instanceof Local);
    assert.throws(() => (Local as unknown as () => unknown)(), TypeError);
  });

  test("delete in one context leaves the others alone", async () => {
    const local = new Local<{ v?: number }>();
    local.v = 1;
    await manager.run(() => {
      local.v = 2;
      delete local.v;
      assert.equal(local.v, undefined);
    });
    assert.equal(local.v, 1);
    releaseLocal(local);
  });

  test("releaseLocal drops only the current context's values", async () => {
    const local = new Local<{ a?: number; b?: number }>();
    local.a = 1;
    local.b = 2;
    await manager.run(async () => {
      local.a = 10;
      await Promise.resolve();
      releaseLocal(local);
      assert.equal(local.a, undefined);
      assert.deepEqual(Object.keys(local), []);
    });
    assert.equal(local.a, 1);
    releaseLocal(local);
    assert.equal(local.a, undefined);
    assert.equal(local.b, undefined);
  });

  test("releaseLocal rejects other objects with a TypeError", () => {
    assert.throws(() => releaseLocal({} as never), {
      name: "TypeError",
      message: /expects a Local or a LocalStack, got Object/,
    });
    assert.throws(() => releaseLocal(null as never), {
      name: "TypeError",
      message: /^releaseLocal\(\) expects a Local or a LocalStack, got null$/,
    });
  });

  test("values follow the context through timers, microtasks and promise chains", async () => {
    const local = new Local<{ id?: number }>();
    const seen: unknown[] = [];
    await manager.run(async () => {
      local.id = 7;
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.push(local.id);
          queueMicrotask(() => {
            seen.push(local.id);
            resolve();
          });
        }, 1)
      );
      await Promise.resolve().then(() => seen.push(local.id));
      async function* gen(): AsyncGenerator<number> {
        await sleep(1);
        yield local.id ?? -1;
      }
      for await (const v of gen()) seen.push(v);
    });
    assert.deepEqual(seen, [7, 7, 7, 7]);
    assert.equal(local.id, undefined);
  });
});

describe("getIdent", () => {
  test("is non-zero, stable across awaits, and differs per context", async () => {
    const top = getIdent();
    assert.ok(Number.isInteger(top) && top !== 0);
    await sleep(1);
    assert.equal(getIdent(), top);
    const inner = await manager.run(async () => {
      const a = getIdent();
      await sleep(1);
      assert.equal(getIdent(), a);
      return a;
    });
    assert.notEqual(inner, top);
    assert.notEqual(inner, 0);
    const again = manager.run(() => getIdent());
    assert.notEqual(again, inner);
  });
});

describe("Local and defineProperty", () => {
  test("a value defined with defineProperty stays writable and deletable", () => {
    const local = new Local<{ x?: number }>();
    Object.defineProperty(local, "x", { value: 1 });
    assert.equal(local.x, 1);
    local.x = 2;
    assert.equal(local.x, 2);
    assert.equal(delete local.x, true);
    assert.equal(local.x, undefined);
    assert.throws(
      () => Object.defineProperty(local, "x", { value: 1, configurable: false }),
      TypeError,
    );
  });
});

describe("Local when printed", () => {
  test("shows the current context's values, in every inspector the runtime has", async () => {
    const { inspect } = await import("node:util");
    // deno-lint-ignore no-explicit-any
    const g = globalThis as any;
    // node:util's (every runtime), and what console.log uses in Deno and Bun:
    // Deno.inspect or Bun.inspect (Node's console.log is node:util's).
    const inspectors: ((v: unknown) => string)[] = [inspect];
    if (g.Deno) inspectors.push(g.Deno.inspect);
    if (g.Bun) inspectors.push(g.Bun.inspect);
    for (const show of inspectors) assert.equal(typeof show, "function");
    const local = new Local<{ user?: string }>();
    local.user = "alice";
    for (const show of inspectors) assert.match(show(local), /^Local \{ user: ["']alice["'] \}$/);
    await manager.run(() => {
      for (const show of inspectors) assert.equal(show(local), "Local {}");
    });
  });
});

describe("Local as a string", () => {
  // Before: "Cannot convert object to primitive value" (a Local's values inherit no
  // toString), from String(local) or a template literal in a log line.
  test("String() and template literals give [object Local], whatever it holds", () => {
    const local = new Local<{ user?: string }>();
    assert.equal(String(local), "[object Local]");
    local.user = "alice";
    assert.equal(`${local}`, "[object Local]");
    assert.equal(local + "", "[object Local]");
    assert.equal(Symbol.toPrimitive in local, false, "nothing is set under Symbol.toPrimitive");
  });

  test("a Symbol.toPrimitive the context set wins", async () => {
    const local = new Local<{ [Symbol.toPrimitive]?: () => string }>();
    await manager.run(() => {
      local[Symbol.toPrimitive] = () => "mine";
      assert.equal(String(local), "mine");
    });
    assert.equal(String(local), "[object Local]");
  });
});

describe("1000 concurrent contexts", () => {
  test("never see each other's values", async () => {
    const local = new Local<{ id?: number }>();
    const stack = new LocalStack<number>();
    const mgr = new LocalManager([local, stack]);
    const idents = new Set<number>();
    const errors: string[] = [];
    const rand = (n: number): number => Math.floor(Math.random() * n);
    const step = (): Promise<void> => {
      switch (rand(4)) {
        case 0:
          return sleep(rand(5));
        case 1:
          return new Promise((r) => queueMicrotask(r));
        case 2:
          return new Promise((r) => setTimeout(r, 0));
        default:
          return Promise.resolve();
      }
    };
    const check = (i: number, where: string): void => {
      if (local.id !== i) errors.push(`${i} saw ${local.id} ${where}`);
      if (stack.top !== i) errors.push(`${i} saw stack top ${stack.top} ${where}`);
    };
    await Promise.all(Array.from({ length: 1000 }, (_, i) =>
      mgr.run(async () => {
        if (local.id !== undefined) errors.push(`${i} started with ${local.id}`);
        idents.add(getIdent());
        local.id = i;
        stack.push(i);
        for (let k = 0; k < 5; k++) {
          await step();
          check(i, `after step ${k}`);
        }
        stack.push(-i);
        await step();
        assert.equal(stack.pop(), -i);
        check(i, "at the end");
      })));
    assert.deepEqual(errors, []);
    assert.equal(idents.size, 1000, "each live context has its own ident");
    assert.equal(idents.has(getIdent()), false);
    assert.equal(local.id, undefined);
    assert.equal(stack.length, 0);
  });
});

describe("Local and the flags of its properties", () => {
  test("getOwnPropertyDescriptor, keys and JSON follow what defineProperty set", async () => {
    const local = new Local<Record<string, unknown>>();
    await new LocalManager(local).run(() => {
      Object.defineProperty(local, "ro", { value: 1, writable: false, enumerable: true });
      Object.defineProperty(local, "hidden", { value: 2, enumerable: false });
      local.plain = 3;
      assert.deepEqual(Object.getOwnPropertyDescriptor(local, "ro"), {
        value: 1,
        writable: false,
        enumerable: true,
        configurable: true,
      });
      assert.equal(Object.getOwnPropertyDescriptor(local, "hidden")?.enumerable, false);
      assert.deepEqual(Object.keys(local), ["ro", "plain"]);
      assert.equal(JSON.stringify(local), '{"ro":1,"plain":3}');
      assert.throws(() => {
        "use strict";
        (local as { ro: number }).ro = 5;
      }, TypeError);
    });
  });
});
