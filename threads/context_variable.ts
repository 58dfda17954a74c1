/**
 * {@linkcode ContextVariable}: one async-context variable, the primitive under
 * every Local, LocalStack, BgThread and socket timeout in `threads/`.
 *
 * A value given to {@linkcode ContextVariable.run} is seen by the callback and
 * by everything it starts (awaits, promise chains, timers, I/O callbacks), and
 * by nothing else. This is `AsyncLocalStorage` reduced to `run` and `get`.
 *
 * Where it comes from:
 * - Deno: the runtime's own async-context variable (`AsyncVariable` in Deno's
 *   core), the very thing that Deno's `node:async_hooks` AsyncLocalStorage
 *   wraps. Importing `node:async_hooks` would first start Deno's Node
 *   compatibility layer, about 3 ms of every cold start of a program that
 *   imports posixly, for the same behaviour. The shape of that internal object
 *   is checked at load; if a Deno release changes it, this module falls back
 *   to `node:async_hooks` and only the start-up gets slower.
 * - Bun and others: `AsyncLocalStorage` from `node:async_hooks`, loaded
 *   (about 1 ms in Bun) only when a variable is first `run`: until then no
 *   context can hold a value, and `get` gives undefined without it. No
 *   top-level await, so importing posixly stays synchronous.
 *
 * Internal to `threads/`; not re-exported by `threads/mod.ts`.
 *
 * @module
 */
import type { AsyncLocalStorage as NodeAsyncLocalStorage } from "node:async_hooks";

/**
 * A variable whose value follows the async context.
 *
 * @example Usage
 * ```ts ignore
 * import { contextVariable } from "./context_variable.ts";
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

/** The parts of Deno's core async-context API that this module uses. */
interface DenoAsyncCore {
  AsyncVariable: new () => { enter(value: unknown): unknown; get(): unknown };
  setAsyncContext(snapshot: unknown): void;
}

function denoAsyncCore(): DenoAsyncCore | undefined {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (!g.Deno || g.Bun) return undefined;
  try {
    const core = g.Deno[g.Deno.internal]?.core;
    const Variable = core?.AsyncVariable;
    if (
      typeof Variable === "function" &&
      typeof Variable.prototype?.enter === "function" &&
      typeof Variable.prototype?.get === "function" &&
      typeof core.setAsyncContext === "function" &&
      typeof core.getAsyncContext === "function"
    ) {
      return core as DenoAsyncCore;
    }
  } catch {
    // not there: use node:async_hooks
  }
  return undefined;
}

const core: DenoAsyncCore | undefined = denoAsyncCore();

/** node:async_hooks' AsyncLocalStorage, loaded synchronously when first needed. */
function nodeAsyncLocalStorage(): typeof NodeAsyncLocalStorage {
  // deno-lint-ignore no-explicit-any
  const proc = (globalThis as any).process;
  if (typeof proc?.getBuiltinModule !== "function") {
    throw new Error(
      "posixly's threads/ need an async context: Deno, Bun, or Node >= 20.16 " +
        "(process.getBuiltinModule)",
    );
  }
  return proc.getBuiltinModule("node:async_hooks").AsyncLocalStorage;
}

/**
 * Creates a {@linkcode ContextVariable}.
 *
 * @example Usage
 * ```ts ignore
 * import { contextVariable } from "./context_variable.ts";
 * const user = contextVariable<string>();
 * user.run("ada", () => user.get()); // "ada"
 * ```
 *
 * @internal
 */
export function contextVariable<T>(): ContextVariable<T> {
  if (core) {
    const variable = new core.AsyncVariable();
    const setContext = core.setAsyncContext;
    return {
      get: (): T | undefined => variable.get() as T | undefined,
      run<R>(value: T, fn: () => R): R {
        const previous = variable.enter(value);
        try {
          return fn();
        } finally {
          setContext(previous);
        }
      },
    };
  }
  let storage: NodeAsyncLocalStorage<T> | undefined;
  return {
    get: (): T | undefined => storage?.getStore(),
    run: <R>(value: T, fn: () => R): R =>
      (storage ??= new (nodeAsyncLocalStorage())<T>()).run(value, fn),
  };
}
