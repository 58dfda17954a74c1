/**
 * When a process started, as a date: its start time in clock ticks after
 * boot (`/proc/PID/stat`) turned into wall-clock time with the boot time
 * (`btime` in `/proc/stat`) and the clock tick rate (`sysconf(_SC_CLK_TCK)`).
 *
 * @module
 */
import { libc, platform } from "../ffi/mod.ts";
import { latin1, readFileWithLibc } from "./libc_file.ts";
import { processStartTime } from "./process_start.ts";

/** `_SC_CLK_TCK` in Linux's C libraries (glibc and musl, every architecture). */
const SC_CLK_TCK_LINUX = 2;

/** Seconds since the epoch at boot, from the `btime` line of /proc/stat, or null. */
function bootTime(): number | null {
  let text: string;
  try {
    text = latin1(readFileWithLibc("/proc/stat"));
  } catch {
    return null;
  }
  const match = /^btime (\d+)$/m.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * The wall-clock time of a start time in clock ticks after boot (what
 * {@linkcode processStartTime} returns and posixly's pidfiles record), to the
 * clock tick, or null where it cannot be told (no /proc, as on macOS). A
 * change of the system clock after boot shifts it.
 *
 * @param ticks clock ticks after boot
 * @returns the date, or null when unknown
 * @throws {RangeError} when `ticks` is not a number of ticks (finite, >= 0)
 *
 * @example When did this process start?
 * ```ts
 * import { processStartTime, startTimeToDate } from "@posixly/posixly/platforms";
 * import process from "node:process";
 * const ticks = processStartTime(process.pid);
 * console.log(ticks === null ? null : startTimeToDate(ticks)?.toISOString());
 * ```
 */
export function startTimeToDate(ticks: number): Date | null {
  if (typeof ticks !== "number" || !(ticks >= 0 && ticks <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`ticks must be a number of clock ticks (>= 0), got ${String(ticks)}`);
  }
  if (platform.os !== "linux") return null;
  const boot = bootTime();
  const hz = Number(libc.sysconf(SC_CLK_TCK_LINUX));
  if (boot === null || !(hz > 0)) return null;
  return new Date((boot + ticks / hz) * 1000);
}

/**
 * The wall-clock time at which process `pid` started, to the clock tick
 * (usually 10 ms), or null when there is no such process or the platform
 * has no /proc (macOS). A change of the system clock after boot shifts it.
 *
 * @param pid a process id (a positive integer)
 * @returns the start date, or null when unknown
 *
 * @example When did init start?
 * ```ts
 * import { processStartedAt } from "@posixly/posixly/platforms";
 * console.log(processStartedAt(1)?.toISOString());
 * ```
 */
export function processStartedAt(pid: number): Date | null {
  const ticks = platform.os === "linux" ? processStartTime(pid) : null;
  return ticks === null ? null : startTimeToDate(ticks);
}
