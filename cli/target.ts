/**
 * Which process a pidfile names, for `status`, `stop` and `signal`: only the
 * one that holds its lock (posixly's own pidfiles, held by the program), or,
 * in a pidfile nobody holds, a live pid whose start time is the one
 * recorded. A pid without that proof may have been reused, or written by
 * someone who wants another process signalled: it is never signalled.
 *
 * Whoever can write the file can write any pid in it, with that process's
 * start time (anyone can read it in /proc). So the pid written counts only
 * when the file's owner could signal that process itself (see
 * {@linkcode distrustedOwner}), and, while the lock is held, only when that
 * process (or its process group) is what holds it (see {@linkcode heldBy}).
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
import { pidList } from "../platforms/quote.ts";
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
  /**
   * Cannot tell (an unreadable pidfile, a live pid that may have been reused,
   * one that does not hold the lock that is held, or one that another user's
   * file names).
   */
  | { readonly state: "unknown"; readonly pid: number | null; readonly why: string };

/**
 * What the file at `path` records (no pid and no start time when
 * unreadable), with the file's identity and owner (null where unknown).
 */
interface Recorded extends Contents {
  readonly id: Identity | null;
  readonly owner: number | null;
}

const ST = platform.layouts.stat;

/** What the file at `path` records, and which file it is; see {@linkcode Recorded}. */
function recorded(path: string): Recorded {
  const fd = libc.open(cstr(path), OPEN_READ, 0);
  if (fd === -1) return { pid: null, start: null, id: null, owner: null };
  try {
    const contents = parseContents(readHead(fd, path));
    const id: Identity = new Uint32Array(4);
    fdIdentity(fd, id);
    // fstat again for st_uid (fdIdentity keeps only what identifies the file).
    const buf = new Uint8Array(ST.size);
    const owner = libc.fstat?.(fd, buf) === 0
      ? new DataView(buf.buffer).getUint32(ST.uid, true)
      : null;
    return { ...contents, id, owner };
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
export function lockHolders(id: Identity): number[] | null {
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
 * Whether process `pid` itself holds the flock of the file `id`: one of its
 * descriptors (/proc/PID/fd) is on that file and its /proc/PID/fdinfo shows
 * the lock, compared as {@linkcode lockHolders} does, in that one process
 * only. "unseen" when its descriptors cannot be looked at: no /proc
 * (macOS), or another user's process and no root (EACCES; also root without
 * CAP_SYS_PTRACE, in some containers).
 */
function holdsLock(pid: number, id: Identity): "yes" | "no" | "unseen" {
  if (platform.os !== "linux") return "unseen";
  const fds = listDirWithLibc(`/proc/${pid}/fd`);
  // A process that has ended holds nothing; one that runs has a descriptor table.
  if (fds === null) return gone(pid) ? "no" : "unseen";
  const seen: Identity = new Uint32Array(4);
  let unseen = false;
  for (const fd of fds) {
    let info: string;
    try {
      info = latin1(readFileWithLibc(`/proc/${pid}/fdinfo/${fd}`));
    } catch (e) {
      // ENOENT: it closed the descriptor meanwhile.
      if ((e as { code?: string }).code !== "ENOENT") unseen = true;
      continue;
    }
    if (!/^lock:.*\bFLOCK\b/m.test(info)) continue;
    const link = `/proc/${pid}/fd/${fd}`;
    if (!statIdentity(link, cstr(link), seen)) {
      if (errno() !== platform.errnoNumbers.ENOENT) unseen = true;
      continue;
    }
    if (seen.every((word, i) => word === id[i])) return "yes";
  }
  return unseen ? "unseen" : "no";
}

/**
 * The state of a pidfile whose lock is held while its pid `pid` runs,
 * started at `start` (as recorded): running when `pid` holds the lock, or
 * a process of its process group does (a child that inherited the lock's
 * descriptor from a program that has closed its own copy: the group whose
 * id is `pid` is one that `pid` made, and no process of another session can
 * join it). When the lock is provably someone else's,
 * the pid written in the file is not the program's: the program, or
 * whoever can write the file, wrote another process's pid there. Where
 * `pid`'s descriptors cannot be seen (another user's process, and posixly
 * is not root), the pid is taken at its word: posixly can then signal only
 * what the caller's own privileges allow.
 */
function heldBy(path: string, id: Identity, pid: number, start: number | null): Target {
  if (holdsLock(pid, id) !== "no") return { state: "running", pid, start };
  const holders = lockHolders(id) ?? [];
  if (holders.some((holder) => libc.getpgid(holder) === pid)) {
    return { state: "running", pid, start };
  }
  // It ended while posixly looked: what holds the lock is what it left, or someone else's.
  if (gone(pid) || processIsZombie(pid)) return heldByOthers(path, pid);
  const others = holders.filter((holder) => holder !== pid);
  return {
    state: "unknown",
    pid,
    why: others.length > 0
      ? `its lock is held by ${pidList(others)}, not by pid ${pid}, which it records, nor by ` +
        `its process group: posixly does not signal pid ${pid} ` +
        `(see "ps -p ${[pid, ...others].join(",")}")`
      : `its lock is held, but not by pid ${pid}, which it records, nor by its process group, ` +
        `and posixly cannot see which process holds it (another user's?): posixly does not ` +
        `signal pid ${pid}`,
  };
}

/** The real, effective and saved uids of process `pid` (/proc/PID/status), or null where unknown. */
function uidsOf(pid: number): number[] | null {
  try {
    const uids = /^Uid:\s*(\d+)\s+(\d+)\s+(\d+)/m.exec(
      latin1(readFileWithLibc(`/proc/${pid}/status`)),
    );
    return uids === null ? null : uids.slice(1).map(Number);
  } catch {
    return null; // no /proc (macOS), or it ended
  }
}

/**
 * Why the pid in a pidfile owned by `owner` is not taken at its word, or
 * null when it is: a file owned by neither root nor the caller (another
 * user's file, say one planted in a sticky directory such as /tmp) counts
 * only for a process of its owner, which that owner could signal itself.
 * posixly's own pidfiles belong to whoever ran `start` (root for a program
 * started with `--user`), who may signal its program.
 */
function distrustedOwner(owner: number | null, pid: number): string | null {
  if (owner === null || owner === 0 || owner === libc.geteuid()) return null;
  const uids = uidsOf(pid);
  if (uids === null || uids.includes(owner)) return null;
  return `the pidfile belongs to uid ${owner}, and pid ${pid}, which it records, runs as ` +
    `uid ${uids[0]}: posixly does not signal a process on the word of a file whose owner ` +
    `could not signal it (see "ps -p ${pid}")`;
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

/**
 * The processes that hold the flock of the pidfile at `path` (see
 * {@linkcode lockHolders}), or null when they cannot be seen: no /proc, or
 * no such file.
 */
export function pidfileHolders(path: string): number[] | null {
  const id: Identity = new Uint32Array(4);
  return statIdentity(path, cstr(path), id) ? lockHolders(id) : null;
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
  const uid = uidsOf(pid)?.[0] ?? null;
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
  const { pid, start, id, owner } = recorded(path);
  if (pid === null || pid !== seen.pid || id === null) {
    return { state: "unknown", pid: seen.pid, why: "the pidfile changed while it was read" };
  }
  const actual = processStartTime(pid);
  const runs = programRuns(pid, start, actual);
  const distrust = runs ? distrustedOwner(owner, pid) : null;
  if (distrust !== null) return { state: "unknown", pid, why: distrust };
  if (seen.reason === "flock held") {
    if (runs) return heldBy(path, id, pid, actual);
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
