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
import { quote } from "./quote.ts";

/**
 * `fd` checked to be a descriptor number before it reaches C: Bun's FFI would
 * pass NaN as 0 (stdin), 1.5 as 1 and 2**32 + 5 as 5. -0 comes back as 0
 * (the FFI of Deno and Node refuses -0 for a C int).
 */
function fdNumber(fd: unknown, what: string): number {
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0 || fd > 0x7fffffff) {
    throw new TypeError(`${what} must be a non-negative integer fd, got ${quote(fd)}`);
  }
  return fd + 0; // -0 + 0 is 0
}

/**
 * Runs `path` in place of this process (`execve(2)`): argv is `args`
 * (argv[0] included), the environment exactly `env`. Returns only by
 * throwing: an OSError (`ENOENT`, `EACCES`, `ENOEXEC`, ...) naming `path`.
 *
 * @param path the program's path (no PATH search)
 * @param args argv, argv[0] first; an entry may be bytes, passed as they are
 * (an argument that is not UTF-8, as the kernel gave it)
 * @param env the program's whole environment
 * @throws {TypeError} before anything runs, when `args` is not an array or
 * has a hole, when `path`, an argument or an environment entry has a NUL (a
 * string argument: or a lone surrogate), or an environment name is empty or
 * holds "=".
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
 * @throws {TypeError} before any change, when `fd` is not an integer from 0
 * to 2**31 - 1 or `closeOnExec` is not a boolean.
 *
 * @example Pass fd 3 to the next program
 * ```ts ignore
 * import { setCloseOnExec } from "@posixly/posixly/platforms";
 * setCloseOnExec(3, false);
 * ```
 */
export function setCloseOnExec(fd: number, closeOnExec: boolean): void {
  const n = fdNumber(fd, "fd");
  if (typeof closeOnExec !== "boolean") {
    throw new TypeError(`closeOnExec must be true or false, got ${quote(closeOnExec)}`);
  }
  const { F_GETFD, F_SETFD, FD_CLOEXEC } = platform.constants;
  const flags = check(libc.fcntl(n, F_GETFD, 0), "fcntl");
  const wanted = closeOnExec ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (wanted !== flags) check(libc.fcntl(n, F_SETFD, wanted), "fcntl");
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
 * @throws {TypeError} before any change, when `keep` is not an array of fd
 * numbers (a hole or a string `"5"` names its index).
 *
 * @example Hand fd 5 to the program that replaces this process
 * ```ts ignore
 * import { execve, prepareForExec } from "@posixly/posixly/platforms";
 * prepareForExec([5]);
 * execve("/usr/bin/env", ["env"], {});
 * ```
 */
export function prepareForExec(keep: readonly number[] = []): void {
  const kept = keptFds(keep);
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

/**
 * The fds of `keep`, each checked before anything changes: a string `"5"` or
 * a hole would otherwise match no descriptor, and the fd meant to be kept
 * would be closed at exec without a word.
 */
function keptFds(keep: unknown): Set<number> {
  if (!Array.isArray(keep)) {
    throw new TypeError(`keep must be an array of fds, got ${quote(keep)}`);
  }
  const kept = new Set<number>();
  for (let i = 0; i < keep.length; i++) {
    if (!Object.hasOwn(keep, i)) {
      throw new TypeError(`keep[${i}] is missing (a hole in a sparse array): give an fd`);
    }
    kept.add(fdNumber(keep[i], `keep[${i}]`));
  }
  return kept;
}
