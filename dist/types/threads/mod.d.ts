/**
 * Context locals and background services: Celery's `celery.utils.threads`
 * keyed by async context (AsyncLocalStorage) instead of thread id. Needs no
 * FFI and no permissions.
 *
 * @example Usage
 * ```ts
 * import { Local, LocalManager } from "@posixly/posixly/threads";
 *
 * const local = new Local<{ user?: string }>();
 * const manager = new LocalManager(local);
 * await manager.run(async () => {
 *   local.user = "alice";
 * });
 * ```
 *
 * @module
 */
export { getIdent } from "./ident.d.ts";
export * from "./local.d.ts";
export * from "./local_stack.d.ts";
export * from "./local_proxy.d.ts";
export * from "./local_manager.d.ts";
export * from "./socket_timeout.d.ts";
export * from "./bg_thread.d.ts";
