/**
 * posixly: Celery's process toolkit (`celery.platforms`,
 * `celery.utils.threads`) for Deno, Bun and Node.js, on the C library through FFI.
 *
 * This entry point is the process toolkit, the same as `./platforms`:
 * pidfile locks that can never be held twice, daemonizing without fork,
 * users/groups and privilege dropping, signals, alarms, process titles, fd
 * and errno helpers (needs `--allow-ffi` in Deno).
 *
 * Context locals and background services on AsyncLocalStorage are their own
 * entry point, `@posixly/posixly/threads` (no permission needed): they load
 * `node:async_hooks`, which a daemon that uses no locals should not pay for at
 * every start.
 *
 * @example The runtime and this process's pid
 * ```ts
 * import { getSignal, runtimeImplementation } from "@posixly/posixly";
 * console.log(runtimeImplementation(), getSignal("TERM"));
 * ```
 *
 * @module
 */
export * from "./platforms/mod.ts";
