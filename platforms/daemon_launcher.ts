/**
 * The launcher's side of `detached()` (internal): check everything that can
 * fail, spawn the program again as the daemon, wait for its answer, exit.
 *
 * @module
 */
import { check, checkOrNull, cstr, errno, libc, OSError, osError, platform } from "../ffi/mod.ts";
import { fdIdentity, type Identity, namesFile } from "./file_identity.ts";
import {
  addSignalListener,
  currentEnvironment,
  execPath,
  exit,
  pipeReader,
  removeSignalListener,
} from "./host.ts";
import { EX_CANTCREAT, EX_FAILURE, EX_USAGE } from "./exit_codes.ts";
import { openFds } from "./fds.ts";
import { Pidfile } from "./pidfile.ts";
import { parseGid, parseUid } from "./users.ts";
import { originalCommandLineBytes } from "./proctitle.ts";
import { becomeSubreaper, type DaemonProcess, stopAdoptedOrphans } from "./orphans.ts";
import { processStartTime } from "./process_start.ts";
import { posixSpawn, type SpawnFileAction } from "./spawn.ts";
import { pidList, shownPath } from "./quote.ts";
import { signals } from "./signals.ts";
import { DaemonError, exitWith } from "./daemon_error.ts";
import { openLogfile } from "./daemon_logfile.ts";
import {
  type Answer,
  LauncherHandshake,
  MARKER,
  markerValue,
  newToken,
  pollfdFor,
} from "./daemon_handshake.ts";
import { type DaemonSettings, sameFileMessage } from "./daemon_options.ts";

/** How long a daemon that was not ready in time has after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 2000;
/**
 * How often the launcher looks whether the daemon ended while the pipe stays
 * open (a child the program started before detached() may hold its write
 * end), where it cannot poll a pidfd of the daemon along with the pipe.
 */
const EXIT_CHECK_MS = 100;
/** The signals that make the launcher stop the daemon it is waiting for, then die. */
const STOP_SIGNALS = ["INT", "TERM", "HUP"] as const;
const SEEK_SET = 0;
const SEEK_END = 2;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function isAlive(pid: number): boolean {
  return libc.kill(pid, 0) === 0 || errno() === platform.errnoNumbers.EPERM;
}

/**
 * In the launcher: starts the daemon, waits until it is ready and exits 0, or
 * prints why it is not and exits non-zero. Never resolves.
 */
export async function launch(settings: DaemonSettings): Promise<never> {
  try {
    return await new Launcher(settings).run();
  } catch (e) {
    if (e instanceof DaemonError) exitWith(e);
    throw e;
  }
}

/**
 * The launcher's checks alone (fake mode: the same failures, exits and
 * messages as a real start, in this process).
 */
export function preflight(settings: DaemonSettings): void {
  const logFd = new Launcher(settings).preflight();
  if (logFd !== -1) libc.close(logFd);
}

class Launcher {
  readonly #settings: DaemonSettings;
  /** Where the daemon's output starts in the logfile. */
  #logStart = 0;
  /** The logfile the daemon got: its tail is shown only while the path still names it. */
  readonly #log: Identity = new Uint32Array(4);
  #pid = 0;
  /**
   * The daemon, when this launcher is a child subreaper: the processes of its
   * tree that are orphaned while the launcher waits become the launcher's
   * children, and a failed start stops them (null where it is not one).
   */
  #adoptsFrom: DaemonProcess | null = null;
  /** The daemon's wait status once the launcher reaped it. */
  #status: number | null = null;
  /** Set once a signal made the launcher stop the daemon: that path ends the process. */
  #interrupted: Promise<never> | null = null;
  /** What the daemon sent over the pipe so far, once it was started. */
  #handshake: LauncherHandshake | null = null;

  constructor(settings: DaemonSettings) {
    this.#settings = settings;
  }

  async run(): Promise<never> {
    const logFd = this.preflight();
    let token: string;
    let readFd: number;
    let writeFd: number;
    try {
      token = newToken();
      [readFd, writeFd] = this.#pipe();
    } catch (e) {
      // EMFILE, say: a failure to start, reported and exited on as the others
      // are, not an exception that leaves this process a launcher that started
      // nothing and can start nothing ("already starting a daemon").
      if (logFd !== -1) libc.close(logFd);
      throw new DaemonError(`ERROR: cannot start the daemon: ${(e as Error).message}`, EX_FAILURE, {
        cause: e,
      });
    }
    let answer: Answer | null;
    const subreaper = becomeSubreaper();
    try {
      this.#pid = this.#spawn(logFd, writeFd, token);
      if (subreaper) this.#adoptsFrom = { pid: this.#pid, start: processStartTime(this.#pid) };
    } finally {
      // Only the daemon may hold the write end, or the end of file never comes.
      libc.close(writeFd);
      if (logFd !== -1) libc.close(logFd);
    }
    const handshake = this.#handshake = new LauncherHandshake(token);
    const stopListeners = this.#stopOnSignals();
    try {
      try {
        answer = await this.#waitForAnswer(readFd, handshake);
      } finally {
        libc.close(readFd);
      }
      if (this.#interrupted) return await this.#interrupted;
      if (answer?.kind === "ready") exit(0);
      if (answer) {
        // It exits with its code on its own; a child it started must not outlive the failed start.
        await this.#reap(STOP_GRACE_MS);
        await this.#stop();
        const orphans = await this.#stopOrphans("the daemon");
        const also = orphans ? `\nThe launcher also ${orphans}.` : "";
        throw new DaemonError(answer.message + also, answer.exitCode);
      }
      return await this.#failStart();
    } catch (e) {
      // A signal's stop owns the exit (its own status), whatever failed meanwhile.
      if (this.#interrupted) return await this.#interrupted;
      throw e;
    } finally {
      stopListeners();
    }
  }

  /**
   * Until the daemon answered, SIGINT, SIGTERM and SIGHUP (Ctrl-C, kill, a
   * closed terminal) stop the daemon's process group, its children with it,
   * remove its pidfile and end the launcher by the same signal. Only signals
   * at their default action: one the program ignores (nohup) or handles
   * itself is left to it. Returns what removes the listeners.
   */
  #stopOnSignals(): () => void {
    const added: [string, () => void][] = [];
    for (const name of STOP_SIGNALS) {
      if (signals.get(name) !== "default") continue;
      const listener = (): void => {
        this.#interrupted ??= this.#stopAndDie(name);
      };
      addSignalListener(`SIG${name}`, listener);
      added.push([`SIG${name}`, listener]);
    }
    return () => {
      if (this.#interrupted) return; // the stop ends the process; a second signal waits for it
      for (const [signal, listener] of added) removeSignalListener(signal, listener);
    };
  }

  /** The launcher got `name`: stops the daemon and its group, then dies by that signal. */
  async #stopAndDie(name: (typeof STOP_SIGNALS)[number]): Promise<never> {
    try {
      await this.#stop();
      await this.#stopOrphans("it");
      this.#removeDeadDaemonsPidfile();
    } finally {
      const signum = platform.signalNumbers[name];
      signals.reset(name);
      libc.kill(libc.getpid(), signum);
      // The signal ends the process on its own thread: give it the time.
      await sleep(1000);
      exit(128 + signum);
    }
  }

  /**
   * Everything that can fail before detaching: the workdir, users, kept fds,
   * the logfile (opened here, created with the daemon's umask, and handed to
   * the daemon) and the pidfile. Returns the logfile's fd, or -1.
   */
  preflight(): number {
    const { workdir, keepFds, uid, gid, logfile, pidfile, umask } = this.#settings;
    const c = platform.constants;
    const dir = libc.open(cstr(workdir), c.O_RDONLY | c.O_DIRECTORY | c.O_CLOEXEC, 0);
    if (dir === -1) {
      const e = osError("open", { path: workdir });
      // shownPath: a 1 MB workdir (ENAMETOOLONG) must not make a 1 MB message.
      throw new DaemonError(`ERROR: workdir ${shownPath(workdir)} cannot be used: ${e.message}`);
    }
    libc.close(dir);
    for (const fd of keepFds) {
      if (libc.fcntl(fd, c.F_GETFD, 0) === -1) {
        throw new DaemonError(`ERROR: keepFds: fd ${fd} is not open (${osError("fcntl").code})`);
      }
    }
    try {
      if (uid !== null) parseUid(uid);
      if (gid !== null) parseGid(gid);
    } catch (e) {
      if (e instanceof Error && e.name === "LookupError") {
        throw new DaemonError(`ERROR: ${e.message}`, EX_FAILURE, { cause: e });
      }
      // The lookup itself failed (EIO from a directory service): a failed start too.
      if (e instanceof OSError) {
        throw new DaemonError(
          `ERROR: cannot look up the daemon's user or group: ${e.message}`,
          EX_FAILURE,
          {
            cause: e,
          },
        );
      }
      throw e;
    }
    if (pidfile !== null) {
      // Only a look: the daemon takes (and keeps) the lock, removing a stale file.
      const state = new Pidfile(pidfile).inspect();
      if (state.status === "alive") {
        throw new DaemonError(
          `ERROR: Pidfile (${pidfile}) already exists.\n` +
            `Seems we're already running? (pid: ${state.pid})`,
          EX_CANTCREAT,
        );
      }
      if (state.status === "unusable") {
        throw new DaemonError(`ERROR: cannot use the pidfile: ${state.reason}`, EX_CANTCREAT);
      }
    }
    if (logfile === null) return -1;
    const fd = openLogfile(logfile, umask);
    fdIdentity(fd, this.#log);
    // The same file by another name (a hard link, a linked directory).
    if (pidfile !== null && namesFile(pidfile, this.#log)) {
      libc.close(fd);
      throw new DaemonError(`ERROR: ${sameFileMessage(pidfile)}`, EX_USAGE);
    }
    this.#logStart = Math.max(0, Number(libc.lseek(fd, 0, SEEK_END)));
    return fd;
  }

  /** The handshake pipe: [read end (non-blocking), write end], both close-on-exec. */
  #pipe(): [number, number] {
    const c = platform.constants;
    const fds = new Int32Array(2);
    if (libc.pipe2) check(libc.pipe2(fds, c.O_CLOEXEC), "pipe2");
    else {
      check(libc.pipe(fds), "pipe");
      for (const fd of fds) libc.fcntl(fd, c.F_SETFD, c.FD_CLOEXEC);
    }
    const [readFd, writeFd] = fds;
    const flags = check(libc.fcntl(readFd, c.F_GETFL, 0), "fcntl");
    check(libc.fcntl(readFd, c.F_SETFL, flags | c.O_NONBLOCK), "fcntl");
    return [readFd, writeFd];
  }

  /** Spawns the program again as the daemon; returns its pid. */
  #spawn(logFd: number, writeFd: number, token: string): number {
    const { keepFds, umask } = this.#settings;
    const c = platform.constants;
    const kept = new Set(keepFds);
    let handshakeFd = 3;
    while (kept.has(handshakeFd)) handshakeFd++;
    const highest = keepFds.reduce((a, b) => Math.max(a, b), handshakeFd);
    // stdout and stderr first: the logfile's fd may be the number the pipe goes to.
    const actions: SpawnFileAction[] = [
      { open: 0, path: "/dev/null", flags: c.O_RDONLY },
      logFd === -1
        ? { open: 1, path: "/dev/null", flags: c.O_WRONLY | c.O_NOCTTY }
        : { dup2: [logFd, 1] },
      { dup2: [1, 2] },
      { dup2: [writeFd, handshakeFd] },
    ];
    // dup2 onto the same number clears close-on-exec (glibc 2.29+, POSIX 2024).
    for (const fd of keepFds) actions.push({ dup2: [fd, fd] });
    // Below the highest kept fd, close the others one by one: each number when
    // the range is short, else only the open ones (a kept fd may be in the millions).
    const isOther = (fd: number): boolean => fd !== handshakeFd && !kept.has(fd);
    if (highest - 3 <= 64) {
      for (let fd = 3; fd < highest; fd++) if (isOther(fd)) actions.push({ close: fd });
    } else {
      for (const fd of openFds()) {
        if (fd >= 3 && fd < highest && isOther(fd)) actions.push({ close: fd });
      }
    }
    actions.push({ closeFrom: highest + 1 });

    const env = currentEnvironment();
    env[MARKER] = markerValue({ fd: handshakeFd, token, launcher: libc.getpid() });
    const program = execPath();
    const oldUmask = libc.umask(umask);
    try {
      // The kernel's bytes: an argument that is not UTF-8 reaches the daemon unchanged.
      const [, ...args] = originalCommandLineBytes();
      return posixSpawn(program, {
        args: [program, ...args],
        env,
        fileActions: actions,
        setsid: true,
        defaultSignals: true,
        signalMask: [],
      });
    } catch (e) {
      throw new DaemonError(`ERROR: cannot start the daemon: ${(e as Error).message}`, EX_FAILURE, {
        cause: e,
      });
    } finally {
      libc.umask(oldUmask);
    }
  }

  /**
   * Reads the daemon's answer until it comes, the pipe ends (null) or the
   * time is up (then the daemon is stopped and this fails).
   */
  async #waitForAnswer(readFd: number, handshake: LauncherHandshake): Promise<Answer | null> {
    const started = performance.now();
    const left = (): number => this.#settings.timeoutMs - (performance.now() - started);
    // Bun: its own pipe reader, woken by its event loop. Deno: poll(2) on a
    // worker thread (FFI's nonblocking call), so "ready" is seen at once.
    const reader = pipeReader(readFd);
    if (reader) {
      // One read at a time: a read left pending when a timer won the race
      // would take the next chunk, and a new read would never see it.
      const read = (): Promise<Uint8Array | null> => {
        const next = reader.read();
        next.catch(() => {}); // raced below; left pending only when giving up
        return next;
      };
      let reading = read();
      for (;;) {
        if (left() <= 0) return await this.#timedOut();
        let timer: number | undefined;
        const timeout = new Promise<"timeout">((r) => {
          // Bounded by EXIT_CHECK_MS, which also keeps it below 2**31 - 1 ms
          // (setTimeout fires at once when asked for more).
          const ms = Math.min(Math.ceil(left()) + 1, EXIT_CHECK_MS);
          timer = setTimeout(() => r("timeout"), ms) as unknown as number;
        });
        let chunk: Uint8Array | null | "timeout";
        try {
          chunk = await Promise.race([reading, timeout]);
        } catch (e) {
          throw new DaemonError(`ERROR: reading from the daemon: ${String(e)}`);
        } finally {
          clearTimeout(timer);
        }
        if (chunk === "timeout") {
          // Ended while something else keeps the pipe open: what it wrote is in the pipe.
          if (this.#interrupted || this.#hasEnded()) return this.#drain(readFd, handshake);
          continue;
        }
        if (chunk === null) return null;
        const answer = handshake.consume(chunk);
        if (answer) return answer;
        reading = read();
      }
    }
    const buf = new Uint8Array(4096);
    const { POLLIN } = platform.constants;
    // The pipe, and a pidfd of the daemon (readable once it ended), where there is one.
    const pidfd = libc.pidfd_open ? libc.pidfd_open(this.#pid, 0) : -1;
    const pollfds = new Int32Array(4);
    pollfds.set(pollfdFor(readFd, POLLIN));
    pollfds.set(pollfdFor(pidfd, POLLIN), 2);
    const { EAGAIN, EINTR } = platform.errnoNumbers;
    try {
      for (;;) {
        // Before the read: what it wrote before it ended is read before giving up on it.
        const ended = this.#interrupted !== null || this.#hasEnded();
        let n: number | null;
        try {
          n = checkOrNull(Number(libc.read(readFd, buf, buf.length)), "read", [EAGAIN, EINTR]);
        } catch (e) {
          throw new DaemonError(`ERROR: reading from the daemon: ${(e as Error).message}`);
        }
        if (n === 0) return null;
        if (n !== null) {
          const answer = handshake.consume(buf.subarray(0, n));
          if (answer) return answer;
          continue;
        }
        if (ended) return null;
        if (left() <= 0) return await this.#timedOut();
        // At most a second at a time, so the timeout above is checked; without
        // a pidfd, EXIT_CHECK_MS, so that the daemon's end is seen.
        const wait = Math.min(pidfd === -1 ? EXIT_CHECK_MS : 1000, Math.ceil(left()) + 1);
        if (libc.poll_async) await libc.poll_async(pollfds, pidfd === -1 ? 1 : 2, wait);
        else await sleep(Math.min(wait, 5));
      }
    } finally {
      if (pidfd !== -1) libc.close(pidfd);
    }
  }

  /** Reads what is left in the pipe (non-blocking): the daemon's answer, or null. */
  #drain(readFd: number, handshake: LauncherHandshake): Answer | null {
    const buf = new Uint8Array(4096);
    for (;;) {
      const n = Number(libc.read(readFd, buf, buf.length));
      if (n <= 0) return null;
      const answer = handshake.consume(buf.subarray(0, n));
      if (answer) return answer;
    }
  }

  /** Has the daemon ended? Reaps it when it has (its status is kept). */
  #hasEnded(): boolean {
    if (this.#status !== null) return true;
    const status = new Int32Array(1);
    const r = libc.waitpid(this.#pid, status, platform.constants.WNOHANG);
    if (r === this.#pid) this.#status = status[0];
    // -1: no longer this process's child (the program reaped it): ended too.
    return r === this.#pid || r === -1;
  }

  /**
   * Sends `signum` to the daemon's process group (it is the group's leader, so
   * its pgid is its pid): the daemon and every child it started that did not
   * leave the group.
   */
  #signalGroup(signum: number): void {
    libc.kill(-this.#pid, signum);
  }

  /**
   * Stops the daemon's process group: SIGTERM, and SIGKILL if the daemon still
   * runs STOP_GRACE_MS later (its children in the group get both). Returns
   * what was done, or null when the daemon had ended before.
   */
  async #stop(): Promise<string | null> {
    const { TERM, KILL } = platform.signalNumbers;
    const until = performance.now() + STOP_GRACE_MS;
    const ended = this.#hasEnded();
    this.#signalGroup(TERM);
    if (!ended && await this.#reap(STOP_GRACE_MS) === null && isAlive(this.#pid)) {
      this.#signalGroup(KILL);
      await this.#reap(1000);
      return `sent it SIGTERM, and SIGKILL when it still ran ${STOP_GRACE_MS} ms later`;
    }
    // The daemon is gone: the rest of the group gets the rest of the grace.
    for (;;) {
      this.#reapGroup();
      if (performance.now() >= until || !isAlive(-this.#pid)) break;
      await sleep(5);
    }
    this.#signalGroup(KILL); // ESRCH when the group is empty
    return ended ? null : "sent it SIGTERM";
  }

  /**
   * Reaps the members of the daemon's group that ended and are this
   * launcher's children: a subreaper adopts the daemon's orphans, and the
   * group counts its zombies as members until they are reaped.
   */
  #reapGroup(): void {
    const status = new Int32Array(1);
    for (;;) {
      const r = libc.waitpid(-this.#pid, status, platform.constants.WNOHANG);
      if (r <= 0) return;
      if (r === this.#pid) this.#status = status[0];
    }
  }

  /**
   * Once the daemon's group is stopped: stops what the daemon started
   * outside it that was orphaned to this launcher (see platforms/orphans.ts).
   * Says what it did, naming the daemon `who` ("" when nothing).
   */
  async #stopOrphans(who: string): Promise<string> {
    if (this.#adoptsFrom === null) return "";
    const { terminated, killed, running } = await stopAdoptedOrphans(
      this.#adoptsFrom,
      STOP_GRACE_MS,
    );
    if (terminated.length === 0) return "";
    let what = `sent SIGTERM to ${pidList(terminated)}, which ${who} started outside its ` +
      "process group";
    if (killed.length > 0) what += `, and SIGKILL ${STOP_GRACE_MS} ms later to ${pidList(killed)}`;
    if (running.length > 0) {
      what += `; ${pidList(running)} still ${running.length === 1 ? "runs" : "run"}`;
    }
    return what;
  }

  /**
   * Stops the daemon and its process group (SIGTERM; SIGKILL if it still runs
   * after STOP_GRACE_MS) and fails; says how it ended if it had already.
   */
  async #timedOut(): Promise<never> {
    const pid = this.#pid;
    const stopped = await this.#stop();
    if (stopped === null) return await this.#failStart();
    const orphans = await this.#stopOrphans("it");
    this.#removeDeadDaemonsPidfile();
    throw new DaemonError(
      `ERROR: the daemon (pid ${pid}) was not ready within ${this.#settings.timeoutMs} ms; ` +
        `${stopped}${orphans && `; also ${orphans}`}.${this.#outputHint()}`,
    );
  }

  /**
   * The daemon ended the pipe without an answer: says how it ended, and fails.
   * A daemon that still runs is stopped, with its process group.
   */
  async #failStart(): Promise<never> {
    const pid = this.#pid;
    const status = await this.#reap(200);
    const ended = status === null ? null : describeStatus(status);
    let what: string;
    if (ended) what = `${ended.text} before it was ready`;
    else if (isAlive(pid)) {
      what = "closed the pipe to the launcher without becoming ready";
    } else what = "ended before it was ready";
    // A daemon that still runs, and the children it started, in its process group.
    const stopped = await this.#stop();
    if (stopped !== null) what += `; ${stopped}`;
    const orphans = await this.#stopOrphans("it");
    if (orphans) what += `; also ${orphans}`;
    this.#removeDeadDaemonsPidfile();
    throw new DaemonError(
      `ERROR: the daemon (pid ${pid}) ${what}.${this.#outputHint()}`,
      ended?.code,
    );
  }

  /**
   * The daemon died before it was ready, perhaps without removing its pidfile
   * (an uncaught error skips Deno's exit hooks; SIGKILL skips everyone's):
   * removes the file when it still names that daemon and nobody holds its lock.
   */
  #removeDeadDaemonsPidfile(): void {
    const { pidfile } = this.#settings;
    if (pidfile === null) return;
    try {
      const lock = new Pidfile(pidfile);
      if (lock.inspect().pid === this.#pid) lock.removeIfStale();
    } catch {
      // unusable now: the daemon's own failure is the one to report
    }
  }

  /**
   * Reaps the daemon once it ends: its wait status, or null when it still runs
   * after `ms` (or is no longer this process's child).
   */
  async #reap(ms: number): Promise<number | null> {
    if (this.#status !== null) return this.#status;
    const status = new Int32Array(1);
    const until = performance.now() + ms;
    for (;;) {
      const r = libc.waitpid(this.#pid, status, platform.constants.WNOHANG);
      if (r === this.#pid) return this.#status = status[0];
      if (r === -1 || performance.now() >= until) return null;
      await sleep(2);
    }
  }

  /**
   * What is known of why the daemon failed: the error its program left
   * uncaught, if any, and where its output went, with its last lines.
   */
  #outputHint(): string {
    // Sent over the pipe: known even where the output is lost (no logfile, a full disk).
    const uncaught = this.#handshake?.uncaught ?? null;
    const threw = uncaught === null ? "" : `\nIt left an error uncaught: ${uncaught}`;
    return threw + this.#whereOutputWent(uncaught === null ? "why" : "more");
  }

  #whereOutputWent(toSee: string): string {
    const { logfile } = this.#settings;
    if (logfile === null) return `\nIts output went to /dev/null: set a logfile to see ${toSee}.`;
    let tail = "";
    try {
      tail = readTail(logfile, this.#log, this.#logStart, 2048).trimEnd();
    } catch {
      // unreadable now: the path is still worth printing
    }
    return `\nIts output is in ${logfile}` + (tail ? `; it ends with:\n${tail}` : ".");
  }
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

/**
 * Up to `max` last bytes of the file `path` names from offset `from` on, when
 * it is still the file `identity` (a FIFO has none).
 */
function readTail(path: string, identity: Identity, from: number, max: number): string {
  const c = platform.constants;
  const flags = c.O_RDONLY | c.O_CLOEXEC | c.O_NONBLOCK;
  const fd = check(libc.open(cstr(path), flags, 0), "open", { path });
  try {
    const now: Identity = new Uint32Array(4);
    fdIdentity(fd, now);
    if (!now.every((word, i) => word === identity[i])) return "";
    const end = Number(libc.lseek(fd, 0, SEEK_END));
    const start = Math.max(from, end - max);
    if (end <= start) return "";
    check(libc.lseek(fd, start, SEEK_SET), "lseek", { path });
    const buf = new Uint8Array(end - start);
    const n = Number(check(libc.read(fd, buf, buf.length), "read", { path }));
    return new TextDecoder().decode(buf.subarray(0, n));
  } finally {
    libc.close(fd);
  }
}
