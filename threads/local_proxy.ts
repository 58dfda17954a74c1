/**
 * {@linkcode LocalProxy}: a proxy that forwards every use to the object a
 * factory returns at that moment (Celery's `celery.local.Proxy`).
 *
 * @module
 */
import { keyName } from "./quote.ts";

const FACTORY: unique symbol = Symbol("LocalProxy.factory");
const SELF: unique symbol = Symbol("LocalProxy.self");

interface Target {
  (...args: unknown[]): unknown;
  [FACTORY]: () => unknown;
  [SELF]: object;
}

// deno-lint-ignore ban-types
type AnyFunction = Function;

/** Every LocalProxy: a method read through one and called on one runs on the object. */
const proxies = new WeakSet<object>();

/** The factory of every LocalProxy, for printing it. */
const factories = new WeakMap<object, () => unknown>();

/** Per object, its functions as read through a LocalProxy: the same wrapper each time. */
const wrappers = new WeakMap<object, WeakMap<AnyFunction, AnyFunction>>();

/**
 * `fn` (a function-valued property of `obj`) as a LocalProxy hands it out:
 * called with no `this`, or with a LocalProxy as `this`, it runs on `obj` (so
 * built-ins with internal slots, Map or Date, work through the proxy, and a
 * method taken off the proxy stays usable, like Python's bound methods); an
 * explicit other `this` (`call`, `apply`) is kept. Everything else (static
 * members, `new`, `instanceof`, `prototype`) reaches `fn` itself, which a
 * bound function would hide.
 */
function wrapped(obj: object, fn: AnyFunction): AnyFunction {
  let byFunction = wrappers.get(obj);
  if (byFunction === undefined) {
    byFunction = new WeakMap();
    wrappers.set(obj, byFunction);
  }
  let wrapper = byFunction.get(fn);
  if (wrapper === undefined) {
    wrapper = new Proxy(fn, {
      apply(f, thisArg, args) {
        // (WeakSet's has() answers false for a primitive.)
        const onObject = thisArg === undefined || proxies.has(thisArg as object);
        return Reflect.apply(f, onObject ? obj : thisArg, args);
      },
    });
    byFunction.set(fn, wrapper);
  }
  return wrapper;
}

function resolve(target: Target, action: string, prop?: PropertyKey): object {
  const value = target[FACTORY]();
  if (value === null || value === undefined) {
    const what = prop === undefined ? "" : ` ${keyName(prop)}`;
    throw new TypeError(`LocalProxy cannot ${action}${what}: the factory returned ${value}`);
  }
  return Object(value);
}

type Inspect = (value: unknown, options?: unknown) => string;

/**
 * What `console.log(proxy)` prints: `LocalProxy` and the object the factory
 * returns now. The runtimes print a Proxy from its target, without its traps
 * (which would show the target's internals), and find these on the target's
 * prototype; `this` is the proxy or the target, depending on the runtime.
 */
function describeObject(self: object, inspect: Inspect, options: unknown): string {
  const target = proxies.has(self) ? undefined : self as Partial<Target>;
  const factory = target?.[FACTORY] ?? factories.get(self);
  let value: unknown;
  try {
    value = factory?.();
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    return `LocalProxy <${name} from its factory>`;
  }
  return `LocalProxy ${inspect(value, options)}`;
}

/**
 * The function every LocalProxy's target is bound from: its prototype, which
 * bound functions inherit, holds the inspectors.
 */
const inspectable: AnyFunction = function () {};
Object.setPrototypeOf(
  inspectable,
  Object.create(Function.prototype, {
    [Symbol.for("Deno.customInspect")]: {
      value(this: object, inspect: Inspect, options: unknown): string {
        return describeObject(this, inspect, options);
      },
    },
    [Symbol.for("nodejs.util.inspect.custom")]: {
      value(this: object, _depth: number, options: unknown, inspect: Inspect): string {
        return describeObject(this, inspect, options);
      },
    },
  }),
);

const handler: ProxyHandler<Target> = {
  get(target, prop) {
    const obj = resolve(target, "get", prop);
    const value = (obj as Record<PropertyKey, unknown>)[prop];
    // typeof the proxy is "function", which JSON.stringify would skip.
    if (prop === "toJSON" && value === undefined) return () => obj;
    return typeof value === "function" && prop !== "constructor" ? wrapped(obj, value) : value;
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
    // The engine checks a non-configurable property against the proxy's own
    // target and throws after the object had it: refuse before touching it.
    if (descriptor.configurable === false) {
      throw new TypeError(
        `LocalProxy property ${keyName(prop)} cannot be defined as non-configurable ` +
          "(define it on the object the proxy returns)",
      );
    }
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
        "LocalProxy cannot call its object: it is an object, not a function",
      );
    }
    return Reflect.apply(fn, thisArg, args);
  },
  construct(target, args, newTarget) {
    const fn = resolve(target, "construct");
    if (typeof fn !== "function") {
      throw new TypeError(
        "LocalProxy cannot construct its object: it is an object, not a function",
      );
    }
    // `new proxy()` builds what `new fn()` would; a subclass (`class B extends proxy`)
    // passes itself, so that the object gets its prototype.
    return Reflect.construct(fn, args, newTarget === target[SELF] ? fn : newTarget);
  },
};

/**
 * A proxy to the object `factory()` returns: property get, set, `in`,
 * `delete`, `Object.keys`, `instanceof`, calls, `new` and iteration are all
 * forwarded to a fresh `factory()` result on every use, and `class X extends
 * proxy` extends what it returns. A method read through it runs on that
 * object when called on the proxy or on its own (`const f = proxy.f; f()`),
 * and keeps an explicit `this` given by `call` or `apply`; the same method
 * of the same object reads as the same function each time, and its static
 * members are there. `JSON.stringify` serializes that object, and
 * `console.log` shows it (`LocalProxy { name: "alice" }`). `typeof` a
 * LocalProxy is always `"function"` (so that calls can be forwarded), and
 * `Array.isArray` of it is always `false`, even when `factory()` returns an
 * array (JavaScript answers that for the proxy's own target), while
 * `proxy instanceof Array` is `true` then.
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
export const LocalProxy: LocalProxyConstructor = function (
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
  const target = inspectable.bind(null) as unknown as Target;
  target[FACTORY] = factory;
  const proxy = new Proxy(target, handler);
  target[SELF] = proxy;
  proxies.add(proxy);
  factories.set(proxy, factory);
  return proxy;
} as unknown as LocalProxyConstructor;
