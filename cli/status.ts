/**
 * `posixly status`: whether the program of a pidfile runs, with the exit
 * statuses of LSB's `status` action.
 *
 * @module
 */
import { FfiPermissionError } from "../ffi/mod.ts";
import { absolutePath, CurrentDirectoryNameError } from "../platforms/host.ts";
import { startTimeToDate } from "../platforms/process_started_at.ts";
import { parseStatus } from "./args.ts";
import { EXIT, quote, STATUS_UNKNOWN } from "./errors.ts";
import { say } from "./output.ts";
import { describeLeftovers, findTarget, stopCommand, type Target } from "./target.ts";
import { usage } from "./usage.ts";

/** A duration in words: "3 s", "4 min 2 s", "2 h 5 min", "3 d 4 h". */
function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor(s / 60) % 60} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor(s / 3600) % 24} h`;
}

/** The line `--json` prints, with the keys docs/cli.md names. */
function json(
  state: string,
  pid: number | null,
  pidfile: string,
  startedAt: string | null,
): string {
  return JSON.stringify({ state, pid, pidfile, startedAt });
}

/**
 * `posixly status ...`.
 *
 * @param argv the arguments after `status`
 * @returns 0 running, 1 dead (pidfile remains, perhaps held by what it started), 3 stopped,
 *   4 cannot tell
 */
export async function status(argv: readonly string[]): Promise<number> {
  const o = await parseStatus(argv);
  if (o === null) {
    say(usage("status"));
    return EXIT.ok;
  }
  let pidfile = o.pidfile;
  let target: Target;
  try {
    pidfile = absolutePath(o.pidfile);
    target = findTarget(pidfile);
  } catch (e) {
    // Cannot tell (the runtime refuses FFI, the current directory's name is
    // not UTF-8): main says why on stderr and exits 4, and --json still
    // prints its line, for whatever reads it.
    const cannotTell = e instanceof FfiPermissionError || e instanceof CurrentDirectoryNameError;
    if (o.json && cannotTell) say(json("unknown", null, pidfile, null));
    throw e;
  }
  const pid = target.state === "stopped" || target.state === "unusable" ? null : target.pid;
  // findTarget read the start time already: /proc/PID/stat is not read again.
  const startedAt = target.state === "running" && target.start !== null
    ? startTimeToDate(target.start)
    : null;
  if (o.json) {
    say(json(jsonState(target), pid, pidfile, startedAt?.toISOString() ?? null));
  } else {
    switch (target.state) {
      case "running": {
        const since = startedAt ? `, up ${duration(Date.now() - startedAt.getTime())}` : "";
        say(`running (pid ${target.pid}${since})`);
        break;
      }
      case "dead":
        say(
          target.pid === null
            ? `not running (the pidfile ${quote(pidfile)} records no pid)`
            : `not running (pid ${target.pid} is gone; ${quote(pidfile)} remains)`,
        );
        break;
      case "leftovers": {
        const left = describeLeftovers(target, quote(pidfile));
        say(`not running (${left}): ${stopCommand(pidfile)} stops it`);
        break;
      }
      case "stopped":
        say(`not running (no ${quote(pidfile)})`);
        break;
      case "unusable":
        say(target.message);
        break;
      case "unknown":
        say(`cannot tell: ${quote(pidfile)}: ${target.why}`);
    }
  }
  switch (jsonState(target)) {
    case "running":
      return EXIT.ok;
    case "dead":
      return EXIT.failed;
    case "stopped":
      return EXIT.notRunning;
    case "unknown":
      return STATUS_UNKNOWN;
  }
}

/**
 * The state `--json` reports, one of four (and with it the exit status):
 * what a program left holding the pidfile is "dead" (it has ended, its
 * pidfile remains), a path that names no pidfile "unknown".
 */
function jsonState(target: Target): "running" | "dead" | "stopped" | "unknown" {
  switch (target.state) {
    case "leftovers":
      return "dead";
    case "unusable":
      return "unknown";
    default:
      return target.state;
  }
}
