/**
 * File descriptor helpers: the fd limit, open fds, closing them, finding fds
 * by path, isatty.
 *
 * @module
 */
import { checkOrNull, cstr, errno, libc, platform, raiseErrno } from "../ffi/mod.ts";
import { fdIdentity, type Identity, statIdentity } from "./file_identity.ts";
import { heldPidfileFds } from "./held_pidfiles.ts";
import { denoCacheDir, isDeno, isNode, nodeFs } from "./host.ts";
import { listDirWithLibc } from "./libc_dir.ts";
import { quote, SHOWN_PATH_CHARS } from "./quote.ts";

const E = platform.errnoNumbers;
/** What isatty(3) leaves in errno for an fd that is no terminal (EINVAL on some systems). */
const NOT_A_TTY: ReadonlySet<number> = new Set([E.ENOTTY, E.EBADF, E.EINVAL]);

/**
 * `fd` checked to be a descriptor number, as the C library takes it: -0 is
 * taken for 0 (Deno's and Node's FFI refuse -0 for a C int).
 */
function fdArgument(fd: number, what = "fd"): number {
  if (!Number.isInteger(fd) || fd < 0 || fd > 0x7fffffff) {
    throw new TypeError(`${what} must be a non-negative integer, got ${typeof fd} ${quote(fd)}`);
  }
  return fd + 0; // -0 + 0 is 0
}

/**
 * The highest number of open files (the soft RLIMIT_NOFILE; `sysconf` as a
 * fallback), or `defaultValue` when it is unlimited.
 *
 * @example The fd limit
 * ```ts
 * import { getFdmax } from "@posixly/posixly";
 * console.log(getFdmax(2048));
 * ```
 */
export function getFdmax(): number | null;
/**
 * The highest number of open files, or `defaultValue` when it is unlimited.
 *
 * @example The fd limit, or a default when unlimited
 * ```ts
 * import { getFdmax } from "@posixly/posixly";
 * console.log(getFdmax(2048));
 * ```
 */
export function getFdmax<D>(defaultValue: D): number | D;
export function getFdmax(defaultValue: unknown = null): unknown {
  const { rlimit } = platform.layouts;
  const buf = new BigUint64Array(rlimit.size / 8);
  if (libc.getrlimit(platform.constants.RLIMIT_NOFILE, buf) === 0) {
    const cur = buf[rlimit.cur / 8];
    if (cur === platform.constants.RLIM_INFINITY) return defaultValue;
    return Number(cur);
  }
  const n = Number(libc.sysconf(platform.constants._SC_OPEN_MAX));
  return n < 0 ? defaultValue : n;
}

/**
 * The file descriptors open in this process now, ascending (from
 * `/proc/self/fd` or `/dev/fd`; without either, by probing up to the limit).
 *
 * @example List open fds
 * ```ts
 * import { openFds } from "@posixly/posixly";
 * console.log(openFds()); // [0, 1, 2, ...]
 * ```
 */
export function openFds(): number[] {
  const viaLibc = platform.os === "linux" ? listFdsWithLibc() : null;
  if (viaLibc) return viaLibc;
  for (const dir of ["/proc/self/fd", "/dev/fd"]) {
    let names: string[];
    try {
      names = nodeFs().readdirSync(dir);
    } catch {
      continue;
    }
    // The directory listing had an fd of its own, closed by now: drop it.
    const fds = names.map(Number).filter((n) => Number.isInteger(n) && isOpen(n));
    return fds.sort((a, b) => a - b);
  }
  return probeFds(Math.min(getFdmax(65536), 65536));
}

// Lists /proc/self/fd through libc: Deno's node:fs wants --allow-all for /proc/self.
// The listing's own fd is among them, closed by now: `onlyOpen` drops it.
function listFdsWithLibc(onlyOpen = true): number[] | null {
  const names = listDirWithLibc("/proc/self/fd", 16);
  if (names === null) return null;
  const fds = names.map(Number).filter((fd) => Number.isInteger(fd));
  return (onlyOpen ? fds.filter(isOpen) : fds).sort((a, b) => a - b);
}

function isOpen(fd: number): boolean {
  return libc.fcntl(fd, platform.constants.F_GETFD, 0) !== -1;
}

/**
 * The identities (`dev:ino`) of the files in Deno's cache directory, which
 * Deno opens at start and keeps open: found once per process.
 */
let denoCacheFiles: ReadonlySet<string> | undefined;

function findDenoCacheFiles(): ReadonlySet<string> {
  const found = new Set<string>();
  const dir = denoCacheDir();
  if (dir === null) return found;
  const id: Identity = new Uint32Array(4);
  for (const name of listDirWithLibc(dir) ?? []) {
    const path = `${dir}/${name}`;
    if (statIdentity(path, cstr(path), id)) found.add(id.join(":"));
  }
  return found;
}

/** libuv's reserve descriptor in Node (for running out of fds): /dev/null, or / without it. */
const LIBUV_RESERVES = ["/dev/null", "/"];

/**
 * The runtime's own descriptors among `listed` (see {@linkcode closeOpenFds});
 * Deno's caches and libuv's reserve can only be found by their identity, and
 * libuv's pipes by both of their ends being open here.
 */
function runtimeFds(listed: readonly number[]): number[] {
  const { S_IFIFO, S_IFSOCK } = platform.constants;
  const id: Identity = new Uint32Array(4);
  const kinds = new Map<number, { type: number; key: string }>();
  for (const fd of listed) {
    try {
      const type = fdIdentity(fd, id) & platform.constants.S_IFMT;
      kinds.set(fd, { type, key: id.join(":") });
    } catch {
      // closed meanwhile (the listing's own fd)
    }
  }
  const closeOnExec = (fd: number): boolean =>
    (libc.fcntl(fd, platform.constants.F_GETFD, 0) & platform.constants.FD_CLOEXEC) !== 0;
  const cacheFiles = denoCacheFiles ??= findDenoCacheFiles();
  const reserves = new Set<string>();
  const pipeEnds = new Map<string, number>();
  if (isNode) {
    for (const path of LIBUV_RESERVES) {
      if (statIdentity(path, cstr(path), id)) reserves.add(id.join(":"));
    }
    for (const { type, key } of kinds.values()) {
      if (type === S_IFIFO) pipeEnds.set(key, (pipeEnds.get(key) ?? 0) + 1);
    }
  }
  const ownedByRuntime = (fd: number, { type, key }: { type: number; key: string }): boolean => {
    if (type === 0) return true; // an anonymous inode: epoll, io_uring, eventfd, timerfd, signalfd
    if (isDeno) {
      if (type === S_IFSOCK || type === S_IFIFO) return closeOnExec(fd);
      return type === platform.constants.S_IFREG && cacheFiles.has(key);
    }
    if (isNode) {
      if (type === S_IFIFO) return pipeEnds.get(key)! > 1;
      return fd > 2 && reserves.has(key);
    }
    return false;
  };
  return [...kinds].filter(([fd, kind]) => ownedByRuntime(fd, kind)).map(([fd]) => fd);
}

function probeFds(limit: number): number[] {
  const fds: number[] = [];
  for (let fd = 0; fd < limit; fd++) if (isOpen(fd)) fds.push(fd);
  return fds;
}

/**
 * Closes every open file descriptor that is not in `keep` and is not the
 * runtime's own, in time that grows with the number of OPEN fds, not with
 * the fd limit: `close_range(2)` over the gaps between kept fds where the
 * kernel has it (Linux 5.9+), else one close per listed fd. Celery walks the
 * whole limit. Standard input, output and error (0-2) are closed unless kept,
 * as Celery does.
 *
 * The runtime's own descriptors are always kept, named in `keep` or not:
 * closing them hangs Deno, aborts Node or breaks their event loops. They
 * are, in every runtime, the event loops' anonymous inodes (epoll, io_uring,
 * eventfd, timerfd, signalfd); in Deno also the close-on-exec sockets and
 * pipes (its internal channels, and connections it manages for the program)
 * and the files in its cache directory (`DENO_DIR`: SQLite caches it keeps
 * open); in Node also the pipes whose two ends are both open in the process
 * (libuv's signal pipes: Node aborts when they are gone; its child
 * processes' pipes are sockets) and any descriptor of /dev/null or / above 2
 * (libuv's reserve for running out of fds, which it would otherwise close
 * again later under a reused number). Inherited descriptors are closed:
 * Deno leaves them without close-on-exec, and Node, which marks them
 * close-on-exec at start (as Bun does above 2), holds one end of an
 * inherited pipe (an inherited /dev/null above 2 stays open in Node; it
 * holds nothing).
 *
 * The descriptors of the pidfile locks this process holds (a `Pidfile`
 * between `acquire()` and `release()`) are kept as well, named in `keep` or
 * not: closing one would drop the lock without a word, and its number could
 * then be reused by a file that `release()` knows nothing of. Release a lock
 * to let it go.
 *
 * @example Close every fd the program opened, keeping stderr
 * ```ts ignore
 * import { closeOpenFds } from "@posixly/posixly";
 * closeOpenFds([2]);
 * ```
 */
export function closeOpenFds(keep: Iterable<number> = []): void {
  if (keep === null || typeof (keep as Partial<Iterable<number>>)[Symbol.iterator] !== "function") {
    throw new TypeError(
      `closeOpenFds: keep must be an iterable of fds (an array), got ${typeof keep}`,
    );
  }
  const keepSet = new Set<number>();
  for (const fd of keep) keepSet.add(fdArgument(fd, "keep entries"));
  // A held pidfile lock is kept: closing it would drop the lock unseen.
  for (const fd of heldPidfileFds()) keepSet.add(fd);
  // A closed fd in the listing (its own) is no runtime's: closing it again does nothing.
  const listed = (platform.os === "linux" ? listFdsWithLibc(false) : null) ?? openFds();
  for (const fd of runtimeFds(listed)) keepSet.add(fd);
  const kept = [...keepSet].sort((a, b) => a - b);
  const closeRange = platform.os === "linux" ? libc.close_range : null;
  if (closeRange) {
    let lo = 0;
    let ok = true;
    for (const fd of [...kept, 0x7fffffff + 1]) {
      if (fd > lo) {
        const hi = Math.min(fd - 1, 0xfffffffe);
        if (closeRange(lo, hi, 0) === -1) {
          ok = false;
          break;
        }
      }
      lo = fd + 1;
    }
    if (ok) return;
    // ENOSYS (old kernel) or EINVAL: fall through to the listing.
  }
  for (const fd of openFds()) {
    if (!keepSet.has(fd)) libc.close(fd); // EBADF for an fd that vanished is fine
  }
}

/**
 * The open file descriptors that refer to one of `paths` (same device and
 * inode), ascending. Paths that cannot be stat'ed are skipped.
 *
 * @example Which fds refer to a file
 * ```ts
 * import { fdByPath } from "@posixly/posixly";
 * import { openSync } from "node:fs";
 * const fd = openSync("/etc/hostname", "r");
 * console.log(fdByPath(["/etc/hostname"])); // [fd]
 * ```
 */
export function fdByPath(paths: Iterable<string>): number[] {
  if (
    typeof paths === "string" || paths === null ||
    typeof (paths as Partial<Iterable<string>>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `fdByPath: paths must be an array (an iterable) of paths, got ${typeof paths}` +
        (typeof paths === "string" ? ` (use fdByPath([${quote(paths, SHOWN_PATH_CHARS)}]))` : ""),
    );
  }
  const wanted = new Set<string>();
  const id: Identity = new Uint32Array(4);
  for (const p of paths) {
    if (typeof p !== "string") throw new TypeError(`paths must be strings, got ${typeof p}`);
    // unreadable or missing: skipped, as Celery does
    if (!p.includes("\0") && statIdentity(p, cstr(p), id)) wanted.add(id.join(":"));
  }
  if (wanted.size === 0) return [];
  const found: number[] = [];
  for (const fd of openFds()) {
    try {
      fdIdentity(fd, id);
      if (wanted.has(id.join(":"))) found.push(fd);
    } catch {
      // closed meanwhile
    }
  }
  return found;
}

/**
 * True when `fd` refers to a terminal. EBADF (a closed fd) gives false; a
 * value that is not a non-negative integer throws TypeError.
 *
 * @example Is stdout a terminal?
 * ```ts
 * import { isatty } from "@posixly/posixly";
 * console.log(isatty(1));
 * ```
 */
export function isatty(fd: number): boolean {
  const n = fdArgument(fd);
  if (libc.isatty(n) === 1) return true;
  // isatty(3) returns 0 with ENOTTY for other files; EBADF for a closed fd;
  // EINVAL on some systems for a non-terminal.
  const e = errno();
  if (e === 0 || NOT_A_TTY.has(e)) return false;
  raiseErrno("isatty");
}

/**
 * Closes one file descriptor; EBADF (already closed) is ignored.
 *
 * @example Close an fd
 * ```ts ignore
 * import { closeFd } from "@posixly/posixly";
 * closeFd(42);
 * ```
 */
export function closeFd(fd: number): void {
  const n = fdArgument(fd);
  // EINTR: Linux has closed the fd anyway, and a retry could close another one.
  checkOrNull(libc.close(n), "close", [E.EBADF, E.EINTR]);
}
