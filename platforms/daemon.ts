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
 * start-up, several ms in Deno, in both processes); relative paths in the options
 * are resolved against the launcher's working directory, before the chdir.
 *
 * @module
 */
import { check, cstr, errno, libc, OSError, platform, readCString } from "../ffi/mod.ts";
import {
  absolutePath,
  chdir,
  currentEnvironment,
  cwd,
  execPath,
  exit,
  forgetEnv,
  pipeReader,
  writeStderr,
} from "./host.ts";
import { EX_CANTCREAT, EX_FAILURE } from "./exit_codes.ts";
import { openFds } from "./fds.ts";
import { isDecimal } from "./libc_file.ts";
import { createPidlock, LockFailed, Pidfile } from "./pidfile.ts";
import { parseGid, parseUid } from "./users.ts";
import { maybeDropPrivileges } from "./privileges.ts";
import { originalCommandLineBytes } from "./proctitle.ts";
import { posixSpawn, type SpawnFileAction } from "./spawn.ts";
import { sdNotify, type SystemdState } from "./systemd.ts";

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
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
]);

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
export class DaemonError extends Error {
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
  constructor(message: string, exitCode: number = EX_FAILURE, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DaemonError";
    this.exitCode = exitCode;
  }
}

/** Environment variable that marks the daemon: `<fd>:<token>`. */
const MARKER = "POSIXLY_DAEMON";
const DEFAULT_UMASK = 0o022;
const DEFAULT_TIMEOUT_MS = 30_000;
const SEEK_SET = 0;
const SEEK_END = 2;
const POLLIN = 1; // the same on Linux and macOS
/** How long the daemon waits for its launcher's exit after "ready" (ready: "auto"). */
const LAUNCHER_EXIT_WAIT_MS = 250;
/** How long a daemon that was not ready in time has after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 2000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What this process turned out to be, once a context was opened. */
let role: "launcher" | "daemon" | "fake" | undefined;

/** Parses a umask as Celery does: strings with a leading 0 are octal. */
function parseUmask(value: number | string | null | undefined): number {
  if (value === undefined || value === null) return DEFAULT_UMASK;
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string") {
    const s = value.trim();
    const octal = /^0[oO]?([0-7]+)$/.exec(s);
    if (octal) n = parseInt(octal[1], 8);
    else if (s === "0") n = 0;
    else if (/^[1-9][0-9]*$/.test(s)) n = parseInt(s, 10);
    else {throw new TypeError(
        `umask must be octal ("022") or decimal digits, got ${JSON.stringify(value)}`,
      );}
  } else {
    throw new TypeError(`umask must be a number or a string, got ${typeof value}`);
  }
  if (!Number.isInteger(n) || n < 0 || n > 0o777) {
    throw new RangeError(`umask must be between 0 and 0o777, got ${String(value)}`);
  }
  return n;
}

function optionalPath(value: string | null | undefined, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value === "" || value.includes("\0")) {
    throw new TypeError(`${what} must be a non-empty path, got ${JSON.stringify(value)}`);
  }
  return absolutePath(value);
}

function optionalId(
  value: string | number | null | undefined,
  what: string,
): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" && typeof value !== "number") {
    throw new TypeError(`${what} must be a name or a number, got ${typeof value}`);
  }
  return value;
}

/** A pidfd for process `pid` (a process other than init), or -1 where there is none. */
function openPidfd(pid: number): number {
  const pidfdOpen = libc.pidfd_open;
  return pidfdOpen && pid > 1 ? pidfdOpen(pid, 0) : -1;
}

/** A `struct pollfd { int fd; short events, revents; }` for one fd. */
function pollfdFor(fd: number, events: number): Int32Array<ArrayBuffer> {
  const pollfd = new Int32Array(2);
  pollfd[0] = fd;
  new Int16Array(pollfd.buffer)[2] = events;
  return pollfd;
}

/**
 * Blocks in poll(2) until `fd` reports one of `events` or an error or hang-up
 * (which poll always reports), for at most `ms`; a signal ends it early.
 */
function pollOne(fd: number, events: number, ms: number): void {
  libc.poll(pollfdFor(fd, events), 1, ms);
}

/** Reads and removes the daemon marker (libc environ and process.env). */
function takeMarker(): { fd: number; token: string } | null {
  const name = cstr(MARKER);
  const value = readCString(libc.getenv(name));
  if (value === null) return null;
  libc.unsetenv(name);
  forgetEnv(MARKER);
  const parsed = parseMarker(value);
  if (!parsed) throw new Error(`${MARKER} is set but malformed: ${JSON.stringify(value)}`);
  const { fd } = parsed;
  // posix_spawn's dup2 left it inheritable: a child started before ready would keep
  // the launcher waiting (no end-of-file when this daemon dies).
  const { F_SETFD, FD_CLOEXEC } = platform.constants;
  libc.fcntl(fd, F_SETFD, FD_CLOEXEC);
  return parsed;
}

// The launcher and the daemon run this code once, cold, on the path that the
// launcher's caller waits on: plain loops and string operations, no regular
// expressions and no Array.from/map/reduce, which Bun compiles on first use.

const HEX = "0123456789abcdef";
const TOKEN_LENGTH = 32;

/** `<fd>:<token>` (decimal fd, 32 lowercase hex digits), or null. */
function parseMarker(value: string): { fd: number; token: string } | null {
  const colon = value.indexOf(":");
  const digits = value.slice(0, colon);
  const token = value.slice(colon + 1);
  if (colon < 1 || !isDecimal(digits) || token.length !== TOKEN_LENGTH) return null;
  for (let i = 0; i < TOKEN_LENGTH; i++) {
    if (HEX.indexOf(token[i]) === -1) return null;
  }
  const fd = Number(digits);
  return Number.isSafeInteger(fd) ? { fd, token } : null;
}

/**
 * The launcher's secret for the handshake. From getrandom(2) where the C
 * library has it: Web Crypto's first call costs Deno ~0.25 ms (Bun ~0.1 ms)
 * on the way to the spawn, the C call ~0.03 ms.
 */
function randomToken(): string {
  const bytes = new Uint8Array(TOKEN_LENGTH / 2);
  const getrandom = libc.getrandom;
  if (!getrandom || Number(getrandom(bytes, bytes.length, 0)) !== bytes.length) {
    crypto.getRandomValues(bytes);
  }
  let token = "";
  for (let i = 0; i < bytes.length; i++) token += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return token;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function isAlive(pid: number): boolean {
  return libc.kill(pid, 0) === 0 || errno() === platform.errnoNumbers.EPERM;
}

/**
 * Reaps `pid`, a child of this process, once it ends: its wait status, or
 * null when it still runs after `ms` (or is no longer this process's child).
 */
async function reap(pid: number, ms: number): Promise<number | null> {
  const status = new Int32Array(1);
  const until = performance.now() + ms;
  for (;;) {
    const r = libc.waitpid(pid, status, platform.constants.WNOHANG);
    if (r === pid) return status[0];
    if (r === -1 || performance.now() >= until) return null;
    await sleep(2);
  }
}

/** Writes all of `bytes` to `fd` (a pipe). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    const view = bytes.subarray(off);
    const n = Number(libc.write(fd, view, view.length));
    if (n === -1) {
      const e = errno();
      if (e === platform.errnoNumbers.EINTR) continue;
      throw new OSError(e, "write");
    }
    off += n;
  }
}

/** Prints a failure to stderr and exits with its code. */
function exitWith(e: DaemonError): never {
  writeStderr(`${e.message}\n`);
  exit(failureStatus(e.exitCode));
}

/**
 * prctl(PR_SET_PDEATHSIG) on Linux, a no-op elsewhere (signals.ts's setPdeathsig
 * without its name tables, which the daemon's cold path does not need).
 */
function parentDeathSignal(signum: number): void {
  const prctl = platform.os === "linux" ? libc.prctl : null;
  if (prctl) check(prctl(platform.constants.PR_SET_PDEATHSIG, BigInt(signum), 0n, 0n, 0n), "prctl");
}

/** An exit status that says "failed": 1-255 as given, else EX_FAILURE (256 would read as 0). */
function failureStatus(code: number): number {
  return Number.isInteger(code) && code >= 1 && code <= 255 ? code : EX_FAILURE;
}

function describeStatus(status: number): { text: string; code: number } {
  const sig = status & 0x7f;
  if (sig === 0) {
    const code = (status >> 8) & 0xff;
    return { text: `exited with code ${code}`, code: code === 0 ? EX_FAILURE : code };
  }
  const name = platform.signalNames[sig];
  return { text: `was killed by ${name ? "SIG" + name : `signal ${sig}`}`, code: EX_FAILURE };
}

// DaemonContext's methods hand their work to the functions after the class,
// which take its state as an argument. A class method is compiled on its first
// call in every process, while the build marks top-level functions for eager
// compilation, so Deno's code cache holds their bytecode
// (scripts/eager_compile.mjs): a launcher and its daemon each run all of this
// once, cold, on the way to "ready".

/** The options of a {@linkcode DaemonContext}, as its fields hold them. */
type Settings = Pick<
  DaemonContext,
  | "workdir"
  | "umask"
  | "fake"
  | "afterChdir"
  | "logfile"
  | "pidfile"
  | "uid"
  | "gid"
  | "ready"
  | "timeoutMs"
  | "keepFds"
>;

/** What a {@linkcode DaemonContext} keeps to itself. */
interface ContextState {
  isOpen: boolean;
  isReady: boolean;
  /** The daemon's pipe to its launcher, until "ready". */
  handshakeFd: number | null;
  /** The launcher's secret, sent back with "ready". */
  token: string;
  pidlock: Pidfile | null;
}

/** The options of a {@linkcode DaemonContext}, checked (its constructor's work). */
function settingsFrom(options: DetachedOptions): Settings {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("DaemonContext takes an options object");
  }
  // A misspelt option (say `pidFile`) must not silently turn the pidfile lock off.
  const unknown: string[] = [];
  for (const k of Object.keys(options)) if (!KNOWN_OPTIONS.has(k)) unknown.push(k);
  if (unknown.length > 0) {
    throw new TypeError(
      `unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}` +
        ` for detached()/DaemonContext; known: ${[...KNOWN_OPTIONS].join(", ")}`,
    );
  }
  const ready = options.ready ?? "auto";
  if (ready !== "auto" && ready !== "manual") {
    throw new TypeError(`ready must be "auto" or "manual", got ${JSON.stringify(ready)}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > 2 ** 31 - 1) {
    throw new RangeError(`timeoutMs must be a positive number of ms, got ${String(timeoutMs)}`);
  }
  const keep = [...new Set(options.keepFds ?? [])];
  for (const fd of keep) {
    if (!Number.isInteger(fd) || fd < 3 || fd > 0x7fffffff) {
      throw new RangeError(
        `keepFds entries must be integers from 3 up (0-2 are stdin, stdout, stderr), got ${fd}`,
      );
    }
  }
  const afterChdir = options.afterChdir ?? null;
  if (afterChdir !== null && typeof afterChdir !== "function") {
    throw new TypeError("afterChdir must be a function");
  }
  return {
    logfile: optionalPath(options.logfile, "logfile"),
    pidfile: optionalPath(options.pidfile, "pidfile"),
    workdir: optionalPath(options.workdir, "workdir") ?? cwd(),
    uid: optionalId(options.uid, "uid"),
    gid: optionalId(options.gid, "gid"),
    umask: parseUmask(options.umask),
    fake: Boolean(options.fake),
    ready,
    timeoutMs,
    keepFds: keep.length > 1 ? keep.sort((a, b) => a - b) : keep,
    afterChdir,
  };
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

  readonly #s: ContextState = {
    isOpen: false,
    isReady: false,
    handshakeFd: null,
    token: "",
    pidlock: null,
  };

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
  constructor(options: DetachedOptions = {}) {
    const o = settingsFrom(options);
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
   * @example
   * ```ts
   * import { DaemonContext } from "@posixly/posixly";
   * console.log(new DaemonContext().isOpen); // false
   * ```
   */
  get isOpen(): boolean {
    return this.#s.isOpen;
  }

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
  get isReady(): boolean {
    return this.#s.isReady;
  }

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
  get isDaemon(): boolean {
    return this.#s.isOpen && role === "daemon";
  }

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
  get pidlock(): Pidfile | null {
    return this.#s.pidlock;
  }

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
  open(): Promise<void> {
    return openContext(this, this.#s);
  }

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
  notifyReady(): void {
    announce(this.#s, false);
  }

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
  notify(state: string | SystemdState): boolean {
    return sdNotify(state);
  }

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
  close(): void {
    closeContext(this.#s);
  }

  /**
   * `close()`, for `await using`.
   *
   * @example
   * ```ts
   * import { detached } from "@posixly/posixly";
   * await using ctx = await detached({ pidfile: "/tmp/app.pid" });
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

// DaemonContext's work (see the note above the class).

/** `open()`: see {@linkcode DaemonContext.prototype.open}. */
async function openContext(ctx: DaemonContext, s: ContextState): Promise<void> {
  if (s.isOpen) return;
  if (role === "daemon" || role === "fake") {
    throw new Error("this process is already detached: open only one DaemonContext");
  }
  if (role === "launcher") {
    throw new Error("this process is already starting a daemon: open only one DaemonContext");
  }
  const marker = role === undefined ? takeMarker() : null;
  if (ctx.fake) {
    role = "fake";
    try {
      preflight(ctx);
      await setUp(ctx, s);
    } catch (e) {
      if (e instanceof DaemonError) exitWith(e);
      throw e;
    }
    s.isOpen = true;
  } else if (marker) {
    role = "daemon";
    s.handshakeFd = marker.fd;
    s.token = marker.token;
    try {
      // Until "ready", a launcher that dies (Ctrl-C, SIGTERM, SIGKILL, its
      // terminal hung up) takes the half-started daemon with it.
      parentDeathSignal(platform.signalNumbers.TERM);
      await setUp(ctx, s);
    } catch (e) {
      report(s, e);
    }
    s.isOpen = true;
  } else {
    role = "launcher";
    await launch(ctx);
  }
  if (ctx.ready === "auto") announce(s, true);
}

/**
 * notifyReady(); with `awaitLauncher` (ready: "auto", before `detached()`
 * resolves) it returns once the launcher has exited, as after a double
 * fork, so the daemon's own start does not take the CPU from the exit that
 * the launcher's caller waits for. At most {@linkcode LAUNCHER_EXIT_WAIT_MS}.
 */
function announce(s: ContextState, awaitLauncher: boolean): void {
  if (!s.isOpen) {
    throw new Error("notifyReady() needs an open DaemonContext (call open() first)");
  }
  if (s.isReady) return;
  s.isReady = true;
  // systemd first: under Type=notify the launcher may be the unit's main process, and
  // MAINPID= must arrive before it exits. A stale or unreachable NOTIFY_SOCKET (a shell
  // started from a unit, say) must not stop the start: like libsystemd's sd_notify()
  // callers, warn (into the logfile) and go on.
  try {
    sdNotify({ ready: true, mainPid: libc.getpid() });
  } catch (e) {
    console.error(
      `posixly: could not tell systemd READY=1 (NOTIFY_SOCKET): ${
        e instanceof Error ? e.message : String(e)
      }`,
    );
  }
  const fd = s.handshakeFd;
  if (fd !== null) {
    s.handshakeFd = null;
    // The launcher exits once it reads "ready": that must not stop the daemon. (A
    // launcher that dies in between makes the write below fail with EPIPE.)
    parentDeathSignal(0);
    // The launcher is our parent until it exits (if it is gone already, the write fails).
    const launcher = awaitLauncher ? openPidfd(libc.getppid()) : -1;
    try {
      writeAll(fd, encoder.encode(`R${s.token}\n`));
      if (launcher !== -1) pollOne(launcher, POLLIN, LAUNCHER_EXIT_WAIT_MS);
      // Without pidfds (Linux < 5.3): the pipe's write end reports POLLERR once the
      // launcher, its only reader, has closed its files on the way out.
      else if (awaitLauncher && platform.os === "linux") {
        pollOne(fd, 0, LAUNCHER_EXIT_WAIT_MS);
      }
    } catch (e) {
      throw new DaemonError(
        "ERROR: the launcher is gone (it gave up waiting?); this daemon was not announced",
        EX_FAILURE,
        { cause: e },
      );
    } finally {
      libc.close(fd);
      if (launcher !== -1) libc.close(launcher);
    }
  }
}

/** `close()`: see {@linkcode DaemonContext.prototype.close}. */
function closeContext(s: ContextState): void {
  if (!s.isOpen) return;
  s.isOpen = false;
  if (s.handshakeFd !== null) {
    libc.close(s.handshakeFd);
    s.handshakeFd = null;
  }
  const lock = s.pidlock;
  s.pidlock = null;
  lock?.release();
}

/**
 * Everything that can fail before detaching: the workdir, users, the
 * logfile (created with the daemon's umask) and the pidfile. Returns the
 * logfile's size, where the daemon's output will start.
 */
function preflight(ctx: DaemonContext): number {
  const c = platform.constants;
  const dir = libc.open(cstr(ctx.workdir), c.O_RDONLY | c.O_DIRECTORY | c.O_CLOEXEC, 0);
  if (dir === -1) {
    const e = new OSError(errno(), "open", { path: ctx.workdir });
    throw new DaemonError(`ERROR: workdir ${ctx.workdir} cannot be used: ${e.message}`);
  }
  libc.close(dir);
  for (const fd of ctx.keepFds) {
    if (libc.fcntl(fd, c.F_GETFD, 0) === -1) {
      const e = new OSError(errno(), "fcntl");
      throw new DaemonError(`ERROR: keepFds: fd ${fd} is not open (${e.code})`);
    }
  }
  try {
    if (ctx.uid !== null) parseUid(ctx.uid);
    if (ctx.gid !== null) parseGid(ctx.gid);
  } catch (e) {
    if (e instanceof Error && e.name === "LookupError") {
      throw new DaemonError(`ERROR: ${e.message}`, EX_FAILURE, { cause: e });
    }
    throw e;
  }
  let logStart = 0;
  if (ctx.logfile !== null) {
    const old = libc.umask(ctx.umask);
    const fd = libc.open(
      cstr(ctx.logfile),
      c.O_WRONLY | c.O_APPEND | c.O_CREAT | c.O_NOCTTY | c.O_CLOEXEC,
      0o666,
    );
    const err = errno();
    libc.umask(old);
    if (fd === -1) {
      const e = new OSError(err, "open", { path: ctx.logfile });
      throw new DaemonError(`ERROR: cannot open the logfile: ${e.message}`, EX_CANTCREAT);
    }
    logStart = Math.max(0, Number(libc.lseek(fd, 0, SEEK_END)));
    libc.close(fd);
  }
  if (ctx.pidfile !== null) {
    // Only a look: the daemon takes (and keeps) the lock, removing a stale file.
    const state = new Pidfile(ctx.pidfile).inspect();
    if (state.status === "alive") {
      throw new DaemonError(
        `ERROR: Pidfile (${ctx.pidfile}) already exists.\n` +
          `Seems we're already running? (pid: ${state.pid})`,
        EX_CANTCREAT,
      );
    }
    if (state.status === "unusable") {
      throw new DaemonError(`ERROR: cannot use the pidfile: ${state.reason}`, EX_CANTCREAT);
    }
  }
  return logStart;
}

/** The daemon's own set-up (also fake mode's). */
async function setUp(ctx: DaemonContext, s: ContextState): Promise<void> {
  libc.umask(ctx.umask);
  chdir(ctx.workdir);
  if (ctx.afterChdir) await ctx.afterChdir();
  maybeDropPrivileges({ uid: ctx.uid, gid: ctx.gid });
  // Changing ids clears the parent-death signal: set it again.
  if (role === "daemon" && (ctx.uid !== null || ctx.gid !== null)) {
    parentDeathSignal(platform.signalNumbers.TERM);
  }
  if (ctx.pidfile !== null) {
    try {
      s.pidlock = createPidlock(ctx.pidfile);
    } catch (e) {
      if (e instanceof LockFailed) {
        const message = e.message.startsWith("ERROR") ? e.message : `ERROR: ${e.message}`;
        throw new DaemonError(message, e.exitCode, { cause: e });
      }
      throw e;
    }
  }
}

/** In the daemon: sends a set-up failure to the launcher and exits. */
function report(s: ContextState, e: unknown): never {
  const failure = e instanceof DaemonError
    ? e
    : new DaemonError(`ERROR: ${e instanceof Error ? e.message : String(e)}`, EX_FAILURE);
  // Also into the logfile, with the stack.
  console.error(e);
  const fd = s.handshakeFd;
  if (fd !== null) {
    try {
      writeAll(
        fd,
        encoder.encode(
          `E${s.token} ${failure.exitCode} ${JSON.stringify(failure.message)}\n`,
        ),
      );
    } catch {
      // the launcher is gone
    }
  }
  exit(failureStatus(failure.exitCode));
}

/** In the launcher: starts the daemon, waits for it, exits. */
async function launch(ctx: DaemonContext): Promise<never> {
  let logStart: number;
  try {
    logStart = preflight(ctx);
  } catch (e) {
    if (e instanceof DaemonError) exitWith(e);
    throw e;
  }
  const c = platform.constants;
  const token = randomToken();
  const fds = new Int32Array(2);
  if (libc.pipe2) check(libc.pipe2(fds, c.O_CLOEXEC), "pipe2");
  else {
    check(libc.pipe(fds), "pipe");
    for (const fd of fds) libc.fcntl(fd, c.F_SETFD, c.FD_CLOEXEC);
  }
  const [readFd, writeFd] = fds;
  const flags = libc.fcntl(readFd, c.F_GETFL, 0);
  check(libc.fcntl(readFd, c.F_SETFL, flags | c.O_NONBLOCK), "fcntl");

  let handshakeFd = 3;
  while (ctx.keepFds.includes(handshakeFd)) handshakeFd++;
  const highest = Math.max(handshakeFd, ...ctx.keepFds);
  const out = ctx.logfile ?? "/dev/null";
  const actions: SpawnFileAction[] = [{ dup2: [writeFd, handshakeFd] }];
  // dup2 onto the same number clears close-on-exec (glibc 2.29+, POSIX 2024).
  for (const fd of ctx.keepFds) actions.push({ dup2: [fd, fd] });
  actions.push(
    { open: 0, path: "/dev/null", flags: c.O_RDONLY },
    { open: 1, path: out, flags: c.O_WRONLY | c.O_APPEND | c.O_CREAT | c.O_NOCTTY, mode: 0o666 },
    { dup2: [1, 2] },
  );
  // Below the highest kept fd, close the others one by one: each number when
  // the range is short, else only the open ones (a kept fd may be in the millions).
  const others = (fd: number): boolean => fd !== handshakeFd && !ctx.keepFds.includes(fd);
  if (highest - 3 <= 64) {
    for (let fd = 3; fd < highest; fd++) if (others(fd)) actions.push({ close: fd });
  } else {
    for (const fd of openFds()) {
      if (fd >= 3 && fd < highest && others(fd)) actions.push({ close: fd });
    }
  }
  actions.push({ closeFrom: highest + 1 });

  const env = currentEnvironment();
  env[MARKER] = `${handshakeFd}:${token}`;
  // The kernel's bytes: an argument that is not UTF-8 reaches the daemon unchanged.
  const [, ...args] = originalCommandLineBytes();
  const program = execPath();
  let pid: number;
  const oldUmask = libc.umask(ctx.umask);
  try {
    pid = posixSpawn(program, {
      args: [program, ...args],
      env,
      fileActions: actions,
      setsid: true,
      defaultSignals: true,
      signalMask: [],
    });
  } catch (e) {
    libc.close(readFd);
    libc.close(writeFd);
    exitWith(
      new DaemonError(`ERROR: cannot start the daemon: ${(e as Error).message}`, EX_FAILURE, {
        cause: e,
      }),
    );
  } finally {
    libc.umask(oldUmask);
  }
  // Only the daemon may hold the write end, or the end-of-file never comes.
  libc.close(writeFd);
  return await waitForDaemon(ctx, pid, readFd, token, logStart);
}

async function waitForDaemon(
  ctx: DaemonContext,
  pid: number,
  readFd: number,
  token: string,
  logStart: number,
): Promise<never> {
  const { EAGAIN, EINTR } = platform.errnoNumbers;
  const started = performance.now();
  let text = "";
  // The usual whole answer, compared as bytes: a first TextDecoder costs
  // Deno ~0.3 ms (Bun ~0.1 ms) between "ready" and the exit.
  // Only as the first read: after any other bytes (an unfinished UTF-8
  // sequence leaves `text` empty) the same bytes would not start a line.
  const readyLine = encoder.encode(`R${token}\n`);
  let first = true;
  /**
   * Takes what the daemon wrote; exits on its "ready" or error line. A function
   * expression, not an arrow: the build marks those for eager compilation.
   */
  const consume = function consume(bytes: Uint8Array): void {
    if (first && sameBytes(bytes, readyLine)) exit(0);
    first = false;
    text += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = text.indexOf("\n")) !== -1) {
      const line = text.slice(0, nl);
      text = text.slice(nl + 1);
      if (line === `R${token}`) exit(0);
      // `E<token> <code> <JSON message>`; the message may hold any character
      // but a newline (JSON.stringify leaves U+2028/U+2029 as they are).
      const space = line.indexOf(" ", 34);
      const code = space === -1 ? "" : line.slice(34, space);
      if (line.startsWith(`E${token} `) && isDecimal(code)) {
        const raw = line.slice(space + 1);
        let message: string;
        try {
          message = String(JSON.parse(raw));
        } catch {
          message = raw;
        }
        exitWith(new DaemonError(message, Number(code)));
      }
    }
  };
  /** Stops the daemon (SIGTERM; SIGKILL if it still runs after STOP_GRACE_MS) and fails. */
  const timedOut = async (): Promise<never> => {
    const { TERM, KILL } = platform.signalNumbers;
    libc.kill(pid, TERM);
    let stopped = "sent it SIGTERM";
    if (await reap(pid, STOP_GRACE_MS) === null && isAlive(pid)) {
      libc.kill(pid, KILL);
      await reap(pid, 1000);
      stopped += `, and SIGKILL when it still ran ${STOP_GRACE_MS} ms later`;
    }
    return exitWith(
      new DaemonError(
        `ERROR: the daemon (pid ${pid}) was not ready within ${ctx.timeoutMs} ms; ` +
          `${stopped}.${outputHint(ctx, logStart)}`,
      ),
    );
  };
  // Deno: wait in poll(2) on a worker thread, so "ready" is seen at once.
  // Bun (no such call): its own pipe reader, woken by its event loop.
  const pollAsync = libc.poll_async;
  const reader = pollAsync ? null : pipeReader(readFd);
  if (reader) {
    for (;;) {
      const left = ctx.timeoutMs - (performance.now() - started);
      if (left <= 0) await timedOut();
      let timer: number | undefined;
      let chunk: Uint8Array | null | undefined;
      try {
        chunk = await Promise.race([
          reader.read(),
          new Promise<undefined>((r) => {
            timer = setTimeout(r, Math.ceil(left) + 1) as unknown as number;
          }),
        ]);
      } catch (e) {
        exitWith(new DaemonError(`ERROR: reading from the daemon: ${String(e)}`));
      } finally {
        clearTimeout(timer);
      }
      if (chunk === null) break; // end of file: the daemon is gone (or closed the pipe)
      if (chunk !== undefined) consume(chunk);
    }
  } else {
    const buf = new Uint8Array(4096);
    const pollfd = pollfdFor(readFd, POLLIN);
    for (;;) {
      const n = Number(libc.read(readFd, buf, buf.length));
      if (n > 0) {
        consume(buf.subarray(0, n));
        continue;
      }
      if (n === 0) break; // end of file: the daemon is gone (or closed the pipe)
      const e = errno();
      if (e !== EAGAIN && e !== EINTR) {
        exitWith(
          new DaemonError(`ERROR: reading from the daemon: ${new OSError(e, "read").message}`),
        );
      }
      const elapsed = performance.now() - started;
      if (elapsed > ctx.timeoutMs) await timedOut();
      if (pollAsync) {
        // At most a second at a time, so the timeout above is checked.
        await pollAsync(pollfd, 1, Math.min(1000, Math.ceil(ctx.timeoutMs - elapsed) + 1));
      } else await sleep(elapsed < 200 ? 1 : elapsed < 2000 ? 5 : 20);
    }
  }
  libc.close(readFd);
  // The daemon closed the pipe without "ready": collect how it ended.
  const status = await reap(pid, 200);
  const ended = status === null ? null : describeStatus(status);
  const what = ended
    ? `${ended.text} before it was ready`
    : isAlive(pid)
    ? "closed the pipe to the launcher without becoming ready"
    : "ended before it was ready";
  exitWith(
    new DaemonError(
      `ERROR: the daemon (pid ${pid}) ${what}.${outputHint(ctx, logStart)}`,
      ended?.code,
    ),
  );
}

/** A hint where the daemon's output went, with its last lines. */
function outputHint(ctx: DaemonContext, logStart: number): string {
  if (ctx.logfile === null) return "\nIts output went to /dev/null: set a logfile to see why.";
  let tail = "";
  try {
    tail = readTail(ctx.logfile, logStart, 2048).trimEnd();
  } catch {
    // unreadable now: the path is still worth printing
  }
  return `\nIts output is in ${ctx.logfile}` + (tail ? `; it ends with:\n${tail}` : ".");
}
/** Up to `max` last bytes of a file from offset `from` on. */
function readTail(path: string, from: number, max: number): string {
  const c = platform.constants;
  const fd = check(libc.open(cstr(path), c.O_RDONLY | c.O_CLOEXEC, 0), "open", { path });
  try {
    const end = Number(libc.lseek(fd, 0, SEEK_END));
    const start = Math.max(from, end - max);
    if (end <= start) return "";
    check(libc.lseek(fd, start, SEEK_SET), "lseek", { path });
    const buf = new Uint8Array(end - start);
    const n = Number(check(libc.read(fd, buf, buf.length), "read", { path }));
    return decoder.decode(buf.subarray(0, n));
  } finally {
    libc.close(fd);
  }
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
export async function detached(options: DetachedOptions = {}): Promise<DaemonContext> {
  const ctx = new DaemonContext(options);
  await ctx.open();
  return ctx;
}
