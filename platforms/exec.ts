/**
 * Replacing the running process with another program (`execve(2)`), and
 * what a process must undo first so that the program starts as if from a
 * shell: the signals the runtime ignores, its blocked signals, and the file
 * descriptors it left open.
 *
 * The process keeps its pid, so a pidfile lock it holds, passed on through
 * an inherited descriptor, becomes the program's own.
 *
 * @module
 */
import { check, libc, platform, raiseErrno } from "../ffi/mod.ts";
import { argvStrings, cString, envStrings, stringTable } from "./c_strings.ts";
import { openFds } from "./fds.ts";

/**
 * Runs `path` in place of this process (`execve(2)`): argv is `args`
 * (argv[0] included), the environment exactly `env`. Returns only by
 * throwing: an OSError (`ENOENT`, `EACCES`, `ENOEXEC`, ...) naming `path`.
 *
 * @param path the program's path (no PATH search)
 * @param args argv, argv[0] first; an entry may be bytes, passed as they are
 * (an argument that is not UTF-8, as the kernel gave it)
 * @param env the program's whole environment
 * @throws {TypeError} before anything runs, when `path`, an argument or an
 * environment entry has a NUL (a string argument: or a lone surrogate), or an
 * environment name is empty or holds "=".
 *
 * @example Replace this process with `ls`
 * ```ts ignore
 * import { execve } from "@posixly/posixly/platforms";
 * execve("/bin/ls", ["ls", "-l"], { PATH: "/usr/bin:/bin" });
 * ```
 */
export function execve(
  path: string,
  args: readonly (string | Uint8Array)[],
  env: Readonly<Record<string, string>>,
): never {
  const file = cString(path, "path");
  const argv = stringTable(argvStrings(args));
  const envp = stringTable(envStrings(env));
  libc.execve(file, argv.table, envp.table);
  // Still here: it failed. (The arenas were alive through the call.)
  if (argv.arena.length + envp.arena.length < 0) throw new Error("unreachable");
  raiseErrno("execve", { path });
}

/**
 * Sets or clears close-on-exec on `fd`: cleared, the descriptor (a held
 * pidfile lock, a readiness pipe) passes to the program that `execve` starts.
 *
 * @param fd an open descriptor
 * @param closeOnExec true to close it at exec, false to pass it on
 *
 * @example Pass fd 3 to the next program
 * ```ts ignore
 * import { setCloseOnExec } from "@posixly/posixly/platforms";
 * setCloseOnExec(3, false);
 * ```
 */
export function setCloseOnExec(fd: number, closeOnExec: boolean): void {
  const { F_GETFD, F_SETFD, FD_CLOEXEC } = platform.constants;
  const flags = check(libc.fcntl(fd, F_GETFD, 0), "fcntl");
  const wanted = closeOnExec ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (wanted !== flags) check(libc.fcntl(fd, F_SETFD, wanted), "fcntl");
}

/**
 * Readies this process for `execve` of a program that knows nothing of the
 * runtime: every descriptor from 3 up except `keep` is made close-on-exec,
 * the ones in `keep` and 0, 1 and 2 are made inheritable (Bun marks inherited
 * descriptors close-on-exec when it starts, Node.js 26 its stdin, stdout and
 * stderr), the signals the runtime ignores (SIGPIPE,
 * and SIGXFSZ in Bun: an ignored signal stays ignored across exec) get their
 * default action back, and no signal stays blocked.
 *
 * @param keep descriptors (3 and up) the program inherits
 *
 * @example Hand fd 5 to the program that replaces this process
 * ```ts ignore
 * import { execve, prepareForExec } from "@posixly/posixly/platforms";
 * prepareForExec([5]);
 * execve("/usr/bin/env", ["env"], {});
 * ```
 */
export function prepareForExec(keep: readonly number[] = []): void {
  const kept = new Set(keep);
  for (const fd of openFds()) setCloseOnExec(fd, fd >= 3 && !kept.has(fd));
  const c = platform.constants;
  const action = new Uint8Array(platform.layouts.sigaction.size); // no flags, empty mask
  new DataView(action.buffer).setBigUint64(
    platform.layouts.sigaction.handler,
    BigInt(c.SIG_DFL),
    true,
  );
  for (const name of ["PIPE", "XFSZ"]) {
    const signum = platform.signalNumbers[name];
    if (signum !== undefined) check(libc.sigaction(signum, action, null), "sigaction");
  }
  const empty = new Uint8Array(platform.layouts.sigsetSize);
  libc.sigemptyset(empty);
  check(libc.sigprocmask(c.SIG_SETMASK, empty, null), "sigprocmask");
}
