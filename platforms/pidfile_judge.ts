/**
 * How posixly judges the file at a pidfile's path (internal): its identity
 * (device and inode), its contents, whether its process lives, and removing
 * exactly the inode that was judged stale.
 *
 * @module
 */
import { checkOrNull, checkRetrying, errno, libc, OSError, osError, platform } from "../ffi/mod.ts";
import { PidfileError, type PidfileErrorReason } from "./pidfile_errors.ts";
import { processIsZombie, processStartTime } from "./process_start.ts";
import { fdIdentity, type Identity, pathIdentity, sameIdentity } from "./file_identity.ts";
import { holdsPidfile } from "./held_pidfiles.ts";
import { latin1 } from "./libc_file.ts";
import { quote, shownPath } from "./quote.ts";
import { describePlantedLink, plantedLink } from "./protected_symlinks.ts";

export { fdIdentity, type Identity, pathIdentity };

const C = platform.constants;
const E = platform.errnoNumbers;
const ENOENT = E.ENOENT;
const ELOOP = E.ELOOP;
const ESRCH = E.ESRCH;
const EPERM = E.EPERM;
const EWOULDBLOCK = E.EWOULDBLOCK;

/** Attempts before giving up on a path that keeps changing. */
export const MAX_ATTEMPTS = 64;
/**
 * The largest file posixly takes for a pidfile, in bytes. Its own hold a pid
 * and a start time (under 64 bytes); Celery's, Go's and Docker's hold a pid;
 * other tools add a line or two (a port, a host name). A kilobyte leaves room
 * for all of those many times over, while a text file, a log or a database
 * that a mistyped path names is larger: such a file is refused, never removed
 * as "stale" (a 3 KB text file and a 100 MB file were, before).
 */
export const MAX_PIDFILE_SIZE = 1024;
/** Bytes read from a pidfile: one more than the largest, to tell a larger file. */
const HEAD_SIZE = MAX_PIDFILE_SIZE + 1;
/** lseek(2)'s SEEK_END: 2 on Linux, macOS and the BSDs. */
const SEEK_END = 2;

/** Flags for opening a pidfile to read or judge it. */
export const OPEN_READ: number = C.O_RDONLY | C.O_NOFOLLOW | C.O_CLOEXEC | C.O_NONBLOCK |
  C.O_NOCTTY;
/** An exclusive flock that does not wait. */
export const LOCK_TRY: number = C.LOCK_EX | C.LOCK_NB;

/** Does the path still name the file with identity `id`? */
export function pathNames(path: string, pathC: Uint8Array, id: Identity): boolean {
  const there = pathIdentity(path, pathC);
  return there !== null && sameIdentity(there, id);
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

/**
 * The first bytes of an open pidfile: all of it, or {@linkcode MAX_PIDFILE_SIZE}
 * + 1 bytes of a file too large to be one.
 */
export function readHead(fd: number, path: string): Uint8Array {
  let n = 0;
  while (n < HEAD_SIZE) {
    const rest = headBytes.subarray(n);
    const r = Number(checkRetrying(() => libc.read(fd, rest, rest.length), "read", { path }));
    if (r === 0) break;
    n += r;
  }
  return headBytes.subarray(0, n);
}

/** The error for a file at a pidfile's path that is too large to be one (open as `fd`). */
export function tooLargeError(path: string, fd: number): PidfileError {
  const size = Number(libc.lseek(fd, 0n, SEEK_END));
  const bytes = size > MAX_PIDFILE_SIZE ? `${size} bytes` : `over ${MAX_PIDFILE_SIZE} bytes`;
  return new PidfileError(
    `pidfile ${
      shownPath(path)
    } is not a pidfile: ${bytes}, more than the ${MAX_PIDFILE_SIZE} any pidfile ` +
      "needs; left untouched (check the path, or remove the file yourself)",
    path,
    "too-large",
  );
}

/** How posixly marks the start time on a pidfile's second line. */
export const START_KEY = "starttime=";

/** Parses `PID\n[starttime=N\n]`; never throws. */
export function parseContents(bytes: Uint8Array): Contents {
  if (bytes.length === 0) {
    return { pid: null, start: null, problem: { reason: "empty", detail: "the file is empty" } };
  }
  const text = latin1(bytes);
  // A pid without a newline, as Go programs and Docker write them, is a pid:
  // posixly's own files appear complete (see pidfile.ts), so none is partial.
  const nl = text.indexOf("\n");
  const first = (nl < 0 ? text : text.slice(0, nl)).trim();
  const pid = /^\d+$/.test(first) ? Number(first) : NaN;
  if (!(pid > 0 && pid <= 0x7fffffff)) {
    return {
      pid: null,
      start: null,
      problem: {
        reason: "invalid",
        detail: `expected a positive decimal pid on the first line, got ${quote(first, 40)}`,
      },
    };
  }
  // posixly's own files say `starttime=N` on line 2; a bare number there (another
  // tool's port, say) is not taken for a start time.
  const second = nl < 0 ? "" : text.slice(nl + 1).split("\n", 1)[0].trim();
  const value = second.startsWith(START_KEY) ? second.slice(START_KEY.length) : "";
  const start = /^\d+$/.test(value) ? Number(value) : NaN;
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
    `pidfile ${shownPath(path)} is not a regular file (${what})`,
    path,
    "not-regular",
    cause,
  );
}

/**
 * The error for a failed open of a pidfile path: a symbolic link (ELOOP under
 * O_NOFOLLOW) and a UNIX socket (ENXIO) say what is there; anything else is
 * the error itself.
 */
export function explainOpenError(path: string, error: unknown): unknown {
  if (!(error instanceof OSError)) return error;
  if (error.errno === ELOOP) return symlinkError(path, error);
  if (error.errno === E.ENXIO) return notRegularError(path, "a socket", error);
  return error;
}

/** The short reason an unusable verdict gives for `error`. */
function unusableReason(error: Error): string {
  if (!(error instanceof PidfileError)) return error.message;
  if (error.reason === "symlink") return "symbolic link";
  if (error.reason === "not-regular") return "not a regular file";
  return error.message;
}

type Unusable = Extract<Verdict, { kind: "unusable" }>;

function unusable(error: Error): Unusable {
  return { kind: "unusable", reason: unusableReason(error), error };
}

export function symlinkError(path: string, cause?: unknown): PidfileError {
  return new PidfileError(
    `pidfile ${
      shownPath(path)
    } is a symbolic link: posixly does not follow links at a pidfile's path ` +
      "(O_NOFOLLOW); remove the link or use the real path",
    path,
    "symlink",
    cause,
  );
}

/**
 * The error for a symbolic link on the pidfile's path that the kernel's
 * protected_symlinks rule does not let this process follow (one another user
 * may have planted in a sticky, world-writable directory such as /tmp), or
 * null when there is none (see protected_symlinks.ts).
 */
export function plantedLinkError(path: string): PidfileError | null {
  const planted = plantedLink(path);
  if (planted === null) return null;
  return new PidfileError(`pidfile ${describePlantedLink(path, planted)}`, path, "symlink");
}

/**
 * Opens the file at the path, takes its flock if it can, and judges it.
 * With `removal` "stale" (or "unheld": any file nobody has locked) it unlinks
 * the judged inode while still holding its flock, after checking that the
 * path still names it.
 */
export function judge(path: string, pathC: Uint8Array, removal: Removal): Verdict {
  const self = ownPid();
  let fd: number | null;
  try {
    fd = checkOrNull(libc.open(pathC, OPEN_READ, 0), "open", [ENOENT], { path });
  } catch (e) {
    return unusable(explainOpenError(path, e) as Error);
  }
  if (fd === null) return { kind: "absent" };
  try {
    const id: Identity = new Uint32Array(4);
    const mode = fdIdentity(fd, id);
    if ((mode & C.S_IFMT) !== C.S_IFREG) {
      return unusable(notRegularError(path, `mode 0o${mode.toString(8)}`));
    }
    if (libc.flock(fd, LOCK_TRY) === -1) {
      if (errno() !== EWOULDBLOCK) return unusable(osError("flock", { path }));
      // Somebody holds it: alive, whatever its pid. But if the holder just
      // released it (unlinked, not yet closed), the path no longer names it.
      if (!pathNames(path, pathC, id)) return { kind: "changed" };
      const head = readHead(fd, path);
      if (head.length > MAX_PIDFILE_SIZE) return unusable(tooLargeError(path, fd));
      const contents = parseContents(head);
      const pid = contents.pid;
      // A holder wrote its own live pid. If the pid is not a live process, a
      // rival is probably judging a stale file right now: "contested".
      let contested = pid === null || !liveness(pid, contents.start).alive;
      if (pid === self) contested = !holdsPidfile(id);
      return { kind: "alive", pid, reason: "flock held", contested };
    }
    // We hold its flock, so nobody else does, and no protocol-following
    // process can remove or replace it until we let go.
    if (!pathNames(path, pathC, id)) return { kind: "changed" };
    const head = readHead(fd, path);
    // Not a pidfile at all: neither judged nor removed, whatever `removal` says.
    if (head.length > MAX_PIDFILE_SIZE) return unusable(tooLargeError(path, fd));
    const contents = parseContents(head);
    const { alive, reason } = judgeUnheld(contents, self);
    if (alive && removal !== "unheld") {
      return { kind: "alive", pid: contents.pid, reason, contested: false };
    }
    if (removal === "never") return { kind: "stale", pid: contents.pid, reason };
    // Check again right before unlinking (narrows the window for tools that
    // do not take the flock, such as Celery).
    if (!pathNames(path, pathC, id)) return { kind: "changed" };
    try {
      if (checkOrNull(libc.unlink(pathC), "unlink", [ENOENT], { path }) === null) {
        return { kind: "changed" };
      }
    } catch (e) {
      return unusable(e as Error);
    }
    return { kind: "removed", pid: contents.pid, reason };
  } finally {
    libc.close(fd);
  }
}

/**
 * {@linkcode judge} until the path stops changing under it, after refusing
 * a planted link on the path ({@linkcode plantedLinkError}).
 */
export function judgeSettled(
  path: string,
  pathC: Uint8Array,
  removal: Removal,
): Exclude<Verdict, { kind: "changed" }> {
  const planted = plantedLinkError(path);
  if (planted) return { kind: "unusable", reason: planted.message, error: planted };
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const v = judge(path, pathC, removal);
    if (v.kind !== "changed") return v;
  }
  return unusable(
    new Error(`pidfile ${shownPath(path)} kept changing while it was being checked`),
  );
}
