/**
 * The options of `detached()` and `DaemonContext`, and how they are checked
 * (internal, apart from the {@linkcode DetachedOptions} type).
 *
 * @module
 */
import { OSError } from "../ffi/mod.ts";
import { absolutePath, cwd } from "./host.ts";
import { classifyId } from "./ids.ts";
import { rejectUnknownOptions } from "./options.ts";
import { quote, shownPath } from "./quote.ts";

/**
 * Options of `detached()` and `DaemonContext`.
 *
 * @example A daemon with a pidfile and a logfile, as nobody
 * ```ts ignore
 * import { detached, type DetachedOptions } from "@posixly/posixly";
 * const options: DetachedOptions = {
 *   pidfile: "/run/app.pid",
 *   logfile: "/var/log/app.log",
 *   uid: "nobody",
 *   umask: "027",
 * };
 * await detached(options);
 * ```
 */
export interface DetachedOptions {
  /**
   * Where the daemon's stdout and stderr go (appended); default /dev/null.
   * The launcher opens it (as the user it runs as): a regular file, a
   * character device or a FIFO that has a reader. A symbolic link in a
   * sticky world-writable directory (/tmp) is followed only when this
   * process or the directory's owner owns it, as the kernel's
   * `fs.protected_symlinks` rule says, whatever the sysctl is set to.
   * It cannot be the pidfile (by its name or another, such as a hard
   * link): the pidfile would take its place and the output would be lost.
   */
  logfile?: string | null;
  /** Pidfile the daemon takes and keeps (see `createPidlock`). */
  pidfile?: string | null;
  /**
   * User to run as (name or uid); needs root. A number that is no uid (-1,
   * 1.5, above 4294967294) or an empty name throws when the options are
   * checked; a name is looked up when the context opens.
   */
  uid?: string | number | null;
  /** Group to run as (name or gid, checked as `uid` is); default with `uid`: the user's group. */
  gid?: string | number | null;
  /**
   * The daemon's umask: a number, or a string read as octal with a leading 0
   * (`"022"`, `"0o22"`) and decimal otherwise, as Celery. Default 0o022.
   */
  umask?: number | string | null;
  /**
   * Directory the daemon changes to; default: the current directory (give it
   * when that directory's name is not UTF-8).
   */
  workdir?: string | null;
  /**
   * Do everything except detaching, in this process (for debugging): the
   * same checks, exits and messages, the umask, chdir, privileges and pidfile.
   * `true` or `false` (a string such as `"false"` is a TypeError, not true).
   */
  fake?: boolean;
  /**
   * `"auto"` (default): the daemon is ready when `detached()` resolves.
   * `"manual"`: only when the program calls `notifyReady()`.
   */
  ready?: "auto" | "manual";
  /**
   * How long the launcher waits for the daemon to be ready; default 30000.
   * Then it sends the daemon SIGTERM, SIGKILL if it still runs 2 s later, and
   * exits 1.
   */
  timeoutMs?: number;
  /** Fds (3 and up) passed to the daemon under the same numbers; all others are closed. */
  keepFds?: readonly number[];
  /** Called in the daemon after the chdir, before privileges are dropped. */
  afterChdir?: (() => void | Promise<void>) | null;
}

/** {@linkcode DetachedOptions} once checked: paths absolute, defaults filled in. */
export interface DaemonSettings {
  readonly logfile: string | null;
  readonly pidfile: string | null;
  readonly uid: string | number | null;
  readonly gid: string | number | null;
  readonly umask: number;
  readonly workdir: string;
  readonly fake: boolean;
  readonly ready: "auto" | "manual";
  readonly timeoutMs: number;
  /** Sorted, without duplicates. */
  readonly keepFds: readonly number[];
  readonly afterChdir: (() => void | Promise<void>) | null;
}

const DEFAULTS = {
  umask: 0o022,
  timeoutMs: 30_000,
} as const;

const KNOWN_OPTIONS: readonly string[] = [
  "logfile",
  "pidfile",
  "uid",
  "gid",
  "umask",
  "workdir",
  "fake",
  "ready",
  "timeoutMs",
  "keepFds",
  "afterChdir",
];

/** Checks `options` and fills in the defaults; a TypeError or RangeError names the bad option. */
export function daemonSettings(options: DetachedOptions): DaemonSettings {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`DaemonContext takes an options object, got ${quote(options)}`);
  }
  // A misspelt option (say `pidFile`) must not silently turn the pidfile lock off.
  rejectUnknownOptions(options, KNOWN_OPTIONS, "detached()/DaemonContext");
  const ready = options.ready ?? "auto";
  if (ready !== "auto" && ready !== "manual") {
    throw new TypeError(`ready must be "auto" or "manual", got ${quote(ready)}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > 2 ** 31 - 1) {
    throw new RangeError(`timeoutMs must be a positive number of ms, got ${quote(timeoutMs)}`);
  }
  const afterChdir = options.afterChdir ?? null;
  if (afterChdir !== null && typeof afterChdir !== "function") {
    throw new TypeError(`afterChdir must be a function, got ${quote(afterChdir)}`);
  }
  const logfile = optionalPath(options.logfile, "logfile");
  const pidfile = optionalPath(options.pidfile, "pidfile");
  if (logfile !== null && logfile === pidfile) throw new TypeError(sameFileMessage(logfile));
  return {
    logfile,
    pidfile,
    workdir: optionalPath(options.workdir, "workdir") ?? defaultWorkdir(),
    uid: optionalId(options.uid, "uid"),
    gid: optionalId(options.gid, "gid"),
    umask: parseUmask(options.umask),
    fake: optionalBoolean(options.fake, "fake", false),
    ready,
    timeoutMs,
    keepFds: parseKeepFds(options.keepFds),
    afterChdir,
  };
}

/**
 * Why a logfile that is the pidfile is refused: the daemon's pidfile lock
 * puts its own file in that place, and the output would go to the one it
 * replaced, which no directory names any more.
 */
export function sameFileMessage(path: string): string {
  return `logfile and pidfile are the same file (${shownPath(path)}): the pidfile would ` +
    "take its place, and the daemon's output would be lost";
}

/** A boolean option: `fallback` when not given; anything but true or false is a TypeError. */
function optionalBoolean(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`${what} must be true or false, got ${typeof value} ${quote(value)}`);
  }
  return value;
}

/** Parses a umask as Celery does: strings with a leading 0 are octal. */
function parseUmask(value: unknown): number {
  if (value === undefined || value === null) return DEFAULTS.umask;
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string") {
    const s = value.trim();
    const octal = /^0[oO]?([0-7]+)$/.exec(s);
    if (octal) n = parseInt(octal[1], 8);
    else if (/^(0|[1-9][0-9]*)$/.test(s)) n = parseInt(s, 10);
    else throw new TypeError(`umask must be octal ("022") or decimal digits, got ${quote(value)}`);
  } else {
    throw new TypeError(`umask must be a number or a string, got ${quote(value)}`);
  }
  if (!Number.isInteger(n) || n < 0 || n > 0o777) {
    throw new RangeError(`umask must be between 0 and 0o777, got ${quote(value)}`);
  }
  return n === 0 ? 0 : n; // -0 === 0: this turns -0 (which the FFI refuses) into 0
}

function parseKeepFds(value: unknown): readonly number[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new TypeError(`keepFds must be an array of fds (3 and up), got ${quote(value)}`);
  }
  for (const fd of value) {
    if (!Number.isInteger(fd) || fd < 3 || fd > 0x7fffffff) {
      throw new RangeError(
        `keepFds entries must be integers from 3 up (0-2 are stdin, stdout, stderr), got ${
          quote(fd)
        }`,
      );
    }
  }
  return [...new Set<number>(value)].sort((a, b) => a - b);
}

/** The current directory, for `workdir`; a TypeError naming `workdir` when its name is not UTF-8. */
function defaultWorkdir(): string {
  try {
    return cwd();
  } catch (e) {
    if (isCwdGone(e)) {
      throw new Error(
        `workdir: the current directory ${cwdGone(e)}, so it cannot be the default; give ` +
          "workdir (an absolute path)",
        { cause: e },
      );
    }
    if (!(e instanceof TypeError)) throw e;
    throw new TypeError(
      "workdir: the current directory's name is not valid UTF-8, so it cannot be the default; " +
        "give workdir (an absolute path)",
      { cause: e },
    );
  }
}

function optionalPath(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value === "" || value.includes("\0")) {
    throw new TypeError(`${what} must be a non-empty path without NUL bytes, got ${quote(value)}`);
  }
  // A lone surrogate would be encoded as U+FFFD: another file's name.
  if (!value.isWellFormed()) {
    throw new TypeError(
      `${what} is not well-formed Unicode (it has a lone surrogate), got ${quote(value)}`,
    );
  }
  try {
    return absolutePath(value);
  } catch (e) {
    if (!isCwdGone(e)) throw e;
    throw new Error(
      `${what} ${quote(value)} is relative, and the current directory ${cwdGone(e)}: give ` +
        `${what} as an absolute path`,
      { cause: e },
    );
  }
}

/**
 * getcwd(3)'s failure: the current directory was removed (ENOENT), so there is
 * no name to make a path absolute against; the bare "ENOENT ... getcwd" named
 * no option.
 */
function isCwdGone(e: unknown): e is OSError {
  return e instanceof OSError && e.syscall === "getcwd";
}

function cwdGone(e: OSError): string {
  return `${e.code === "ENOENT" ? "was removed" : "cannot be named"} (getcwd: ${e.code})`;
}

/**
 * A uid or gid as given (a name is looked up at `open()`), checked now for
 * what no lookup could mend: a number or numeric string that is no id (-1,
 * "-1", 1.5, "0x10", NaN, above 4294967294), an empty name, or one C would
 * read otherwise (a NUL, a lone surrogate). Found only at `open()`, such a
 * value left the process unable to open a corrected context ("already
 * starting a daemon").
 */
function optionalId(value: unknown, what: "uid" | "gid"): string | number | null {
  if (value === undefined || value === null) return null;
  const id = classifyId(value, what);
  if (typeof id === "number") return typeof value === "string" ? value : id;
  if (id.includes("\0") || !id.isWellFormed()) {
    throw new TypeError(
      `${what} must be a name or id without NUL or lone surrogates, got ${quote(id)}`,
    );
  }
  return id;
}
