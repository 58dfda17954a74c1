/**
 * posixly's bindings to the C library, for Deno (`Deno.dlopen`) and Bun
 * (`bun:ffi`). Everything is bound lazily on first use.
 *
 * @example
 * ```ts
 * import { check, libc } from "@posixly/posixly/ffi";
 * console.log(check(libc.getpid(), "getpid"));
 * ```
 *
 * @module
 */
export * from "./platform.d.ts";
export * from "./symbols.d.ts";
export * from "./runtime.d.ts";
export * from "./libc.d.ts";
export * from "./memory.d.ts";
export * from "./errno.d.ts";
export * from "./os_error.d.ts";
