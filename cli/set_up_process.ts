/**
 * posixly's set-up process for `start`: a re-run of posixly (same runtime,
 * same flags, same script) as the `_daemon` step, which sets the program
 * up and `execve`s it (a runtime cannot fork). It is started first, before
 * `start` loads its code and checks anything, in a session of its own with
 * stdin, stdout and stderr on /dev/null: its runtime's cold start then
 * overlaps the checks instead of following them. It waits for its step on
 * a socket (see step_channel.ts); when a check fails, `start` stops it.
 *
 * @module
 */
import { libc, platform } from "../ffi/mod.ts";
import { currentEnvironment, execPath, scriptArgs } from "../platforms/host.ts";
import { originalCommandLineBytes } from "../platforms/proctitle.ts";
import { posixSpawn } from "../platforms/spawn.ts";
import { socketPair } from "./step_channel.ts";
import { openPidfd } from "./wait.ts";

/**
 * posixly's environment without NOTIFY_SOCKET: the caller's supervisor's
 * socket is not the daemon's (it gets ours with --ready notify).
 */
export function launcherEnvironment(): Record<string, string> {
  const env = currentEnvironment();
  delete env.NOTIFY_SOCKET;
  return env;
}

/**
 * The argv that re-runs posixly (same runtime, same flags, same script) as
 * the `_daemon` step, which talks with the launcher over the socket `fd`.
 */
function daemonArgv(fd: number): (string | Uint8Array)[] {
  // The kernel's bytes: the runtime's own flags (`run -A`) are kept, and an
  // argument that is not UTF-8 passes unchanged.
  const cmdline = originalCommandLineBytes();
  const runtimeAndScript = cmdline.slice(1, cmdline.length - scriptArgs().length);
  return [execPath(), ...runtimeAndScript, "_daemon", String(fd)];
}

/** The `_daemon` step, running, and what `start` does with it. */
export class SetUpProcess {
  /** Its pid: the program's, once it `execve`s it. */
  readonly pid: number;
  /** A pidfd of it, or -1 where the system has none. */
  readonly pidfd: number;
  /** The launcher's end of the socket: the step goes out on it, the step's report comes back. */
  readonly channel: number;
  #handedOver = false;
  #stopped = false;

  /**
   * Starts the step (see the module's text).
   *
   * @param argv the command line, for this runtime's executable, that runs
   *   the step with its socket on descriptor `fd`: posixly again, as this
   *   process was started, unless a test runs it otherwise
   * @throws {OSError} when the socket or the spawn fails
   */
  constructor(argv: (fd: number) => (string | Uint8Array)[] = daemonArgv) {
    const [ours, theirs] = socketPair();
    // Its end goes to 3, or to 4 when it is 3 already (a dup2 onto itself would keep
    // close-on-exec set); every other descriptor of ours is closed in the step.
    const at = theirs === 3 ? 4 : 3;
    const c = platform.constants;
    try {
      this.pid = posixSpawn(execPath(), {
        args: argv(at),
        env: launcherEnvironment(),
        fileActions: [
          { dup2: [theirs, at] },
          { open: 0, path: "/dev/null", flags: c.O_RDONLY },
          { open: 1, path: "/dev/null", flags: c.O_WRONLY },
          { dup2: [1, 2] },
          { closeFrom: at + 1 },
        ],
        setsid: true,
        defaultSignals: true,
        signalMask: [],
      });
    } catch (e) {
      libc.close(ours);
      throw e;
    } finally {
      libc.close(theirs);
    }
    this.channel = ours;
    this.pidfd = openPidfd(this.pid);
  }

  /** From now on the step is the program's: {@linkcode stop} leaves it alone. */
  handOver(): void {
    this.#handedOver = true;
  }

  /**
   * Stops the step unless it was handed over (or stopped already): KILL,
   * then reaps it. It has done nothing yet but wait for its step.
   */
  stop(): void {
    if (this.#handedOver || this.#stopped) return;
    this.#stopped = true;
    libc.kill(this.pid, platform.signalNumbers.KILL);
    libc.close(this.channel);
    if (this.pidfd >= 0) libc.close(this.pidfd);
    libc.waitpid(this.pid, new Int32Array(1), 0);
  }
}
