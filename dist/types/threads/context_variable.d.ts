/**
 * A variable whose value follows the async context.
 *
 * @example Usage
 * ```ts ignore
 * import { contextVariable } from "./context_variable.d.ts";
 * const requestId = contextVariable<string>();
 * await requestId.run("r-1", async () => {
 *   await null;
 *   console.log(requestId.get()); // "r-1"
 * });
 * console.log(requestId.get()); // undefined
 * ```
 *
 * @internal
 */
export interface ContextVariable<T> {
    /** The value in the current async context, or `undefined` outside any `run`. */
    get(): T | undefined;
    /**
     * Calls `fn` with `value` as this variable's value in `fn` and in everything
     * `fn` starts; the previous value is back when `fn` returns or throws.
     */
    run<R>(value: T, fn: () => R): R;
}
/**
 * Creates a {@linkcode ContextVariable}.
 *
 * @example Usage
 * ```ts ignore
 * import { contextVariable } from "./context_variable.d.ts";
 * const user = contextVariable<string>();
 * user.run("ada", () => user.get()); // "ada"
 * ```
 *
 * @internal
 */
export declare function contextVariable<T>(): ContextVariable<T>;
