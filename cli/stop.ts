/**
 * `posixly stop`: signals the program that holds the pidfile (never a pid
 * that may have been reused), waits for its end, sends KILL when it does not
 * end in time, and removes the pidfile.
 *
 * @module
 */
import { libc, OSError, platform } from "../ffi/mod.ts";
import { absolutePath } from "../platforms/host.ts";
import { describeSignal } from "../platforms/signal_names.ts";
import { Pidfile } from "../platforms/pidfile.ts";
import { pidList } from "../platforms/quote.ts";
import { parseStop, type StopOptions } from "./args.ts";
import { CliError, EXIT, quote } from "./errors.ts";
import { say } from "./output.ts";
import { findTarget, pidfileHolders, whyNotAllowed } from "./target.ts";
import { usage } from "./usage.ts";
import { pollFds, signalGroup, signalIfStill, stopGroupRest, waitForExit } from "./wait.ts";

/** How long stop waits after KILL. */
const AFTER_KILL_MS = 5000;

/** How long stop waits, after the program ended, for its pidfile's lock to be free. */
const LOCK_RELEASE_MS = 1000;

/**
 * Removes the pidfile once nobody holds its lock (a child of the program
 * that inherited the lock's descriptor may hold it a little longer, for at
 * most `ms`): "" when removed, else why not.
 */
function removePidfile(pidfile: string, ms = 0): string {
  const until = performance.now() + ms;
  const lock = new Pidfile(pidfile);
  try {
    while (!lock.removeIfStale()) {
      if (performance.now() >= until) return `; ${quote(pidfile)} ${stillLocked(pidfile)}`;
      pollFds([], 10, true);
    }
    return "";
  } catch (e) {
    return `; ${quote(pidfile)} could not be removed: ${(e as Error).message}`;
  }
}

/**
 * Why a pidfile whose program and process group have ended is still locked,
 * naming what holds it when posixly can see it: a process outside the
 * program's process group (a child that left it with setsid, or any process
 * that opened the file, which every user can read).
 */
function stillLocked(pidfile: string): string {
  const holders = pidfileHolders(pidfile);
  if (holders === null || holders.length === 0) {
    return "is still locked by a process posixly cannot see (another user's?) and was left alone";
  }
  return `is still locked by ${pidList(holders)}, outside the program's process group, and ` +
    `was left alone: posixly does not signal ${holders.length === 1 ? "it" : "them"} ` +
    `(see "ps -p ${holders.join(",")}")`;
}

/** What the hint for a program that still runs says: how to end it after all. */
function stillRunsHint(o: StopOptions): string {
  return o.kill ? "" : "; run stop without --no-kill to send SIGKILL";
}

/** The signals that stop a process (as SIGSTOP does) rather than ask it to end. */
const STOPPING = new Set(["STOP", "TSTP", "TTIN", "TTOU"]);

/**
 * Wakes a stopped program (SIGSTOP, a debugger, a shell's Ctrl-Z), as
 * systemd does after its KillSignal=: a stopped process does not run the
 * handler of the `signal` it was sent until it is continued, so a program
 * that ends cleanly on TERM would otherwise wait, stopped, until the KILL
 * (or, with --no-kill, be left stopped with the signal pending). SIGCONT
 * goes to the program's process group, whose id is its pid (a program
 * `start` started leads one: its children may be stopped too), or to the
 * pid alone when it leads none. Not after a signal that itself stops.
 */
function wake(pid: number, signal: number): void {
  if (STOPPING.has(platform.signalNames[signal] ?? "")) return;
  signalGroup(pid, platform.signalNumbers.CONT);
}

/**
 * Before {@linkcode stopGroupRest} signals what the ended program `pid` left
 * in its process group: SIGCONT to that group, so that a stopped process
 * there runs the signal's handler (see {@linkcode wake}). Only the group,
 * never the pid: the leader has ended, and its pid may be another's.
 */
function wakeGroupRest(pid: number, signal: number): void {
  if (STOPPING.has(platform.signalNames[signal] ?? "")) return;
  libc.kill(-pid, platform.signalNumbers.CONT);
}

/**
 * Stops what the ended program `pid` left running in its process group,
 * which holds the pidfile's lock: `o.signal`, KILL after `o.timeoutMs`
 * unless `--no-kill`; then removes the pidfile.
 */
function stopLeftovers(pidfile: string, pid: number, o: StopOptions): void {
  const signalName = describeSignal(o.signal);
  wakeGroupRest(pid, o.signal);
  const rest = stopGroupRest(pid, o.signal, o.timeoutMs, o.kill);
  if (rest === "running") {
    throw new CliError(
      `what pid ${pid} left running in its process group still runs after ${signalName}` +
        `${o.kill ? " and SIGKILL" : ""}${stillRunsHint(o)}`,
    );
  }
  const removed = removePidfile(pidfile, LOCK_RELEASE_MS);
  if (rest === "none") {
    say(`not running (pid ${pid} and what it started were gone)${removed}`);
    return;
  }
  const how = rest === "killed" ? ` and SIGKILL ${o.timeoutMs / 1000} s later` : "";
  say(
    `stopped what pid ${pid} left running in its process group (${signalName}${how})${removed}`,
  );
}

/**
 * Stops the program of a pidfile, or says that it was not running.
 *
 * @param o the parsed options
 * @throws {CliError} when it still runs, cannot be told apart from a reused
 *   pid, or cannot be signalled
 */
export function stopProgram(o: StopOptions): void {
  const pidfile = absolutePath(o.pidfile);
  const target = findTarget(pidfile);
  switch (target.state) {
    case "stopped":
      say(`not running (no ${quote(pidfile)})`);
      return;
    case "dead":
      say(
        `not running (${
          target.pid === null ? "the pidfile records no pid" : `pid ${target.pid} was gone`
        })${removePidfile(pidfile)}`,
      );
      return;
    case "leftovers":
      return stopLeftovers(pidfile, target.pid, o);
    case "unusable":
      throw new CliError(target.message);
    case "unknown":
      throw new CliError(`not stopped: ${quote(pidfile)}: ${target.why}`);
  }
  const { pid, start } = target;
  const signalName = describeSignal(o.signal);
  let sent: boolean;
  try {
    sent = signalIfStill(pid, start, o.signal);
  } catch (e) {
    if (!(e instanceof OSError)) throw e;
    throw new CliError(
      `cannot send ${signalName} to pid ${pid}: ${e.message}${whyNotAllowed(e, pid, "stop")}`,
    );
  }
  if (!sent) {
    say(`not running (pid ${pid} ended)${removePidfile(pidfile)}`);
    return;
  }
  wake(pid, o.signal);
  let how = signalName;
  let ended = waitForExit(pid, start, o.timeoutMs);
  if (!ended && o.kill) {
    signalIfStill(pid, start, platform.signalNumbers.KILL);
    how += ` and SIGKILL ${o.timeoutMs / 1000} s later`;
    ended = waitForExit(pid, start, AFTER_KILL_MS);
  }
  if (!ended) throw new CliError(`still running (pid ${pid}) after ${how}${stillRunsHint(o)}`);
  // What it started in its own process group (a shell's children, say) ends
  // with it: left running, it might hold the pidfile's lock.
  wakeGroupRest(pid, o.signal);
  const rest = stopGroupRest(pid, o.signal, o.timeoutMs, o.kill);
  if (rest === "running") {
    throw new CliError(
      `pid ${pid} stopped (${how}), but processes it started (its process group ${pid}) ` +
        `still run after ${signalName}${o.kill ? " and SIGKILL" : ""}${stillRunsHint(o)}`,
    );
  }
  const restDone = rest === "none"
    ? ""
    : `; what it started got ${signalName}${rest === "killed" ? " and SIGKILL" : ""}`;
  say(
    `stopped (pid ${pid}, ${how}${restDone})${removePidfile(pidfile, LOCK_RELEASE_MS)}`,
  );
}

/**
 * `posixly stop ...`.
 *
 * @param argv the arguments after `stop`
 * @returns the exit status
 */
export async function stop(argv: readonly string[]): Promise<number> {
  const o = await parseStop(argv);
  if (o === null) {
    say(usage("stop"));
    return EXIT.ok;
  }
  stopProgram(o);
  return EXIT.ok;
}
