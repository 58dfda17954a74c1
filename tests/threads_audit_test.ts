// A hostile-input and fault audit of threads/: each test names what it guards.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { BgThread, Local, LocalManager, LocalProxy, LocalStack } from "../threads/mod.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for `done()` for at most `ms`; returns whether it came. */
async function until(done: () => boolean, ms = 3000): Promise<boolean> {
  const end = performance.now() + ms;
  while (!done() && performance.now() < end) await sleep(2);
  return done();
}

const MB = 1 << 20;

/** The error `fn` throws (fails when it throws nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected a throw");
}

describe("LocalManager.run and generator functions", () => {
  test("a generator function is refused: its body would run in the caller's context", () => {
    const local = new Local<{ g?: number }>();
    const manager = new LocalManager(local);
    // Before: run() returned the generator unrun; iterated here, its body set
    // local.g in the top-level context, where it stayed.
    let iterated: unknown[] = [];
    assert.throws(() => {
      iterated = [
        ...manager.run(function* () {
          local.g = 1;
          yield local.g;
        }),
      ];
    }, { name: "TypeError", message: /^run\(\) cannot run a generator function/ });
    assert.deepEqual(iterated, []);
    assert.equal(local.g, undefined, "nothing leaked into the caller's context");
  });

  test("an async generator function is refused too, and so is a bound one", async () => {
    const local = new Local<{ g?: number }>();
    const manager = new LocalManager(local);
    const gen = async function* (): AsyncGenerator<number> {
      local.g = 2;
      yield local.g;
    };
    for (const fn of [gen, gen.bind(null)]) {
      assert.throws(() => manager.run(fn), {
        name: "TypeError",
        message: /^run\(\) cannot run a generator function/,
      });
    }
    // What to do instead: iterate it inside run().
    const seen = await manager.run(async () => {
      const out: number[] = [];
      for await (const v of gen()) out.push(v);
      return out;
    });
    assert.deepEqual(seen, [2]);
    assert.equal(local.g, undefined);
  });

  test("a function that returns a generator is refused too, before its body runs", () => {
    const local = new Local<{ g?: number }>();
    const manager = new LocalManager(local);
    let ran = false;
    function* gen(): Generator<number> {
      ran = true;
      local.g = 3;
      yield local.g;
    }
    async function* asyncGen(): AsyncGenerator<number> {
      ran = true;
      local.g = 4;
      yield local.g;
    }
    // Before: run(() => gen()) returned the generator; iterated here, its body set
    // local.g in the caller's context, where it stayed.
    for (const make of [(): unknown => gen(), (): unknown => asyncGen()]) {
      assert.throws(() => manager.run(make), {
        name: "TypeError",
        message: /^run\(\)'s function returned a generator/,
      });
    }
    assert.equal(ran, false, "no generator body ran");
    assert.equal(local.g, undefined, "nothing leaked into the caller's context");
    // Other iterables are values like any other.
    assert.deepEqual([...manager.run(() => [1, 2].values())], [1, 2]);
    assert.deepEqual(manager.run(() => new Set([5])), new Set([5]));
  });
});

describe("messages name a hostile property key, bounded", () => {
  test("a 1 MB key in Local's and LocalProxy's TypeErrors is cut, its length said", () => {
    const key = "k".repeat(MB);
    const local = new Local<Record<string, unknown>>();
    const unbound = new LocalProxy(() => undefined as unknown as Record<string, unknown>);
    const proxy = new LocalProxy(() => ({}) as Record<string, unknown>);
    const errors = [
      thrown(() => Object.defineProperty(local, key, { value: 1, configurable: false })),
      thrown(() => unbound[key]),
      thrown(() => key in unbound),
      thrown(() => Object.defineProperty(proxy, key, { value: 1, configurable: false })),
      thrown(() => unbound[Symbol(key) as unknown as string]),
    ];
    for (const error of errors) {
      assert.equal(error.name, "TypeError");
      // Before: each message held the whole key (1 MB and more).
      assert.ok(error.message.length < 300, `${error.message.length} characters`);
      assert.match(
        error.message,
        new RegExp(`…\\(${MB + (error === errors[4] ? 8 : 0)} characters\\)`),
      );
    }
    assert.match(errors[1].message, /^LocalProxy cannot get "k{64}"…\(1048576 characters\): /);
    assert.match(errors[4].message, /^LocalProxy cannot get Symbol\(k{57}…\(1048584 characters\)/);
  });

  test("a key with control characters is quoted; a plain name stays bare", () => {
    const unbound = new LocalProxy(() => null as unknown as Record<string, unknown>);
    // Before: the newline went into the message as it was.
    assert.throws(() => unbound["a\nb: x"], {
      name: "TypeError",
      message: 'LocalProxy cannot get "a\\nb: x": the factory returned null',
    });
    assert.throws(() => unbound.user, {
      name: "TypeError",
      message: "LocalProxy cannot get user: the factory returned null",
    });
  });

  test("calling or constructing a proxy of a non-function says 'an object'", () => {
    const obj = new LocalProxy(() => ({}) as unknown as new () => unknown);
    // Before: "it is a object".
    assert.throws(() => (obj as unknown as () => void)(), {
      name: "TypeError",
      message: "LocalProxy cannot call its object: it is an object, not a function",
    });
    assert.throws(() => new obj(), {
      name: "TypeError",
      message: "LocalProxy cannot construct its object: it is an object, not a function",
    });
  });
});

describe("LocalManager and a sparse or hostile locals list", () => {
  test("a hole in the array is refused when the manager is made, not at cleanup()", () => {
    const local = new Local();
    // deno-lint-ignore no-sparse-arrays
    const sparse = [, local] as unknown as Local<object>[];
    // Before: forEach skipped the hole; cleanup() then threw from releaseLocal.
    assert.throws(() => new LocalManager(sparse), {
      name: "TypeError",
      message: "LocalManager locals[0] must be a Local or a LocalStack, got undefined",
    });
  });

  test("the TypeError names the value, a string quoted and bounded", () => {
    assert.throws(() => new LocalManager("x".repeat(MB) as never), {
      name: "TypeError",
      message: `LocalManager locals must be a Local or a LocalStack, got string "${
        "x".repeat(64)
      }"…(${MB} characters)`,
    });
    assert.throws(() => new LocalManager([new LocalStack<number>(), 7 as never]), {
      name: "TypeError",
      message: "LocalManager locals[1] must be a Local or a LocalStack, got number 7",
    });
  });
});

describe("BgThread faults", () => {
  test("start() without a body() function is a TypeError, not a crash and exit later", async () => {
    const reports: string[] = [];
    // A subclass from JavaScript that forgot body(), or set it to something else.
    class NoBody extends BgThread {
      declare body: () => void;
      override onCrash(message: string): void {
        reports.push(message);
      }
    }
    const svc = new NoBody({ name: "nobody", exitOnCrash: false });
    let error: unknown;
    try {
      svc.start();
    } catch (e) {
      error = e;
    }
    // Before: start() returned, then the first call crashed the service
    // (and, with the default exitOnCrash, exited the process).
    await sleep(20);
    await svc.stop();
    assert.deepEqual(reports, []);
    assert.ok(error instanceof TypeError, String(error));
    assert.equal(
      error.message,
      "'nobody' has no body() to run: body is undefined, not a function",
    );
    assert.equal(svc.isAlive, false);
  });

  test("an error whose message getter throws still reaches onCrash", async () => {
    const reports: string[] = [];
    const nasty = new Error("hidden");
    Object.defineProperty(nasty, "message", {
      get(): string {
        throw new Error("message getter");
      },
    });
    class Nasty extends BgThread {
      body(): void {
        throw nasty;
      }
      override onCrash(message: string, error: unknown): void {
        reports.push(`${message}|${error === nasty}`);
      }
    }
    const svc = new Nasty({ exitOnCrash: false });
    svc.start();
    // Before: describing the error threw, onCrash was never called and stderr
    // said "'Nasty' onCrash failed".
    assert.ok(await until(() => !svc.isAlive));
    await svc.stop();
    assert.deepEqual(reports, ["'Nasty' crashed: [object Error]|true"]);
  });

  test("a revoked Proxy thrown from body() reaches onCrash, described safely", async () => {
    const reports: string[] = [];
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    class Revoked extends BgThread {
      body(): void {
        throw proxy;
      }
      override onCrash(message: string): void {
        reports.push(message);
      }
    }
    const svc = new Revoked({ exitOnCrash: false });
    svc.start();
    // Before: `instanceof Error` on it threw, and onCrash was never called.
    assert.ok(await until(() => !svc.isAlive));
    await svc.stop();
    assert.equal(reports.length, 1);
    assert.match(reports[0], /^'Revoked' crashed: /);
  });
});

describe("LocalProxy when printed", () => {
  test("shows the object its factory returns, in every inspector the runtime has", () => {
    // deno-lint-ignore no-explicit-any
    const g = globalThis as any;
    const inspectors: ((v: unknown) => string)[] = [inspect];
    if (g.Deno) inspectors.push(g.Deno.inspect);
    if (g.Bun) inspectors.push(g.Bun.inspect);
    const stack = new LocalStack<{ a: number }>();
    const top = stack.proxy();
    for (const show of inspectors) {
      // Before: the proxy's own target, "[Function: bound ] { Symbol(LocalProxy.factory): ... }".
      assert.equal(show(new LocalProxy(() => ({ a: 1 }))), "LocalProxy { a: 1 }");
      assert.equal(show(new LocalProxy(() => [1, 2])), "LocalProxy [ 1, 2 ]");
      assert.equal(show(top), "LocalProxy <ReferenceError from its factory>");
      stack.push({ a: 2 });
      assert.equal(show(top), "LocalProxy { a: 2 }");
      stack.pop();
    }
  });
});

describe("hostile keys on a Local (guards: these held before the audit)", () => {
  test("__proto__, constructor and then are plain per-context values", async () => {
    const local = new Local<Record<string, unknown>>();
    assert.equal(local.then, undefined, "a fresh Local is no thenable");
    assert.equal(await Promise.resolve(local), local);
    await new LocalManager(local).run(() => {
      local.__proto__ = { evil: true };
      Reflect.set(local, "constructor", 5);
      assert.equal(local.evil, undefined, "__proto__ is an own value, no prototype");
      assert.equal(Object.getPrototypeOf(local), Local.prototype);
      assert.deepEqual(Object.keys(local), ["__proto__", "constructor"]);
    });
    assert.deepEqual(Object.keys(local), []);
    assert.equal(({} as Record<string, unknown>).evil, undefined);
  });
});
