/**
 * posixly: Celery's process toolkit (`celery.platforms`,
 * `celery.utils.threads`) for Deno and Bun, on the C library through FFI.
 *
 * - pidfile locks that can never be held twice, daemonizing without fork,
 *   users/groups and privilege dropping, signals, alarms, process titles,
 *   fd and errno helpers (`./platforms`, needs `--allow-ffi` in Deno);
 * - context locals and background services on AsyncLocalStorage
 *   (`./threads`, no permission needed).
 *
 * @example The runtime and the current context's ident
 * ```ts
 * import { getIdent, runtimeImplementation } from "@posixly/posixly";
 * console.log(runtimeImplementation(), getIdent());
 * ```
 *
 * @module
 */
export * from "./platforms/mod.ts";
export * from "./threads/mod.ts";
