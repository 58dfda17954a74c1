/**
 * getpid() through posixly's ffi/ layer against the runtime's raw binding.
 * Goal: the layer costs at most 1.2x the raw binding.
 */
import { libc } from "../ffi/mod.ts";
import { measure, report } from "./_harness.ts";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
// deno-lint-ignore no-explicit-any
let raw: any;
if ("Bun" in globalThis) {
  const ffi = await import("bun:ffi");
  raw = ffi.dlopen("libc.so.6", { getpid: { args: [], returns: "i32" } }).symbols;
} else {
  raw = g.Deno.dlopen("libc.so.6", { getpid: { parameters: [], result: "i32" } }).symbols;
}
libc.getpid(); // bind before measuring

measure("getpid raw binding", () => raw.getpid());
measure("getpid via ffi/", () => libc.getpid());
await report("ffi");
