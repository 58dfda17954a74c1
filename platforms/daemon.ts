/**
 * Daemonizing without fork (Celery's `detached()` and `DaemonContext`).
 *
 * A Deno or Bun process cannot fork (the child crashes at once), so the
 * program is started again: the original process (the launcher) checks
 * everything that can fail, `posix_spawn`s the same runtime with the same
 * command line as a new session leader, and waits on a pipe until the new
 * process (the daemon), reaching `detached()` in turn, says it is ready. Then
 * the launcher exits 0; on a failure it prints why and exits non-zero.
 *
 * Call `detached()` first: code before it runs in both processes.
 *
 * Differences from a double fork: the daemon is a session leader, so a
 * terminal it opens without O_NOCTTY would become its controlling terminal;
 * the program and its modules load twice (posixly itself avoids Deno's Node
 * compatibility layer, but a program that imports `node:` modules pays its
 * start-up in both processes); relative paths in the options are resolved
 * against the launcher's working directory, before the chdir.
 *
 * The launcher's side is in daemon_launcher.ts, the pipe protocol in
 * daemon_handshake.ts, the options in daemon_options.ts.
 *
 * @module
 */
import { libc } from "../ffi/mod.ts";
import { chdir, exit } from "./host.ts";
import { EX_FAILURE } from "./exit_codes.ts";
import { createPidlock, LockFailed, type Pidfile } from "./pidfile.ts";
import { maybeDropPrivileges } from "./privileges.ts";
import { sdNotify, type SystemdState } from "./systemd.ts";
import { DaemonError, exitWith, failureStatus } from "./daemon_error.ts";
import { type DaemonSettings, daemonSettings, type DetachedOptions } from "./daemon_options.ts";
import { DaemonHandshake, takeMarker } from "./daemon_handshake.ts";
import { launch, preflight } from "./daemon_launcher.ts";

export { DaemonError } from "./daemon_error.ts";
export type { DetachedOptions } from "./daemon_options.ts";

/**
 * console.error into the daemon's logfile, never throwing: Deno's throws when
 * the write fails (a full disk), and what follows (telling the launcher why,
 * exiting) must still happen.
 */
function logError(data: unknown): void {
  try {
    console.error(data);
  } catch {
    // lost: the launcher is told on the pipe, or the exit status says it
  }
}

/** What this process turned out to be, once a context was opened. */
let role: "launcher" | "daemon" | "fake" | undefined;

/**
 * The daemon side of Celery's `DaemonContext`, opened by {@linkcode detached}.
 * `open()` in the original process (the launcher) starts the daemon, waits
 * until it is ready and exits the process; in the daemon it sets the umask,
 * changes to `workdir`, calls `afterChdir`, drops privileges and takes the
 * pidfile, then (with `ready: "auto"`) tells the launcher it is ready. With
 * `fake: true` it does the same in this process, without detaching.
 *
 * @example Start a daemon that signals ready itself
 * ```ts ignore
 * import { DaemonContext } from "@posixly/posixly";
 * await using ctx = new DaemonContext({ pidfile: "/tmp/app.pid", ready: "manual" });
 * await ctx.open(); // from here on, this is the daemon
 * // ... bind ports ...
 * ctx.notifyReady(); // the launcher exits 0
 * ```
 */
export class DaemonContext {
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

  #isOpen = false;
  #isReady = false;
  /** The daemon's end of the pipe to its launcher, until "ready". */
  #handshake: DaemonHandshake | null = null;
  #pidlock: Pidfile | null = null;

  /**
   * Checks and stores the options; nothing happens until `open()`. Relative
   * paths are resolved against the current directory now.
   *
   * @param options see {@linkcode DetachedOptions}
   * @throws {TypeError} before anything happens, for an option it does not
   * know or of the wrong type (`ready: "later"`), naming it
   * @throws {RangeError} before anything happens, for an option out of range
   * (`uid: -1`, `timeoutMs: 0`), naming it
   * @throws {Error} before anything happens, when the current directory was
   * removed and `workdir` is left to default to it, or a path option is
   * relative, naming the option
   *
   * @example Read the checked options
   * ```ts
   * import { DaemonContext } from "@posixly/posixly";
   * const ctx = new DaemonContext({ umask: "027", workdir: "/" });
   * console.log(ctx.umask.toString(8)); // "27"
   * ```
   */
  constructor(options: DetachedOptions = {}) {
    const o = daemonSettings(options);
    this.workdir = o.workdir;
    this.umask = o.umask;
    this.fake = o.fake;
    this.afterChdir = o.afterChdir;
    this.logfile = o.logfile;
    this.pidfile = o.pidfile;
    this.uid = o.uid;
    this.gid = o.gid;
    this.ready = o.ready;
    this.timeoutMs = o.timeoutMs;
    this.keepFds = o.keepFds;
  }

  /**
   * True once `open()` has finished in this process (the daemon, or fake mode).
   *
   * @example Before open()
   * ```ts
   * import { DaemonContext } from "@posixly/posixly";
   * console.log(new DaemonContext().isOpen); // false
   * ```
   */
  get isOpen(): boolean {
    return this.#isOpen;
  }

  /**
   * True once the daemon said it is ready.
   *
   * @example With ready: "manual"
   * ```ts ignore
   * import { detached } from "@posixly/posixly";
   * const ctx = await detached({ ready: "manual" });
   * console.log(ctx.isReady); // false
   * ```
   */
  get isReady(): boolean {
    return this.#isReady;
  }

  /**
   * True in the detached process (false in fake mode).
   *
   * @example In fake mode
   * ```ts ignore
   * import { detached } from "@posixly/posixly";
   * const ctx = await detached({ fake: true });
   * console.log(ctx.isDaemon); // false
   * ```
   */
  get isDaemon(): boolean {
    return this.#isOpen && role === "daemon";
  }

  /**
   * The pidfile held by this process, or null.
   *
   * @example The pidfile this daemon holds
   * ```ts ignore
   * import { detached } from "@posixly/posixly";
   * const ctx = await detached({ pidfile: "/tmp/app.pid" });
   * console.log(ctx.pidlock?.readPid());
   * ```
   */
  get pidlock(): Pidfile | null {
    return this.#pidlock;
  }

  /**
   * Detaches. In the launcher this starts the daemon, waits until it is ready
   * and exits the process (0 when ready; on a failure it prints the reason to
   * stderr and exits non-zero: 73 for a held pidfile), so it never resolves
   * there. In the daemon (and in fake mode) it resolves once set up. A
   * daemon whose launcher died before the daemon could ask for its parent's
   * death signal exits at once, before taking the pidfile.
   *
   * @example Open by hand
   * ```ts ignore
   * import { DaemonContext } from "@posixly/posixly";
   * const ctx = new DaemonContext({ logfile: "/tmp/app.log" });
   * await ctx.open();
   * console.log("now detached; this line goes to /tmp/app.log");
   * ```
   */
  async open(): Promise<void> {
    if (this.#isOpen) return;
    if (role === "daemon" || role === "fake") {
      throw new Error("this process is already detached: open only one DaemonContext");
    }
    if (role === "launcher") {
      throw new Error("this process is already starting a daemon: open only one DaemonContext");
    }
    const marker = role === undefined ? takeMarker() : null;
    if (this.fake) {
      role = "fake";
      try {
        preflight(this.#settings());
        await this.#setUp();
      } catch (e) {
        if (e instanceof DaemonError) exitWith(e);
        throw e;
      }
    } else if (marker) {
      role = "daemon";
      this.#handshake = new DaemonHandshake(marker);
      try {
        this.#tieToLauncher();
        await this.#setUp();
      } catch (e) {
        this.#fail(e);
      }
    } else {
      role = "launcher";
      await launch(this.#settings());
    }
    this.#isOpen = true;
    if (this.ready === "auto") this.#announce(true);
  }

  /**
   * Tells the launcher that the daemon is ready (the launcher then exits 0),
   * and systemd too when `NOTIFY_SOCKET` is set (`READY=1` and `MAINPID=`).
   * Call it with `ready: "manual"` once start-up is done; later calls do
   * nothing. A failure to reach systemd's socket is written to stderr (the
   * logfile) and does not throw (a stale `NOTIFY_SOCKET` must not stop a start).
   * When the launcher cannot be told (it gave up waiting, or the program
   * closed or reused the pipe's fd, which is then left alone), the launcher
   * has reported a failed start, so the daemon releases its pidfile and exits 1.
   *
   * @example Ready once the port is bound
   * ```ts ignore
   * import { detached } from "@posixly/posixly";
   * const ctx = await detached({ pidfile: "/tmp/app.pid", ready: "manual" });
   * // ... listen on a port ...
   * ctx.notifyReady();
   * ```
   */
  notifyReady(): void {
    this.#announce(false);
  }

  /**
   * Sends a state to systemd when `NOTIFY_SOCKET` is set (`STATUS=...`,
   * `WATCHDOG=1`, `STOPPING=1`, ...); returns false when it is not.
   *
   * @example Report a status to systemd
   * ```ts ignore
   * import { detached } from "@posixly/posixly";
   * const ctx = await detached({});
   * ctx.notify({ status: "serving" });
   * ctx.notify({ watchdog: true });
   * ```
   */
  notify(state: string | SystemdState): boolean {
    return sdNotify(state);
  }

  /**
   * Releases the pidfile and, if the daemon was not ready yet, closes the
   * pipe to the launcher (which then reports that the daemon did not start).
   *
   * @example Release the pidfile on the way out
   * ```ts ignore
   * import { detached } from "@posixly/posixly";
   * const ctx = await detached({ pidfile: "/tmp/app.pid" });
   * // ... serve until asked to stop ...
   * ctx.close(); // the pidfile is removed
   * ```
   */
  close(): void {
    if (!this.#isOpen) return;
    this.#isOpen = false;
    this.#handshake?.close();
    this.#handshake = null;
    const lock = this.#pidlock;
    this.#pidlock = null;
    lock?.release();
  }

  /**
   * `close()`, for `await using`.
   *
   * @example Release at the end of a scope
   * ```ts ignore
   * import { detached } from "@posixly/posixly";
   * await using ctx = await detached({ pidfile: "/tmp/app.pid" });
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** The options as the launcher takes them. */
  #settings(): DaemonSettings {
    return { ...this };
  }

  /**
   * In the daemon, until "ready": a launcher that dies takes the half-started
   * daemon with it. One that died already (before the daemon could ask for
   * its parent's death signal) will send nothing: leave at once, before the
   * pidfile is taken.
   */
  #tieToLauncher(): void {
    const handshake = this.#handshake;
    if (handshake === null || handshake.tieToLauncher()) return;
    logError(
      `posixly: the launcher (pid ${handshake.launcher}) is gone before this daemon was ` +
        "ready; exiting",
    );
    exit(EX_FAILURE);
  }

  /**
   * The daemon's own set-up (also fake mode's, after the launcher's checks):
   * umask, chdir, afterChdir, privileges, pidfile.
   */
  async #setUp(): Promise<void> {
    libc.umask(this.umask);
    chdir(this.workdir);
    if (this.afterChdir) await this.afterChdir();
    maybeDropPrivileges({ uid: this.uid, gid: this.gid });
    // Changing ids clears the parent-death signal: set it again.
    if (this.uid !== null || this.gid !== null) this.#tieToLauncher();
    if (this.pidfile === null) return;
    try {
      this.#pidlock = createPidlock(this.pidfile);
    } catch (e) {
      if (!(e instanceof LockFailed)) throw e;
      const message = e.message.startsWith("ERROR") ? e.message : `ERROR: ${e.message}`;
      throw new DaemonError(message, e.exitCode, { cause: e });
    }
  }

  /** In the daemon: sends a set-up failure to the launcher and exits. */
  #fail(e: unknown): never {
    const failure = e instanceof DaemonError
      ? e
      : new DaemonError(`ERROR: ${e instanceof Error ? e.message : String(e)}`, EX_FAILURE);
    // Also into the logfile, with the stack.
    logError(e);
    this.#handshake?.sendError(failure);
    this.#handshake = null;
    exit(failureStatus(failure.exitCode));
  }

  /**
   * notifyReady(); with `awaitLauncher` (ready: "auto", before `detached()`
   * resolves) it returns once the launcher has exited. When the launcher
   * cannot be told (it is gone, or the program closed the pipe), the
   * launcher has already reported a failed start: the daemon stops.
   */
  #announce(awaitLauncher: boolean): void {
    if (this.#isReady) return; // "later calls do nothing", after close() too
    if (!this.#isOpen) {
      throw new Error("notifyReady() needs an open DaemonContext (call open() first)");
    }
    this.#isReady = true;
    // systemd first: under Type=notify the launcher may be the unit's main process, and
    // MAINPID= must arrive before it exits. A stale or unreachable NOTIFY_SOCKET (a shell
    // started from a unit, say) must not stop the start: like libsystemd's sd_notify()
    // callers, warn (into the logfile) and go on.
    try {
      sdNotify({ ready: true, mainPid: libc.getpid() });
    } catch (e) {
      logError(
        `posixly: could not tell systemd READY=1 (NOTIFY_SOCKET): ${
          e instanceof Error ? e.message : String(e)
        }`,
      );
    }
    const handshake = this.#handshake;
    this.#handshake = null;
    try {
      handshake?.sendReady(awaitLauncher);
    } catch (e) {
      logError((e as Error).message);
      this.close();
      exit(e instanceof DaemonError ? failureStatus(e.exitCode) : EX_FAILURE);
    }
  }
}

/**
 * Daemonizes the program (Celery's `detached()`) and resolves, in the
 * daemon, to its open {@linkcode DaemonContext}. In the original process it
 * never resolves: that process exits 0 once the daemon is ready, or prints
 * why it is not and exits non-zero (73 when the pidfile is held by a live
 * process). Call it first in the program: the daemon runs the program again
 * from the start. Needs FFI (Deno: `--allow-ffi`). With `ready: "auto"` it
 * resolves in the daemon once the launcher has exited (at most 2 s after
 * "ready"), as after a double fork: the daemon's own start-up then does not
 * take the CPU from the launcher's exit, which its caller waits for.
 *
 * Unlike Celery: the parent only exits 0 when the daemon really started;
 * the default umask is 0o022, not 0; the daemon keeps the pidfile locked;
 * an unknown or malformed option rejects at once, as `new DaemonContext()`
 * throws.
 *
 * @example Daemonize a program
 * ```ts ignore
 * import { detached } from "@posixly/posixly";
 * const ctx = await detached({ pidfile: "/tmp/app.pid", logfile: "/tmp/app.log" });
 * console.log(`daemon ${ctx.pidlock?.readPid()} running`);
 * ```
 */
export async function detached(options: DetachedOptions = {}): Promise<DaemonContext> {
  const ctx = new DaemonContext(options);
  await ctx.open();
  return ctx;
}
