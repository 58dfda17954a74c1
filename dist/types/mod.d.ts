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
 * @example
 * ```ts
 * import { getIdent, runtimeImplementation } from "@posixly/posixly";
 * console.log(runtimeImplementation(), getIdent());
 * ```
 *
 * @module
 */
export { FfiPermissionError, FfiSymbolError, OSError } from "./ffi/mod.d.ts";
export type { OSErrorOptions } from "./ffi/mod.d.ts";
export * from "./platforms/runtime.d.ts";
export * from "./platforms/exit_codes.d.ts";
export * from "./platforms/errno.d.ts";
export * from "./platforms/fds.d.ts";
export * from "./platforms/users.d.ts";
export * from "./platforms/privileges.d.ts";
export * from "./platforms/signals.d.ts";
export * from "./platforms/proctitle.d.ts";
export * from "./platforms/spawn.d.ts";
export * from "./platforms/systemd.d.ts";
export * from "./platforms/daemon.d.ts";
export * from "./platforms/process_start.d.ts";
export * from "./platforms/pidfile.d.ts";
export { getIdent } from "./threads/ident.d.ts";
export * from "./threads/local.d.ts";
export * from "./threads/local_stack.d.ts";
export * from "./threads/local_proxy.d.ts";
export * from "./threads/local_manager.d.ts";
export * from "./threads/socket_timeout.d.ts";
export * from "./threads/bg_thread.d.ts";
