/**
 * Which process a pidfile names, for `status`, `stop` and `signal`: only the
 * one that holds its lock (posixly's own pidfiles, held by the program), or,
 * in a pidfile nobody holds, a live pid whose start time is the one
 * recorded. A pid without that proof may have been reused: it is never
 * signalled.
 *
 * @module
 */
import { cstr, errno, libc, platform } from "../ffi/mod.ts";
import { fdIdentity, type Identity, statIdentity } from "../platforms/file_identity.ts";
import { isDecimal, latin1, readFileWithLibc } from "../platforms/libc_file.ts";
import { listDirWithLibc } from "../platforms/libc_dir.ts";
import { Pidfile } from "../platforms/pidfile.ts";
import {
  type Contents,
  OPEN_READ,
  ownPid,
  parseContents,
  readHead,
} from "../platforms/pidfile_judge.ts";
import { processIsZombie, processStartTime } from "../platforms/process_start.ts";
import { quote } from "./errors.ts";

/** What a pidfile says about its program. */
export type Target =
  /** Running as `pid`, started at `start` (clock ticks after boot; null when unknown). */
  | { readonly state: "running"; readonly pid: number; readonly start: number | null }
  /** Not running; the pidfile remains (`pid`: the one it records). */
  | { readonly state: "dead"; readonly pid: number | null }
  /**
   * Not running, but processes it started (`holders`) still run in its
   * process group, whose id is `pid`, and hold the pidfile's lock: what
   * `stop` stops, and what a new program has to wait for.
   */
  | { readonly state: "leftovers"; readonly pid: number; readonly holders: readonly number[] }
  /** Not running; no pidfile. */
  | { readonly state: "stopped" }
  /**
   * The path names no file a pidfile can be (a symbolic link, a directory):
   * `message` names `--pidfile` and what is there.
   */
  | { readonly state: "unusable"; readonly message: string }
  /** Cannot tell (an unreadable pidfile, or a live pid that may have been reused). */
  | { readonly state: "unknown"; readonly pid: number | null; readonly why: string };

/** What the file at `path` records (no pid and no start time when unreadable). */
function recorded(path: string): Contents {
  const fd = libc.open(cstr(path), OPEN_READ, 0);
  if (fd === -1) return { pid: null, start: null };
  try {
    return parseContents(readHead(fd, path));
  } finally {
    libc.close(fd);
  }
}

/** `st_mode`'s type of a directory (the same on Linux and macOS). */
const S_IFDIR = 0o040000;

/**
 * What is at `path` when it cannot be a pidfile ("is a symbolic link; ...",
 * "is a directory"), or null when it is a regular file or cannot be looked at.
 */
function notAFile(path: string): string | null {
  const fd = libc.open(cstr(path), OPEN_READ, 0);
  if (fd === -1) {
    // O_NOFOLLOW's error for a link; ENXIO: a socket, which no one can open.
    const e = errno();
    if (e === platform.errnoNumbers.ELOOP) return "is a symbolic link; give the file's own path";
    if (e === platform.errnoNumbers.ENXIO) return "is a socket, not a regular file";
    return null;
  }
  try {
    const kind = fdIdentity(fd, new Uint32Array(4)) & platform.constants.S_IFMT;
    if (kind === S_IFDIR) return "is a directory";
    return kind === platform.constants.S_IFREG ? null : "is not a regular file";
  } finally {
    libc.close(fd);
  }
}

/** Whether process `pid` no longer exists (kill(pid, 0) fails with ESRCH). */
function gone(pid: number): boolean {
  return libc.kill(pid, 0) === -1 && errno() === platform.errnoNumbers.ESRCH;
}

/**
 * Whether the process that wrote `pid` and `start` (its start time, when
 * recorded) still runs: the pid lives, is no zombie (a process that has
 * exited, not yet reaped by its parent) and started at `start`. Where /proc
 * shows no start time (macOS), only a pidfile without one can tell, by the
 * pid alone.
 */
function programRuns(pid: number, start: number | null, actual: number | null): boolean {
  if (actual === null) return start === null && !gone(pid);
  return !processIsZombie(pid) && (start === null || actual === start);
}

/** Whether /proc/PID/fdinfo/FD shows a flock on that descriptor. */
function holdsFlock(pid: number, fd: string): boolean {
  try {
    return /^lock:.*\bFLOCK\b/m.test(latin1(readFileWithLibc(`/proc/${pid}/fdinfo/${fd}`)));
  } catch {
    return false; // it closed the descriptor, or ended
  }
}

/**
 * The processes that hold the flock of the file `id`: those with a
 * descriptor on it whose /proc/PID/fdinfo shows the lock (this process
 * left out). Null where there is no /proc (macOS). Without root, another
 * user's processes stay unseen. Only a descriptor that holds a flock is
 * stat()ed (which reaches its file: one on a hung network mount would block).
 */
function lockHolders(id: Identity): number[] | null {
  if (platform.os !== "linux") return null;
  const holders: number[] = [];
  const seen: Identity = new Uint32Array(4);
  for (const name of listDirWithLibc("/proc", 16) ?? []) {
    const pid = Number(name);
    if (!isDecimal(name) || pid === ownPid()) continue;
    for (const fd of listDirWithLibc(`/proc/${pid}/fd`) ?? []) {
      if (!holdsFlock(pid, fd)) continue;
      const link = `/proc/${pid}/fd/${fd}`;
      if (statIdentity(link, cstr(link), seen) && seen.every((word, i) => word === id[i])) {
        holders.push(pid);
        break;
      }
    }
  }
  return holders;
}

/**
 * The state of a pidfile whose lock is held by processes other than its
 * program `pid`, which has ended: what the program left running, when every
 * holder is of its process group (a program posixly starts leads one, whose
 * id is its pid: no other process can get that pid while the group lives);
 * otherwise posixly cannot tell whose they are.
 */
function heldByOthers(path: string, pid: number): Target {
  const id: Identity = new Uint32Array(4);
  const holders = statIdentity(path, cstr(path), id) ? lockHolders(id) : null;
  if (holders !== null && holders.length > 0) {
    const others = holders.filter((holder) => libc.getpgid(holder) !== pid);
    if (others.length === 0) return { state: "leftovers", pid, holders };
    return {
      state: "unknown",
      pid,
      why: `its lock is held by ${pidList(others)}, outside the process group of pid ${pid}, ` +
        `which has ended: posixly does not signal ${others.length === 1 ? "it" : "them"} ` +
        `(see "ps -p ${others.join(",")}")`,
    };
  }
  return {
    state: "unknown",
    pid,
    why: `its lock is held, but not by pid ${pid}, which has ended, and posixly cannot see ` +
      `which process holds it (${holders === null ? "no /proc to look in" : "another user's?"})`,
  };
}

/** "pid 5" or "pids 5, 6". */
export function pidList(pids: readonly number[]): string {
  return `${pids.length === 1 ? "pid" : "pids"} ${pids.join(", ")}`;
}

/**
 * What a "leftovers" target is, in words: "pid 5 has ended, but what it
 * started in its process group (pid 6) still holds "/run/app.pid"" (`held`
 * names the pidfile: its quoted path, or "it").
 */
export function describeLeftovers(
  target: Extract<Target, { state: "leftovers" }>,
  held: string,
): string {
  return `pid ${target.pid} has ended, but what it started in its process group ` +
    `(${pidList(target.holders)}) still holds ${held}`;
}

/** The real uid of process `pid` (the "Uid:" line of /proc/PID/status), or null where unknown. */
function uidOf(pid: number): number | null {
  try {
    const uid = /^Uid:\s*(\d+)/m.exec(latin1(readFileWithLibc(`/proc/${pid}/status`)));
    return uid === null ? null : Number(uid[1]);
  } catch {
    return null; // no /proc (macOS), or it ended
  }
}

/**
 * The hint for a kill(2) that failed with `error`: for EPERM, that the
 * program runs as another user and who may signal it ("" for other errors).
 *
 * @param error the kill's error
 * @param pid the process it was sent to
 * @param command the command to run again ("stop", "signal")
 */
export function whyNotAllowed(error: { code: string }, pid: number, command: string): string {
  if (error.code !== "EPERM") return "";
  const uid = uidOf(pid);
  return `; pid ${pid} runs as another user${uid === null ? "" : ` (uid ${uid})`}: ` +
    `run posixly ${command} as root or as that user`;
}

/** The command that stops the program of `pidfile`, or what it left running. */
export function stopCommand(pidfile: string): string {
  return `posixly stop --pidfile ${quote(pidfile)}`;
}

/**
 * Looks at the pidfile at `path` (without changing it) and names the
 * process that may be signalled, if any.
 *
 * @param path the pidfile's absolute path
 * @returns the program's state
 */
export function findTarget(path: string): Target {
  const seen = new Pidfile(path).inspect();
  switch (seen.status) {
    case "absent":
      return { state: "stopped" };
    case "stale": {
      // A file that holds no pid is not a pidfile (a mistyped path: a config
      // file, the logfile): the command leaves it alone. An empty one is a
      // pidfile whose writer died before writing.
      const { problem } = recorded(path);
      if (problem?.reason === "invalid") {
        return { state: "unknown", pid: null, why: `not a pidfile: ${problem.detail}` };
      }
      return { state: "dead", pid: seen.pid };
    }
    case "unusable": {
      const what = notAFile(path);
      if (what !== null) return { state: "unusable", message: `--pidfile ${quote(path)} ${what}` };
      return { state: "unknown", pid: null, why: seen.reason };
    }
  }
  const { pid, start } = recorded(path);
  if (pid === null || pid !== seen.pid) {
    return { state: "unknown", pid: seen.pid, why: "the pidfile changed while it was read" };
  }
  const actual = processStartTime(pid);
  const runs = programRuns(pid, start, actual);
  if (seen.reason === "flock held") {
    if (runs) return { state: "running", pid, start: actual };
    // Only once pid is gone (or a zombie) can no other process have it, nor its group.
    if (actual === null ? gone(pid) : processIsZombie(pid)) return heldByOthers(path, pid);
    return {
      state: "unknown",
      pid,
      why: `its lock is held, and pid ${pid} runs but started at another time than the ` +
        "pidfile records: it is another process that got the same pid",
    };
  }
  if (runs && start !== null) return { state: "running", pid, start };
  return {
    state: "unknown",
    pid,
    why: `nobody holds its lock and it records no start time for pid ${pid}, which runs: ` +
      `it may be another process that got the same pid. If "ps -p ${pid}" shows your program, ` +
      `signal it yourself, or stop it ("kill ${pid}") and start it with posixly start, ` +
      "whose pidfile records its start time",
  };
}
