import type { LocalStack } from "./local_stack.d.ts";
/**
 * An object whose properties have their own value in every async context
 * (Celery's `celery.utils.threads.Local`, keyed by context instead of thread
 * id). It is a `Proxy`: `local.x = v`, `local.x`, `"x" in local`,
 * `delete local.x`, `Object.keys(local)` act on the current context's values
 * only. Reading a name that was never set gives `undefined`.
 *
 * The type of a `Local<T>` is `T` itself.
 *
 * @example Usage
 * ```ts
 * import { Local, LocalManager } from "@posixly/posixly/threads";
 *
 * const local = new Local<{ user?: string }>();
 * local.user = "top";
 * await new LocalManager().run(async () => {
 *   console.log(local.user); // undefined: a fresh context
 *   local.user = "inner";
 * });
 * console.log(local.user); // "top"
 * ```
 *
 * @typeParam T The shape of the per-context values.
 */
export type Local<T extends object = Record<string, unknown>> = T;
/**
 * The constructor type of {@linkcode Local}.
 *
 * @example Usage
 * ```ts
 * import { Local, type LocalConstructor } from "@posixly/posixly/threads";
 *
 * const Ctor: LocalConstructor = Local;
 * const local = new Ctor<{ n?: number }>();
 * ```
 */
export interface LocalConstructor {
    /**
     * Creates a Local with no values in any context.
     *
     * @example Usage
     * ```ts
     * import { Local } from "@posixly/posixly/threads";
     *
     * const local = new Local<{ user?: string }>();
     * ```
     *
     * @typeParam T The shape of the per-context values.
     */
    new <T extends object = Record<string, unknown>>(): Local<T>;
    /** The prototype shared by all Locals (`local instanceof Local` holds). */
    readonly prototype: object;
}
/**
 * Creates a {@linkcode Local}; see the type of the same name.
 *
 * @example Usage
 * ```ts
 * import { Local } from "@posixly/posixly/threads";
 *
 * const local = new Local<{ user?: string }>();
 * local.user = "alice";
 * console.log(local.user, local instanceof Local); // "alice" true
 * ```
 */
export declare const Local: LocalConstructor;
/**
 * Drops the current context's values of a {@linkcode Local} or
 * {@linkcode LocalStack} (Celery's `release_local`). Other contexts keep
 * theirs.
 *
 * @example Usage
 * ```ts
 * import { Local, releaseLocal } from "@posixly/posixly/threads";
 *
 * const local = new Local<{ user?: string }>();
 * local.user = "alice";
 * releaseLocal(local);
 * console.log(local.user); // undefined
 * ```
 *
 * @param local The Local or LocalStack to release.
 * @throws {TypeError} When `local` is neither a Local nor a LocalStack.
 */
export declare function releaseLocal(local: Local<object> | LocalStack<unknown>): void;
