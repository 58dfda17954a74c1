/**
 * Process-level helpers (Celery's `celery.platforms`): pidfile locks,
 * daemonizing, users and groups, signals, process titles, fds and errno.
 * Everything here calls the C library: Deno needs `--allow-ffi`.
 *
 * @example
 * ```ts
 * import { getFdmax, runtimeImplementation } from "@posixly/posixly/platforms";
 * console.log(runtimeImplementation(), getFdmax());
 * ```
 *
 * @module
 */
export { FfiPermissionError, FfiSymbolError, OSError } from "../ffi/mod.d.ts";
export type { OSErrorOptions } from "../ffi/mod.d.ts";
export * from "./runtime.d.ts";
export * from "./exit_codes.d.ts";
export * from "./errno.d.ts";
export * from "./fds.d.ts";
export * from "./users.d.ts";
export * from "./privileges.d.ts";
export * from "./signals.d.ts";
export * from "./proctitle.d.ts";
export * from "./spawn.d.ts";
export * from "./systemd.d.ts";
export * from "./daemon.d.ts";
export * from "./process_start.d.ts";
export * from "./pidfile.d.ts";
