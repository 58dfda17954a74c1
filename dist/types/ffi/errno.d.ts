/**
 * The calling thread's errno, as it is now.
 *
 * @example
 * ```ts
 * import { errno, libc } from "@posixly/posixly/ffi";
 * if (libc.close(-1) === -1) console.log(errno()); // 9 (EBADF)
 * ```
 */
export declare function errno(): number;
/**
 * Sets errno (to 0 before a call whose failure is only visible through errno).
 *
 * @example
 * ```ts
 * import { setErrno } from "@posixly/posixly/ffi";
 * setErrno(0);
 * ```
 */
export declare function setErrno(value: number): void;
/**
 * The symbolic name of an errno number on this platform ("ENOENT" for 2), or
 * `undefined` when the number is unknown.
 *
 * @example
 * ```ts
 * import { errnoNameOf } from "@posixly/posixly/ffi";
 * errnoNameOf(2); // "ENOENT"
 * ```
 */
export declare function errnoNameOf(n: number): string | undefined;
/**
 * The errno number of a symbolic name on this platform, or `undefined`.
 *
 * @example
 * ```ts
 * import { errnoNumberOf } from "@posixly/posixly/ffi";
 * errnoNumberOf("EWOULDBLOCK"); // 11 on Linux
 * ```
 */
export declare function errnoNumberOf(name: string): number | undefined;
/**
 * The C library's message for an errno number (`strerror(3)`); falls back to
 * the symbolic name when FFI is unavailable.
 *
 * @example
 * ```ts
 * import { strerror } from "@posixly/posixly/ffi";
 * strerror(2); // "No such file or directory"
 * ```
 */
export declare function strerror(n: number): string;
