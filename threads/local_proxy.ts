/**
 * {@linkcode LocalProxy}: a proxy that forwards every use to the object a
 * factory returns at that moment (Celery's `celery.local.Proxy`).
 *
 * @module
 */

const FACTORY: unique symbol = Symbol("LocalProxy.factory");

interface Target {
  (...args: unknown[]): unknown;
  [FACTORY]: () => unknown;
}

function resolve(target: Target, action: string, prop?: PropertyKey): object {
  const value = target[FACTORY]();
  if (value === null || value === undefined) {
    const what = prop === undefined ? "" : ` ${String(prop)}`;
    throw new TypeError(`LocalProxy cannot ${action}${what}: the factory returned ${value}`);
  }
  return Object(value);
}

const handler: ProxyHandler<Target> = {
  get(target, prop) {
    const obj = resolve(target, "get", prop);
    const value = (obj as Record<PropertyKey, unknown>)[prop];
    // typeof the proxy is "function", which JSON.stringify would skip.
    if (prop === "toJSON" && value === undefined) return () => obj;
    // Methods are bound to the current object (like Python's bound methods), so
    // built-ins with internal slots (Map, Date, ...) work through the proxy.
    return typeof value === "function" && prop !== "constructor" ? value.bind(obj) : value;
  },
  set(target, prop, value) {
    return Reflect.set(resolve(target, "set", prop), prop, value);
  },
  has(target, prop) {
    return prop in resolve(target, "test", prop);
  },
  deleteProperty(target, prop) {
    return Reflect.deleteProperty(resolve(target, "delete", prop), prop);
  },
  ownKeys(target) {
    return Reflect.ownKeys(resolve(target, "list the keys of"));
  },
  getOwnPropertyDescriptor(target, prop) {
    const desc = Reflect.getOwnPropertyDescriptor(resolve(target, "describe", prop), prop);
    // The proxy target never holds these, so they must be reported configurable.
    if (desc !== undefined) desc.configurable = true;
    return desc;
  },
  defineProperty(target, prop, descriptor) {
    return Reflect.defineProperty(resolve(target, "define", prop), prop, descriptor);
  },
  getPrototypeOf(target) {
    return Reflect.getPrototypeOf(resolve(target, "get the prototype of"));
  },
  preventExtensions() {
    // Freezing the proxy would freeze its own target, not the object it stands for.
    throw new TypeError(
      "A LocalProxy cannot be made non-extensible (freeze the object it returns)",
    );
  },
  apply(target, thisArg, args) {
    const fn = resolve(target, "call");
    if (typeof fn !== "function") {
      throw new TypeError(
        `LocalProxy cannot call its object: it is a ${typeof fn}, not a function`,
      );
    }
    return Reflect.apply(fn, thisArg, args);
  },
  construct(target, args) {
    const fn = resolve(target, "construct");
    if (typeof fn !== "function") {
      throw new TypeError(`LocalProxy cannot construct its object: it is a ${typeof fn}`);
    }
    return Reflect.construct(fn, args);
  },
};

/**
 * A proxy to the object `factory()` returns: property get, set, `in`,
 * `delete`, `Object.keys`, `instanceof`, calls, `new` and iteration are all
 * forwarded to a fresh `factory()` result on every use. Methods read through
 * it are bound to that object; `JSON.stringify` serializes that object. `typeof` a LocalProxy is always `"function"`
 * (so that calls can be forwarded).
 *
 * The type of a `LocalProxy<T>` is `T` itself.
 *
 * @example Usage
 * ```ts
 * import { Local, LocalProxy } from "@posixly/posixly/threads";
 *
 * const local = new Local<{ user?: { name: string } }>();
 * const user = new LocalProxy(() => local.user!);
 * local.user = { name: "alice" };
 * console.log(user.name); // "alice"
 * ```
 *
 * @typeParam T The type of the proxied object.
 */
export type LocalProxy<T> = T;

/**
 * The constructor type of {@linkcode LocalProxy}.
 *
 * @example Usage
 * ```ts
 * import { LocalProxy, type LocalProxyConstructor } from "@posixly/posixly/threads";
 *
 * const Ctor: LocalProxyConstructor = LocalProxy;
 * const p = new Ctor(() => [1, 2, 3]);
 * ```
 */
export interface LocalProxyConstructor {
  /**
   * Creates a proxy that forwards every use to `factory()`.
   *
   * @example Usage
   * ```ts
   * import { LocalProxy } from "@posixly/posixly/threads";
   *
   * const now = new LocalProxy(() => new Date());
   * now.getTime();
   * ```
   *
   * @typeParam T The type of the proxied object.
   * @param factory Returns the object to act on; called on every use.
   * @throws {TypeError} When `factory` is not a function.
   */
  new <T>(factory: () => T): LocalProxy<T>;
}

/**
 * Creates a {@linkcode LocalProxy}; see the type of the same name.
 *
 * @example Usage
 * ```ts
 * import { LocalProxy } from "@posixly/posixly/threads";
 *
 * let current = { n: 1 };
 * const proxy = new LocalProxy(() => current);
 * current = { n: 2 };
 * console.log(proxy.n); // 2
 * ```
 */
export const LocalProxy: LocalProxyConstructor = function LocalProxy(
  this: unknown,
  factory: () => unknown,
): object {
  if (new.target === undefined) {
    throw new TypeError("LocalProxy is a class: create one with `new LocalProxy(factory)`");
  }
  if (typeof factory !== "function") {
    throw new TypeError(`LocalProxy expects a factory function, got ${typeof factory}`);
  }
  // A bound function is callable and constructible and has no non-configurable
  // own properties, so every trap can report the proxied object's view.
  const target = function () {}.bind(null) as unknown as Target;
  target[FACTORY] = factory;
  return new Proxy(target, handler);
} as unknown as LocalProxyConstructor;
