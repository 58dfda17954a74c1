/**
 * The hidden `_daemon` step of `start`: the process the launcher spawns (a
 * new session) sets itself up as `run` does and `execve`s the program,
 * which so keeps its pid and the pidfile lock. The launcher checked the
 * set-up already (as the same user): the step follows its plan instead of
 * checking it again.
 *
 * The launcher spawns it before its checks, with stdin, stdout and stderr
 * on /dev/null and one end of a socket pair, whose number is the step's one
 * argument. Once the checks pass, the launcher sends its
 * {@linkcode DaemonStep} and the program's descriptors over it (see
 * step_channel.ts: nothing secret on a command line, no limit on the
 * program's arguments, and no command line to parse: the step need not load
 * `node:util`, a cold start's worth of time in Deno); when a check fails,
 * the launcher stops it (or closes its end: the step then exits, status 0).
 * The step talks back over the same socket (close-on-exec): `X` right
 * before the execve; `E<status> <JSON message>` when the set-up or the
 * execve fails. So "X" and then end-of-file means that the program runs.
 *
 * @module
 */
import { check, libc, platform } from "../ffi/mod.ts";
import { exit } from "../platforms/host.ts";
import { setCloseOnExec } from "../platforms/exec.ts";
import { CliError, EXIT } from "./errors.ts";
import { AlreadyRunning, execPlan, programEnvironment } from "./setup.ts";
import { type Received, receiveStep } from "./step_channel.ts";

const encoder = new TextEncoder();

function send(fd: number, line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  // One send of a short line is atomic. A launcher that is gone makes it fail
  // with EPIPE, never SIGPIPE: the signal's default action is back already,
  // and would end this process instead of starting the program.
  libc.sendto(fd, bytes, bytes.length, platform.constants.MSG_NOSIGNAL, null, 0);
}

/** The socket's descriptor, from the step's argument. */
function channelOf(argv: readonly string[]): number {
  if (argv.length !== 1 || !/^\d{1,9}$/.test(argv[0])) {
    throw new CliError("_daemon is the internal step of 'posixly start'", EXIT.usage, "");
  }
  return Number(argv[0]);
}

/** The readiness descriptor, for a number on which the runtime has a descriptor of its own. */
interface PassOnLater {
  readonly from: number;
  readonly to: number;
}

/**
 * Puts the descriptors that came with the step where the program gets
 * them: the logfile on 1 and 2, the readiness descriptor on its number.
 * Returns the socket's descriptor, moved when that number was its own, and
 * the readiness descriptor when that number is one of the runtime's: the
 * runtime keeps its own there until the execve (see {@linkcode swapIn}).
 */
function placeDescriptors(
  { step, fds }: Received,
  channel: number,
): { socket: number; later: PassOnLater | null } {
  const rest = [...fds];
  const log = step.logfile ? rest.shift() : undefined;
  const passOn = step.passOnTo === null ? undefined : rest.shift();
  if (log !== undefined) {
    libc.dup2(log, 1);
    libc.dup2(log, 2);
    libc.close(log);
  }
  const to = step.passOnTo;
  if (to === null || passOn === undefined || passOn === to) return { socket: channel, later: null };
  let socket = channel;
  if (socket === to) {
    // Onto a free number, never one the runtime uses.
    socket = check(libc.fcntl(socket, platform.constants.F_DUPFD, 3), "fcntl");
    libc.close(to);
  }
  if (libc.fcntl(to, platform.constants.F_GETFD, 0) !== -1) {
    return { socket, later: { from: passOn, to } };
  }
  libc.dup2(passOn, to);
  libc.close(passOn);
  return { socket, later: null };
}

/**
 * Right before the execve, puts the readiness descriptor on the number of
 * one of the runtime's own, which it keeps a copy of (close-on-exec): the
 * runtime's threads and its exit use it up to then. Returns what puts the
 * runtime's back, for an execve that failed.
 */
function swapIn({ from, to }: PassOnLater): () => void {
  const saved = check(libc.fcntl(to, platform.constants.F_DUPFD, 3), "fcntl");
  setCloseOnExec(saved, true);
  check(libc.dup2(from, to), "dup2");
  return () => {
    libc.dup2(saved, to);
    libc.close(saved);
  };
}

/**
 * Runs the step: never returns (the program replaces this process, or it
 * exits after telling the launcher why not).
 *
 * @param argv the arguments after `_daemon`: the descriptor of the socket
 *   the launcher sends the {@linkcode DaemonStep} on
 */
export function daemonStep(argv: readonly string[]): never {
  let fd = channelOf(argv);
  let received: Received | null;
  try {
    received = receiveStep(fd);
  } catch {
    throw new CliError("_daemon is the internal step of 'posixly start'", EXIT.usage, "");
  }
  // The launcher's checks failed: nothing to start.
  if (received === null) exit(EXIT.ok);
  const { step } = received;
  let undoSwap = (): void => {};
  try {
    const placed = placeDescriptors(received, fd);
    fd = placed.socket;
    setCloseOnExec(fd, true);
    execPlan({ ...step.plan, env: programEnvironment(step.env) }, {
      redirectOutput: false,
      keepFds: step.passOnTo === null ? [] : [step.passOnTo],
      beforeExec: () => {
        if (placed.later !== null) undoSwap = swapIn(placed.later);
        send(fd, "X");
      },
    });
  } catch (e) {
    undoSwap(); // the execve failed: the runtime's descriptor back in its place
    const failure = e instanceof CliError
      ? e
      : new CliError(`set-up failed: ${e instanceof Error ? e.message : String(e)}`);
    if (!(e instanceof CliError)) console.error(e); // the stack, into the logfile
    // Lost a race for the pidfile: the winner runs, which is what start wanted.
    const status = failure instanceof AlreadyRunning ? EXIT.ok : failure.exitCode;
    send(fd, `E${status} ${JSON.stringify(failure.message)}`);
    exit(failure.exitCode);
  }
}
