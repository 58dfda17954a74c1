/**
 * `posixly signal`: sends a signal to the program that holds the pidfile.
 *
 * @module
 */
import { OSError } from "../ffi/mod.ts";
import { absolutePath } from "../platforms/host.ts";
import { describeSignal } from "../platforms/signal_names.ts";
import { parseSignalCommand } from "./args.ts";
import { CliError, EXIT, quote } from "./errors.ts";
import { complain, say } from "./output.ts";
import { describeLeftovers, findTarget, stopCommand, whyNotAllowed } from "./target.ts";
import { usage } from "./usage.ts";
import { signalIfStill } from "./wait.ts";

/**
 * `posixly signal ...`.
 *
 * @param argv the arguments after `signal`
 * @returns 0 sent, 7 not running
 * @throws {CliError} when it cannot tell which process it is, or the signal cannot be sent
 */
export async function signal(argv: readonly string[]): Promise<number> {
  const o = await parseSignalCommand(argv);
  if (o === null) {
    say(usage("signal"));
    return EXIT.ok;
  }
  const pidfile = absolutePath(o.pidfile);
  const target = findTarget(pidfile);
  if (target.state === "unknown") throw new CliError(`not sent: ${quote(pidfile)}: ${target.why}`);
  if (target.state === "unusable") throw new CliError(target.message);
  const name = describeSignal(o.signal);
  if (target.state === "leftovers") {
    const left = describeLeftovers(target, quote(pidfile));
    complain(`not running (${left}: ${stopCommand(pidfile)} stops it); ${name} not sent`);
    return EXIT.signalNotRunning;
  }
  if (target.state !== "running") {
    complain(`not running (${quote(pidfile)}); ${name} not sent`);
    return EXIT.signalNotRunning;
  }
  let sent: boolean;
  try {
    sent = signalIfStill(target.pid, target.start, o.signal);
  } catch (e) {
    if (!(e instanceof OSError)) throw e;
    const hint = whyNotAllowed(e, target.pid, "signal");
    throw new CliError(`cannot send ${name} to pid ${target.pid}: ${e.message}${hint}`);
  }
  if (!sent) {
    complain(`not running (pid ${target.pid} just ended); ${name} not sent`);
    return EXIT.signalNotRunning;
  }
  say(`sent ${name} to pid ${target.pid}`);
  return EXIT.ok;
}
