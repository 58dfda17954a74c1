/**
 * How the command loads Node.js's built-in modules (cli/builtin.ts): Node.js
 * and Bun hand them over through `process.getBuiltinModule()`, without the
 * import that Node's would make an ES module namespace for; Deno imports
 * them, as its `process` global would start more of its Node layer. Checked
 * against the runtime's own modules.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as util from "node:util";
import * as net from "node:net";
import { builtin } from "../cli/builtin.ts";
import { runtime } from "./_runtime.ts";

describe("builtin", () => {
  test("gives the runtime's own module, the way the runtime loads it cheapest", async () => {
    let imported = 0;
    const got = await builtin("node:util", () => {
      imported++;
      return import("node:util");
    });
    assert.equal(got.parseArgs, util.parseArgs);
    // Only Deno goes through the import.
    assert.equal(imported, runtime === "deno" ? 1 : 0);
  });

  test("works for every module the command loads", async () => {
    const n = await builtin("node:net", () => import("node:net"));
    assert.equal(n.connect, net.connect);
    const dns = await builtin("node:dns/promises", () => import("node:dns/promises"));
    assert.equal(typeof dns.lookup, "function");
  });
});
