/**
 * Which process a pidfile names, for `status`, `stop` and `signal`: only the
 * one that holds its lock (posixly's own pidfiles, held by the program), or,
 * in a pidfile nobody holds, a live pid whose start time is the one
 * recorded. A pid without that proof may have been reused: it is never
 * signalled.
 *
 * @module
 */
import { cstr, libc } from "../ffi/mod.ts";
import { Pidfile } from "../platforms/pidfile.ts";
import { type Contents, OPEN_READ, parseContents, readHead } from "../platforms/pidfile_judge.ts";
import { processStartTime } from "../platforms/process_start.ts";

/** What a pidfile says about its program. */
export type Target =
  /** Running as `pid`, started at `start` (clock ticks after boot; null when unknown). */
  | { readonly state: "running"; readonly pid: number; readonly start: number | null }
  /** Not running; the pidfile remains (`pid`: the one it records). */
  | { readonly state: "dead"; readonly pid: number | null }
  /** Not running; no pidfile. */
  | { readonly state: "stopped" }
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
    case "unusable":
      return { state: "unknown", pid: null, why: seen.reason };
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
      "it may be another process that got the same pid";
  return { state: "unknown", pid, why };
}
