/**
 * `posixly stop`: signals the program that holds the pidfile (never a pid
 * that may have been reused), waits for its end, sends KILL when it does not
 * end in time, and removes the pidfile.
 *
 * @module
 */
import { libc, osError, platform } from "../ffi/mod.ts";
import { absolutePath } from "../platforms/host.ts";
import { Pidfile } from "../platforms/pidfile.ts";
import { parseStop, type StopOptions } from "./args.ts";
import { CliError, EXIT, quote } from "./errors.ts";
import { complain, say } from "./output.ts";
import { findTarget } from "./target.ts";
import { usage } from "./usage.ts";
import { pollFds, stopGroupRest, waitForExit } from "./wait.ts";

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
      if (performance.now() >= until) {
        return `; ${quote(pidfile)} is still locked by another process ` +
          "(a child of the program that inherited the lock?) and was left alone";
      }
      pollFds([], 10, true);
    }
    return "";
  } catch (e) {
    return `; ${quote(pidfile)} could not be removed: ${(e as Error).message}`;
  }
}

/**
 * Stops the program of a pidfile.
 *
 * @param o the parsed options
 * @returns 0 stopped or not running; 1 it still runs, or cannot be told apart from a reused pid
 * @throws {CliError} when it cannot be signalled
 */
export function stopProgram(o: StopOptions): number {
  const pidfile = absolutePath(o.pidfile);
  const target = findTarget(pidfile);
  switch (target.state) {
    case "stopped":
      say(`not running (no ${quote(pidfile)})`);
      return EXIT.ok;
    case "dead":
      say(
        `not running (${
          target.pid === null ? "the pidfile records no pid" : `pid ${target.pid} was gone`
        })${removePidfile(pidfile)}`,
      );
      return EXIT.ok;
    case "unknown":
      throw new CliError(`not stopped: ${quote(pidfile)}: ${target.why}`);
  }
  const { pid, start } = target;
  const signalName = platform.signalNames[o.signal] ?? String(o.signal);
  if (libc.kill(pid, o.signal) === -1) {
    const e = osError("kill");
    if (waitForExit(pid, start, 0)) {
      say(`not running (pid ${pid} ended)${removePidfile(pidfile)}`);
      return EXIT.ok;
    }
    throw new CliError(`cannot send SIG${signalName} to pid ${pid}: ${e.message}`);
  }
  let how = `SIG${signalName}`;
  let ended = waitForExit(pid, start, o.timeoutMs);
  if (!ended && o.kill) {
    libc.kill(pid, platform.signalNumbers.KILL);
    how += ` and SIGKILL ${o.timeoutMs / 1000} s later`;
    ended = waitForExit(pid, start, AFTER_KILL_MS);
  }
  if (!ended) {
    complain(`still running (pid ${pid}) after ${how}`);
    return EXIT.failed;
  }
  // What it started in its own process group (a shell's children, say) ends
  // with it: left running, it might hold the pidfile's lock.
  const rest = stopGroupRest(pid, o.signal, o.timeoutMs, o.kill);
  if (rest === "running") {
    complain(
      `pid ${pid} stopped (${how}), but processes it started (its process group ${pid}) ` +
        `still run after SIG${signalName}`,
    );
    return EXIT.failed;
  }
  const restDone = rest === "none"
    ? ""
    : `; what it started got SIG${signalName}${rest === "killed" ? " and SIGKILL" : ""}`;
  say(
    `stopped (pid ${pid}, ${how}${restDone})${removePidfile(pidfile, LOCK_RELEASE_MS)}`,
  );
  return EXIT.ok;
}

/**
 * `posixly stop ...`.
 *
 * @param argv the arguments after `stop`
 * @returns the exit status
 */
export function stop(argv: readonly string[]): number {
  const o = parseStop(argv);
  if (o === null) {
    say(usage("stop"));
    return EXIT.ok;
  }
  return stopProgram(o);
}
