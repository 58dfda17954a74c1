/**
 * Async contexts, the machinery under every Local, LocalStack and BgThread.
 *
 * Celery keys its locals by thread id; posixly keys them by async context.
 * One `AsyncLocalStorage` (from `node:async_hooks`, the same public API in
 * Deno, Bun and Node) carries the current {@linkcode Context}: a small object
 * that `LocalManager.run`, `middleware` and `requestListener` create for each
 * call and release when the call is done. Each Local or LocalStack owns a
 * {@linkcode Slot}, one property of the context's values, so reading a Local
 * is `storage.getStore()` plus two property reads. Top-level code runs in no
 * context; there a slot keeps its value itself, so a Local that is dropped
 * takes its top-level values with it.
 *
 * Internal to `threads/`; not re-exported by `threads/mod.ts`.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

let counter = 0;

/** The values of every released context: none, and frozen, so none can be set. */
const noValues: Record<symbol, unknown> = Object.freeze({});

/**
 * One async context: a unique ident and the values set in it, one property
 * per {@linkcode Slot}.
 *
 * @example Usage
 * ```ts ignore
 * import { Context, storage } from "./context.ts";
 * storage.run(new Context(), () => console.log(storage.getStore()?.ident));
 * ```
 *
 * @internal
 */
export class Context {
  /** A number unique to this context (a counter: never reused). */
  readonly ident: number = ++counter;
  /** The values set in this context, keyed by each slot's symbol. */
  values: Record<symbol, unknown> = {};
  /** Whether {@linkcode Context.prototype.release} ran: then no value set is kept. */
  released = false;

  /**
   * Drops every value set in this context, for good. Code that still runs in
   * it (a timer left behind, a stream's `pull`) sees no values, the old ones
   * can be collected, and what it sets from then on is not kept: the
   * runtime may keep a finished context reachable, and its values with it.
   *
   * @example Usage
   * ```ts ignore
   * storage.getStore()?.release();
   * ```
   */
  release(): void {
    this.values = noValues;
    this.released = true;
  }
}

/**
 * Carries the current {@linkcode Context}; `undefined` in top-level code.
 *
 * @example Usage
 * ```ts ignore
 * storage.run(new Context(), () => storage.getStore());
 * ```
 *
 * @internal
 */
export const storage: AsyncLocalStorage<Context> = new AsyncLocalStorage<Context>();

/** The ident of top-level code, which runs in no context. */
export const topIdent: number = ++counter;

/**
 * A value with its own copy in every context: the storage of one Local or
 * LocalStack.
 *
 * @example Usage
 * ```ts ignore
 * const slot = new Slot<string>();
 * slot.set("top");
 * storage.run(new Context(), () => slot.get()); // undefined
 * ```
 *
 * @internal
 */
export class Slot<V> {
  readonly #key: symbol = Symbol("Slot");
  #top: V | undefined;

  /**
   * The value in the current context.
   *
   * @example Usage
   * ```ts ignore
   * slot.get();
   * ```
   *
   * @returns The value, or `undefined` when none was set.
   */
  get(): V | undefined {
    const context = storage.getStore();
    return context === undefined ? this.#top : context.values[this.#key] as V | undefined;
  }

  /**
   * Sets the value in the current context.
   *
   * @example Usage
   * ```ts ignore
   * slot.set(1);
   * ```
   *
   * @param value The new value; `undefined` releases it.
   */
  set(value: V | undefined): void {
    const context = storage.getStore();
    if (context === undefined) this.#top = value;
    else if (!context.released) context.values[this.#key] = value;
  }

  /**
   * The value in the current context; when there is none yet, the one that
   * `init` makes, which is set first.
   *
   * @example Usage
   * ```ts ignore
   * slot.getOrInit(() => []).push(1);
   * ```
   *
   * @param init Makes the first value.
   * @returns The value.
   */
  getOrInit(init: () => V): V {
    const context = storage.getStore();
    if (context === undefined) return this.#top ??= init();
    if (context.released) return init(); // used once, not kept
    return (context.values[this.#key] ??= init()) as V;
  }

  /**
   * Drops the value in `context` (in top-level code when `undefined`).
   *
   * @example Usage
   * ```ts ignore
   * slot.release(storage.getStore());
   * ```
   *
   * @param context The context whose value to drop.
   */
  release(context: Context | undefined): void {
    if (context === undefined) this.#top = undefined;
    else if (!context.released) context.values[this.#key] = undefined;
  }
}

/** The slot of every Local (keyed by its proxy) and LocalStack. */
const slots = new WeakMap<object, Slot<unknown>>();

/**
 * Records `slot` as the storage of `owner`, a Local or a LocalStack.
 *
 * @example Usage
 * ```ts ignore
 * registerSlot(this, this.#slot);
 * ```
 *
 * @param owner The Local's proxy or the LocalStack.
 * @param slot Its slot.
 *
 * @internal
 */
export function registerSlot(owner: object, slot: Slot<unknown>): void {
  slots.set(owner, slot);
}

/**
 * The slot of a Local or LocalStack, `undefined` for anything else.
 *
 * @example Usage
 * ```ts ignore
 * slotOf(local)?.release(storage.getStore());
 * ```
 *
 * @param owner Any value.
 * @returns Its slot, or `undefined`.
 *
 * @internal
 */
export function slotOf(owner: unknown): Slot<unknown> | undefined {
  return typeof owner === "object" && owner !== null ? slots.get(owner) : undefined;
}
