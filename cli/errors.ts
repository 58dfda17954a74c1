/**
 * The command's exit statuses (those of LSB init-script actions) and the
 * error that carries one to `main`, which prints it and exits.
 *
 * @module
 */

/** Exit statuses of the `posixly` command. */
export const EXIT = {
  /** Done: started and ready, stopped, sent, running. */
  ok: 0,
  /** Failed (start, stop); for `status`: not running, but the pidfile remains. */
  failed: 1,
  /** Bad usage: an unknown option, a malformed value, an unknown signal. */
  usage: 2,
  /** `status`: not running. */
  notRunning: 3,
  /** Not enough privilege (`start`, `run`); for `status`: cannot tell. */
  privilege: 4,
  /** The program is not found or not executable. */
  notInstalled: 5,
  /** `signal`: the program is not running. */
  signalNotRunning: 7,
} as const;

/** How `status` reports "cannot tell" (the same number as {@linkcode EXIT.privilege}). */
export const STATUS_UNKNOWN = 4;

/**
 * A failure the command reports as one message on stderr, then exits with
 * `exitCode`; with `usageOf` it prints that command's usage too.
 *
 * @example Fail with status 5
 * ```ts
 * import { CliError, EXIT } from "./errors.ts";
 * const e = new CliError("program 'nope' not found in PATH", EXIT.notInstalled);
 * console.log(e.exitCode); // 5
 * ```
 */
export class CliError extends Error {
  /** The status to exit with. */
  readonly exitCode: number;
  /** The command whose usage follows the message (bad usage), or undefined. */
  readonly usageOf: string | undefined;

  /**
   * Makes the error.
   *
   * @param message what went wrong, naming the option, path or value at fault
   * @param exitCode the exit status (default 1)
   * @param usageOf for bad usage: the command whose usage to print ("" for the top level)
   *
   * @example Bad usage of `stop`
   * ```ts
   * import { CliError, EXIT } from "./errors.ts";
   * throw new CliError("--timeout: expected seconds, got 'soon'", EXIT.usage, "stop");
   * ```
   */
  constructor(message: string, exitCode: number = EXIT.failed, usageOf?: string) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.usageOf = usageOf;
  }
}

const MAX_SHOWN = 120;

/**
 * A value as messages show it: JSON-quoted (control characters escaped) and
 * cut to a bounded length.
 *
 * @param value what the user gave
 * @returns the quoted, bounded text
 *
 * @example A long value is cut
 * ```ts
 * import { quote } from "./errors.ts";
 * console.log(quote("a\nb")); // "a\nb"
 * ```
 */
export function quote(value: string): string {
  return value.length <= MAX_SHOWN
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, MAX_SHOWN))}... (${value.length} characters)`;
}
