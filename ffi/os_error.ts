/**
 * OSError and the one place where C failures become exceptions.
 *
 * @module
 */
import { errno, errnoNameOf, errnoNumberOf, strerror } from "./errno.ts";

const EINTR = errnoNumberOf("EINTR")!;

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
 * @example Build an error by hand
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
    if (options.path !== undefined) message += ` ${shownPath(options.path)}`;
    if (options.dest !== undefined) message += ` -> ${shownPath(options.dest)}`;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OSError";
    this.errno = errnum;
    this.code = code;
    this.syscall = syscall;
    if (options.path !== undefined) this.path = options.path;
    if (options.dest !== undefined) this.dest = options.dest;
  }
}

/** Characters of a path a message shows; `path` keeps the whole of it. */
const SHOWN_PATH_MAX = 200;

/**
 * A path in an OSError's message, quoted as Node quotes it: control
 * characters escaped (a newline in a name cannot forge a line of output),
 * and cut after {@linkcode SHOWN_PATH_MAX} characters, with its length.
 */
function shownPath(path: string): string {
  const escaped = (s: string): string =>
    // deno-lint-ignore no-control-regex
    s.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
  if (path.length <= SHOWN_PATH_MAX) return `'${escaped(path)}'`;
  return `'${escaped(path.slice(0, SHOWN_PATH_MAX))}'… (${path.length} characters)`;
}

/**
 * Throws an OSError built from the current errno. Call it right after the
 * failing C call, before any `await`.
 *
 * @example Throw after a failed call
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
 * @example Check a result
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
 * @example Check a returned error number
 * ```ts
 * import { checkReturnedErrno } from "@posixly/posixly/ffi";
 * checkReturnedErrno(0, "posix_spawn"); // fine
 * ```
 */
export function checkReturnedErrno(rc: number, syscall: string, options?: OSErrorOptions): void {
  if (rc !== 0) throw new OSError(rc, syscall, options);
}

/**
 * The OSError for the current errno, to throw or to keep as a cause. Call it
 * right after the failing C call, before any `await`.
 *
 * @example Keep a failure as the cause of another error
 * ```ts
 * import { libc, osError } from "@posixly/posixly/ffi";
 * if (libc.close(-1) === -1) console.log(osError("close").code); // EBADF
 * ```
 */
export function osError(syscall: string, options?: OSErrorOptions): OSError {
  return new OSError(errno(), syscall, options);
}

/**
 * Runs `call` again while it fails with EINTR (interrupted by a signal), then
 * returns its result or throws an OSError from errno when it is -1.
 *
 * @example Read that a signal cannot interrupt
 * ```ts
 * import { checkRetrying, cstr, libc } from "@posixly/posixly/ffi";
 * const fd = checkRetrying(() => libc.open(cstr("/dev/null"), 0, 0), "open");
 * libc.close(fd);
 * ```
 */
export function checkRetrying<T extends number | bigint>(
  call: () => T,
  syscall: string,
  options?: OSErrorOptions,
): T {
  for (;;) {
    const result = call();
    // deno-lint-ignore eqeqeq
    if (result != -1) return result;
    const e = errno();
    if (e !== EINTR) throw new OSError(e, syscall, options);
  }
}

/**
 * Returns `result`, or null when it is -1 and errno is one of `expected`
 * (ENOENT for a file that may be missing, ESRCH for a process that may be
 * gone); any other failure throws an OSError.
 *
 * @example A file that may be missing
 * ```ts
 * import { checkOrNull, cstr, errnoNumberOf, libc } from "@posixly/posixly/ffi";
 * const gone = checkOrNull(libc.unlink(cstr("/nonexistent")), "unlink", [errnoNumberOf("ENOENT")!]);
 * console.log(gone); // null
 * ```
 */
export function checkOrNull<T extends number | bigint>(
  result: T,
  syscall: string,
  expected: readonly number[],
  options?: OSErrorOptions,
): T | null {
  // deno-lint-ignore eqeqeq
  if (result != -1) return result;
  const e = errno();
  if (expected.includes(e)) return null;
  throw new OSError(e, syscall, options);
}
