// The async-context primitive under threads/: in Deno it is the runtime's own
// async variable, elsewhere node:async_hooks. The same behaviour is asserted
// in both runtimes, including where the value must NOT be seen.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { contextVariable } from "../threads/context_variable.ts";
import { fixture, runScript } from "./_util.ts";

const tick = (ms = 1): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("contextVariable", () => {
  test("run gives the value to fn, its awaits, timers, microtasks and events", async () => {
    const v = contextVariable<string>();
    assert.equal(v.get(), undefined);
    const seen = await v.run("a", async () => {
      const out: (string | undefined)[] = [v.get()];
      await tick();
      out.push(v.get());
      out.push(await new Promise<string | undefined>((r) => setTimeout(() => r(v.get()), 1)));
      out.push(await new Promise<string | undefined>((r) => queueMicrotask(() => r(v.get()))));
      out.push(await Promise.resolve().then(() => v.get()));
      const target = new EventTarget();
      const fromEvent = new Promise<string | undefined>((r) =>
        target.addEventListener("x", () => r(v.get()))
      );
      target.dispatchEvent(new Event("x"));
      out.push(await fromEvent);
      return out;
    });
    assert.deepEqual(seen, ["a", "a", "a", "a", "a", "a"]);
    assert.equal(v.get(), undefined, "not seen after run");
  });

  test("the previous value is back after return and after throw; nesting works", () => {
    const v = contextVariable<number>();
    v.run(1, () => {
      assert.equal(v.run(2, () => v.get()), 2);
      assert.equal(v.get(), 1);
      assert.throws(() =>
        v.run(3, () => {
          throw new Error("boom");
        }), /boom/);
      assert.equal(v.get(), 1);
    });
    assert.equal(v.get(), undefined);
  });

  test("concurrent runs and separate variables do not see each other", async () => {
    const a = contextVariable<number>();
    const b = contextVariable<string>();
    const results = await Promise.all([1, 2, 3].map((n) =>
      a.run(n, async () => {
        await tick(4 - n);
        return b.run(`s${n}`, async () => {
          await tick(n);
          return [a.get(), b.get()];
        });
      })
    ));
    assert.deepEqual(results, [[1, "s1"], [2, "s2"], [3, "s3"]]);
    assert.equal(b.get(), undefined);
  });

  test("a promise created inside run keeps the value when awaited outside", async () => {
    const v = contextVariable<string>();
    const p = v.run("inside", async () => {
      await tick();
      return v.get();
    });
    assert.equal(v.get(), undefined);
    assert.equal(await p, "inside");
  });

  test("the node:async_hooks path (Deno's own variable hidden) behaves the same", () => {
    const r = runScript(fixture("context_fallback.ts"));
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      before: null,
      inside: "x",
      after: null,
      nested: [1, "y"],
    });
  });
});
