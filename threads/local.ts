/**
 * {@linkcode Local}: an object whose properties have a separate value in
 * every async context, and {@linkcode releaseLocal}.
 *
 * @module
 */
import { registerSlot, Slot, slotOf, storage } from "./context.ts";
import { keyName } from "./quote.ts";
import type { LocalStack } from "./local_stack.ts";

type Values = Record<PropertyKey, unknown>;

/** The property of a Local's proxy target that holds its slot. */
const SLOT: unique symbol = Symbol("Local.slot");

/** What a Local's proxy stands for: an object of Local.prototype that knows its slot. */
interface Target {
  readonly [SLOT]: Slot<Values>;
}

/**
 * The prototype of every Local's values: empty, so that no inherited name
 * (`toString`, `constructor`) shows through a Local. Engines keep objects
 * with a prototype in their fast shape; `Object.create(null)` ones they do not.
 */
const noNames: object = Object.freeze(Object.create(null));

const newValues = (): Values => Object.create(noNames);

/**
 * What `String(local)` and `${local}` give, where the context set no
 * `Symbol.toPrimitive` of its own: with no inherited `toString` or `valueOf`,
 * the engine would throw "Cannot convert object to primitive value".
 */
const toPrimitive = (): string => "[object Local]";

const handler: ProxyHandler<Target> = {
  get(target, prop) {
    const values = target[SLOT].get();
    const value = values === undefined ? undefined : values[prop];
    return value === undefined && prop === Symbol.toPrimitive ? toPrimitive : value;
  },
  set(target, prop, value) {
    target[SLOT].getOrInit(newValues)[prop] = value;
    return true;
  },
  has(target, prop) {
    const values = target[SLOT].get();
    return values !== undefined && prop in values;
  },
  deleteProperty(target, prop) {
    const values = target[SLOT].get();
    if (values !== undefined) delete values[prop];
    return true;
  },
  ownKeys(target) {
    const values = target[SLOT].get();
    return values === undefined ? [] : Reflect.ownKeys(values);
  },
  getOwnPropertyDescriptor(target, prop) {
    // The flags defineProperty stored (always configurable: see there).
    const values = target[SLOT].get();
    return values === undefined ? undefined : Reflect.getOwnPropertyDescriptor(values, prop);
  },
  defineProperty(target, prop, descriptor) {
    if (descriptor.configurable === false) {
      throw new TypeError(
        `Local property ${keyName(prop)} cannot be defined as non-configurable: ` +
          "its value is per context and can always be deleted",
      );
    }
    // Absent flags default to false in defineProperty: a per-context value stays
    // writable and deletable unless the caller says otherwise.
    const full = "get" in descriptor || "set" in descriptor
      ? { enumerable: true, ...descriptor, configurable: true }
      : { writable: true, enumerable: true, ...descriptor, configurable: true };
    return Reflect.defineProperty(target[SLOT].getOrInit(newValues), prop, full);
  },
  setPrototypeOf() {
    throw new TypeError("The prototype of a Local cannot be changed");
  },
  preventExtensions() {
    throw new TypeError("A Local cannot be made non-extensible");
  },
};

/**
 * An object whose properties have their own value in every async context
 * (Celery's `celery.utils.threads.Local`, keyed by context instead of thread
 * id). It is a `Proxy`: `local.x = v`, `local.x`, `"x" in local`,
 * `delete local.x`, `Object.keys(local)` act on the current context's values
 * only. Reading a name that was never set gives `undefined`: a Local
 * inherits no `toString` or `constructor`, though `String(local)` gives
 * `"[object Local]"` and `console.log(local)` shows the context's values.
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
export const Local: LocalConstructor = function (this: unknown): object {
  if (new.target === undefined) {
    throw new TypeError("Local is a class: create one with `new Local()`");
  }
  const slot = new Slot<Values>();
  const target: Target = Object.create(Local.prototype, {
    // Configurable, so that the proxy may leave it out of its keys.
    [SLOT]: { value: slot, configurable: true },
  });
  const proxy = new Proxy(target, handler);
  registerSlot(proxy, slot);
  return proxy;
} as unknown as LocalConstructor;

type Inspect = (value: unknown, options?: unknown) => string;

/**
 * What `console.log(local)` prints: the current context's values. Both
 * runtimes print a Proxy from its target without its traps (which would show
 * `Local {}`) and find these on the target's prototype; `this` is the proxy
 * or the target, depending on the runtime.
 */
function describeValues(self: object, inspect: Inspect, options: unknown): string {
  const slot = slotOf(self) ?? (self as Partial<Target>)[SLOT];
  const values = slot?.get() as Values | undefined;
  return `Local ${inspect({ ...values }, options)}`;
}
Object.defineProperties(Local.prototype, {
  [Symbol.for("Deno.customInspect")]: {
    value(this: object, inspect: Inspect, options: unknown): string {
      return describeValues(this, inspect, options);
    },
  },
  [Symbol.for("nodejs.util.inspect.custom")]: {
    value(this: object, _depth: number, options: unknown, inspect: Inspect): string {
      return describeValues(this, inspect, options);
    },
  },
});

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
export function releaseLocal(local: Local<object> | LocalStack<unknown>): void {
  const slot = slotOf(local);
  if (slot === undefined) {
    throw new TypeError(
      `releaseLocal() expects a Local or a LocalStack, got ${describe(local)}`,
    );
  }
  slot.release(storage.getStore());
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "an object";
}
