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
export declare class OSError extends Error {
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
    constructor(errnum: number, syscall: string, options?: OSErrorOptions);
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
export declare function raiseErrno(syscall: string, options?: OSErrorOptions): never;
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
export declare function check<T extends number | bigint>(result: T, syscall: string, options?: OSErrorOptions): T;
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
export declare function checkReturnedErrno(rc: number, syscall: string, options?: OSErrorOptions): void;
