/**
 * What the command prints. A line that cannot be written (stdout on a full
 * disk, a pipe whose reader is gone) is lost, never an error: what the
 * command did is done, and its exit status says so on every runtime. (Node's
 * and Bun's console drop a failed write; Deno's throws it.)
 *
 * @module
 */
import { writeStderr } from "../platforms/host.ts";

/**
 * Prints `line` and a newline on stdout.
 *
 * @param line what to print
 *
 * @example Report a success
 * ```ts
 * import { say } from "./output.ts";
 * say("sent HUP to pid 4242");
 * ```
 */
export function say(line: string): void {
  try {
    console.log(line);
  } catch {
    // lost: see the module's comment
  }
}

/**
 * Prints `line` and a newline on stderr.
 *
 * @param line what to print
 *
 * @example Report a failure
 * ```ts
 * import { complain } from "./output.ts";
 * complain("not running (pid 4242 just ended); HUP not sent");
 * ```
 */
export function complain(line: string): void {
  try {
    writeStderr(`${line}\n`);
  } catch {
    // lost: see the module's comment
  }
}
