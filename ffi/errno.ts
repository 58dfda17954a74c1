/**
 * errno: the copy of this thread's errno that each function of `libc` takes
 * as its call returns (errno_after_call.ts; no allocation per read).
 *
 * Read it synchronously, before any `await`: the runtime's event loop runs
 * C code of its own that can overwrite errno. Never read it for a call made
 * with Deno's `nonblocking: true` (that call ran on another thread).
 *
 * @module
 */
import { libc } from "./libc.ts";
import { platform } from "./platform.ts";
import { readCString } from "./memory.ts";
import { errnoAfterCall, threadErrnoView } from "./errno_after_call.ts";

/**
 * The calling thread's errno, as the last C call through `libc` left it.
 *
 * @example Read errno after a failed call
 * ```ts
 * import { errno, libc } from "@posixly/posixly/ffi";
 * if (libc.close(-1) === -1) console.log(errno()); // 9 (EBADF)
 * ```
 */
export function errno(): number {
  return errnoAfterCall[0];
}

/**
 * Sets errno (to 0 before a call whose failure is only visible through errno).
 *
 * @example Clear errno before a call
 * ```ts
 * import { setErrno } from "@posixly/posixly/ffi";
 * setErrno(0);
 * ```
 */
export function setErrno(value: number): void {
  threadErrnoView()[0] = value;
  errnoAfterCall[0] = value;
}

/**
 * The symbolic name of an errno number on this platform ("ENOENT" for 2), or
 * `undefined` when the number is unknown.
 *
 * @example Name an errno number
 * ```ts
 * import { errnoNameOf } from "@posixly/posixly/ffi";
 * errnoNameOf(2); // "ENOENT"
 * ```
 */
export function errnoNameOf(n: number): string | undefined {
  return platform.errnoNames[n];
}

/**
 * The errno number of a symbolic name on this platform, or `undefined`.
 *
 * @example Number of an errno name
 * ```ts
 * import { errnoNumberOf } from "@posixly/posixly/ffi";
 * errnoNumberOf("EWOULDBLOCK"); // 11 on Linux
 * ```
 */
export function errnoNumberOf(name: string): number | undefined {
  return Object.hasOwn(platform.errnoNumbers, name) ? platform.errnoNumbers[name] : undefined;
}

/**
 * The C library's message for an errno number (`strerror(3)`); falls back to
 * the symbolic name when FFI is unavailable.
 *
 * @example Describe an errno number
 * ```ts
 * import { strerror } from "@posixly/posixly/ffi";
 * strerror(2); // "No such file or directory"
 * ```
 */
export function strerror(n: number): string {
  try {
    return readCString(libc.strerror(n)) ?? `Unknown error ${n}`;
  } catch {
    return errnoNameOf(n) ?? `Unknown error ${n}`;
  }
}
