/**
 * How posixly judges the file at a pidfile's path (internal): its identity
 * (device and inode), its contents, whether its process lives, and removing
 * exactly the inode that was judged stale.
 *
 * @module
 */
import { errno, libc, OSError, platform } from "../ffi/mod.ts";
import { PidfileError, type PidfileErrorReason } from "./pidfile_errors.ts";
import { processIsZombie, processStartTime } from "./process_start.ts";
import { fdIdentity, type Identity, pathExists, scratch } from "./file_identity.ts";
import { isDecimal, latin1 } from "./libc_file.ts";

export { fdIdentity, type Identity, pathExists };

const C = platform.constants;
const E = platform.errnoNumbers;
const ENOENT = E.ENOENT;
const EINTR = E.EINTR;
const ELOOP = E.ELOOP;
const ESRCH = E.ESRCH;
const EPERM = E.EPERM;
const EWOULDBLOCK = E.EWOULDBLOCK;

/** Attempts before giving up on a path that keeps changing. */
export const MAX_ATTEMPTS = 64;
/** Bytes of a pidfile that are read: the pid and start-time lines fit easily. */
const HEAD_SIZE = 64;

/** Flags for opening a pidfile to read or judge it. */
export const OPEN_READ: number = C.O_RDONLY | C.O_NOFOLLOW | C.O_CLOEXEC | C.O_NONBLOCK |
  C.O_NOCTTY;
/** An exclusive flock that does not wait. */
export const LOCK_TRY: number = C.LOCK_EX | C.LOCK_NB;

/** Does the path still name the file with identity `id`? */
export function pathNames(path: string, pathC: Uint8Array, id: Identity): boolean {
  return pathExists(path, pathC) && scratch[0] === id[0] && scratch[1] === id[1] &&
    scratch[2] === id[2] && scratch[3] === id[3];
}

function sameIdentity(a: Identity, b: Identity): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** This process's pid (it never changes: these runtimes cannot fork). */
let cachedPid = 0;
export function ownPid(): number {
  return cachedPid || (cachedPid = libc.getpid());
}

// --------------------------------------------------------- content and liveness

/** What a pidfile's first bytes say. */
export interface Contents {
  pid: number | null;
  start: number | null;
  /** Set when `pid` is null. */
  problem?: { reason: PidfileErrorReason; detail: string };
}

const headBytes = new Uint8Array(HEAD_SIZE);

export function readHead(fd: number, path: string): Uint8Array {
  let n = 0;
  while (n < HEAD_SIZE) {
    const r = Number(libc.read(fd, headBytes.subarray(n), HEAD_SIZE - n));
    if (r === -1) {
      const e = errno();
      if (e === EINTR) continue;
      throw new OSError(e, "read", { path });
    }
    if (r === 0) break;
    n += r;
  }
  return headBytes.subarray(0, n);
}

function shown(line: string): string {
  return JSON.stringify(line.length > 40 ? line.slice(0, 40) + "..." : line);
}

/** How posixly marks the start time on a pidfile's second line. */
export const START_KEY = "starttime=";

/** Parses `PID\n[starttime=N\n]`; never throws. */
export function parseContents(bytes: Uint8Array): Contents {
  if (bytes.length === 0) {
    return { pid: null, start: null, problem: { reason: "empty", detail: "the file is empty" } };
  }
  const text = latin1(bytes);
  const nl = text.indexOf("\n");
  if (nl < 0) {
    const detail = bytes.length >= HEAD_SIZE
      ? `no newline in its first ${HEAD_SIZE} bytes`
      : `no newline after ${shown(text)} (a partial write?)`;
    return { pid: null, start: null, problem: { reason: "partial", detail } };
  }
  const first = text.slice(0, nl).trim();
  const pid = isDecimal(first) ? Number(first) : NaN;
  if (!(pid > 0 && pid <= 0x7fffffff)) {
    return {
      pid: null,
      start: null,
      problem: {
        reason: "invalid",
        detail: `expected a positive decimal pid on the first line, got ${shown(first)}`,
      },
    };
  }
  // posixly's own files say `starttime=N` on line 2; a bare number there (another
  // tool's port, say) is not taken for a start time.
  const nl2 = text.indexOf("\n", nl + 1);
  const second = nl2 < 0 ? "" : text.slice(nl + 1, nl2).trim();
  const value = second.startsWith(START_KEY) ? second.slice(START_KEY.length) : "";
  const start = isDecimal(value) ? Number(value) : NaN;
  return { pid, start: Number.isSafeInteger(start) ? start : null };
}

/** Is `pid` (started at `start`, when known) a live process, and why. */
function liveness(pid: number, start: number | null): { alive: boolean; reason: string } {
  let reason = "process exists";
  if (libc.kill(pid, 0) === -1) {
    const e = errno();
    if (e === ESRCH) return { alive: false, reason: "no such process" };
    reason = e === EPERM
      ? "process exists (EPERM: another user's process)"
      : `kill(pid, 0) failed with errno ${e}; taken as alive`;
  }
  if (processIsZombie(pid)) {
    // kill(pid, 0) succeeds for an exited process that is not reaped yet.
    return { alive: false, reason: "the process has exited (a zombie, not yet reaped)" };
  }
  if (start !== null) {
    const actual = processStartTime(pid);
    if (actual !== null && actual !== start) {
      return { alive: false, reason: `the pid was reused (started at ${actual}, not ${start})` };
    }
  }
  return { alive: true, reason };
}

/** Judges a file nobody has locked by its contents. */
function judgeUnheld(contents: Contents, self: number): { alive: boolean; reason: string } {
  if (contents.pid === null) {
    return { alive: false, reason: `invalid contents: ${contents.problem?.detail}` };
  }
  if (contents.pid === self) return { alive: false, reason: "the pid is this process's own" };
  return liveness(contents.pid, contents.start);
}

// ------------------------------------------------------------------- judging

/** The identities of the files this process holds through Pidfile objects. */
export const heldHere = new Set<Identity>();

function heldByThisProcess(id: Identity): boolean {
  for (const held of heldHere) if (sameIdentity(held, id)) return true;
  return false;
}

export type Verdict =
  | { kind: "absent" }
  | { kind: "changed" }
  | { kind: "removed"; pid: number | null; reason: string }
  | { kind: "stale"; pid: number | null; reason: string }
  | { kind: "alive"; pid: number | null; reason: string; contested: boolean }
  | { kind: "unusable"; reason: string; error: Error };

export type Removal = "never" | "stale" | "unheld";

/** A pidfile path that names something other than a regular file (`what` it is). */
export function notRegularError(path: string, what: string, cause?: unknown): PidfileError {
  return new PidfileError(
    `pidfile ${path} is not a regular file (${what})`,
    path,
    "not-regular",
    cause,
  );
}

/**
 * The error for a failed open of a pidfile path: a symbolic link (ELOOP under
 * O_NOFOLLOW) and a UNIX socket (ENXIO) say what is there; anything else is the OSError.
 */
export function openError(path: string, e: number): Error {
  const error = new OSError(e, "open", { path });
  if (e === ELOOP) return symlinkError(path, error);
  if (e === E.ENXIO) return notRegularError(path, "a socket", error);
  return error;
}

export function symlinkError(path: string, cause?: unknown): PidfileError {
  return new PidfileError(
    `pidfile ${path} is a symbolic link: posixly does not follow links at a pidfile's path ` +
      "(O_NOFOLLOW); remove the link or use the real path",
    path,
    "symlink",
    cause,
  );
}

/**
 * Opens the file at the path, takes its flock if it can, and judges it.
 * With `removal` "stale" (or "unheld": any file nobody has locked) it unlinks
 * the judged inode while still holding its flock, after checking that the
 * path still names it.
 */
export function judge(path: string, pathC: Uint8Array, removal: Removal): Verdict {
  const self = ownPid();
  const fd = libc.open(pathC, OPEN_READ, 0);
  if (fd === -1) {
    const e = errno();
    if (e === ENOENT) return { kind: "absent" };
    const error = openError(path, e);
    if (e === ELOOP) return { kind: "unusable", reason: "symbolic link", error };
    if (e === E.ENXIO) return { kind: "unusable", reason: "not a regular file", error };
    return { kind: "unusable", reason: error.message, error };
  }
  try {
    const id: Identity = new Uint32Array(4);
    const mode = fdIdentity(fd, id);
    if ((mode & C.S_IFMT) !== C.S_IFREG) {
      const error = notRegularError(path, `mode 0o${mode.toString(8)}`);
      return { kind: "unusable", reason: "not a regular file", error };
    }
    if (libc.flock(fd, LOCK_TRY) === -1) {
      const e = errno();
      if (e !== EWOULDBLOCK) {
        const error = new OSError(e, "flock", { path });
        return { kind: "unusable", reason: error.message, error };
      }
      // Somebody holds it: alive, whatever its pid. But if the holder just
      // released it (unlinked, not yet closed), the path no longer names it.
      if (!pathNames(path, pathC, id)) return { kind: "changed" };
      const contents = parseContents(readHead(fd, path));
      const pid = contents.pid;
      // A holder wrote its own live pid. If the pid is not a live process, a
      // rival is probably judging a stale file right now: "contested".
      let contested = pid === null || !liveness(pid, contents.start).alive;
      if (pid === self) contested = !heldByThisProcess(id);
      return { kind: "alive", pid, reason: "flock held", contested };
    }
    // We hold its flock, so nobody else does, and no protocol-following
    // process can remove or replace it until we let go.
    if (!pathNames(path, pathC, id)) return { kind: "changed" };
    const contents = parseContents(readHead(fd, path));
    const { alive, reason } = judgeUnheld(contents, self);
    if (alive && removal !== "unheld") {
      return { kind: "alive", pid: contents.pid, reason, contested: false };
    }
    if (removal === "never") return { kind: "stale", pid: contents.pid, reason };
    // Check again right before unlinking (narrows the window for tools that
    // do not take the flock, such as Celery).
    if (!pathNames(path, pathC, id)) return { kind: "changed" };
    if (libc.unlink(pathC) === -1) {
      const e = errno();
      if (e === ENOENT) return { kind: "changed" };
      const error = new OSError(e, "unlink", { path });
      return { kind: "unusable", reason: error.message, error };
    }
    return { kind: "removed", pid: contents.pid, reason };
  } finally {
    libc.close(fd);
  }
}

export function judgeSettled(
  path: string,
  pathC: Uint8Array,
  removal: Removal,
): Exclude<Verdict, { kind: "changed" }> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const v = judge(path, pathC, removal);
    if (v.kind !== "changed") return v;
  }
  const error = new Error(`pidfile ${path} kept changing while it was being checked`);
  return { kind: "unusable", reason: error.message, error };
}
