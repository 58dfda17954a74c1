import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { LocalManager, LocalStack, releaseLocal } from "../threads/mod.ts";
import { slotOf } from "../threads/context.ts";

const manager = new LocalManager();

describe("LocalStack", () => {
  test("push, top, pop, length and stack on one context", () => {
    const stack = new LocalStack<string>();
    assert.equal(stack.top, undefined);
    assert.equal(stack.pop(), undefined);
    assert.equal(stack.length, 0);
    assert.deepEqual(stack.stack, []);
    assert.equal(stack.push("a"), 1);
    assert.equal(stack.push("b"), 2);
    assert.equal(stack.top, "b");
    assert.equal(stack.length, 2);
    assert.deepEqual(stack.stack, ["a", "b"]);
    assert.equal(stack.pop(), "b");
    assert.equal(stack.top, "a");
    assert.equal(stack.pop(), "a");
    assert.equal(stack.pop(), undefined);
    assert.equal(stack.top, undefined);
  });

  test("stack is a copy", () => {
    const stack = new LocalStack<number>();
    stack.push(1);
    const copy = stack.stack;
    copy.push(2);
    assert.deepEqual(stack.stack, [1]);
    assert.equal(stack.pop(), 1);
  });

  test("each context has its own stack", async () => {
    const stack = new LocalStack<string>();
    stack.push("top");
    await manager.run(async () => {
      assert.equal(stack.top, undefined);
      assert.equal(stack.length, 0);
      stack.push("inner");
      await new Promise((r) => setTimeout(r, 1));
      assert.deepEqual(stack.stack, ["inner"]);
    });
    assert.deepEqual(stack.stack, ["top"]);
    releaseLocal(stack);
    assert.equal(stack.length, 0);
  });

  test("popping the last item releases the context's storage", async () => {
    const stack = new LocalStack<number>();
    const slot = slotOf(stack)!;
    stack.push(1);
    stack.push(2);
    assert.equal(stack.pop(), 2);
    assert.deepEqual(slot.get(), [1]);
    assert.equal(stack.pop(), 1);
    // Not an empty array left behind: the slot holds nothing at all.
    assert.equal(slot.get(), undefined);
    await manager.run(() => {
      stack.push(3);
      assert.equal(stack.pop(), 3);
      assert.equal(slot.get(), undefined);
    });
  });

  test("an undefined item still counts", () => {
    const stack = new LocalStack<number | undefined>();
    stack.push(undefined);
    assert.equal(stack.length, 1);
    const proxy = stack.proxy();
    // Bound (not "object unbound"), but an undefined item has no properties.
    assert.throws(() => (proxy as unknown as { x: 1 }).x, {
      name: "TypeError",
      message: /factory returned undefined/,
    });
    assert.equal(stack.pop(), undefined);
    assert.equal(stack.length, 0);
  });

  test("proxy() follows the current top and throws object unbound when empty", async () => {
    const stack = new LocalStack<{ name: string }>();
    const current = stack.proxy();
    assert.throws(() => current.name, { name: "ReferenceError", message: /object unbound/ });
    assert.throws(() => {
      current.name = "x";
    }, /object unbound/);
    stack.push({ name: "a" });
    assert.equal(current.name, "a");
    stack.push({ name: "b" });
    assert.equal(current.name, "b");
    current.name = "B";
    assert.deepEqual(stack.top, { name: "B" });
    await manager.run(() => {
      assert.throws(() => current.name, /object unbound/);
      stack.push({ name: "inner" });
      assert.equal(current.name, "inner");
    });
    assert.equal(current.name, "B");
    stack.pop();
    stack.pop();
    assert.throws(() => "name" in current, /object unbound/);
  });
});
