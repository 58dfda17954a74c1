import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { defaultSocketTimeout, getDefaultSocketTimeout, getIdent } from "../threads/mod.ts";

describe("defaultSocketTimeout", () => {
  test("is scoped to fn, across awaits and timers", async () => {
    assert.equal(getDefaultSocketTimeout(), undefined);
    const ident = getIdent();
    const seen = await defaultSocketTimeout(5000, async () => {
      assert.equal(getIdent(), ident, "does not start a new context");
      const a = getDefaultSocketTimeout();
      await new Promise((r) => setTimeout(r, 1));
      const b = await new Promise((r) => setTimeout(() => r(getDefaultSocketTimeout()), 1));
      const nested = defaultSocketTimeout(10, () => getDefaultSocketTimeout());
      return [a, b, nested, getDefaultSocketTimeout()];
    });
    assert.deepEqual(seen, [5000, 5000, 10, 5000]);
    assert.equal(getDefaultSocketTimeout(), undefined);
  });

  test("concurrent scopes do not interfere", async () => {
    // The scope started first resumes first, while the later ones are still
    // pending: a single variable set on entry and restored when a scope
    // settles would show it 3, the value of the scope started last.
    const results = await Promise.all([1, 2, 3].map((ms) =>
      defaultSocketTimeout(ms, async () => {
        await new Promise((r) => setTimeout(r, 2 * ms));
        return getDefaultSocketTimeout();
      })
    ));
    assert.deepEqual(results, [1, 2, 3]);
    assert.equal(getDefaultSocketTimeout(), undefined);
  });

  test("is restored when fn throws", () => {
    defaultSocketTimeout(100, () => {
      assert.throws(() =>
        defaultSocketTimeout(5, () => {
          throw new Error("boom");
        }), /boom/);
      assert.equal(getDefaultSocketTimeout(), 100);
      assert.equal(defaultSocketTimeout(undefined, () => getDefaultSocketTimeout()), undefined);
    });
    assert.equal(getDefaultSocketTimeout(), undefined);
  });

  test("rejects numbers out of range with a RangeError, other types with a TypeError", () => {
    for (const bad of [-1, NaN, Infinity, 2 ** 31]) {
      assert.throws(() => defaultSocketTimeout(bad, () => 0), {
        name: "RangeError",
        message: "defaultSocketTimeout() ms must be a number of milliseconds from 0 to " +
          `2147483647 (what timers can wait), got ${bad}`,
      });
    }
    // The longest delay a timer keeps is still a timeout.
    assert.equal(defaultSocketTimeout(2 ** 31 - 1, () => getDefaultSocketTimeout()), 2 ** 31 - 1);
    const wrongTypes: [unknown, string][] = [
      ["5", 'string "5"'],
      [10n, "bigint"],
      [null, "null"],
      [Object.create(null), "object"],
      ["x".repeat(100), `string "${"x".repeat(64)}…"`],
    ];
    for (const [bad, shown] of wrongTypes) {
      assert.throws(() => defaultSocketTimeout(bad as number, () => 0), {
        name: "TypeError",
        message:
          `defaultSocketTimeout() ms must be a number of milliseconds or undefined, got ${shown}`,
      });
    }
    assert.throws(() => defaultSocketTimeout(1, 3 as never), TypeError);
  });
});
