/**
 * posixly's bindings to the C library, for Deno (`Deno.dlopen`), Bun
 * (`bun:ffi`) and Node.js 26 or later (`node:ffi`). Every function is bound
 * on first use.
 *
 * @example Call the C library
 * ```ts
 * import { check, libc } from "@posixly/posixly/ffi";
 * console.log(check(libc.getpid(), "getpid"));
 * ```
 *
 * @module
 */
export * from "./platform.ts";
export * from "./symbols.ts";
export * from "./backend.ts";
export * from "./libc.ts";
export * from "./memory.ts";
export * from "./errno.ts";
export * from "./os_error.ts";
