/**
 * Waiting for processes and descriptors: poll(2) on pidfds (a descriptor
 * that turns readable when its process ends) and pipes, `waitpid` for the
 * launcher's own child, and the launcher's signals (Ctrl-C) while it waits.
 *
 * @module
 */
import { check, errno, libc, osError, platform } from "../ffi/mod.ts";
import { addSignalListener } from "../platforms/host.ts";
import { listDirWithLibc } from "../platforms/libc_dir.ts";
import { processIsZombie, processStartTime } from "../platforms/process_start.ts";
import { describeSignal } from "../platforms/signal_names.ts";

/** How often to look again where there is no pidfd (Linux < 5.3, macOS). */
const POLL_SLICE_MS = 5;

/** A pidfd for `pid`, or -1 where the system has none (or the process is gone). */
export function openPidfd(pid: number): number {
  const pidfdOpen = libc.pidfd_open;
  return pidfdOpen ? pidfdOpen(pid, 0) : -1;
}

/**
 * Sends `signal` to `pid` if it is still the process that started at
 * `start` (clock ticks, as /proc/PID/stat has it; null where the system
 * tells no start times, and then not checked). Where the system has
 * pidfds, the signal goes through one opened before the start time is
 * checked: a process that got the pid meanwhile is never signalled. Without
 * (Linux < 5.3, musl, macOS), kill(2) right after the check.
 *
 * @returns true when sent; false when that process has ended (its pid may
 *   be another's by now)
 * @throws {OSError} when it runs but cannot be signalled (EPERM)
 */
export function signalIfStill(pid: number, start: number | null, signal: number): boolean {
  const send = libc.pidfd_send_signal;
  const pidfd = send ? openPidfd(pid) : -1;
  try {
    if (processStartTime(pid) !== start) return false;
    const sent = pidfd >= 0 ? send!(pidfd, signal, null, 0) : libc.kill(pid, signal);
    if (sent === 0) return true;
    if (errno() === platform.errnoNumbers.ESRCH) return false;
    throw osError(pidfd >= 0 ? "pidfd_send_signal" : "kill");
  } finally {
    if (pidfd >= 0) libc.close(pidfd);
  }
}

/**
 * Blocks until one of `fds` is readable (or hung up), for at most `ms`
 * (a slice of it when `precise` is false: no pidfd to wake us). Returns
 * poll's result: how many are ready, 0 when the time ran out, -1 on a signal.
 * With `events` POLLOUT, it waits for room to write instead.
 */
export function pollFds(
  fds: readonly number[],
  ms: number,
  precise: boolean,
  events: number = platform.constants.POLLIN,
): number {
  const table = new Int32Array(Math.max(1, fds.length) * 2);
  const shorts = new Int16Array(table.buffer);
  fds.forEach((fd, i) => {
    table[i * 2] = fd;
    shorts[i * 4 + 2] = events;
  });
  const timeout = Math.max(0, Math.ceil(precise ? ms : Math.min(ms, POLL_SLICE_MS)));
  return libc.poll(table, fds.length, timeout);
}

/** How often a launcher's wait lets the event loop run, so that its signal listeners run. */
const LISTEN_EVERY_MS = 20;

/** The signal that interrupted the launcher, or null. */
let interruptedBy: string | null = null;

/** The signal (e.g. "SIGINT") that interrupted the launcher's waits, or null. */
export function interruption(): string | null {
  return interruptedBy;
}

/**
 * From now on SIGINT, SIGTERM and SIGHUP interrupt the waits of
 * {@linkcode pollFdsListening} (its callers then report them) instead of
 * ending this process at once: the launcher stops what it started first.
 */
export function interruptWaitsOnSignals(): void {
  for (const name of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    addSignalListener(name, () => {
      interruptedBy ??= name;
    });
  }
}

/**
 * {@linkcode pollFds} in slices: when nothing arrived, the event loop runs
 * a moment, so that the signal listeners of {@linkcode interruptWaitsOnSignals}
 * can see a signal (which also cuts the poll short).
 */
export async function pollFdsListening(
  fds: readonly number[],
  ms: number,
  precise: boolean,
  events: number = platform.constants.POLLIN,
): Promise<void> {
  if (pollFds(fds, Math.min(ms, LISTEN_EVERY_MS), precise, events) <= 0) {
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** The wait status of this process's child `pid` if it has ended (reaping it), else null. */
export function reapChild(pid: number): number | null {
  const status = new Int32Array(1);
  return libc.waitpid(pid, status, platform.constants.WNOHANG) === pid ? status[0] : null;
}

/** "exited with status 3" or "was killed by SIGTERM", from a wait status. */
export function describeWaitStatus(status: number): string {
  const signal = status & 0x7f;
  if (signal === 0) return `exited with status ${(status >> 8) & 0xff}`;
  return `was killed by ${describeSignal(signal)}`;
}

/** True while process `pid`, started at `start` (clock ticks), runs (zombies do not count). */
export function stillRuns(pid: number, start: number | null): boolean {
  if (platform.os !== "linux") return libc.kill(pid, 0) === 0; // no /proc: no start times either
  const now = processStartTime(pid);
  return now !== null && (start === null || now === start) && !processIsZombie(pid);
}

/**
 * True while a process of the process group `pgid` runs (zombies do not
 * count: an orphan that died may wait long for a PID 1 that does not reap).
 */
export function groupRuns(pgid: number): boolean {
  if (libc.kill(-pgid, 0) === -1) return false;
  if (platform.os !== "linux") return true; // no /proc to tell zombies apart
  for (const name of listDirWithLibc("/proc", 16) ?? []) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0 && libc.getpgid(pid) === pgid && !processIsZombie(pid)) {
      return true;
    }
  }
  return false;
}

/**
 * Sends `signal` to the process group `pgid`, or to the process `pgid` when
 * there is no such group. A program posixly starts leads its own session
 * and group (the spawn's setsid), whose id is its pid.
 */
export function signalGroup(pgid: number, signal: number): void {
  if (libc.kill(-pgid, signal) === -1) libc.kill(pgid, signal);
}

/** Waits until no process of group `pgid` runs, until `until` (a performance.now() time); true then. */
export function groupGone(pgid: number, until: number): boolean {
  while (groupRuns(pgid)) {
    if (performance.now() >= until) return false;
    pollFds([], 10, true);
  }
  return true;
}

/**
 * Stops what is left of process group `pgid` once its leader has ended (a
 * program's children, which may hold its pidfile's lock): `signal`, then
 * KILL `ms` later when `kill`. Only the group: a process that left it
 * (setsid, setpgid) is its own.
 *
 * @returns "none" when nothing was left, "ended" when it ended on `signal`,
 *   "killed" when it took KILL, "running" when it still runs
 */
export function stopGroupRest(
  pgid: number,
  signal: number,
  ms: number,
  kill: boolean,
): "none" | "ended" | "killed" | "running" {
  // The group only, never the process `pgid`: the leader is gone, and its pid may be another's.
  if (!groupRuns(pgid)) return "none";
  libc.kill(-pgid, signal);
  if (groupGone(pgid, performance.now() + ms)) return "ended";
  if (!kill) return "running";
  libc.kill(-pgid, platform.signalNumbers.KILL);
  return groupGone(pgid, performance.now() + 1000) ? "killed" : "running";
}

/**
 * Waits until process `pid` (not necessarily a child) has ended, for at
 * most `ms`; true when it has.
 */
export function waitForExit(pid: number, start: number | null, ms: number): boolean {
  const until = performance.now() + ms;
  const pidfd = openPidfd(pid);
  try {
    for (;;) {
      if (!stillRuns(pid, start)) return true;
      const left = until - performance.now();
      if (left <= 0) return false;
      pollFds(pidfd >= 0 ? [pidfd] : [], left, pidfd >= 0);
    }
  } finally {
    if (pidfd >= 0) libc.close(pidfd);
  }
}

/** Makes `fd` non-blocking. */
export function setNonBlocking(fd: number): void {
  const c = platform.constants;
  const flags = check(libc.fcntl(fd, c.F_GETFL, 0), "fcntl");
  check(libc.fcntl(fd, c.F_SETFL, flags | c.O_NONBLOCK), "fcntl");
}

/**
 * What a non-blocking `fd` has now: bytes (in `buf`), "eof", or null when
 * nothing has arrived yet.
 */
export function readSome(fd: number, buf: Uint8Array): Uint8Array | "eof" | null {
  const n = Number(libc.read(fd, buf, buf.length));
  if (n > 0) return buf.subarray(0, n);
  if (n === 0) return "eof";
  const e = errno();
  const { EAGAIN, EINTR } = platform.errnoNumbers;
  if (e === EAGAIN || e === EINTR) return null;
  throw osError("read");
}

/** A pipe, both ends close-on-exec: [read end, write end]. */
export function cloexecPipe(): [number, number] {
  const c = platform.constants;
  const ends = new Int32Array(2);
  if (libc.pipe2) check(libc.pipe2(ends, c.O_CLOEXEC), "pipe2");
  else {
    check(libc.pipe(ends), "pipe");
    for (const fd of ends) check(libc.fcntl(fd, c.F_SETFD, c.FD_CLOEXEC), "fcntl");
  }
  return [ends[0], ends[1]];
}
