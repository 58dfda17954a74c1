/**
 * A process's start time, the stamp that tells a live process from a later
 * one that reuses its pid, and whether it is a zombie.
 *
 * @module
 */
import { fieldsAfterName, readProcStat } from "./proc_stat.ts";

/**
 * The start time of process `pid` in clock ticks after boot (field 22 of
 * `/proc/PID/stat`, counted after the last `)` so that a command name with
 * spaces or parentheses cannot shift it), or `null` when there is no such
 * process or the platform has no `/proc` (macOS) or hides it.
 *
 * Two processes that had the same pid in one boot have different start times,
 * so a pidfile that records it can tell a reused pid from its writer.
 *
 * @param pid a process id (a positive integer)
 * @returns clock ticks since boot, or null when unknown
 *
 * @example This process's start time
 * ```ts
 * import { processStartTime } from "@posixly/posixly";
 * import process from "node:process";
 * console.log(processStartTime(process.pid)); // e.g. 4213377
 * ```
 */
export function processStartTime(pid: number): number | null {
  const text = readProcStat(pid);
  return text === null ? null : parseStartTime(text);
}

/**
 * True when process `pid` has exited but its parent has not reaped it yet (a
 * zombie, state `Z` or `X` in `/proc/PID/stat`): `kill(pid, 0)` still succeeds
 * for it, yet it holds nothing. False when it is running, unknown or gone.
 *
 * @param pid a process id (a positive integer)
 * @returns whether it is a zombie
 *
 * @example Is a process a zombie?
 * ```ts
 * import { processIsZombie } from "@posixly/posixly";
 * console.log(processIsZombie(1)); // false
 * ```
 */
export function processIsZombie(pid: number): boolean {
  const text = readProcStat(pid);
  if (text === null) return false;
  const state = fieldsAfterName(text)[0];
  return state === "Z" || state === "X";
}

/**
 * Field 22 (start time) of a `/proc/PID/stat` line, or null when the line is
 * malformed.
 *
 * @param stat the contents of `/proc/PID/stat`
 * @returns clock ticks since boot, or null
 *
 * @example Field 22 of a stat line
 * ```ts
 * import { parseStartTime } from "@posixly/posixly";
 * const line = "7 (a) b) S 1 7 7 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 99 0 0";
 * console.log(parseStartTime(line)); // 99
 * ```
 */
export function parseStartTime(stat: string): number | null {
  if (!stat.includes(")")) return null;
  // After ") " come fields 3 (state), 4, ... so field 22 is the 20th of them.
  const value = fieldsAfterName(stat)[19];
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}
