/**
 * `posixly restart`: `start`'s checks, then `stop` (with its defaults), then
 * `start`.
 *
 * @module
 */
import { parseStart } from "./args.ts";
import { checkReadinessResolves } from "./ready.ts";
import { EXIT } from "./errors.ts";
import { say } from "./output.ts";
import type { SetUpProcess } from "./set_up_process.ts";
import { checkStart, startProgram } from "./start.ts";
import { stopProgram } from "./stop.ts";
import { usage } from "./usage.ts";
import { platform } from "../ffi/mod.ts";

/**
 * `posixly restart ...`.
 *
 * @param argv the arguments after `restart`
 * @param setUp posixly's set-up process, started already (see start.ts's `startProgram`)
 * @returns start's exit status
 * @throws {CliError} with start's status when its checks fail (nothing is
 *   stopped then), 1 when the running program does not stop
 */
export async function restart(
  argv: readonly string[],
  setUp: SetUpProcess | null = null,
): Promise<number> {
  const o = await parseStart("restart", argv);
  if (o === null) {
    say(usage("restart"));
    return EXIT.ok;
  }
  // A mistyped option fails here, while the running program still runs. The
  // pidfile may be held: by the program that the stop below ends.
  checkStart(o);
  await checkReadinessResolves(o.ready);
  stopProgram({
    pidfile: o.pidfile,
    signal: platform.signalNumbers.TERM,
    timeoutMs: 10_000,
    kill: true,
  });
  // start checks again: the stop may take seconds, and the logfile's lines
  // from then on are the new program's.
  return await startProgram(o, setUp);
}
