/**
 * Finding the program to run, as a shell would: a name with a slash is a
 * path; any other name is looked for in the directories of PATH. And its
 * arguments, byte for byte.
 *
 * @module
 */
import { cstr, libc, osError, platform } from "../ffi/mod.ts";
import { absolutePath } from "../platforms/host.ts";
import { originalCommandLineBytes } from "../platforms/proctitle.ts";
import { denied } from "./as_user.ts";
import { CliError, EXIT, quote } from "./errors.ts";

const X_OK = 1; // the same in every C library
/** The shell's default search path, for a program run without PATH. */
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * Why `path` cannot be executed, or null when it can: a regular file that
 * this process's effective ids may execute (root's, or a user's inside
 * the step of `asUser` (as_user.ts)).
 */
function whyNotExecutable(path: string): string | null {
  const { stat: layout } = platform.layouts;
  const buf = new Uint8Array(layout.size);
  const pathC = cstr(path);
  if (libc.stat === null || libc.stat(pathC, buf) === -1) {
    return libc.stat ? osError("stat", { path }).message : null;
  }
  const view = new DataView(buf.buffer);
  const mode = layout.modeSize === 4
    ? view.getUint32(layout.mode, true)
    : view.getUint16(layout.mode, true);
  if ((mode & platform.constants.S_IFMT) !== platform.constants.S_IFREG) {
    return `${quote(path)} is not a regular file`;
  }
  return denied(path, X_OK)?.message ?? null;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Refuses (status 2) a PROGRAM whose bytes are not UTF-8. The runtime reads
 * U+FFFD in place of such bytes, so the path looked up and executed would be
 * another file than the one given (one that another user could make in a
 * directory open to all, such as /tmp), as for `--pidfile`, `--logfile` and
 * `--chdir`. Its arguments may be any bytes: they are passed on as given.
 *
 * @param name PROGRAM as the runtime decoded it
 * @param bytes PROGRAM as the kernel gave it (see {@linkcode programArgv})
 * @throws {CliError} exit status 2, saying why and what to do
 */
export function checkProgramName(name: string, bytes: Uint8Array): void {
  try {
    strictUtf8.decode(bytes);
  } catch {
    throw new CliError(
      `the program ${quote(name)} is not valid UTF-8: posixly takes paths as UTF-8 (the ` +
        "runtime reads U+FFFD in place of such bytes, which would name another file); a shell " +
        `can run it, as arguments pass as they are: -- /bin/sh -c 'exec "$0" "$@"' PROGRAM ARG...`,
      EXIT.usage,
    );
  }
}

/**
 * The absolute path of the program `name`: `name` itself when it holds a
 * slash (made absolute against the current directory), else the first
 * executable file of that name in `searchPath`'s directories. Executable
 * by this process's effective ids: inside the step of `asUser` (as_user.ts), by the
 * user's.
 *
 * @param name PROGRAM as the user gave it
 * @param searchPath the PATH the program would be looked up in (undefined: the shell's default)
 * @param who whom the program runs as, when not posixly's own ids (`--user "nobody"`), for messages
 * @returns the program's absolute path
 * @throws {CliError} exit status 5 when it is not found or not executable; 2 when the
 *   search reaches a directory of PATH that is not UTF-8
 *
 * @example Find sh
 * ```ts
 * import { findProgram } from "./program.ts";
 * console.log(findProgram("sh", "/usr/bin:/bin")); // "/usr/bin/sh"
 * ```
 */
export function findProgram(name: string, searchPath: string | undefined, who = ""): string {
  const as = who === "" ? "" : ` as ${who}`;
  if (name.includes("/")) {
    const path = absolutePath(name);
    const why = whyNotExecutable(path);
    if (why) {
      throw new CliError(`cannot run program ${quote(name)}${as}: ${why}`, EXIT.notInstalled);
    }
    return path;
  }
  const dirs = (searchPath ?? DEFAULT_PATH).split(":");
  for (const dir of dirs) {
    // A directory of PATH that is not UTF-8 would be looked in under another name.
    if (dir.includes("\uFFFD")) {
      throw new CliError(
        `program ${quote(name)}: PATH's directory ${quote(dir)} is not valid UTF-8 (posixly ` +
          "takes paths as UTF-8): give the program's path, or a PATH without it",
        EXIT.usage,
      );
    }
    const path = absolutePath(`${dir || "."}/${name}`);
    if (whyNotExecutable(path) === null) return path;
  }
  throw new CliError(
    `program ${quote(name)} not found (or not executable${as}) in PATH ${quote(dirs.join(":"))}`,
    EXIT.notInstalled,
  );
}

/**
 * The program's argv (PROGRAM, then its arguments) as posixly got it: the
 * last entries of posixly's own command line as the kernel has them, so that
 * an argument that is not UTF-8 reaches the program unchanged (the runtime's
 * strings have U+FFFD there).
 *
 * @param command PROGRAM and its arguments as parsed: they end the command line (after `--`)
 * @returns one array of bytes per argument
 */
export function programArgv(command: readonly string[]): Uint8Array[] {
  const cmdline = originalCommandLineBytes();
  return cmdline.slice(cmdline.length - command.length);
}
