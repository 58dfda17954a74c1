/**
 * errno names and numbers, and ignoring selected errors.
 *
 * @module
 */
import { errnoNameOf, errnoNumberOf } from "../ffi/mod.ts";
import { quote } from "./quote.ts";

/**
 * The errno number for a name ("ENOENT" -> 2); a number gives its absolute
 * value (Node's and Bun's errors carry errno negated: -2 -> 2). An unknown
 * name throws a RangeError.
 *
 * @example Number of an errno name
 * ```ts
 * import { errnoNumber } from "@posixly/posixly";
 * errnoNumber("ENOENT"); // 2
 * errnoNumber(13); // 13
 * ```
 */
export function errnoNumber(code: string | number): number {
  if (typeof code === "number") {
    if (!Number.isInteger(code)) throw new TypeError(`errno must be an integer, got ${code}`);
    return Math.abs(code);
  }
  if (typeof code !== "string") {
    throw new TypeError(`errno code must be a name or a number, got ${typeof code}`);
  }
  const n = errnoNumberOf(code);
  if (n === undefined) throw new RangeError(`unknown errno name: ${quote(code)}`);
  return n;
}

/**
 * The canonical errno name for a number (2 -> "ENOENT"). An unknown number,
 * or anything but a number, throws a RangeError that quotes it, cut to a
 * bounded length.
 *
 * @example Name of an errno number
 * ```ts
 * import { errnoName } from "@posixly/posixly";
 * errnoName(2); // "ENOENT"
 * ```
 */
export function errnoName(n: number): string {
  const name = Number.isInteger(n) ? errnoNameOf(Math.abs(n)) : undefined;
  // quote(): a 1 MB string (or a symbol, which `${}` cannot show) makes a short message.
  if (name === undefined) throw new RangeError(`unknown errno number: ${quote(n)}`);
  return name;
}

/** The errno number an error carries, whatever produced it, or undefined. */
function errorErrno(e: unknown): number | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const { code, errno } = e as { code?: unknown; errno?: unknown };
  if (typeof code === "string") {
    const n = errnoNumberOf(code);
    if (n !== undefined) return n;
  }
  // posixly's OSError has a positive errno; Node and Bun give it negated.
  if (typeof errno === "number" && Number.isInteger(errno) && errno !== 0) return Math.abs(errno);
  return undefined;
}

/**
 * Runs `fn` and swallows only errors whose errno matches one of `codes`
 * (names or numbers): posixly's OSError, Deno's errors (`code: "ENOENT"`),
 * Node-style errors (`code: "ENOENT"`, `errno: -2`). Every other error
 * propagates. When `fn` returns a promise, its rejection is filtered the same
 * way. Returns `fn`'s result, or `undefined` when an error was ignored.
 *
 * @example Remove a file that may be missing
 * ```ts ignore
 * import { ignoreErrno } from "@posixly/posixly";
 * import { unlinkSync } from "node:fs";
 * ignoreErrno("ENOENT", () => unlinkSync("/tmp/maybe-missing"));
 * ```
 */
export function ignoreErrno<T>(
  codes: string | number | readonly (string | number)[],
  fn: () => T,
): T extends Promise<infer U> ? Promise<U | undefined> : T | undefined;
export function ignoreErrno(
  codes: string | number | readonly (string | number)[],
  fn: () => unknown,
): unknown {
  const list = Array.isArray(codes) ? codes : [codes as string | number];
  const wanted = new Set(list.map((c) => errnoNumber(c)));
  if (typeof fn !== "function") throw new TypeError("ignoreErrno: fn must be a function");
  const filter = (e: unknown): undefined => {
    const n = errorErrno(e);
    if (n !== undefined && wanted.has(n)) return undefined;
    throw e;
  };
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    return filter(e);
  }
  if (result instanceof Promise) return result.catch(filter);
  return result;
}
