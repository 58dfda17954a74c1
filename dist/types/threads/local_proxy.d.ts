/**
 * {@linkcode LocalProxy}: a proxy that forwards every use to the object a
 * factory returns at that moment (Celery's `celery.local.Proxy`).
 *
 * @module
 */
/**
 * A proxy to the object `factory()` returns: property get, set, `in`,
 * `delete`, `Object.keys`, `instanceof`, calls, `new` and iteration are all
 * forwarded to a fresh `factory()` result on every use, and `class X extends
 * proxy` extends what it returns. A method read through it runs on that
 * object when called on the proxy or on its own (`const f = proxy.f; f()`),
 * and keeps an explicit `this` given by `call` or `apply`; the same method
 * of the same object reads as the same function each time, and its static
 * members are there. `JSON.stringify` serializes that object. `typeof` a
 * LocalProxy is always `"function"` (so that calls can be forwarded).
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
export declare const LocalProxy: LocalProxyConstructor;
