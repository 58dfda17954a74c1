/**
 * `posixly run`: `start`'s set-up without detaching, then the program in
 * place of posixly (same pid), for service managers and containers that
 * supervise it themselves. `NOTIFY_SOCKET` and systemd's socket-activation
 * descriptors (`LISTEN_FDS`, when `LISTEN_PID` names this process) pass through.
 *
 * @module
 */
import { check, libc, OSError } from "../ffi/mod.ts";
import { chdir, currentEnvironment } from "../platforms/host.ts";
import {
  getgroups,
  initgroups,
  lookupUser,
  parseGid,
  parseUid,
  setgroups,
} from "../platforms/users.ts";
import { parseRun } from "./args.ts";
import { CliError, EXIT, quote } from "./errors.ts";
import { say } from "./output.ts";
import { checkSetUp, execPlan, type Plan } from "./setup.ts";
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
 * Runs `step` with the effective ids of the user `uid` (its groups, its
 * group `gid`), then takes root's back: the saved uid stays 0 meanwhile.
 * Fails with status 1, having changed nothing, when root's ids cannot be
 * restored (the process then exits before taking anything).
 */
function asUser(uid: number, gid: number, step: () => void): void {
  const groups = getgroups();
  const egid = libc.getegid();
  let failure: unknown = null;
  try {
    initgroups(uid, gid);
    check(libc.setegid(gid), "setegid");
    check(libc.seteuid(uid), "seteuid");
    step();
  } catch (e) {
    failure = e;
  }
  try {
    check(libc.seteuid(0), "seteuid");
    check(libc.setegid(egid), "setegid");
    setgroups(groups);
  } catch (e) {
    // Never go on half-changed; nothing has been taken yet.
    throw new CliError(`cannot take root's ids back: ${(e as Error).message}`);
  }
  if (failure !== null) throw failure;
}

/**
 * Enters `--chdir`'s directory as `--user` before anything is taken: after
 * the privilege drop, a failure could no longer remove the pidfile (the
 * user may not write the pidfile's directory; the file would stay, emptied
 * and unlocked: "not running, but the pidfile remains"). The set-up enters
 * it again after the drop, as systemd's `WorkingDirectory=`.
 */
function enterAsUser(plan: Plan): void {
  if (plan.chdir === null || plan.user === null || plan.uid === 0 || libc.geteuid() !== 0) {
    return;
  }
  const dir = plan.chdir;
  const user = lookupUser(parseUid(plan.user));
  const gid = plan.group === null ? user.gid : parseGid(plan.group);
  asUser(user.uid, gid, () => {
    try {
      chdir(dir);
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
      throw new CliError(
        `--chdir ${quote(dir)}: --user ${quote(plan.user!)} cannot enter it: ${e.message}`,
      );
    }
  });
}

/**
 * `posixly run ...`: returns only for `--help`; otherwise the program
 * replaces this process, or a {@linkcode CliError} says why not.
 *
 * @param argv the arguments after `run`
 * @returns 0 after printing the usage
 */
export function run(argv: readonly string[]): number {
  const o = parseRun(argv);
  if (o === null) {
    say(usage("run"));
    return EXIT.ok;
  }
  const plan = checkSetUp(o, currentEnvironment());
  enterAsUser(plan);
  return execPlan(plan, { redirectOutput: true, keepFds: listenFds(plan.env) });
}
