export { LockFailed, PidfileError } from "./pidfile_errors.d.ts";
export type { PidfileErrorReason } from "./pidfile_errors.d.ts";
/** What {@linkcode Pidfile.prototype.inspect} found at a pidfile's path. */
export interface PidfileState {
    /**
     * - `"absent"`: there is no file;
     * - `"alive"`: a live process holds it (its flock is held, or its pid is a
     *   live process, possibly another user's);
     * - `"stale"`: nobody holds it and its process is gone, or it is this
     *   process's own pid, or its contents are not a pid (`removeIfStale()`
     *   would remove it);
     * - `"unusable"`: a symbolic link, not a regular file, or a file this
     *   process cannot open; `reason` says which.
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
}
/**
 * A pidfile lock: Celery's `Pidfile` that can never be held twice.
 *
 * @example
 * ```ts
 * import { Pidfile } from "@posixly/posixly";
 * {
 *   using lock = new Pidfile("/tmp/example-app.pid").acquire();
 *   console.log(lock.readPid()); // this process's pid
 * } // released here
 * ```
 */
export declare class Pidfile {
    #private;
    /** Absolute path of the pidfile. */
    readonly path: string;
    /**
     * A pidfile at `path`; nothing is touched until a method is called.
     *
     * @param path where the pidfile lives; made absolute against the current
     *   directory (as Celery's `os.path.abspath`).
     * @param options how the file is put in place (see {@linkcode PidfileOptions})
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * console.log(new Pidfile("app.pid").path); // e.g. /home/me/app.pid
     * ```
     */
    constructor(path: string, options?: PidfileOptions);
    /**
     * Takes the lock: writes this process's pid into the pidfile, which appears
     * at the path complete and flock-ed, and keeps it locked until
     * {@linkcode Pidfile.prototype.release}. A stale file at the path (see
     * {@linkcode Pidfile.prototype.removeIfStale}) is removed first.
     *
     * @returns this
     * @throws {LockFailed} when a live process holds it (`pid` set, with
     *   Celery's message), or the file cannot be created (the OS error as
     *   `cause`), or the path is a symbolic link.
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * const lock = new Pidfile("/tmp/example-app.pid").acquire();
     * lock.release();
     * ```
     */
    acquire(): this;
    /**
     * Celery's `is_locked()`: true when a file (or link) exists at the path.
     * It says nothing about liveness: see {@linkcode Pidfile.prototype.inspect}.
     * A path this process may not look at (EACCES) or that cannot name a file
     * (ENOTDIR, ENAMETOOLONG, ELOOP) gives false, as Celery's `os.path.exists` does.
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * console.log(new Pidfile("/tmp/example-app.pid").isLocked());
     * ```
     */
    isLocked(): boolean;
    /**
     * True while this object holds the lock (between acquire and release).
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * const lock = new Pidfile("/tmp/example-app.pid").acquire();
     * console.log(lock.held); // true
     * lock.release();
     * ```
     */
    get held(): boolean;
    /**
     * The pid on the pidfile's first line, or null when there is no file.
     * Reads Celery's files too.
     *
     * @throws {PidfileError} on an empty or partial file (no newline after the
     *   pid), contents that are not a positive decimal integer, or a symbolic link.
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * console.log(new Pidfile("/tmp/example-app.pid").readPid()); // null or a pid
     * ```
     */
    readPid(): number | null;
    /**
     * The low-level step of {@linkcode Pidfile.prototype.acquire} (Celery's
     * `write_pid()`): creates the pidfile with this process's pid, complete and
     * flock-ed, and holds it; no stale-file handling.
     *
     * @throws {OSError} `EEXIST` when any file is at the path.
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * const lock = new Pidfile("/tmp/example-app.pid");
     * lock.writePid();
     * lock.release();
     * ```
     */
    writePid(): void;
    /**
     * Removes the pidfile: releases it when this object holds it; otherwise
     * removes the file at the path if nobody holds its flock (whatever its pid,
     * as Celery's `remove()`). A missing file is fine.
     *
     * @throws {LockFailed} when another live holder has it flock-ed.
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * new Pidfile("/tmp/example-app.pid").remove();
     * ```
     */
    remove(): void;
    /**
     * Removes the pidfile if it is stale: nobody holds its flock and its pid is
     * not a live process (`ESRCH`), is this process's own, was reused (another
     * start time), or is not a pid at all. A file whose flock is held, or whose
     * pid is a live process of any user (`EPERM`), is left alone.
     *
     * @returns true when no live lock is at the path any more (a stale file was
     *   removed, or there was none); false when a live process holds it.
     * @throws {PidfileError} for a symbolic link or a file that is not regular;
     *   {@linkcode OSError} when the file cannot be opened or removed.
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * if (!new Pidfile("/tmp/example-app.pid").removeIfStale()) console.log("running");
     * ```
     */
    removeIfStale(): boolean;
    /**
     * Looks at the pidfile without changing it and never throws for a bad
     * file: is it there, is it held by a live process, and by which pid. (It
     * takes the file's flock for a moment if nobody holds it.)
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * const { status, pid } = new Pidfile("/tmp/example-app.pid").inspect();
     * if (status === "alive") console.log(`already running as ${pid}`);
     * ```
     */
    inspect(): PidfileState;
    /**
     * Releases the lock: removes the pidfile if the path still names this
     * object's own file (never another process's), then drops the flock. Does
     * nothing when not held. Failing to remove it for lack of permission (say,
     * after dropping privileges) is ignored, as Celery does, but the file is
     * emptied first (through the held descriptor) and left unlocked, so every
     * other process judges it stale at once.
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * const lock = new Pidfile("/tmp/example-app.pid").acquire();
     * lock.release();
     * ```
     */
    release(): void;
    /**
     * Releases the lock (for `using lock = new Pidfile(p).acquire()`).
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * using _lock = new Pidfile("/tmp/example-app.pid").acquire();
     * ```
     */
    [Symbol.dispose](): void;
    /**
     * Releases the lock when the process exits normally (an exit hook: Deno's `unload` event, Bun's `process.on("exit")`
     * listener, removed again by {@linkcode Pidfile.prototype.release}). A
     * killed process leaves its pidfile unlocked: the next acquire removes it.
     * So does a Deno program that dies of an uncaught error (Deno runs no exit
     * hook then; Bun does).
     *
     * @returns this
     *
     * @example
     * ```ts
     * import { Pidfile } from "@posixly/posixly";
     * new Pidfile("/tmp/example-app.pid").acquire().releaseAtExit();
     * ```
     */
    releaseAtExit(): this;
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
 * @example
 * ```ts
 * import { createPidlock } from "@posixly/posixly";
 * const lock = createPidlock("/tmp/example-app.pid");
 * // ... run; the pidfile goes away at exit, or now:
 * lock.release();
 * ```
 */
export declare function createPidlock(path: string): Pidfile;
