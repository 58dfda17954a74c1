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
import { FfiPermissionError, markShortLived } from "../ffi/mod.ts";
import { CurrentDirectoryNameError, exit, scriptArgs } from "../platforms/host.ts";
import { CliError, EXIT, quote, STATUS_UNKNOWN } from "./errors.ts";
import { complain, say } from "./output.ts";
import { usage } from "./usage.ts";
import type { SetUpProcess } from "./set_up_process.ts";

/** A command: its arguments, and posixly's set-up process when one was started for it. */
type Command = (argv: readonly string[], setUp: SetUpProcess | null) => number | Promise<number>;

/**
 * Each command's module, loaded only when it runs: `status` need not load
 * what `start` needs (spawning, users, readiness), and every module costs a
 * short-lived process its start-up time.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  start: async () => (await import("./start.ts")).start,
  stop: async () => (await import("./stop.ts")).stop,
  restart: async () => (await import("./restart.ts")).restart,
  status: async () => (await import("./status.ts")).status,
  signal: async () => (await import("./signal.ts")).signal,
  run: async () => (await import("./run.ts")).run,
  _daemon: async () => (await import("./daemon_step.ts")).daemonStep,
};

/**
 * The exit status when the runtime refuses FFI (Deno without `--allow-ffi`):
 * not enough privilege (4) for `start`, `restart` and `run`, and "cannot
 * tell" (4) for `status`, where 1 would mean "dead"; `stop` and `signal`,
 * which have no such status, fail (1).
 */
function ffiRefusedStatus(command: string): number {
  return command === "stop" || command === "signal" ? EXIT.failed : EXIT.privilege;
}

/**
 * posixly's set-up process for a `start` or `restart` that names a program
 * (after `--`), started before the command loads its code and checks its
 * options, so that the runtime's cold start in it overlaps them (see
 * set_up_process.ts); null for every other command line.
 */
async function setUpProcessFor(
  command: string,
  argv: readonly string[],
): Promise<SetUpProcess | null> {
  if ((command !== "start" && command !== "restart") || !argv.includes("--")) return null;
  const { SetUpProcess } = await import("./set_up_process.ts");
  try {
    return new SetUpProcess();
  } catch (e) {
    if (e instanceof FfiPermissionError) throw e;
    return null; // the command tries again, and says why it cannot
  }
}

/**
 * Runs the command line `argv` (the arguments after the script) and returns
 * the exit status; a {@linkcode CliError} is printed to stderr here.
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
export async function main(argv: readonly string[]): Promise<number> {
  const [command = "", ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    say(usage(rest[0] ?? ""));
    return EXIT.ok;
  }
  if (command === "--version") {
    const { default: config } = await import("../deno.json", { with: { type: "json" } });
    say(`posixly ${config.version}`);
    return EXIT.ok;
  }
  try {
    if (!Object.hasOwn(COMMANDS, command)) {
      const what = command === ""
        ? "no command given"
        : `unknown ${command.startsWith("-") ? "option" : "command"} ${quote(command)}`;
      throw new CliError(what, EXIT.usage, "");
    }
    const setUp = await setUpProcessFor(command, rest);
    try {
      const run = await COMMANDS[command]();
      return await run(rest, setUp);
    } finally {
      setUp?.stop(); // unless the command handed it its program
    }
  } catch (thrown) {
    const e = thrown instanceof CurrentDirectoryNameError
      ? new CliError(
        "the current directory's name is not valid UTF-8: give absolute paths (and --chdir)",
        command === "status" ? STATUS_UNKNOWN : EXIT.failed, // status: 1 would mean "dead"
      )
      : thrown instanceof FfiPermissionError
      // Its message names the runtime's flag to add (Deno's --allow-ffi).
      ? new CliError(thrown.message, ffiRefusedStatus(command))
      : thrown;
    if (!(e instanceof CliError)) throw e;
    // Bad usage comes with the usage of the command at fault.
    const usageOf = e.usageOf ?? (e.exitCode === EXIT.usage ? command : undefined);
    const help = usageOf === undefined ? "" : `\n\n${usage(usageOf)}`;
    const known = Object.hasOwn(COMMANDS, command) && !command.startsWith("_");
    complain(`posixly${known ? ` ${command}` : ""}: ${e.message}${help}`);
    return e.exitCode;
  }
}

if (import.meta.main) {
  // Each command exits within milliseconds (or execs its program): in Deno, binding
  // the functions it calls most would cost more than it saves.
  markShortLived();
  exit(await main(scriptArgs()));
}
