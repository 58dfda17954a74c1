/**
 * OSError and the one place where C failures become exceptions.
 *
 * @module
 */
import { errno, errnoNameOf, strerror } from "./errno.ts";

/** Options for {@linkcode OSError}. */
export interface OSErrorOptions {
  /** The file the call was about, if any. */
  path?: string;
  /** A second path (e.g. link's target). */
  dest?: string;
  /** Underlying error. */
  cause?: unknown;
}

/**
 * A failed system call: `errno` (a positive number), `code` ("ENOENT"),
 * `syscall` ("open"), optional `path`; the message is Node-like:
 * `ENOENT: no such file or directory, open '/x'`.
 *
 * @example
 * ```ts
 * import { OSError } from "@posixly/posixly";
 * const e = new OSError(2, "open", { path: "/x" });
 * console.log(e.message); // ENOENT: no such file or directory, open '/x'
 * ```
 */
export class OSError extends Error {
  /** errno number (positive, as C sets it). */
  readonly errno: number;
  /** Symbolic errno name, e.g. "ENOENT"; "E<number>" when unknown. */
  readonly code: string;
  /** The C function that failed. */
  readonly syscall: string;
  /** The path the call was about. */
  readonly path?: string;
  /** The second path of a two-path call. */
  readonly dest?: string;

  /**
   * Builds the error; the message comes from strerror(3).
   *
   * @param errnum errno number
   * @param syscall name of the failed call
   * @param options path, dest, cause
   */
  constructor(errnum: number, syscall: string, options: OSErrorOptions = {}) {
    const code = errnoNameOf(errnum) ?? `E${errnum}`;
    const text = strerror(errnum);
    const lower = text.length > 0 ? text[0].toLowerCase() + text.slice(1) : text;
    let message = `${code}: ${lower}, ${syscall}`;
    if (options.path !== undefined) message += ` '${options.path}'`;
    if (options.dest !== undefined) message += ` -> '${options.dest}'`;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OSError";
    this.errno = errnum;
    this.code = code;
    this.syscall = syscall;
    if (options.path !== undefined) this.path = options.path;
    if (options.dest !== undefined) this.dest = options.dest;
  }
}

/**
 * Throws an OSError built from the current errno. Call it right after the
 * failing C call, before any `await`.
 *
 * @example
 * ```ts
 * import { libc, raiseErrno } from "@posixly/posixly/ffi";
 * if (libc.close(-1) === -1) {
 *   try { raiseErrno("close"); } catch (e) { console.log(e); }
 * }
 * ```
 */
export function raiseErrno(syscall: string, options?: OSErrorOptions): never {
  throw new OSError(errno(), syscall, options);
}

/**
 * Returns `result` unless it is -1 (the C convention for failure), in which
 * case it throws an OSError from errno. Works for number and bigint results.
 *
 * @example
 * ```ts
 * import { check, libc } from "@posixly/posixly/ffi";
 * const pid = check(libc.getpid(), "getpid");
 * ```
 */
export function check<T extends number | bigint>(
  result: T,
  syscall: string,
  options?: OSErrorOptions,
): T {
  // deno-lint-ignore eqeqeq
  if (result == -1) throw new OSError(errno(), syscall, options);
  return result;
}

/**
 * For calls that return an error number instead of setting errno
 * (`getpwnam_r`, `posix_spawn`, ...): throws OSError when `rc` is not 0.
 *
 * @example
 * ```ts
 * import { checkReturnedErrno } from "@posixly/posixly/ffi";
 * checkReturnedErrno(0, "posix_spawn"); // fine
 * ```
 */
export function checkReturnedErrno(rc: number, syscall: string, options?: OSErrorOptions): void {
  if (rc !== 0) throw new OSError(rc, syscall, options);
}
