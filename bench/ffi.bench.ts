/**
 * getpid() through posixly's ffi/ layer against the runtime's raw binding
 * (`Deno.dlopen`, `bun:ffi`'s `dlopen`, `node:ffi`'s `dlopen`).
 * Goal: the layer costs at most 1.2x the raw binding (1.3x in Node.js).
 */
import process from "node:process";
import { libc } from "../ffi/mod.ts";
import { measure, report } from "./_harness.ts";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
/** getpid bound straight through the runtime's own FFI, with nothing in between. */
async function rawGetpid(): Promise<() => number> {
  if ("Bun" in globalThis) {
    const ffi = await import("bun:ffi");
    return ffi.dlopen("libc.so.6", { getpid: { args: [], returns: "i32" } }).symbols.getpid;
  }
  if ("Deno" in globalThis) {
    return g.Deno.dlopen("libc.so.6", { getpid: { parameters: [], result: "i32" } }).symbols
      .getpid;
  }
  // deno-lint-ignore no-explicit-any
  const ffi = (process as any).getBuiltinModule("node:ffi");
  return ffi.dlopen("libc.so.6", { getpid: { arguments: [], return: "i32" } }).functions.getpid;
}
const raw = await rawGetpid();
measure("getpid raw binding", () => raw());
measure("getpid via ffi/", () => libc.getpid());
await report("ffi");
