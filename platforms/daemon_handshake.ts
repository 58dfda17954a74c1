/**
 * The handshake between a daemon's launcher and the daemon (internal).
 *
 * The launcher spawns the daemon with the write end of a pipe on a known fd
 * and the environment variable `POSIXLY_DAEMON=<fd>:<token>:<launcher pid>`.
 * The daemon answers on the pipe with one line, `R<token>` when it is ready
 * or `E<token> <exit code> <JSON message>` when its set-up failed; the
 * launcher exits 0 on the first and prints the message and exits with the
 * code on the second. End of file without either means the daemon died or
 * closed the pipe.
 *
 * @module
 */
import { check, checkRetrying, cstr, libc, platform, readCString } from "../ffi/mod.ts";
import { fdIdentity, type Identity } from "./file_identity.ts";
import { forgetEnv, onUncaughtError } from "./host.ts";
import { bounded, quote } from "./quote.ts";
import { DaemonError, failureStatus } from "./daemon_error.ts";

/** The environment variable that marks the daemon. */
export const MARKER = "POSIXLY_DAEMON";
/**
 * Internal test hook: when set in the daemon's environment, the daemon waits
 * for its launcher's exit as on a system without `pidfd_open` (musl).
 */
export const NO_PIDFD_HOOK = "POSIXLY_INTERNAL_NO_PIDFD";
/**
 * How long the daemon waits for its launcher's exit after "ready" (ready:
 * "auto"). The wait ends as soon as the launcher is gone, so the bound only
 * matters for a launcher that does not exit: it is generous because a
 * launcher on a loaded machine can be slow to exit, and `detached()` should
 * not resolve while the launcher is still the daemon's parent.
 */
const LAUNCHER_EXIT_WAIT_MS = 2000;

/** What the launcher passes to the daemon. */
export interface Marker {
  /** The fd of the pipe's write end in the daemon. */
  readonly fd: number;
  /** The launcher's secret (32 random hex digits), sent back with every answer. */
  readonly token: string;
  /** The launcher's pid: the daemon's parent until the launcher exits. */
  readonly launcher: number;
}

/** The marker's value. */
export function markerValue({ fd, token, launcher }: Marker): string {
  return `${fd}:${token}:${launcher}`;
}

/** The kernel's random source for the handshake's secret. */
const RANDOM_SOURCE = "/dev/urandom";
const TOKEN_BYTES = 16;

/**
 * A new secret for the handshake: 16 bytes from the kernel's random source,
 * as hex. Read through the C library rather than Web Crypto, whose first use
 * loads Node's whole crypto module.
 */
export function newToken(): string {
  const c = platform.constants;
  const bytes = new Uint8Array(TOKEN_BYTES);
  const path = RANDOM_SOURCE;
  const fd = check(libc.open(cstr(path), c.O_RDONLY | c.O_CLOEXEC, 0), "open", { path });
  try {
    // /dev/urandom fills a read of this size at once.
    const n = Number(checkRetrying(() => libc.read(fd, bytes, bytes.length), "read", { path }));
    if (n !== bytes.length) throw new Error(`${path} gave ${n} bytes, not ${bytes.length}`);
  } finally {
    libc.close(fd);
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Reads and removes the daemon marker (libc environ and the runtime's copy),
 * or null in a process that is not a daemon.
 */
export function takeMarker(): Marker | null {
  const name = cstr(MARKER);
  const value = readCString(libc.getenv(name));
  if (value === null) return null;
  libc.unsetenv(name);
  forgetEnv(MARKER);
  const m = /^(\d{1,10}):([0-9a-f]{32}):(\d{1,10})$/.exec(value);
  if (!m) throw new Error(`${MARKER} is set but malformed: ${JSON.stringify(value.slice(0, 80))}`);
  return { fd: Number(m[1]), token: m[2], launcher: Number(m[3]) };
}

/** Reads an environment variable through the C library (Deno needs no --allow-env). */
function hasEnv(name: string): boolean {
  return readCString(libc.getenv(cstr(name))) !== null;
}

/** A `struct pollfd { int fd; short events, revents; }` for one fd. */
export function pollfdFor(fd: number, events: number): Int32Array<ArrayBuffer> {
  const pollfd = new Int32Array(2);
  pollfd[0] = fd;
  new Int16Array(pollfd.buffer)[2] = events;
  return pollfd;
}

/** prctl(PR_SET_PDEATHSIG) on Linux, a no-op elsewhere. */
function setParentDeathSignal(signum: number): void {
  if (platform.os === "linux" && libc.prctl) {
    checkRetrying(
      () => libc.prctl!(platform.constants.PR_SET_PDEATHSIG, BigInt(signum), 0n, 0n, 0n),
      "prctl",
    );
  }
}

/**
 * The daemon's end of the handshake: the launcher's pipe, recognized by its
 * identity (st_dev, st_ino) so that an fd the program closed and reused is
 * never written to.
 */
export class DaemonHandshake {
  readonly #marker: Marker;
  readonly #pipe: Identity = new Uint32Array(4);
  #open = true;
  /** Removes the listeners that send the program's uncaught errors to the launcher. */
  readonly #stopReporting: () => void;

  /**
   * Takes over the pipe named by `marker`, which must be open and a pipe.
   *
   * @param marker what {@linkcode takeMarker} returned
   */
  constructor(marker: Marker) {
    this.#marker = marker;
    const { F_SETFD, FD_CLOEXEC, S_IFMT, S_IFIFO } = platform.constants;
    let mode: number;
    try {
      mode = fdIdentity(marker.fd, this.#pipe);
    } catch (e) {
      throw new Error(`${MARKER} names fd ${marker.fd}, which is not open`, { cause: e });
    }
    if ((mode & S_IFMT) !== S_IFIFO) {
      throw new Error(`${MARKER} names fd ${marker.fd}, which is not the launcher's pipe`);
    }
    // posix_spawn's dup2 left it inheritable: a child started before ready would
    // keep the launcher waiting (no end of file when this daemon dies).
    libc.fcntl(marker.fd, F_SETFD, FD_CLOEXEC);
    this.#stopReporting = onUncaughtError((error) => this.#sendUncaught(error));
  }

  /** The launcher's pid. */
  get launcher(): number {
    return this.#marker.launcher;
  }

  /**
   * Until "ready", a launcher that dies (Ctrl-C, SIGTERM, SIGKILL, its
   * terminal hung up) takes the half-started daemon with it: sets the
   * parent-death signal to SIGTERM (Linux), and returns false when the
   * launcher is already gone (it died before the signal was set, so no
   * signal will come).
   * Changing user or group clears the signal: call it again after that.
   */
  tieToLauncher(): boolean {
    setParentDeathSignal(platform.signalNumbers.TERM);
    return libc.getppid() === this.#marker.launcher;
  }

  /**
   * Is the fd still the launcher's pipe? False once the program closed it
   * (and perhaps opened a file of its own on the same number).
   */
  isIntact(): boolean {
    if (!this.#open) return false;
    const now: Identity = new Uint32Array(4);
    try {
      fdIdentity(this.#marker.fd, now);
    } catch {
      return false; // closed
    }
    return now.every((word, i) => word === this.#pipe[i]);
  }

  /**
   * Tells the launcher the daemon is ready, and closes the pipe. With
   * `awaitLauncher`, returns once the launcher has exited (at most
   * {@linkcode LAUNCHER_EXIT_WAIT_MS}), as after a double fork: the daemon's
   * own start then does not take the CPU from the exit that the launcher's
   * caller waits for. Throws a DaemonError when the launcher cannot be told
   * (it is gone, or the program closed the pipe).
   */
  sendReady(awaitLauncher: boolean): void {
    if (!this.isIntact()) {
      this.#open = false;
      throw new DaemonError(
        `ERROR: fd ${this.#marker.fd}, the pipe to the launcher, was closed or replaced by ` +
          "the program before it was ready; the launcher has reported a failed start",
      );
    }
    // The launcher exits once it reads "ready": that must not stop the daemon.
    setParentDeathSignal(0);
    const launcher = awaitLauncher ? this.#openLauncherPidfd() : -1;
    try {
      this.#write(`R${this.#marker.token}\n`);
      if (launcher !== -1) {
        libc.poll(pollfdFor(launcher, platform.constants.POLLIN), 1, LAUNCHER_EXIT_WAIT_MS);
      } else if (awaitLauncher) this.#awaitLauncherWithoutPidfd();
    } catch (e) {
      throw new DaemonError(
        "ERROR: the launcher is gone (it gave up waiting?); this daemon was not announced",
        undefined,
        { cause: e },
      );
    } finally {
      this.close();
      if (launcher !== -1) libc.close(launcher);
    }
  }

  /** Sends a set-up failure to the launcher, if it can still be told; closes the pipe. */
  sendError(failure: DaemonError): void {
    try {
      if (this.isIntact()) {
        this.#write(
          `E${this.#marker.token} ${failureStatus(failure.exitCode)} ${
            JSON.stringify(failure.message)
          }\n`,
        );
      }
    } catch {
      // the launcher is gone
    }
    this.close();
  }

  /** Closes the pipe (the launcher then sees end of file), unless the program did. */
  close(): void {
    this.#stopReporting();
    if (this.isIntact()) libc.close(this.#marker.fd);
    this.#open = false;
  }

  /**
   * Tells the launcher what the program left uncaught before it was ready,
   * so that it can say why the daemon died even when its output is lost
   * (no logfile, or a full one). Not an answer: a program that handles the
   * error and becomes ready still starts.
   */
  #sendUncaught(error: unknown): void {
    try {
      if (this.isIntact()) {
        this.#write(`U${this.#marker.token} ${JSON.stringify(describeUncaught(error))}\n`);
      }
    } catch {
      // the launcher is gone; the runtime reports the error as it would have
    }
  }

  #write(text: string): void {
    const bytes = new TextEncoder().encode(text);
    for (let off = 0; off < bytes.length;) {
      const view = bytes.subarray(off);
      off += Number(
        checkRetrying(() => libc.write(this.#marker.fd, view, view.length), "write"),
      );
    }
  }

  /** A pidfd for the launcher, or -1 where there is none (no pidfd_open, or the test hook). */
  #openLauncherPidfd(): number {
    const pidfdOpen = libc.pidfd_open;
    if (!pidfdOpen || hasEnv(NO_PIDFD_HOOK)) return -1;
    return pidfdOpen(this.#marker.launcher, 0);
  }

  /**
   * Without pidfds (musl, Linux < 5.3): the pipe's write end reports POLLERR
   * once the launcher, its only reader, has closed its files on the way out;
   * the kernel re-parents this process a moment later, so wait for that too,
   * until getppid() no longer names the launcher.
   */
  #awaitLauncherWithoutPidfd(): void {
    const until = performance.now() + LAUNCHER_EXIT_WAIT_MS;
    if (platform.os === "linux") libc.poll(pollfdFor(this.#marker.fd, 0), 1, LAUNCHER_EXIT_WAIT_MS);
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (libc.getppid() === this.#marker.launcher && performance.now() < until) {
      Atomics.wait(nap, 0, 0, 0.2);
    }
  }
}

/** How much of an uncaught error's text the launcher is sent. */
const UNCAUGHT_CHARS = 500;

/** An uncaught error as one bounded line: `Name: message`, or the value quoted. */
function describeUncaught(error: unknown): string {
  try {
    if (error instanceof Error) return bounded(`${error.name}: ${error.message}`, UNCAUGHT_CHARS);
  } catch {
    // a name or message getter that throws: shown as a value
  }
  return quote(error, UNCAUGHT_CHARS);
}

/** What the daemon said, as the launcher reads it. */
export type Answer =
  | { readonly kind: "ready" }
  | { readonly kind: "error"; readonly exitCode: number; readonly message: string };

/** The launcher's end of the handshake: turns what it reads into the daemon's answer. */
export class LauncherHandshake {
  readonly #token: string;
  readonly #decoder = new TextDecoder();
  #text = "";
  #uncaught: string | null = null;

  /** @param token the secret the daemon must send back */
  constructor(token: string) {
    this.#token = token;
  }

  /**
   * The first error the daemon's program left uncaught before it was ready
   * (`Name: message`), or null: why it died, when its output is lost.
   */
  get uncaught(): string | null {
    return this.#uncaught;
  }

  /** Takes bytes read from the pipe; returns the daemon's answer once a whole line came. */
  consume(bytes: Uint8Array): Answer | null {
    this.#text += this.#decoder.decode(bytes, { stream: true });
    for (let nl: number; (nl = this.#text.indexOf("\n")) !== -1;) {
      const line = this.#text.slice(0, nl);
      this.#text = this.#text.slice(nl + 1);
      const answer = this.#parse(line);
      if (answer) return answer;
    }
    return null;
  }

  #parse(line: string): Answer | null {
    if (line === `R${this.#token}`) return { kind: "ready" };
    // `U<token> <JSON text>`: an uncaught error, noted; not an answer.
    const uncaught = `U${this.#token} `;
    if (line.startsWith(uncaught)) {
      this.#uncaught ??= jsonText(line.slice(uncaught.length));
      return null;
    }
    // `E<token> <code> <JSON message>`; the message may hold any character
    // but a newline (JSON.stringify leaves U+2028/U+2029 as they are).
    const prefix = `E${this.#token} `;
    if (!line.startsWith(prefix)) return null;
    const m = /^(\d{1,3}) (.*)$/s.exec(line.slice(prefix.length));
    if (!m) return null;
    return { kind: "error", exitCode: Number(m[1]), message: jsonText(m[2]) };
  }
}

/** The string a JSON text holds (the text itself when it is not JSON). */
function jsonText(text: string): string {
  try {
    return String(JSON.parse(text));
  } catch {
    return text;
  }
}
