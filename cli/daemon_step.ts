/**
 * The hidden `_daemon` step of `start`: the process the launcher spawns (a
 * new session, output to the logfile) sets itself up as `run` does and
 * `execve`s the program, which so keeps its pid and the pidfile lock. The
 * launcher checked the set-up already (as the same user): the step follows its
 * plan instead of checking it again.
 *
 * The launcher writes its one argument: {@linkcode DaemonStep} as JSON (no
 * command line to parse: the step need not load `node:util`, a cold start's
 * worth of time in Deno). The step talks back over a pipe (close-on-exec):
 * `X` right before the execve; `E<status> <JSON message>` when the set-up or
 * the execve fails. So "X" and then end-of-file means that the program runs.
 *
 * @module
 */
import { libc } from "../ffi/mod.ts";
import { exit } from "../platforms/host.ts";
import { setCloseOnExec } from "../platforms/exec.ts";
import { CliError, EXIT } from "./errors.ts";
import { AlreadyRunning, execPlan, type Plan, programEnvironment } from "./setup.ts";

/** What the launcher hands the `_daemon` step. */
export interface DaemonStep {
  /**
   * The launcher's plan, but for the environment: that is the step's own
   * (what the launcher spawned it with, never on a command line) plus `env`.
   */
  readonly plan: Omit<Plan, "env" | "logStart">;
  /** The `--env` entries, then the readiness channel's (NOTIFY_SOCKET). */
  readonly env: readonly (readonly [string, string])[];
  /** The pipe to the launcher. */
  readonly handshakeFd: number;
  /** Descriptors the program inherits (readiness). */
  readonly keepFds: readonly number[];
}

const encoder = new TextEncoder();

function send(fd: number, line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  // One write of a short line to a pipe is atomic; a launcher that is gone makes it fail.
  libc.write(fd, bytes, bytes.length);
}

/**
 * Runs the step: never returns (the program replaces this process, or it
 * exits after telling the launcher why not).
 *
 * @param argv the arguments after `_daemon`: a {@linkcode DaemonStep} as JSON
 */
export function daemonStep(argv: readonly string[]): never {
  let step: DaemonStep;
  try {
    step = JSON.parse(argv[0]);
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
