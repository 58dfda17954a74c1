/**
 * Process-level helpers (Celery's `celery.platforms`): pidfile locks,
 * daemonizing, users and groups, signals, process titles, fds and errno.
 * Everything here calls the C library: Deno needs `--allow-ffi`.
 *
 * @example The runtime and the highest file descriptor number
 * ```ts
 * import { getFdmax, runtimeImplementation } from "@posixly/posixly/platforms";
 * console.log(runtimeImplementation(), getFdmax());
 * ```
 *
 * @module
 */
export { FfiPermissionError, FfiSymbolError, OSError } from "../ffi/mod.ts";
export type { OSErrorOptions } from "../ffi/mod.ts";
/**
 * The C bindings posixly is built on, as a namespace: the same module as the
 * `@posixly/posixly/ffi` entry point (one libc binding, one `OSError` class).
 *
 * @example Call getpid through the namespace
 * ```ts
 * import { ffi } from "@posixly/posixly";
 * console.log(ffi.libc.getpid());
 * ```
 */
export * as ffi from "../ffi/mod.ts";
export * from "./runtime.ts";
export * from "./exit_codes.ts";
export * from "./errno.ts";
export * from "./fds.ts";
export * from "./users.ts";
export * from "./privileges.ts";
export * from "./signals.ts";
export * from "./proctitle.ts";
export * from "./spawn.ts";
export * from "./systemd.ts";
export * from "./daemon.ts";
export * from "./process_start.ts";
export * from "./process_started_at.ts";
export * from "./exec.ts";
export * from "./pidfile.ts";
