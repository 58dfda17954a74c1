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
import config from "../deno.json" with { type: "json" };
import { exit, scriptArgs, writeStderr } from "../platforms/host.ts";
import { CliError, EXIT, quote } from "./errors.ts";
import { daemonStep } from "./daemon_step.ts";
import { restart } from "./restart.ts";
import { run } from "./run.ts";
import { signal } from "./signal.ts";
import { start } from "./start.ts";
import { status } from "./status.ts";
import { stop } from "./stop.ts";
import { usage } from "./usage.ts";

const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => number | Promise<number>>> = {
  start,
  stop,
  restart,
  status,
  signal,
  run,
  _daemon: daemonStep,
};

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
    console.log(usage(rest[0] ?? ""));
    return EXIT.ok;
  }
  if (command === "--version") {
    console.log(`posixly ${config.version}`);
    return EXIT.ok;
  }
  try {
    if (!Object.hasOwn(COMMANDS, command)) {
      const what = command === "" ? "no command given" : `unknown command ${quote(command)}`;
      throw new CliError(what, EXIT.usage, "");
    }
    return await COMMANDS[command](rest);
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    // Bad usage comes with the usage of the command at fault.
    const usageOf = e.usageOf ?? (e.exitCode === EXIT.usage ? command : undefined);
    const help = usageOf === undefined ? "" : `\n\n${usage(usageOf)}`;
    writeStderr(
      `posixly${command && !command.startsWith("_") ? ` ${command}` : ""}: ${e.message}${help}\n`,
    );
    return e.exitCode;
  }
}

if (import.meta.main) exit(await main(scriptArgs()));
