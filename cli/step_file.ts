/**
 * How `start` hands the `_daemon` step its {@linkcode DaemonStep}: in a file
 * without a name that the step inherits on a descriptor, not on its command
 * line. Any local user can read a command line (/proc/PID/cmdline), which
 * would show the `--env` values and the readiness socket's name, and Linux
 * refuses a single argument over 128 KiB (E2BIG).
 *
 * The file holds the step as one line of JSON, then the program's argv as
 * /proc/PID/cmdline holds one: each argument's bytes, then a NUL. So an
 * argument that is not UTF-8 passes unchanged.
 *
 * @module
 */
import { readFromStart, writeAll } from "../platforms/anonymous_file.ts";
import { argvStrings } from "../platforms/c_strings.ts";
import type { Plan } from "./setup.ts";

/** What the launcher hands the `_daemon` step. */
export interface DaemonStep {
  /**
   * The launcher's plan, but for the environment: that is the step's own
   * (what the launcher spawned it with, never on a command line) plus `env`;
   * and for the uid, which the step finds from `user` itself.
   */
  readonly plan: Omit<Plan, "env" | "envChanges" | "logStart" | "uid">;
  /**
   * The plan's `envChanges` (`--user`'s HOME, USER, LOGNAME and SHELL, the
   * `--env` entries), then the readiness channel's (NOTIFY_SOCKET).
   */
  readonly env: readonly (readonly [string, string])[];
  /** The pipe to the launcher. */
  readonly handshakeFd: number;
  /** Descriptors the program inherits (readiness). */
  readonly keepFds: readonly number[];
}

const NEWLINE = 0x0a;

/**
 * Writes `step` to `fd`, an empty file.
 *
 * @param fd from `anonymousFile()`
 * @param step what the `_daemon` step is to do
 */
export function writeStep(fd: number, step: DaemonStep): void {
  const { args, ...plan } = step.plan;
  const json = new TextEncoder().encode(`${JSON.stringify({ ...step, plan })}\n`);
  const parts = [json, ...argvStrings(args)];
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  writeAll(fd, bytes);
}

/**
 * Reads the step that {@linkcode writeStep} wrote to the file on `fd`.
 *
 * @param fd the inherited descriptor of the file
 * @returns the step
 * @throws {SyntaxError} when the file holds no step
 */
export function readStep(fd: number): DaemonStep {
  const bytes = readFromStart(fd);
  const newline = bytes.indexOf(NEWLINE);
  if (newline === -1) throw new SyntaxError("no step in the file");
  const step = JSON.parse(new TextDecoder().decode(bytes.subarray(0, newline)));
  const args: Uint8Array[] = [];
  for (let at = newline + 1; at < bytes.length;) {
    const nul = bytes.indexOf(0, at);
    if (nul === -1) throw new SyntaxError("an argument without its NUL");
    args.push(bytes.subarray(at, nul));
    at = nul + 1;
  }
  return { ...step, plan: { ...step.plan, args } };
}
