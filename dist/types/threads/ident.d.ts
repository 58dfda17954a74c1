/**
 * Context identity and the async-context machinery shared by the rest of
 * `threads/`.
 *
 * Celery keys its locals by thread id; posixly keys them by async context.
 * Every context is a {@linkcode Context} object carried by one module-level
 * {@linkcode ContextVariable} (AsyncLocalStorage's `run` and `get`). Code that runs outside any context (top-level code)
 * uses a module-level top context. The values of a Local live in the
 * context object itself, so they are garbage-collected together with the
 * context once nothing (no pending await, timer or promise) refers to it.
 *
 * @module
 */
import { type ContextVariable } from "./context_variable.d.ts";
/**
 * One async context: a unique ident plus the per-Local storage slots.
 * Internal to `threads/`; not re-exported by `threads/mod.ts`.
 *
 * @example Usage
 * ```ts ignore
 * import { Context, storage } from "./ident.d.ts";
 * storage.run(new Context(), () => console.log("inside a fresh context"));
 * ```
 *
 * @internal
 */
export declare class Context {
    /** Non-zero number unique to this context; never reused. */
    readonly ident: number;
    /** Values of each Local/LocalStack in this context, keyed by its slot key. */
    readonly slots: WeakMap<object, unknown>;
    /**
     * Creates a context with the next ident.
     *
     * @example Usage
     * ```ts ignore
     * const ctx = new Context();
     * ```
     */
    constructor();
}
/**
 * The one context variable that carries the current {@linkcode Context}.
 *
 * @example Usage
 * ```ts ignore
 * storage.run(new Context(), () => storage.get());
 * ```
 *
 * @internal
 */
export declare const storage: ContextVariable<Context>;
/**
 * The context of code that runs outside any `run()`; lives as long as the
 * module.
 *
 * @example Usage
 * ```ts ignore
 * topContext.ident; // the top-level ident
 * ```
 *
 * @internal
 */
export declare const topContext: Context;
/**
 * Maps a public Local proxy or LocalStack to the key of its slot in
 * {@linkcode Context.slots}. Also tells whether an object is one of them.
 *
 * @example Usage
 * ```ts ignore
 * const key = slotKeys.get(local);
 * ```
 *
 * @internal
 */
export declare const slotKeys: WeakMap<object, object>;
/**
 * Returns the current context (the top context outside any run).
 *
 * @example Usage
 * ```ts ignore
 * currentContext().slots;
 * ```
 *
 * @returns The current {@linkcode Context}.
 *
 * @internal
 */
export declare function currentContext(): Context;
/**
 * Runs `fn` in a fresh context and returns what it returns.
 *
 * @example Usage
 * ```ts ignore
 * runInNewContext(() => getIdent());
 * ```
 *
 * @param fn The function to run.
 * @returns The result of `fn`.
 *
 * @internal
 */
export declare function runInNewContext<R>(fn: (ctx: Context) => R): R;
/**
 * Returns a non-zero integer unique to the current async context among all
 * contexts that are alive (in fact never reused). Top-level code has its own;
 * every `LocalManager.run`, `middleware` call and `BgThread` loop gets a new
 * one. The ident survives awaits, timers and promise chains.
 *
 * @example Usage
 * ```ts
 * import { getIdent, LocalManager } from "@posixly/posixly/threads";
 *
 * const outer = getIdent();
 * const inner = await new LocalManager().run(async () => getIdent());
 * console.log(outer !== inner); // true
 * ```
 *
 * @returns The current context's ident.
 */
export declare function getIdent(): number;
