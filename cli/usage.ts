/**
 * The usage text of the command and of each subcommand.
 *
 * @module
 */

/** The set-up options of `start` and `run`, which differ only in where output goes by default. */
function setUpOptions(logfileDefault: string): string {
  return `  --logfile PATH        append the program's stdout and stderr to PATH (${logfileDefault})
  --user NAME|UID       run as this user, with its groups (another user needs root)
  --group NAME|GID      run with this group instead of the user's primary one (another group needs root)
  --chdir DIR           working directory (default: the current one)
  --umask OCTAL         file mode creation mask (default 022)
  --env NAME=VALUE      add or replace an environment variable (repeatable)`;
}

const START = `posixly start --pidfile PATH [options] -- PROGRAM [ARG...]

Starts PROGRAM as a daemon (its own session, stdin from /dev/null) once
everything that can fail is checked, and exits when it is ready. The pidfile
holds PROGRAM's pid and PROGRAM itself holds its lock.

  --pidfile PATH        the pidfile (required)
${setUpOptions("default /dev/null")}
  --ready MODE          when PROGRAM counts as started (default exec):
                          exec           executed and still running after --grace
                          notify         sent READY=1 to $NOTIFY_SOCKET (sd_notify)
                          fd:N           wrote a newline to file descriptor N (3 to 1024)
                          tcp:HOST:PORT  a TCP connection to HOST:PORT succeeds
  --grace SECONDS       for --ready exec: how long it must keep running (default 0.5,
                        or half of a --timeout under 1)
  --timeout SECONDS     how long to wait for ready (default 30); then TERM, KILL 5 s later

Exit status: 0 started and ready, or already running; 1 failed; 2 bad usage;
4 not enough privilege; 5 PROGRAM not found or not executable.`;

const STOP = `posixly stop --pidfile PATH [--signal NAME] [--timeout SECONDS] [--no-kill]

Stops the program that holds the pidfile's lock (or, for a pidfile nobody
holds, the live process whose pid and start time it records), and removes
the pidfile.

  --pidfile PATH        the pidfile (required)
  --signal NAME         the signal to stop it with (default TERM)
  --timeout SECONDS     how long to wait for it to end (default 10); then KILL
  --no-kill             do not send KILL after --timeout

Exit status: 0 stopped, or not running; 1 it still runs, cannot be told apart
from a reused pid, or the runtime refuses FFI; 2 bad usage.`;

const RESTART = `posixly restart --pidfile PATH [start's options] -- PROGRAM [ARG...]

Checks what 'posixly start' checks (nothing is stopped when a check fails),
stops the program (as 'posixly stop' with its defaults) and starts it again.
Exit status: that of 'posixly start'; 1 when the old program does not stop.`;

const STATUS = `posixly status --pidfile PATH [--json]

Tells whether the program runs.

  --pidfile PATH        the pidfile (required)
  --json                print {"state", "pid", "pidfile", "startedAt"} as one JSON line

Exit status: 0 running; 1 not running, but the pidfile remains (perhaps held by
what it started); 3 not running; 4 cannot tell (an unreadable pidfile, or a live
pid that may have been reused).`;

const SIGNAL = `posixly signal --pidfile PATH SIGNAL

Sends SIGNAL (HUP, SIGHUP or its number, 1) to the running program; real-time
signals as RTMIN, RTMIN+1, ..., RTMAX-1, RTMAX (by posixly's C library's count).

  --pidfile PATH        the pidfile (required)

Exit status: 0 sent; 1 cannot tell which process it is; 2 bad usage or an unknown
signal; 7 not running.`;

const RUN = `posixly run [--pidfile PATH] [options] -- PROGRAM [ARG...]

Sets up as 'start' does, without detaching, then runs PROGRAM in place of
posixly: same pid, its exit status and signals are PROGRAM's own
(for systemd Type=simple or Type=notify units, and containers; NOTIFY_SOCKET
passes through).

  --pidfile PATH        hold this pidfile (PROGRAM holds its lock)
${setUpOptions("default: posixly's own")}

Exit status (when PROGRAM does not start): 1 failed; 2 bad usage;
4 not enough privilege; 5 PROGRAM not found or not executable.`;

const TOP = `posixly: run any program as a proper daemon.

Usage:
  posixly start   --pidfile PATH [options] -- PROGRAM [ARG...]
  posixly stop    --pidfile PATH [--signal NAME] [--timeout SECONDS] [--no-kill]
  posixly restart --pidfile PATH [options] -- PROGRAM [ARG...]
  posixly status  --pidfile PATH [--json]
  posixly signal  --pidfile PATH SIGNAL
  posixly run     [--pidfile PATH] [options] -- PROGRAM [ARG...]
  posixly COMMAND --help
  posixly --version`;

const TEXTS: Readonly<Record<string, string>> = {
  "": TOP,
  start: START,
  stop: STOP,
  restart: RESTART,
  status: STATUS,
  signal: SIGNAL,
  run: RUN,
};

/**
 * The usage of `command` ("" or an unknown name: the overview).
 *
 * @param command a subcommand's name
 * @returns its usage text, without a final newline
 *
 * @example The usage of stop
 * ```ts
 * import { usage } from "./usage.ts";
 * console.log(usage("stop"));
 * ```
 */
export function usage(command: string): string {
  return Object.hasOwn(TEXTS, command) ? TEXTS[command] : TOP;
}
