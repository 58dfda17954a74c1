/**
 * The errors of pidfile locks: {@linkcode LockFailed} (the lock cannot be
 * taken) and {@linkcode PidfileError} (a file that cannot be used as one).
 *
 * @module
 */
import { EX_CANTCREAT } from "./exit_codes.ts";

/**
 * Thrown when a pidfile lock cannot be taken. `pid` is the live holder's pid
 * when that is why (else null); `exitCode` is 73 (`EX_CANTCREAT`), the status
 * Celery exits with; the OS error, if any, is the `cause`.
 *
 * @example Exit as Celery does when the lock is taken
 * ```ts ignore
 * import { createPidlock, LockFailed } from "@posixly/posixly";
 * import process from "node:process";
 * try {
 *   createPidlock("/tmp/example-app.pid");
 * } catch (e) {
 *   if (!(e instanceof LockFailed)) throw e;
 *   console.error(e.message);
 *   process.exit(e.exitCode);
 * }
 * ```
 */
export class LockFailed extends Error {
  /** Pid of the live process that holds the pidfile, or null. */
  readonly pid: number | null;
  /** Absolute path of the pidfile, when known. */
  readonly path: string | undefined;
  /** Exit status for a program that gives up: 73 (`EX_CANTCREAT`). */
  readonly exitCode: number = EX_CANTCREAT;

  /**
   * Makes the error; the exit code is always 73.
   *
   * @param message what went wrong, for the user
   * @param options the pidfile path, the holder's pid, the underlying error
   *
   * @example Make the error
   * ```ts
   * import { LockFailed } from "@posixly/posixly";
   * const e = new LockFailed("pidfile /run/app.pid is held", { pid: 42 });
   * console.log(e.exitCode); // 73
   * ```
   */
  constructor(
    message: string,
    options: { path?: string; pid?: number | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LockFailed";
    this.pid = options.pid ?? null;
    this.path = options.path;
  }
}

/** Why a pidfile cannot be used: see {@linkcode PidfileError}. */
export type PidfileErrorReason =
  | "empty"
  | "invalid"
  | "symlink"
  | "not-regular"
  | "too-large"
  | "lost";

/**
 * A pidfile that cannot be read or used as one: empty, invalid contents, a
 * symbolic link at its path or one on the way to it that another user may
 * have planted (`"symlink"`), not a regular file, or too large to be a
 * pidfile (such a file is never removed); or a lock whose descriptor other
 * code closed before `release()` (`"lost"`).
 *
 * @example Tell a bad pidfile from other errors
 * ```ts
 * import { Pidfile, PidfileError } from "@posixly/posixly";
 * try {
 *   new Pidfile("/tmp/example-app.pid").readPid();
 * } catch (e) {
 *   if (e instanceof PidfileError) console.error(e.reason, e.message);
 * }
 * ```
 */
export class PidfileError extends Error {
  /** Absolute path of the pidfile. */
  readonly path: string;
  /** What is wrong with it. */
  readonly reason: PidfileErrorReason;

  /**
   * Makes the error.
   *
   * @param message what is wrong, for the user
   * @param path the pidfile's absolute path
   * @param reason a short machine-readable reason
   * @param cause the underlying error, if any
   *
   * @example Make the error
   * ```ts
   * import { PidfileError } from "@posixly/posixly";
   * const e = new PidfileError("pidfile /run/app.pid is empty", "/run/app.pid", "empty");
   * console.log(e.reason); // "empty"
   * ```
   */
  constructor(message: string, path: string, reason: PidfileErrorReason, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "PidfileError";
    this.path = path;
    this.reason = reason;
  }
}
