/**
 * Pidfile locks (Celery's `Pidfile` and `create_pidlock`) that can never be
 * held twice.
 *
 * The file format is Celery's: the pid and a newline on the first line (as
 * Celery, start-stop-daemon and systemd's `PIDFile=` read it); posixly adds the
 * process's start time on a second line (`starttime=N`, clock ticks after boot), so
 * that a reused pid is recognised; a bare number there, from another tool, is not
 * taken for one.
 *
 * How the lock works:
 * - acquire: the content is written into a new, unnamed file in the same
 *   directory (`O_TMPFILE`; a hidden temporary name where the file system
 *   has none), which is `flock(LOCK_EX)`ed and then `linkat(2)`ed to the
 *   path. The file therefore appears complete, already locked, and `EEXIST`
 *   means somebody else has it. The holder keeps the fd and its flock.
 * - a file at the path is alive while anyone holds its flock, whatever its
 *   pid. A file nobody has locked (a crashed holder, or Celery's or another
 *   tool's file) is judged by its pid: no such process, the caller's own pid,
 *   or a live pid whose start time differs from the recorded one mean stale;
 *   `EPERM` (another user's live process) means alive. A pid without a
 *   trailing newline (as Go programs and Docker write them) is a pid like any
 *   other; a file that holds no pid at all ("eighteen", nothing) is stale.
 * - a file larger than 1 KiB is not a pidfile (a mistyped path naming a log
 *   or a database): it is refused with a {@linkcode PidfileError} and never
 *   removed.
 * - a stale file is removed only while the remover holds its flock and the
 *   path still names the very inode it judged, so a newer lock is never
 *   deleted; `release()` removes the file only if it is still its own inode.
 *
 * The pidfile is not fsynced: it only matters while its holder lives, and
 * after a crash an empty or old file is judged stale anyway.
 *
 * @module
 */
import {
  check,
  checkOrNull,
  checkRetrying,
  checkReturnedErrno,
  cstr,
  errno,
  libc,
  OSError,
  platform,
  raiseErrno,
} from "../ffi/mod.ts";
import { absolutePath, offExit, onExit, parentDir } from "./host.ts";
import { addHeldPidfile, fdStillNames, removeHeldPidfile } from "./held_pidfiles.ts";
import { LockFailed, PidfileError } from "./pidfile_errors.ts";
import {
  type Contents,
  explainOpenError,
  fdIdentity,
  type Identity,
  judge,
  judgeSettled,
  LOCK_TRY,
  MAX_ATTEMPTS,
  MAX_PIDFILE_SIZE,
  notRegularError,
  OPEN_READ,
  ownPid,
  parseContents,
  pathIdentity,
  pathNames,
  plantedLinkError,
  readHead,
  START_KEY,
  tooLargeError,
  type Verdict,
} from "./pidfile_judge.ts";
import { rejectUnknownOptions } from "./options.ts";
import { bounded, quote, SHOWN_PATH_CHARS, shownPath } from "./quote.ts";
import { processStartTime } from "./process_start.ts";

export { LockFailed, PidfileError } from "./pidfile_errors.ts";
export type { PidfileErrorReason } from "./pidfile_errors.ts";

const C = platform.constants;
const E = platform.errnoNumbers;
const ENOENT = E.ENOENT;
const EEXIST = E.EEXIST;
const ELOOP = E.ELOOP;
const EPERM = E.EPERM;
const EACCES = E.EACCES;

/** Errors for which isLocked() answers false, as Celery's os.path.exists does. */
const NOT_THERE: ReadonlySet<number> = new Set([EACCES, EPERM, E.ENOTDIR, E.ENAMETOOLONG, ELOOP]);

/** Errors that say the path names no file at all: release() has nothing there to remove. */
const GONE_FROM_PATH: ReadonlySet<number> = new Set([E.ENOTDIR, ELOOP]);

/** How long acquire waits, in total, for a rival to finish judging a stale file. */
const CONTESTED_WAIT_MS = 100;

const encoder = new TextEncoder();

const OPEN_TEMP = C.O_CREAT | C.O_EXCL | C.O_WRONLY | C.O_NOFOLLOW | C.O_CLOEXEC;

/**
 * A read-only descriptor of the file written through `fd`, which is then
 * closed: reopened by its temporary name, or, for an unnamed file, through
 * `/proc/self/fd` (the file stays linkable: that is the inode's state, not
 * the descriptor's). Nothing holds the file's lock yet. On failure `fd` is
 * left open.
 */
function reopenReadOnly(fd: number, tempC: Uint8Array | null, path: string): number {
  const readOnly = tempC
    ? libc.open(tempC, C.O_RDONLY | C.O_NOFOLLOW | C.O_CLOEXEC, 0)
    : libc.open(cstr(`/proc/self/fd/${fd}`), C.O_RDONLY | C.O_CLOEXEC, 0);
  check(readOnly, "open", { path });
  libc.close(fd);
  return readOnly;
}
const EMPTY_C = new Uint8Array(1);
const MODE = 0o644;
const PIDFILE_OPTIONS: readonly string[] = ["tempFile", "lockDescriptor"];

/** What {@linkcode Pidfile.prototype.inspect} found at a pidfile's path. */
export interface PidfileState {
  /**
   * - `"absent"`: there is no file;
   * - `"alive"`: a live process holds it (its flock is held, or its pid is a
   *   live process, possibly another user's);
   * - `"stale"`: nobody holds it and its process is gone, or it is this
   *   process's own pid, or its contents are not a pid (`removeIfStale()`
   *   would remove it);
   * - `"unusable"`: a symbolic link (at the path, or a planted one on the
   *   way to it: see {@linkcode Pidfile.prototype.acquire}), not a regular
   *   file, a file too large to be a pidfile, or a file this process cannot
   *   open; `reason` says which.
   */
  status: "absent" | "alive" | "stale" | "unusable";
  /** The pid in the file, or null when there is none or it is unreadable. */
  pid: number | null;
  /** Why, in words (e.g. "flock held", "no such process", "EPERM: another user's process"). */
  reason: string;
}

/** Options for {@linkcode Pidfile}. */
export interface PidfileOptions {
  /**
   * How the complete file is put in place: `"auto"` (default) writes an
   * unnamed `O_TMPFILE` file and links it to the path, falling back to a
   * hidden temporary name (`.NAME.PID.RANDOM.tmp` in the same directory)
   * where the file system has no `O_TMPFILE`; `"named"` always uses the
   * temporary name.
   */
  tempFile?: "auto" | "named";
  /**
   * How the descriptor that holds the lock is opened: `"read-write"`
   * (default), so that {@linkcode Pidfile.prototype.release} can empty a file
   * it may no longer remove (privileges dropped); or `"read-only"`, for a lock
   * handed on to another program (the posixly command hands its pidfile's
   * lock to PROGRAM), which must then not be able to rewrite the file through
   * it and name another process. A read-only holder's `release()` leaves a
   * file it cannot remove as it is: unlocked, so judged stale.
   */
  lockDescriptor?: "read-write" | "read-only";
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

function lockedMessage(path: string, pid: number | null): string {
  return `ERROR: Pidfile (${shownPath(path)}) already exists.\n` +
    `Seems we're already running? (pid: ${pid ?? "unknown"})`;
}

// ---------------------------------------------------------------- publishing

/** How a prepared unnamed file is linked to its path (decided once per process). */
let linkMethod: "empty-path" | "proc" | undefined;
let ownContent: { pid: number; bytes: Uint8Array } | undefined;

/** This process's pidfile contents: its pid, and its start time where known. */
function contentBytes(): Uint8Array {
  const pid = ownPid();
  if (ownContent?.pid !== pid) {
    const start = processStartTime(pid);
    const text = start === null ? `${pid}\n` : `${pid}\n${START_KEY}${start}\n`;
    ownContent = { pid, bytes: encoder.encode(text) };
  }
  return ownContent.bytes;
}

/** A file written with our pid and flocked, not yet at the path. */
interface Prepared {
  fd: number;
  /** Its temporary name (C string), or null for an unnamed O_TMPFILE file. */
  tempC: Uint8Array | null;
  tempPath: string | null;
}

// ------------------------------------------------------------------- Pidfile

/**
 * A pidfile lock: Celery's `Pidfile` that can never be held twice.
 *
 * @example Hold a pidfile for a block
 * ```ts
 * import { Pidfile } from "@posixly/posixly";
 * {
 *   using lock = new Pidfile("/tmp/example-app.pid").acquire();
 *   console.log(lock.readPid()); // this process's pid
 * } // released here
 * ```
 */
export class Pidfile {
  /** Absolute path of the pidfile. */
  readonly path: string;
  readonly #pathC: Uint8Array;
  /** The pidfile's directory, where the file is prepared. */
  readonly #dir: string;
  readonly #dirC: Uint8Array;
  /** Whether to try an unnamed O_TMPFILE file first. */
  #useTmpfile: boolean;
  readonly #readOnlyLock: boolean;
  /** The held file's descriptor, or -1. */
  #fd = -1;
  #id: Identity | null = null;
  #exitHook: (() => void) | null = null;

  /**
   * A pidfile at `path`; nothing is touched until a method is called.
   *
   * @param path where the pidfile lives; made absolute against the current
   *   directory (as Celery's `os.path.abspath`).
   * @param options how the file is put in place (see {@linkcode PidfileOptions});
   *   an option it does not know (say `lockDescriptors`) is a TypeError naming it
   *
   * @example Make a relative path absolute
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * console.log(new Pidfile("app.pid").path); // e.g. /home/me/app.pid
   * ```
   */
  constructor(path: string, options: PidfileOptions = {}) {
    if (typeof path !== "string" || path.length === 0) {
      throw new TypeError(`pidfile path must be a non-empty string, got ${quote(path)}`);
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `Pidfile options must be an object (PidfileOptions) or left out, got ${quote(options)}`,
      );
    }
    // A misspelt `lockDescriptors: "read-only"` must not leave a writable lock fd.
    rejectUnknownOptions(options, PIDFILE_OPTIONS, "new Pidfile()");
    const tempFile = options.tempFile ?? "auto";
    if (tempFile !== "auto" && tempFile !== "named") {
      throw new TypeError(`tempFile must be "auto" or "named", got ${quote(tempFile)}`);
    }
    this.#useTmpfile = tempFile === "auto" && platform.os === "linux" && C.O_TMPFILE !== 0;
    const lockDescriptor = options.lockDescriptor ?? "read-write";
    if (lockDescriptor !== "read-write" && lockDescriptor !== "read-only") {
      throw new TypeError(
        `lockDescriptor must be "read-write" or "read-only", got ${quote(lockDescriptor)}`,
      );
    }
    this.#readOnlyLock = lockDescriptor === "read-only";
    this.path = absolutePath(path);
    this.#pathC = cstr(this.path, "pidfile path");
    this.#dir = parentDir(this.path);
    this.#dirC = cstr(this.#dir, "pidfile directory");
  }

  /**
   * Takes the lock: writes this process's pid into the pidfile, which appears
   * at the path complete and flock-ed, and keeps it locked until
   * {@linkcode Pidfile.prototype.release}. A stale file at the path (see
   * {@linkcode Pidfile.prototype.removeIfStale}) is removed first.
   *
   * No symbolic link is followed at the path itself (`O_NOFOLLOW`), and a
   * link on the way to it is followed as the kernel's `fs.protected_symlinks`
   * rule would, whatever the sysctl says: a link in a sticky, world-writable
   * directory (`/tmp`) only when this process or the directory's owner owns
   * it, so that another user cannot point a privileged process's pidfile into
   * a directory of their choosing. Every method that creates, removes or
   * judges the file applies the same rule.
   *
   * @returns this
   * @throws {LockFailed} when a live process holds it (`pid` set, with
   *   Celery's message), or the file cannot be created (the OS error as
   *   `cause`), or the path is a symbolic link, leads through a link the rule
   *   above refuses, or names a file too large to be a pidfile (the
   *   {@linkcode PidfileError} as `cause`, naming the path and the link).
   *
   * @example Take and release the lock
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * const lock = new Pidfile("/tmp/example-app.pid").acquire();
   * lock.release();
   * ```
   */
  acquire(): this {
    try {
      this.#publish(true);
    } catch (e) {
      if (e instanceof LockFailed) throw e;
      if (e instanceof PidfileError) {
        throw new LockFailed(e.message, { path: this.path, cause: e });
      }
      if (e instanceof OSError) {
        // The OSError's message repeats the path: bounded as well.
        const why = bounded(e.message, SHOWN_PATH_CHARS + 100);
        throw new LockFailed(`Cannot create pidfile ${shownPath(this.path)}: ${why}`, {
          path: this.path,
          cause: e,
        });
      }
      throw e;
    }
    return this;
  }

  /**
   * Celery's `is_locked()`: true when a file (or link) exists at the path.
   * It says nothing about liveness: see {@linkcode Pidfile.prototype.inspect}.
   * A path this process may not look at (EACCES) or that cannot name a file
   * (ENOTDIR, ENAMETOOLONG, ELOOP) gives false, as Celery's `os.path.exists` does;
   * so does a path through a symbolic link another user may have planted in a
   * sticky, world-writable directory (the kernel's protected_symlinks rule,
   * which answers EACCES where it is on).
   *
   * @example Is there a file at the path?
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * console.log(new Pidfile("/tmp/example-app.pid").isLocked());
   * ```
   */
  isLocked(): boolean {
    if (plantedLinkError(this.path)) return false;
    try {
      return pathIdentity(this.path, this.#pathC) !== null;
    } catch (e) {
      // Like Celery's os.path.exists: a path that cannot name a file is not there.
      if (e instanceof OSError && NOT_THERE.has(e.errno)) return false;
      throw e;
    }
  }

  /**
   * True while this object holds the lock (between acquire and release).
   *
   * @example Check that the lock is held
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * const lock = new Pidfile("/tmp/example-app.pid").acquire();
   * console.log(lock.held); // true
   * lock.release();
   * ```
   */
  get held(): boolean {
    return this.#fd >= 0;
  }

  /**
   * The descriptor that holds the lock (close-on-exec), or -1 when not held:
   * cleared of close-on-exec, it hands the lock to a program this process
   * `execve`s, which then holds it as its own (the `posixly` command does this).
   *
   * @example Look at the lock's descriptor
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * const lock = new Pidfile("/tmp/example-app.pid").acquire();
   * console.log(lock.fd); // e.g. 5
   * lock.release();
   * ```
   */
  get fd(): number {
    return this.#fd;
  }

  /**
   * The pid on the pidfile's first line, or null when there is no file.
   * Reads Celery's files too, and a pid without a trailing newline (as Go
   * programs and Docker write them; Celery refuses those).
   *
   * @throws {PidfileError} on an empty file, contents that are not a positive
   *   decimal integer, a file too large to be a pidfile, or a symbolic link
   *   (at the path, or on the way to it in a sticky directory such as /tmp
   *   when another user owns it: see {@linkcode Pidfile.prototype.acquire}).
   *
   * @example Read the pid of a running program
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * console.log(new Pidfile("/tmp/example-app.pid").readPid()); // null or a pid
   * ```
   */
  readPid(): number | null {
    const planted = plantedLinkError(this.path);
    if (planted) throw planted;
    let fd: number | null;
    try {
      fd = checkOrNull(libc.open(this.#pathC, OPEN_READ, 0), "open", [ENOENT], {
        path: this.path,
      });
    } catch (e) {
      throw explainOpenError(this.path, e);
    }
    if (fd === null) return null;
    let contents: Contents;
    try {
      const mode = fdIdentity(fd, new Uint32Array(4));
      if ((mode & C.S_IFMT) !== C.S_IFREG) {
        throw notRegularError(this.path, `mode 0o${mode.toString(8)}`);
      }
      const head = readHead(fd, this.path);
      if (head.length > MAX_PIDFILE_SIZE) throw tooLargeError(this.path, fd);
      contents = parseContents(head);
    } finally {
      libc.close(fd);
    }
    if (contents.pid !== null) return contents.pid;
    const { reason, detail } = contents.problem!;
    const what = reason === "invalid" ? "contents invalid" : "is empty";
    throw new PidfileError(`pidfile ${shownPath(this.path)} ${what}: ${detail}`, this.path, reason);
  }

  /**
   * The low-level step of {@linkcode Pidfile.prototype.acquire} (Celery's
   * `write_pid()`): creates the pidfile with this process's pid, complete and
   * flock-ed, and holds it; no stale-file handling.
   *
   * @throws {OSError} `EEXIST` when any file is at the path;
   *   {@linkcode PidfileError} for a link on the way to it that another user
   *   may have planted (see {@linkcode Pidfile.prototype.acquire}).
   *
   * @example Create the file without looking at an old one
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * const lock = new Pidfile("/tmp/example-app.pid");
   * lock.writePid();
   * lock.release();
   * ```
   */
  writePid(): void {
    this.#publish(false);
  }

  /**
   * Removes the pidfile: releases it when this object holds it; otherwise
   * removes the file at the path if nobody holds its flock (whatever its pid,
   * as Celery's `remove()`). A missing file is fine.
   *
   * @throws {LockFailed} when another live holder has it flock-ed;
   *   {@linkcode PidfileError} for a symbolic link (at the path, or a planted
   *   one on the way to it: see {@linkcode Pidfile.prototype.acquire}), a
   *   file that is not regular, or one too large to be a pidfile (left
   *   untouched); when this object holds the lock, what
   *   {@linkcode Pidfile.prototype.release} throws.
   *
   * @example Remove a pidfile nobody holds
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * new Pidfile("/tmp/example-app.pid").remove();
   * ```
   */
  remove(): void {
    if (this.#fd >= 0) return this.release();
    const v = judgeSettled(this.path, this.#pathC, "unheld");
    if (v.kind === "alive") {
      throw new LockFailed(
        `pidfile ${shownPath(this.path)} is held by a live process; not removed`,
        {
          path: this.path,
          pid: v.pid,
        },
      );
    }
    if (v.kind === "unusable") throw v.error;
  }

  /**
   * Removes the pidfile if it is stale: nobody holds its flock and its pid is
   * not a live process (`ESRCH`), is this process's own, was reused (another
   * start time), or is not a pid at all. A file whose flock is held, or whose
   * pid is a live process of any user (`EPERM`), is left alone.
   *
   * @returns true when no live lock is at the path any more (a stale file was
   *   removed, or there was none); false when a live process holds it.
   * @throws {PidfileError} for a symbolic link (at the path, or a planted
   *   one on the way to it: see {@linkcode Pidfile.prototype.acquire}), a
   *   file that is not regular, or one too large to be a pidfile (left
   *   untouched); {@linkcode OSError} when the file cannot be opened or
   *   removed.
   *
   * @example Clean up after a crashed run
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * if (!new Pidfile("/tmp/example-app.pid").removeIfStale()) console.log("running");
   * ```
   */
  removeIfStale(): boolean {
    if (this.#fd >= 0) return false;
    const v = judgeSettled(this.path, this.#pathC, "stale");
    if (v.kind === "unusable") throw v.error;
    return v.kind !== "alive";
  }

  /**
   * Looks at the pidfile without changing it and never throws for a bad
   * file: is it there, is it held by a live process, and by which pid. (It
   * takes the file's flock for a moment if nobody holds it.)
   *
   * @example Is the program running?
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * const { status, pid } = new Pidfile("/tmp/example-app.pid").inspect();
   * if (status === "alive") console.log(`already running as ${pid}`);
   * ```
   */
  inspect(): PidfileState {
    if (this.#fd >= 0) {
      return { status: "alive", pid: ownPid(), reason: "held by this object" };
    }
    let v: Exclude<Verdict, { kind: "changed" }>;
    try {
      v = judgeSettled(this.path, this.#pathC, "never");
    } catch (e) {
      return { status: "unusable", pid: null, reason: e instanceof Error ? e.message : String(e) };
    }
    switch (v.kind) {
      case "absent":
        return { status: "absent", pid: null, reason: "no file" };
      case "alive":
      case "stale":
        return { status: v.kind, pid: v.pid, reason: v.reason };
      case "removed": // not reached with "never"
        return { status: "absent", pid: null, reason: v.reason };
      case "unusable":
        return { status: "unusable", pid: null, reason: v.reason };
    }
  }

  /**
   * Releases the lock: removes the pidfile if the path still names this
   * object's own file (never another process's), then drops the flock. Does
   * nothing when not held. Failing to remove it for lack of permission (say,
   * after dropping privileges) is ignored, as Celery does, but the file is
   * emptied first (through the held descriptor) and left unlocked, so every
   * other process judges it stale at once.
   *
   * The held descriptor is touched (emptied, closed) only while it is still
   * open on this lock's own file. If other code closed it meanwhile (say
   * `closeSync(lock.fd)`: the lock was dropped then), its number may name
   * another file by now: release() leaves that descriptor alone, still
   * removes the pidfile from the path when it can, and throws a
   * {@linkcode PidfileError} (reason `"lost"`) to say so. The object no
   * longer holds the lock either way.
   *
   * @throws {PidfileError} `"lost"` when the descriptor was closed behind
   *   this object's back; {@linkcode OSError} when the file cannot be
   *   removed for another reason than permission.
   *
   * @example Release the lock
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * const lock = new Pidfile("/tmp/example-app.pid").acquire();
   * lock.release();
   * ```
   */
  release(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    const id = this.#id!;
    this.#fd = -1;
    this.#id = null;
    removeHeldPidfile(fd);
    if (this.#exitHook) {
      offExit(this.#exitHook);
      this.#exitHook = null;
    }
    // Checked before anything is done: the number may now be another file's.
    const own = fdStillNames(fd, id);
    let gone = false;
    try {
      gone = this.#unlinkIfOurs(id);
    } finally {
      if (own) {
        // A file we could not remove must not look alive: empty it through our own fd
        // (no directory permission needed), so that every process judges it stale.
        if (!gone && !this.#readOnlyLock) libc.ftruncate(fd, 0);
        libc.close(fd);
      }
    }
    if (!own) {
      const fate = gone
        ? "the pidfile is no longer at the path"
        : "the pidfile could not be removed (no permission): it stays at the path, naming this " +
          "process, unlocked";
      throw new PidfileError(
        `pidfile ${shownPath(this.path)}: the lock was lost before release(): its descriptor ` +
          `${fd} was closed by other code, and may name another file by now, which was left ` +
          `untouched; ${fate}`,
        this.path,
        "lost",
      );
    }
  }

  /**
   * Removes the pidfile if the path still names the file with identity `id`.
   * True when the path no longer names it (removed now, or already gone or
   * replaced); false when it could not be removed, or looked at, for lack of
   * permission (say, after dropping privileges) or on a read-only file system.
   */
  #unlinkIfOurs(id: Identity): boolean {
    let ours: boolean;
    try {
      ours = pathNames(this.path, this.#pathC, id);
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
      // EACCES/EPERM: the directory is closed to us now (privileges dropped).
      if (e.errno === EACCES || e.errno === EPERM) return false;
      // ENOTDIR/ELOOP: a directory on the way was replaced (by a file, a link that
      // loops) while the lock was held: the path names no file, so not ours either.
      if (GONE_FROM_PATH.has(e.errno)) return true;
      throw e;
    }
    if (!ours) return true; // another file (or none): not ours to touch
    if (libc.unlink(this.#pathC) === 0) return true;
    const e = errno();
    if (e === ENOENT || GONE_FROM_PATH.has(e)) return true;
    if (e === EACCES || e === EPERM || e === E.EROFS) return false;
    raiseErrno("unlink", { path: this.path });
  }

  /**
   * Releases the lock (for `using lock = new Pidfile(p).acquire()`).
   *
   * @example Release at the end of a block
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * using _lock = new Pidfile("/tmp/example-app.pid").acquire();
   * ```
   */
  [Symbol.dispose](): void {
    this.release();
  }

  /**
   * Releases the lock when the process exits normally (an exit hook: Deno's
   * `unload` event, Bun's and Node's `process.on("exit")` listener, removed
   * again by {@linkcode Pidfile.prototype.release}; what release() throws at
   * exit is written to stderr). A killed process leaves
   * its pidfile unlocked: the next acquire removes it. So does a Deno program
   * that dies of an uncaught error (Deno runs no exit hook then; Bun and Node
   * do).
   *
   * @returns this
   *
   * @example Release when the program ends
   * ```ts
   * import { Pidfile } from "@posixly/posixly";
   * new Pidfile("/tmp/example-app.pid").acquire().releaseAtExit();
   * ```
   */
  releaseAtExit(): this {
    if (this.#fd >= 0 && !this.#exitHook) {
      this.#exitHook = () => this.release();
      onExit(this.#exitHook);
    }
    return this;
  }

  /** Puts a complete, flock-ed file with our pid at the path (removing a stale one first). */
  #publish(handleStale: boolean): void {
    if (this.#fd >= 0) {
      throw new LockFailed(lockedMessage(this.path, ownPid()), { path: this.path, pid: ownPid() });
    }
    const planted = plantedLinkError(this.path);
    if (planted) throw planted;
    let prepared: Prepared;
    try {
      prepared = this.#prepare();
    } catch (e) {
      // Cannot even write here (say EACCES): a live holder is the better answer.
      if (handleStale && e instanceof OSError) {
        const v = judgeSettled(this.path, this.#pathC, "never");
        if (v.kind === "alive") {
          throw new LockFailed(lockedMessage(this.path, v.pid), { path: this.path, pid: v.pid });
        }
      }
      throw e;
    }
    let done = false;
    try {
      let waited = 0;
      let changes = 0;
      for (;;) {
        const e = this.#link(prepared);
        if (e === 0) break;
        if (e !== EEXIST || !handleStale) checkReturnedErrno(e, "link", { path: this.path });
        if (++changes > MAX_ATTEMPTS) {
          throw new LockFailed(`pidfile ${shownPath(this.path)} kept changing; gave up taking it`, {
            path: this.path,
          });
        }
        const v = judge(this.path, this.#pathC, "stale");
        if (v.kind === "unusable") throw v.error;
        if (v.kind === "alive") {
          if (v.contested && waited < CONTESTED_WAIT_MS) {
            // A rival is judging a stale file: let it finish.
            sleepMs(1);
            waited += 1;
            changes--;
            continue;
          }
          throw new LockFailed(lockedMessage(this.path, v.pid), { path: this.path, pid: v.pid });
        }
        // absent, changed, removed, (stale: not with "stale" removal): try again.
      }
      const id: Identity = new Uint32Array(4);
      fdIdentity(prepared.fd, id);
      this.#fd = prepared.fd;
      this.#id = id;
      addHeldPidfile(prepared.fd, id);
      done = true;
    } finally {
      if (prepared.tempC) libc.unlink(prepared.tempC);
      if (!done) libc.close(prepared.fd);
    }
  }

  /** Creates the file with our pid, flock-ed, not yet at the path. */
  #prepare(): Prepared {
    const bytes = contentBytes();
    let fd: number | null = null;
    let tempC: Uint8Array | null = null;
    let tempPath: string | null = null;
    if (this.#useTmpfile) {
      // EISDIR: kernel without O_TMPFILE; EOPNOTSUPP/EINVAL: file system without it.
      fd = checkOrNull(
        libc.open(this.#dirC, C.O_TMPFILE | C.O_WRONLY | C.O_CLOEXEC, MODE),
        "open",
        [E.EISDIR, E.EOPNOTSUPP, E.EINVAL],
        { path: this.#dir },
      );
      if (fd === null) this.#useTmpfile = false;
    }
    if (fd === null) {
      // Short enough for NAME_MAX (255 bytes) whatever the pidfile's own name.
      // encodeInto stops before a character that does not fit: `read` is a whole prefix.
      const name = this.path.slice(this.path.lastIndexOf("/") + 1);
      const base = name.slice(0, encoder.encodeInto(name, new Uint8Array(200)).read);
      const tag = `${ownPid()}.${Math.random().toString(36).slice(2, 10)}`;
      const dir = this.#dir === "/" ? "" : this.#dir;
      tempPath = `${dir}/.${base}.${tag}.tmp`;
      tempC = cstr(tempPath);
      fd = check(libc.open(tempC, OPEN_TEMP, MODE), "open", { path: tempPath });
    }
    let file = fd;
    const path = tempPath ?? this.path;
    try {
      for (let at = 0; at < bytes.length;) {
        const rest = bytes.subarray(at);
        at += Number(checkRetrying(() => libc.write(file, rest, rest.length), "write", { path }));
      }
      if (this.#readOnlyLock) file = reopenReadOnly(file, tempC, path);
      check(libc.flock(file, LOCK_TRY), "flock", { path });
    } catch (e) {
      libc.close(file);
      if (tempC) libc.unlink(tempC);
      throw e;
    }
    return { fd: file, tempC, tempPath };
  }

  /** Links the prepared file to the path: 0, or the errno (EEXIST: taken). */
  #link(p: Prepared): number {
    if (p.tempC) return libc.link(p.tempC, this.#pathC) === 0 ? 0 : errno();
    const linkat = libc.linkat;
    if (!linkat) return E.ENOSYS;
    if (linkMethod !== "proc") {
      if (linkat(p.fd, EMPTY_C, C.AT_FDCWD, this.#pathC, C.AT_EMPTY_PATH) === 0) {
        linkMethod = "empty-path";
        return 0;
      }
      const e = errno();
      // ENOENT: AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH before Linux 6.10 (which this
      // process may have had for an earlier lock and lost with maybeDropPrivileges).
      if (e !== ENOENT) return e;
    }
    const proc = cstr(`/proc/self/fd/${p.fd}`);
    if (linkat(C.AT_FDCWD, proc, C.AT_FDCWD, this.#pathC, C.AT_SYMLINK_FOLLOW) === 0) {
      linkMethod = "proc";
      return 0;
    }
    return errno();
  }
}

/**
 * Celery's `create_pidlock`: removes a stale pidfile, takes the lock, and
 * releases it when the process exits normally (`process.on("exit")`).
 *
 * @param path the pidfile's path (made absolute)
 * @returns the held {@linkcode Pidfile}
 * @throws {LockFailed} when a live process holds it, with the message
 *   `ERROR: Pidfile (PATH) already exists.\nSeems we're already running? (pid: N)`,
 *   `pid` = N and `exitCode` = 73; or when the file cannot be created.
 *
 * @example Take the lock for the life of the program
 * ```ts
 * import { createPidlock } from "@posixly/posixly";
 * const lock = createPidlock("/tmp/example-app.pid");
 * // ... run; the pidfile goes away at exit, or now:
 * lock.release();
 * ```
 */
export function createPidlock(path: string): Pidfile {
  const lock = new Pidfile(path);
  try {
    lock.acquire();
  } catch (e) {
    if (e instanceof LockFailed && e.pid !== null) {
      // Celery's message names the path as it was given.
      throw new LockFailed(lockedMessage(path, e.pid), { path: lock.path, pid: e.pid, cause: e });
    }
    throw e;
  }
  lock.releaseAtExit();
  return lock;
}
