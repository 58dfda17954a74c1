import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Local, LocalProxy } from "../threads/mod.ts";

describe("LocalProxy", () => {
  test("calls the factory on every use", () => {
    let calls = 0;
    let current: { n: number; extra?: string } = { n: 1 };
    const proxy = new LocalProxy(() => {
      calls++;
      return current;
    });
    assert.equal(calls, 0);
    assert.equal(proxy.n, 1);
    current = { n: 2 };
    assert.equal(proxy.n, 2);
    assert.equal(calls, 2);
  });

  test("forwards get, set, in, delete and keys", () => {
    const obj: Record<string, unknown> = { a: 1 };
    const proxy = new LocalProxy(() => obj);
    proxy.b = 2;
    assert.equal(obj.b, 2);
    assert.equal("a" in proxy, true);
    assert.equal("zz" in proxy, false);
    delete proxy.a;
    assert.equal("a" in obj, false);
    assert.deepEqual(Object.keys(proxy), ["b"]);
    assert.deepEqual({ ...proxy }, { b: 2 });
    assert.equal(JSON.stringify(proxy), '{"b":2}');
  });

  test("forwards calls, new, instanceof and method this", () => {
    class Counter {
      count = 0;
      inc(): number {
        return ++this.count;
      }
    }
    const counter = new Counter();
    const proxy = new LocalProxy(() => counter);
    assert.equal(proxy.inc(), 1);
    const inc = proxy.inc;
    assert.equal(inc(), 2, "methods are bound to the current object");
    assert.ok(proxy instanceof Counter);
    assert.equal(proxy.constructor, Counter);

    const fn = new LocalProxy(() => (x: number): number => x * 2);
    assert.equal(fn(21), 42);
    const Ctor = new LocalProxy(() => Counter);
    assert.ok(new Ctor() instanceof Counter);

    const notFn = new LocalProxy(() => ({}) as unknown as () => void);
    assert.throws(() => notFn(), { name: "TypeError", message: /not a function/ });
  });

  test("methods keep their static members, identity and an explicit this", () => {
    class Widget {
      static made = 0;
      static make(): Widget {
        Widget.made++;
        return new Widget();
      }
      name = "w";
      hello(): string {
        return `hello from ${this.name}`;
      }
    }
    const box = { Widget, widget: new Widget() };
    const proxy = new LocalProxy(() => box);
    assert.ok(proxy.Widget.make() instanceof Widget, "a static method read through the proxy");
    assert.equal(proxy.Widget.made, 1);
    assert.ok(new proxy.Widget() instanceof Widget);
    assert.ok(box.widget instanceof proxy.Widget);
    const widget = new LocalProxy(() => box.widget);
    assert.equal(widget.hello, widget.hello, "the same method reads as the same function");
    assert.equal(widget.hello(), "hello from w");
    assert.equal(widget.hello.call({ name: "other" }), "hello from other");
    const other = new LocalProxy(() => ({ name: "proxied" }));
    assert.equal(widget.hello.call(other), "hello from w", "a LocalProxy as this is the object");
    box.widget = Object.assign(new Widget(), { name: "next" });
    assert.equal(widget.hello(), "hello from next", "a new object: its own method");
  });

  test("class X extends a proxy of a class: new X() gets X's prototype", () => {
    class Base {
      base = true;
      who(): string {
        return "base";
      }
    }
    const BaseProxy = new LocalProxy(() => Base);
    class Sub extends BaseProxy {
      override who(): string {
        return "sub";
      }
    }
    const sub = new Sub();
    assert.ok(sub instanceof Sub);
    assert.ok(sub instanceof Base);
    assert.equal(sub.who(), "sub");
    assert.equal(sub.base, true);
    assert.equal(Object.getPrototypeOf(new BaseProxy()), Base.prototype);
  });

  test("forwards iteration and built-ins with internal slots", () => {
    let map = new Map([["x", 1]]);
    const proxy = new LocalProxy(() => map);
    assert.equal(proxy.get("x"), 1);
    assert.equal(proxy.size, 1);
    assert.deepEqual([...proxy], [["x", 1]]);
    map = new Map([["y", 2], ["z", 3]]);
    assert.deepEqual([...proxy.keys()], ["y", "z"]);
    const arr = new LocalProxy(() => [1, 2, 3]);
    assert.deepEqual([...arr], [1, 2, 3]);
    assert.equal(arr.length, 3);
    const num = new LocalProxy(() => 5);
    assert.equal(num.toFixed(1), "5.0");
    assert.equal(num + 1, 6);
  });

  test("follows a Local: the proxied object is per context", async () => {
    const local = new Local<{ user?: { name: string } }>();
    const user = new LocalProxy(() => local.user!);
    local.user = { name: "top" };
    const { LocalManager } = await import("../threads/mod.ts");
    await new LocalManager(local).run(() => {
      local.user = { name: "inner" };
      assert.equal(user.name, "inner");
    });
    assert.equal(user.name, "top");
    delete local.user;
    assert.throws(() => user.name, { name: "TypeError", message: /factory returned undefined/ });
  });

  test("cannot be frozen (that would break it), and stays usable after trying", () => {
    const proxy = new LocalProxy(() => ({ a: 1 }));
    assert.throws(() => Object.freeze(proxy), { name: "TypeError", message: /non-extensible/ });
    assert.deepEqual(Object.keys(proxy), ["a"]);
  });

  test("rejects a non-function factory and calls without new", () => {
    assert.throws(() => new LocalProxy(1 as unknown as () => number), {
      name: "TypeError",
      message: /factory function/,
    });
    assert.throws(
      () => (LocalProxy as unknown as (f: () => number) => unknown)(() => 1),
      TypeError,
    );
  });
});

describe("LocalProxy and non-configurable properties", () => {
  test("defining one is refused before the object changes", () => {
    const obj: Record<string, unknown> = {};
    const proxy = new LocalProxy(() => obj);
    assert.throws(
      () => Object.defineProperty(proxy, "z", { value: 1, configurable: false }),
      { name: "TypeError", message: /LocalProxy property z cannot be defined as non-configurable/ },
    );
    assert.equal(Object.getOwnPropertyDescriptor(obj, "z"), undefined, "the object is unchanged");
    Object.defineProperty(proxy, "y", { value: 2, configurable: true, enumerable: true });
    assert.equal(obj.y, 2);
  });
});
