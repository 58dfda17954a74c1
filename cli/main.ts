/**
 * The `posixly` command: start, stop, restart, signal, status and run any
 * program as a proper daemon, with pidfiles that its program holds itself.
 *
 * ```sh
 * deno run -A cli/main.ts start --pidfile /tmp/app.pid --logfile /tmp/app.log -- python3 -m http.server
 * bun cli/main.ts status --pidfile /tmp/app.pid
 * ```
 *
 * See docs/cli.md for every option and exit status.
 *
 * @module
 */
import { type Commands, runAndExit, runCommandLine } from "./command_line.ts";

/**
 * Every command, each one's module loaded only when it runs: `status` need
 * not load what `start` needs (spawning, users, readiness), and every module
 * costs a short-lived process its start-up time. `npm run build` makes each
 * entry a program of its own (dist/cli/NAME.js); scripts/build.mjs reads
 * them from here, one line each, in this form.
 */
const COMMANDS: Commands = {
  commands: {
    start: async () => (await import("./start.ts")).start,
    stop: async () => (await import("./stop.ts")).stop,
    restart: async () => (await import("./restart.ts")).restart,
    status: async () => (await import("./status.ts")).status,
    signal: async () => (await import("./signal.ts")).signal,
    run: async () => (await import("./run.ts")).run,
    _daemon: async () => (await import("./daemon_step.ts")).daemonStep,
  },
  setUpProcess: async () => (await import("./set_up_process.ts")).SetUpProcess,
};

/**
 * Runs the command line `argv` (the arguments after the script) and returns
 * the exit status; a `CliError` is printed to stderr here.
 *
 * @param argv e.g. `["status", "--pidfile", "/run/app.pid"]`
 * @returns the exit status
 *
 * @example Ask for the status
 * ```ts ignore
 * import { main } from "./main.ts";
 * const code = await main(["status", "--pidfile", "/tmp/app.pid"]);
 * ```
 */
export function main(argv: readonly string[]): Promise<number> {
  return runCommandLine(argv, COMMANDS);
}

if (import.meta.main) await runAndExit(COMMANDS);
