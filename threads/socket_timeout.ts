/**
 * {@linkcode defaultSocketTimeout}: a default timeout scoped to a function
 * and everything it awaits (Celery's `default_socket_timeout`).
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

const timeouts = new AsyncLocalStorage<number | undefined>();

/** The longest delay setTimeout and AbortSignal.timeout keep: 2**31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs `fn` with a default socket timeout that
 * {@linkcode getDefaultSocketTimeout} returns inside it, across its awaits,
 * timers and promise chains. Outside it (and in concurrent code) the previous
 * value stays in effect; it is restored also when `fn` throws. posixly opens
 * no sockets itself: code that does reads the value to pick its timeout.
 *
 * @example Usage
 * ```ts
 * import { defaultSocketTimeout, getDefaultSocketTimeout } from "@posixly/posixly/threads";
 *
 * await defaultSocketTimeout(5_000, async () => {
 *   const ms = getDefaultSocketTimeout() ?? 30_000; // 5000
 *   const signal = AbortSignal.timeout(ms); // e.g. fetch(url, { signal })
 * });
 * getDefaultSocketTimeout(); // undefined
 * ```
 *
 * @typeParam R The result type of `fn`.
 * @param ms The timeout in milliseconds, or `undefined` for none.
 * @param fn The function to run.
 * @returns What `fn` returns.
 * @throws {TypeError} When `ms` is neither a number nor `undefined`, or `fn` is not a function.
 * @throws {RangeError} When `ms` is a number that is not finite, below 0, or
 * above 2**31-1 (2147483647, about 24.8 days: timers fire at once beyond it).
 */
export function defaultSocketTimeout<R>(ms: number | undefined, fn: () => R): R {
  if (ms !== undefined && typeof ms !== "number") {
    const value: unknown = ms; // the type says number: a caller without types can pass anything
    throw new TypeError(
      `defaultSocketTimeout() ms must be a number of milliseconds or undefined, got ${
        value === null
          ? "null"
          : typeof value === "string"
          ? `string ${JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value)}`
          : typeof value
      }`,
    );
  }
  // Beyond 2**31-1 ms (24.8 days) the runtimes' timers fire at once, not later.
  if (ms !== undefined && (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_MS)) {
    throw new RangeError(
      `defaultSocketTimeout() ms must be a number of milliseconds from 0 to ${MAX_TIMER_MS} ` +
        `(what timers can wait), got ${ms}`,
    );
  }
  if (typeof fn !== "function") {
    throw new TypeError(`defaultSocketTimeout() expects a function, got ${typeof fn}`);
  }
  return timeouts.run(ms, fn);
}

/**
 * Returns the default socket timeout set by the enclosing
 * {@linkcode defaultSocketTimeout}, or `undefined` outside any.
 *
 * @example Usage
 * ```ts
 * import { defaultSocketTimeout, getDefaultSocketTimeout } from "@posixly/posixly/threads";
 *
 * defaultSocketTimeout(1_000, () => getDefaultSocketTimeout()); // 1000
 * ```
 *
 * @returns The timeout in milliseconds, or `undefined`.
 */
export function getDefaultSocketTimeout(): number | undefined {
  return timeouts.getStore();
}
