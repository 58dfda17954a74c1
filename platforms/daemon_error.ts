/**
 * The failure that stops daemonizing, and how the launcher ends with it.
 *
 * @module
 */
import { EX_FAILURE } from "./exit_codes.ts";
import { exit, writeStderr } from "./host.ts";

/**
 * A failure that stops daemonizing, with the exit code the launcher exits
 * with (73, `EX_CANTCREAT`, for a held pidfile or a logfile that cannot be
 * opened; 1 otherwise).
 *
 * @example Read the exit code of a failure
 * ```ts
 * import { DaemonError } from "@posixly/posixly";
 * const e = new DaemonError("ERROR: workdir /nope does not exist", 1);
 * console.log(e.exitCode); // 1
 * ```
 */
export class DaemonError extends Error {
  /** Exit code for this failure. */
  readonly exitCode: number;

  /**
   * Builds the error with the exit code the launcher should use.
   *
   * @param message what went wrong, for the user
   * @param exitCode the exit code (default 1)
   * @param options cause
   *
   * @example Fail a start from afterChdir
   * ```ts ignore
   * import { DaemonError } from "@posixly/posixly";
   * throw new DaemonError("ERROR: the daemon did not start", 1);
   * ```
   */
  constructor(message: string, exitCode: number = EX_FAILURE, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DaemonError";
    this.exitCode = exitCode;
  }
}

/** An exit status that says "failed": 1-255 as given, else EX_FAILURE (256 would read as 0). */
export function failureStatus(code: number): number {
  return Number.isInteger(code) && code >= 1 && code <= 255 ? code : EX_FAILURE;
}

/**
 * Prints a failure to stderr and exits with its code. A stderr that cannot be
 * written (a full disk, a closed pipe: Deno's write throws) loses the message,
 * never the exit code.
 */
export function exitWith(e: DaemonError): never {
  try {
    writeStderr(`${e.message}\n`);
  } catch {
    // lost: the exit code still says it
  }
  exit(failureStatus(e.exitCode));
}
