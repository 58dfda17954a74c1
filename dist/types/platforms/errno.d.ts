/**
 * The errno number for a name ("ENOENT" -> 2); a number passes through
 * unchanged. An unknown name throws a RangeError.
 *
 * @example
 * ```ts
 * import { errnoNumber } from "@posixly/posixly";
 * errnoNumber("ENOENT"); // 2
 * errnoNumber(13); // 13
 * ```
 */
export declare function errnoNumber(code: string | number): number;
/**
 * The canonical errno name for a number (2 -> "ENOENT"). An unknown number
 * throws a RangeError.
 *
 * @example
 * ```ts
 * import { errnoName } from "@posixly/posixly";
 * errnoName(2); // "ENOENT"
 * ```
 */
export declare function errnoName(n: number): string;
/**
 * Runs `fn` and swallows only errors whose errno matches one of `codes`
 * (names or numbers): posixly's OSError, Deno's errors (`code: "ENOENT"`),
 * Node-style errors (`code: "ENOENT"`, `errno: -2`). Every other error
 * propagates. When `fn` returns a promise, its rejection is filtered the same
 * way. Returns `fn`'s result, or `undefined` when an error was ignored.
 *
 * @example
 * ```ts
 * import { ignoreErrno } from "@posixly/posixly";
 * import { unlinkSync } from "node:fs";
 * ignoreErrno("ENOENT", () => unlinkSync("/tmp/maybe-missing"));
 * ```
 */
export declare function ignoreErrno<T>(codes: string | number | readonly (string | number)[], fn: () => T): T extends Promise<infer U> ? Promise<U | undefined> : T | undefined;
