/**
 * Checks made as the user a program will run as: root looks at the
 * working directory and the program with `--user`'s ids, so that what that
 * user may not do fails in the foreground, before anything is taken,
 * instead of after the privilege drop, when the pidfile could no longer be
 * removed.
 *
 * @module
 */
import { check, cstr, libc, type OSError, osError, platform } from "../ffi/mod.ts";
import { getgroups, initgroups, setgroups } from "../platforms/users.ts";
import { CliError } from "./errors.ts";

/**
 * Runs `step` with the effective ids of the user `uid` (its groups, its
 * group `gid`), then takes root's back: the real and saved uids stay 0
 * meanwhile. Fails with status 1, having changed nothing, when root's ids
 * cannot be restored (the process then exits before taking anything).
 *
 * @param uid the user's uid
 * @param gid the group the program runs with (`--group`, or the user's own)
 * @param step what to do as the user
 * @returns what `step` returned
 */
export function asUser<T>(uid: number, gid: number, step: () => T): T {
  const groups = getgroups();
  const egid = libc.getegid();
  let result: { value: T } | { failure: unknown };
  try {
    initgroups(uid, gid);
    check(libc.setegid(gid), "setegid");
    check(libc.seteuid(uid), "seteuid");
    result = { value: step() };
  } catch (e) {
    result = { failure: e };
  }
  try {
    check(libc.seteuid(0), "seteuid");
    check(libc.setegid(egid), "setegid");
    setgroups(groups);
  } catch (e) {
    // Never go on half-changed; nothing has been taken yet.
    throw new CliError(`cannot take root's ids back: ${(e as Error).message}`);
  }
  if ("failure" in result) throw result.failure;
  return result.value;
}

/**
 * Why this process, with its effective ids (see {@linkcode asUser}), may
 * not do `mode` to `path` (`X_OK` 1 executes a file or enters a directory),
 * or null when it may: faccessat(2) with `AT_EACCESS`, which judges by the
 * effective ids as execve(2) and chdir(2) do (access(2) takes the real ones,
 * root's).
 *
 * @param path the file or directory
 * @param mode `X_OK` (1), `W_OK` (2) or `R_OK` (4), or'ed
 * @returns the error, or null
 */
export function denied(path: string, mode: number): OSError | null {
  const c = platform.constants;
  if (libc.faccessat(c.AT_FDCWD, cstr(path), mode, c.AT_EACCESS) === 0) return null;
  return osError("faccessat", { path });
}
