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
export * from "./platform.ts";
export * from "./symbols.ts";
export * from "./backend.ts";
export * from "./libc.ts";
export * from "./memory.ts";
export * from "./errno.ts";
export * from "./os_error.ts";
