/**
 * `posixly run`: `start`'s set-up without detaching, then the program in
 * place of posixly (same pid), for service managers and containers that
 * supervise it themselves. `NOTIFY_SOCKET` and systemd's socket-activation
 * descriptors (`LISTEN_FDS`, when `LISTEN_PID` names this process) pass through.
 *
 * @module
 */
import { libc } from "../ffi/mod.ts";
import { currentEnvironment } from "../platforms/host.ts";
import { parseRun } from "./args.ts";
import { EXIT } from "./errors.ts";
import { say } from "./output.ts";
import { checkPidfileFree, checkSetUp, execPlan } from "./setup.ts";
import { usage } from "./usage.ts";

/**
 * The descriptors systemd passes for socket activation (3 up to
 * 3 + LISTEN_FDS - 1), when they are this process's: LISTEN_PID names it, as
 * sd_listen_fds(3) checks (an inherited LISTEN_FDS may be another's).
 */
function listenFds(env: Record<string, string>): number[] {
  if (env.LISTEN_PID !== String(libc.getpid())) return [];
  const n = /^\d{1,4}$/.test(env.LISTEN_FDS ?? "") ? Number(env.LISTEN_FDS) : 0;
  return Array.from({ length: n }, (_, i) => 3 + i);
}

/**
 * `posixly run ...`: returns only for `--help`; otherwise the program
 * replaces this process, or a {@linkcode CliError} says why not.
 *
 * @param argv the arguments after `run`
 * @returns 0 after printing the usage
 */
export async function run(argv: readonly string[]): Promise<number> {
  const o = await parseRun(argv);
  if (o === null) {
    say(usage("run"));
    return EXIT.ok;
  }
  const plan = checkSetUp(o, currentEnvironment());
  if (plan.pidfile !== null) checkPidfileFree(plan.pidfile);
  return execPlan(plan, { redirectOutput: true, keepFds: listenFds(plan.env) });
}
