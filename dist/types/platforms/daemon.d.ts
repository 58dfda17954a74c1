import { Pidfile } from "./pidfile.d.ts";
import { type SystemdState } from "./systemd.d.ts";
/** Options of {@linkcode detached} and {@linkcode DaemonContext}. */
export interface DetachedOptions {
    /** Where the daemon's stdout and stderr go (appended); default /dev/null. */
    logfile?: string | null;
    /** Pidfile the daemon takes and keeps (see `createPidlock`). */
    pidfile?: string | null;
    /** User to run as (name or uid); needs root. */
    uid?: string | number | null;
    /** Group to run as (name or gid); default with `uid`: the user's group. */
    gid?: string | number | null;
    /**
     * The daemon's umask: a number, or a string read as octal with a leading 0
     * (`"022"`, `"0o22"`) and decimal otherwise, as Celery. Default 0o022.
     */
    umask?: number | string | null;
    /** Directory the daemon changes to; default: the current directory. */
    workdir?: string | null;
    /**
     * Do everything except detaching, in this process (for debugging): the
     * same checks, exits and messages, the umask, chdir, privileges and pidfile.
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
/**
 * A failure that stops daemonizing, with the exit code the launcher exits
 * with (73, `EX_CANTCREAT`, for a held pidfile or a logfile that cannot be
 * opened; 1 otherwise).
 *
 * @example
 * ```ts
 * import { DaemonError } from "@posixly/posixly";
 * const e = new DaemonError("ERROR: workdir /nope does not exist", 1);
 * console.log(e.exitCode); // 1
 * ```
 */
export declare class DaemonError extends Error {
    /** Exit code for this failure. */
    readonly exitCode: number;
    /**
     * Builds the error with the exit code the launcher should use.
     *
     * @param message what went wrong, for the user
     * @param exitCode the exit code (default 1)
     * @param options cause
     *
     * @example
     * ```ts
     * import { DaemonError } from "@posixly/posixly";
     * throw new DaemonError("ERROR: the daemon did not start", 1);
     * ```
     */
    constructor(message: string, exitCode?: number, options?: {
        cause?: unknown;
    });
}
/**
 * The daemon side of Celery's `DaemonContext`, opened by {@linkcode detached}.
 * `open()` in the original process (the launcher) starts the daemon, waits
 * until it is ready and exits the process; in the daemon it sets the umask,
 * changes to `workdir`, calls `afterChdir`, drops privileges and takes the
 * pidfile, then (with `ready: "auto"`) tells the launcher it is ready. With
 * `fake: true` it does the same in this process, without detaching.
 *
 * @example
 * ```ts
 * import { DaemonContext } from "@posixly/posixly";
 * await using ctx = new DaemonContext({ pidfile: "/tmp/app.pid", ready: "manual" });
 * await ctx.open(); // from here on, this is the daemon
 * // ... bind ports ...
 * ctx.notifyReady(); // the launcher exits 0
 * ```
 */
export declare class DaemonContext {
    #private;
    /** The daemon's working directory (absolute). */
    readonly workdir: string;
    /** The daemon's umask. */
    readonly umask: number;
    /** True: do everything except detaching. */
    readonly fake: boolean;
    /** Called in the daemon after the chdir. */
    readonly afterChdir: (() => void | Promise<void>) | null;
    /** Absolute path of the logfile, or null (output to /dev/null). */
    readonly logfile: string | null;
    /** Absolute path of the pidfile, or null. */
    readonly pidfile: string | null;
    /** User to run as, or null. */
    readonly uid: string | number | null;
    /** Group to run as, or null. */
    readonly gid: string | number | null;
    /** When the daemon counts as ready. */
    readonly ready: "auto" | "manual";
    /** How long the launcher waits, in ms. */
    readonly timeoutMs: number;
    /** Fds passed on to the daemon. */
    readonly keepFds: readonly number[];
    /**
     * Checks and stores the options; nothing happens until `open()`. Relative
     * paths are resolved against the current directory now.
     *
     * @param options see {@linkcode DetachedOptions}
     *
     * @example
     * ```ts
     * import { DaemonContext } from "@posixly/posixly";
     * const ctx = new DaemonContext({ umask: "027", workdir: "/" });
     * console.log(ctx.umask.toString(8)); // "27"
     * ```
     */
    constructor(options?: DetachedOptions);
    /**
     * True once `open()` has finished in this process (the daemon, or fake mode).
     *
     * @example
     * ```ts
     * import { DaemonContext } from "@posixly/posixly";
     * console.log(new DaemonContext().isOpen); // false
     * ```
     */
    get isOpen(): boolean;
    /**
     * True once the daemon said it is ready.
     *
     * @example
     * ```ts
     * import { detached } from "@posixly/posixly";
     * const ctx = await detached({ ready: "manual" });
     * console.log(ctx.isReady); // false
     * ```
     */
    get isReady(): boolean;
    /**
     * True in the detached process (false in fake mode).
     *
     * @example
     * ```ts
     * import { detached } from "@posixly/posixly";
     * const ctx = await detached({ fake: true });
     * console.log(ctx.isDaemon); // false
     * ```
     */
    get isDaemon(): boolean;
    /**
     * The pidfile held by this process, or null.
     *
     * @example
     * ```ts
     * import { detached } from "@posixly/posixly";
     * const ctx = await detached({ pidfile: "/tmp/app.pid" });
     * console.log(ctx.pidlock?.readPid());
     * ```
     */
    get pidlock(): Pidfile | null;
    /**
     * Detaches. In the launcher this starts the daemon, waits until it is ready
     * and exits the process (0 when ready; on a failure it prints the reason to
     * stderr and exits non-zero: 73 for a held pidfile), so it never resolves
     * there. In the daemon (and in fake mode) it resolves once set up.
     *
     * @example
     * ```ts
     * import { DaemonContext } from "@posixly/posixly";
     * const ctx = new DaemonContext({ logfile: "/tmp/app.log" });
     * await ctx.open();
     * console.log("now detached; this line goes to /tmp/app.log");
     * ```
     */
    open(): Promise<void>;
    /**
     * Tells the launcher that the daemon is ready (the launcher then exits 0),
     * and systemd too when `NOTIFY_SOCKET` is set (`READY=1` and `MAINPID=`).
     * Call it with `ready: "manual"` once start-up is done; later calls do
     * nothing. A failure to reach systemd's socket is written to stderr (the
     * logfile) and does not throw (a stale `NOTIFY_SOCKET` must not stop a start).
     *
     * @example
     * ```ts
     * import { detached } from "@posixly/posixly";
     * const ctx = await detached({ pidfile: "/tmp/app.pid", ready: "manual" });
     * // ... listen on a port ...
     * ctx.notifyReady();
     * ```
     */
    notifyReady(): void;
    /**
     * Sends a state to systemd when `NOTIFY_SOCKET` is set (`STATUS=...`,
     * `WATCHDOG=1`, `STOPPING=1`, ...); returns false when it is not.
     *
     * @example
     * ```ts
     * import { detached } from "@posixly/posixly";
     * const ctx = await detached({});
     * ctx.notify({ status: "serving" });
     * ctx.notify({ watchdog: true });
     * ```
     */
    notify(state: string | SystemdState): boolean;
    /**
     * Releases the pidfile and, if the daemon was not ready yet, closes the
     * pipe to the launcher (which then reports that the daemon did not start).
     *
     * @example
     * ```ts
     * import { detached } from "@posixly/posixly";
     * const ctx = await detached({ pidfile: "/tmp/app.pid" });
     * // ... serve until asked to stop ...
     * ctx.close(); // the pidfile is removed
     * ```
     */
    close(): void;
    /**
     * `close()`, for `await using`.
     *
     * @example
     * ```ts
     * import { detached } from "@posixly/posixly";
     * await using ctx = await detached({ pidfile: "/tmp/app.pid" });
     * ```
     */
    [Symbol.asyncDispose](): Promise<void>;
}
/**
 * Daemonizes the program (Celery's `detached()`) and resolves, in the
 * daemon, to its open {@linkcode DaemonContext}. In the original process it
 * never resolves: that process exits 0 once the daemon is ready, or prints
 * why it is not and exits non-zero (73 when the pidfile is held by a live
 * process). Call it first in the program: the daemon runs the program again
 * from the start. Needs FFI (Deno: `--allow-ffi`). With `ready: "auto"` it
 * resolves in the daemon once the launcher has exited (at most 250 ms after
 * "ready"), as after a double fork: the daemon's own start-up then does not
 * take the CPU from the launcher's exit, which its caller waits for.
 *
 * Unlike Celery: the parent only exits 0 when the daemon really started;
 * the default umask is 0o022, not 0; the daemon keeps the pidfile locked.
 *
 * @example
 * ```ts
 * import { detached } from "@posixly/posixly";
 * const ctx = await detached({ pidfile: "/tmp/app.pid", logfile: "/tmp/app.log" });
 * console.log(`daemon ${ctx.pidlock?.readPid()} running`);
 * ```
 */
export declare function detached(options?: DetachedOptions): Promise<DaemonContext>;
