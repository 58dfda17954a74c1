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
// The same names as ./platforms/mod.ts and ./threads/mod.ts (a test checks it),
// re-exported from the files that define them: in Deno every module loaded costs
// about 50 us of start-up, and the two sub-indexes would be two more.
export { FfiPermissionError, FfiSymbolError, OSError } from "./ffi/mod.ts";
export type { OSErrorOptions } from "./ffi/mod.ts";
export * from "./platforms/runtime.ts";
export * from "./platforms/exit_codes.ts";
export * from "./platforms/errno.ts";
export * from "./platforms/fds.ts";
export * from "./platforms/users.ts";
export * from "./platforms/privileges.ts";
export * from "./platforms/signals.ts";
export * from "./platforms/proctitle.ts";
export * from "./platforms/spawn.ts";
export * from "./platforms/systemd.ts";
export * from "./platforms/daemon.ts";
export * from "./platforms/process_start.ts";
export * from "./platforms/process_started_at.ts";
export * from "./platforms/exec.ts";
export * from "./platforms/pidfile.ts";
export { getIdent } from "./threads/ident.ts";
export * from "./threads/local.ts";
export * from "./threads/local_stack.ts";
export * from "./threads/local_proxy.ts";
export * from "./threads/local_manager.ts";
export * from "./threads/socket_timeout.ts";
export * from "./threads/bg_thread.ts";
