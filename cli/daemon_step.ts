/**
 * The hidden `_daemon` step of `start`: the process the launcher spawns (a
 * new session, output to the logfile) sets itself up as `run` does and
 * `execve`s the program, which so keeps its pid and the pidfile lock. The
 * launcher checked the set-up already (as the same user): the step follows its
 * plan instead of checking it again.
 *
 * The launcher hands the step its {@linkcode DaemonStep} in a file without a
 * name on an inherited descriptor, whose number is the step's one argument
 * (see step_file.ts: nothing secret on a command line, no limit on the
 * program's arguments, and no command line to parse: the step need not load
 * `node:util`, a cold start's worth of time in Deno). The step reads it and
 * closes it, so the program never inherits it. The step talks back over a
 * pipe (close-on-exec): `X` right before the execve; `E<status> <JSON
 * message>` when the set-up or the execve fails. So "X" and then end-of-file
 * means that the program runs.
 *
 * @module
 */
import { libc } from "../ffi/mod.ts";
import { exit } from "../platforms/host.ts";
import { setCloseOnExec } from "../platforms/exec.ts";
import { CliError, EXIT } from "./errors.ts";
import { AlreadyRunning, execPlan, programEnvironment } from "./setup.ts";
import { type DaemonStep, readStep } from "./step_file.ts";

const encoder = new TextEncoder();

function send(fd: number, line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  // One write of a short line to a pipe is atomic; a launcher that is gone makes it fail.
  libc.write(fd, bytes, bytes.length);
}

/** The step the launcher handed over on the descriptor `argv` names, which is closed then. */
function receiveStep(argv: readonly string[]): DaemonStep {
  if (argv.length !== 1 || !/^\d{1,9}$/.test(argv[0])) throw new SyntaxError("no descriptor");
  const fd = Number(argv[0]);
  try {
    return readStep(fd);
  } finally {
    libc.close(fd);
  }
}

/**
 * Runs the step: never returns (the program replaces this process, or it
 * exits after telling the launcher why not).
 *
 * @param argv the arguments after `_daemon`: the descriptor of the
 * {@linkcode DaemonStep}'s file
 */
export function daemonStep(argv: readonly string[]): never {
  let step: DaemonStep;
  try {
    step = receiveStep(argv);
  } catch {
    throw new CliError("_daemon is the internal step of 'posixly start'", EXIT.usage, "");
  }
  const fd = step.handshakeFd;
  try {
    setCloseOnExec(fd, true);
    execPlan({ ...step.plan, env: programEnvironment(step.env) }, {
      redirectOutput: false,
      keepFds: step.keepFds,
      beforeExec: () => send(fd, "X"),
    });
  } catch (e) {
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
