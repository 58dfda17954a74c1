/**
 * What a failed start leaves outside the daemon's process group (internal).
 *
 * A launcher stops a daemon that failed by signalling its process group. A
 * process the daemon started that left the group (`setsid`, a `detached:
 * true` child) is not reached, and once its parent is gone it is an orphan.
 * On Linux a launcher that is a child subreaper (`PR_SET_CHILD_SUBREAPER`)
 * becomes the parent of every such orphan of the daemon's tree while it
 * waits, instead of init: after a failure it finds them by their parent
 * (field 4 of `/proc/PID/stat`) and stops them. Where the subreaper cannot
 * be had (macOS, Linux before 3.4), nothing changes.
 *
 * @module
 */
import { libc, platform } from "../ffi/mod.ts";
import { listDirWithLibc } from "./libc_dir.ts";
import { isDecimal, latin1, readFileWithLibc } from "./libc_file.ts";
import { fieldsAfterName, readProcStat } from "./proc_stat.ts";

/**
 * How many times the launcher looks for orphans: stopping one orphans its
 * own children, which then come to the launcher.
 */
const ROUNDS = 5;
/** How long to wait for orphans that got SIGKILL. */
const AFTER_KILL_MS = 1000;
/** How often to look whether the orphans that got a signal have ended. */
const CHECK_EVERY_MS = 5;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Makes this process a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`,
 * Linux 3.4 and later): from now on, a process of its descendants whose
 * parent ends is re-parented to this process instead of init. The setting
 * ends with the process; its children do not inherit it.
 *
 * @returns true when this process is one now; false where the platform has
 *   no such feature or the call failed
 */
export function becomeSubreaper(): boolean {
  const prctl = libc.prctl;
  if (platform.os !== "linux" || prctl === null) return false;
  return prctl(platform.constants.PR_SET_CHILD_SUBREAPER, 1n, 0n, 0n, 0n) === 0;
}

/** The daemon whose orphans are looked for: its pid, and its start time (clock ticks). */
export interface DaemonProcess {
  readonly pid: number;
  readonly start: number | null;
}

/** What {@linkcode stopAdoptedOrphans} did, each list in the order of the pids it found. */
export interface StoppedOrphans {
  /** The orphans that got SIGTERM (all it stopped). */
  readonly terminated: readonly number[];
  /** Those of them that still ran after the grace and got SIGKILL. */
  readonly killed: readonly number[];
  /** Those that still run even so (or could not be signalled). */
  readonly running: readonly number[];
}

/** A process whose parent is this one. */
interface Child {
  readonly pid: number;
  readonly ended: boolean;
}

/**
 * Whether process `pid`, which started at `start` (clock ticks), started
 * after `daemon`. Within the daemon's own tick, by the order in which the
 * kernel handed out the two pids: upwards from the daemon's, starting again
 * low past pid_max (a tick is far too short for the count to come round).
 */
function startedAfter(pid: number, start: number, daemon: DaemonProcess, pidMax: number): boolean {
  if (start !== daemon.start) return start > daemon.start!;
  return (pid - daemon.pid + pidMax) % pidMax < pidMax / 2;
}

/** The kernel's pid_max: pids go up to it, less one, then start again low. */
function pidMax(): number {
  try {
    const text = latin1(readFileWithLibc("/proc/sys/kernel/pid_max")).trim();
    if (isDecimal(text)) return Number(text);
  } catch {
    // no /proc/sys in this mount namespace: the kernel's largest below
  }
  return 2 ** 22;
}

/** This process's children that started after `daemon` did (from /proc), but `daemon`. */
function adoptedChildren(daemon: DaemonProcess): Child[] {
  if (daemon.start === null) return []; // no start times: nothing tells them from our own
  const self = libc.getpid();
  const max = pidMax();
  const found: Child[] = [];
  for (const name of listDirWithLibc("/proc", 16) ?? []) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0 || pid === daemon.pid) continue;
    const stat = readProcStat(pid);
    if (stat === null) continue; // ended meanwhile
    const fields = fieldsAfterName(stat);
    // The daemon's descendants started after it; a child that this process
    // started before the daemon is its own, not an orphan of the daemon.
    if (Number(fields[1]) !== self || !startedAfter(pid, Number(fields[19]), daemon, max)) continue;
    found.push({ pid, ended: fields[0] === "Z" || fields[0] === "X" });
  }
  return found;
}

/** Reaps the child `pid` if it has ended: true then (or when it is no longer a child). */
function reaped(pid: number): boolean {
  const status = new Int32Array(1);
  const r = libc.waitpid(pid, status, platform.constants.WNOHANG);
  return r === pid || r === -1;
}

/** Waits until each of `pids` has ended (reaping it), for at most `ms`; those left. */
async function awaitEnds(pids: readonly number[], ms: number): Promise<number[]> {
  const until = performance.now() + ms;
  let left = pids.filter((pid) => !reaped(pid));
  while (left.length > 0 && performance.now() < until) {
    await sleep(CHECK_EVERY_MS);
    left = left.filter((pid) => !reaped(pid));
  }
  return left;
}

/**
 * In a launcher made a subreaper by {@linkcode becomeSubreaper} before it
 * started `daemon`, once the daemon's process group has been stopped: stops
 * the processes of the daemon's tree that were re-parented to this one,
 * which are outside that group (SIGTERM, SIGKILL to those that still run
 * `graceMs` later), and reaps them, so that no orphan and no zombie is left.
 * It looks again until it finds none (at most a few times): an orphan it
 * stops may leave orphans of its own. Those that had ended are only reaped.
 *
 * Taken for the daemon's: every child of this process that started after the
 * daemon (but the daemon, which the caller reaps), and what the daemon's
 * process group still holds is left to the caller's stop. A child this
 * process started itself while it waited would be taken as well.
 *
 * @param daemon the daemon's pid and start time (from `/proc`; null stops nothing)
 * @param graceMs how long the orphans have between SIGTERM and SIGKILL
 * @returns the pids it signalled
 */
export async function stopAdoptedOrphans(
  daemon: DaemonProcess,
  graceMs: number,
): Promise<StoppedOrphans> {
  const { KILL, TERM } = platform.signalNumbers;
  const terminated: number[] = [];
  const killed: number[] = [];
  const running: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const children = adoptedChildren(daemon);
    for (const child of children) if (child.ended) reaped(child.pid);
    // Members of the daemon's group got the group's signals already; one
    // that outlived SIGKILL is not signalled again.
    const orphans = children
      .filter((child) => !child.ended && libc.getpgid(child.pid) !== daemon.pid)
      .map((child) => child.pid)
      .filter((pid) => !running.includes(pid));
    if (orphans.length === 0) break;
    for (const pid of orphans) libc.kill(pid, TERM);
    terminated.push(...orphans);
    const stubborn = await awaitEnds(orphans, graceMs);
    if (stubborn.length === 0) continue;
    for (const pid of stubborn) libc.kill(pid, KILL);
    killed.push(...stubborn);
    running.push(...await awaitEnds(stubborn, AFTER_KILL_MS));
  }
  return { terminated, killed, running };
}
