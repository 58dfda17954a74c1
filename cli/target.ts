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
import { fdIdentity } from "../platforms/file_identity.ts";
import { latin1, readFileWithLibc } from "../platforms/libc_file.ts";
import { Pidfile } from "../platforms/pidfile.ts";
import { type Contents, OPEN_READ, parseContents, readHead } from "../platforms/pidfile_judge.ts";
import { processStartTime } from "../platforms/process_start.ts";
import { quote } from "./errors.ts";

/** What a pidfile says about its program. */
export type Target =
  /** Running as `pid`, started at `start` (clock ticks after boot; null when unknown). */
  | { readonly state: "running"; readonly pid: number; readonly start: number | null }
  /** Not running; the pidfile remains (`pid`: the one it records). */
  | { readonly state: "dead"; readonly pid: number | null }
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
  const held = seen.reason === "flock held";
  if (held && (start === null || actual === start)) return { state: "running", pid, start: actual };
  if (!held && start !== null && actual === start) return { state: "running", pid, start };
  const why = held
    ? `its lock is held, but not by pid ${pid} (a child process that inherited it?)`
    : `nobody holds its lock and it records no start time for pid ${pid}, which runs: ` +
      `it may be another process that got the same pid. If "ps -p ${pid}" shows your program, ` +
      `signal it yourself, or stop it ("kill ${pid}") and start it with posixly start, ` +
      "whose pidfile records its start time";
  return { state: "unknown", pid, why };
}
