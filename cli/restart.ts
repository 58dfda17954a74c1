/**
 * `posixly restart`: `stop` (with its defaults), then `start`.
 *
 * @module
 */
import { parseStart } from "./args.ts";
import { EXIT } from "./errors.ts";
import { say } from "./output.ts";
import { startProgram } from "./start.ts";
import { stopProgram } from "./stop.ts";
import { usage } from "./usage.ts";
import { platform } from "../ffi/mod.ts";

/**
 * `posixly restart ...`.
 *
 * @param argv the arguments after `restart`
 * @returns start's exit status; 1 when the running program does not stop
 */
export async function restart(argv: readonly string[]): Promise<number> {
  const o = parseStart("restart", argv);
  if (o === null) {
    say(usage("restart"));
    return EXIT.ok;
  }
  const stopped = stopProgram({
    pidfile: o.pidfile,
    signal: platform.signalNumbers.TERM,
    timeoutMs: 10_000,
    kill: true,
  });
  if (stopped !== EXIT.ok) return stopped;
  return await startProgram(o);
}
