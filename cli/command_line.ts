/**
 * What every `posixly` command line goes through, whichever commands a
 * program holds: `--help`, `--version`, the command's name, posixly's set-up
 * process for `start` and `restart`, and the report of a {@linkcode CliError}.
 * cli/main.ts gives it every command; the bundle that `npm run build` makes
 * gives each command's own module only that command (docs/internals.md,
 * "One program per command").
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
export type Command = (
  argv: readonly string[],
  setUp: SetUpProcess | null,
) => number | Promise<number>;

/** The commands a program holds, and how it loads each one's code. */
export interface Commands {
  /** Each command's code by its name (`status`, `_daemon`), loaded when it runs. */
  readonly commands: Readonly<Record<string, () => Promise<Command>>>;
  /**
   * Loads posixly's set-up process, which `start` and `restart` start
   * before loading their own code; absent where neither is held.
   */
  readonly setUpProcess?: () => Promise<typeof SetUpProcess>;
}

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
  table: Commands,
  command: string,
  argv: readonly string[],
): Promise<SetUpProcess | null> {
  if ((command !== "start" && command !== "restart") || !argv.includes("--")) return null;
  if (table.setUpProcess === undefined) return null;
  const SetUpProcess = await table.setUpProcess();
  try {
    return new SetUpProcess();
  } catch (e) {
    if (e instanceof FfiPermissionError) throw e;
    return null; // the command tries again, and says why it cannot
  }
}

/**
 * Runs the command line `argv` (the arguments after the script) with the
 * commands of `table`, and returns the exit status; a {@linkcode CliError}
 * is printed to stderr here.
 *
 * @param argv e.g. `["status", "--pidfile", "/run/app.pid"]`
 * @param table the commands this program holds
 * @returns the exit status
 *
 * @example Run a program that only knows `status`
 * ```ts ignore
 * import { runCommandLine } from "./command_line.ts";
 * import { status } from "./status.ts";
 * const code = await runCommandLine(["status", "--pidfile", "/tmp/app.pid"], {
 *   commands: { status: () => Promise.resolve(status) },
 * });
 * ```
 */
export async function runCommandLine(argv: readonly string[], table: Commands): Promise<number> {
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
  const { commands } = table;
  try {
    if (!Object.hasOwn(commands, command)) {
      const what = command === ""
        ? "no command given"
        : `unknown ${command.startsWith("-") ? "option" : "command"} ${quote(command)}`;
      throw new CliError(what, EXIT.usage, "");
    }
    const setUp = await setUpProcessFor(table, command, rest);
    try {
      const run = await commands[command]();
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
    const known = Object.hasOwn(commands, command) && !command.startsWith("_");
    complain(`posixly${known ? ` ${command}` : ""}: ${e.message}${help}`);
    return e.exitCode;
  }
}

/**
 * Runs this process's command line with the commands of `table`, and exits
 * with the status.
 *
 * @param table the commands this program holds
 *
 * @example The posixly command's program
 * ```ts ignore
 * if (import.meta.main) await runAndExit(COMMANDS);
 * ```
 */
export async function runAndExit(table: Commands): Promise<never> {
  // Each command exits within milliseconds (or execs its program): in Deno, binding
  // the functions it calls most would cost more than it saves.
  markShortLived();
  exit(await runCommandLine(scriptArgs(), table));
}
