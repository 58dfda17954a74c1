/**
 * Opening the daemon's logfile in the launcher (internal). The launcher may
 * run as root on behalf of a daemon that will not, so it opens the path as
 * carefully as the kernel would with `fs.protected_symlinks=1`, whatever the
 * sysctl says, and never blocks.
 *
 * @module
 */
import { cstr, libc, osError, platform } from "../ffi/mod.ts";
import { EX_CANTCREAT } from "./exit_codes.ts";
import { DaemonError } from "./daemon_error.ts";
import { parentDir } from "./host.ts";
import { checkLinks, describePlantedLink } from "./protected_symlinks.ts";

/** What the launcher needs of a `struct stat`. */
interface FileStat {
  readonly mode: number;
  readonly uid: number;
}

const ST = platform.layouts.stat;

/** Runs a stat-like call into a fresh buffer; null when it fails (errno tells why). */
function statWith(call: (buf: Uint8Array) => number): FileStat | null {
  const buf = new Uint8Array(ST.size);
  if (call(buf) === -1) return null;
  const view = new DataView(buf.buffer);
  const mode = ST.modeSize === 4 ? view.getUint32(ST.mode, true) : view.getUint16(ST.mode, true);
  return { mode, uid: view.getUint32(ST.uid, true) };
}

/** stat(2) and fstat(2) as optional symbols: glibc < 2.33 exports neither. */
function statOf(path: string): FileStat | null {
  const stat = libc.stat;
  return stat ? statWith((buf) => stat(cstr(path), buf)) : null;
}

function fstatOf(fd: number): FileStat | null {
  const fstat = libc.fstat;
  return fstat ? statWith((buf) => fstat(fd, buf)) : null;
}

function cannotOpen(why: string): DaemonError {
  return new DaemonError(`ERROR: cannot open the logfile: ${why}`, EX_CANTCREAT);
}

/**
 * Whether `path` itself is a link that may be followed; throws a DaemonError
 * for a link on it that may not (see {@linkcode checkLinks}).
 */
function followable(path: string): boolean {
  const { planted, lastIsLink } = checkLinks(path);
  if (planted) throw cannotOpen(describePlantedLink(path, planted));
  return lastIsLink;
}

/**
 * Opens `path` for appending, as the daemon's stdout and stderr: created with
 * `umask` when missing, close-on-exec, blocking. Refuses a planted link (the
 * kernel's protected_symlinks rule: see protected_symlinks.ts), a planted
 * FIFO or regular file (its protected_fifos and protected_regular rules: see
 * {@linkcode checkOwner}), anything but a regular file, a character device
 * (`/dev/null`) or a FIFO, and a FIFO nobody reads (which would block open(2)
 * forever), with a DaemonError (exit 73) naming the path.
 */
export function openLogfile(path: string, umask: number): number {
  const c = platform.constants;
  const flags = c.O_WRONLY | c.O_APPEND | c.O_CREAT | c.O_NOCTTY | c.O_CLOEXEC | c.O_NONBLOCK;
  const { ELOOP, ENXIO } = platform.errnoNumbers;
  // A link planted between the check and the open makes O_NOFOLLOW fail with ELOOP: check again.
  for (let attempt = 0; attempt < 8; attempt++) {
    const follow = followable(path);
    const old = libc.umask(umask);
    const fd = libc.open(cstr(path), follow ? flags : flags | c.O_NOFOLLOW, 0o666);
    const failure = fd === -1 ? osError("open", { path }) : null;
    libc.umask(old);
    if (failure?.errno === ELOOP && !follow) continue;
    if (failure?.errno === ENXIO && ((statOf(path)?.mode ?? 0) & c.S_IFMT) === c.S_IFIFO) {
      throw cannotOpen(`${path} is a FIFO that nobody reads (ENXIO)`);
    }
    if (failure) throw cannotOpen(failure.message);
    try {
      checkKind(path, fd, follow);
      // A FIFO with a reader: the daemon's writes may block, as a program's to a pipe do.
      const status = libc.fcntl(fd, c.F_GETFL, 0);
      if (status === -1 || libc.fcntl(fd, c.F_SETFL, status & ~c.O_NONBLOCK) === -1) {
        throw cannotOpen(osError("fcntl", { path }).message);
      }
      return fd;
    } catch (err) {
      libc.close(fd);
      throw err;
    }
  }
  throw cannotOpen(`${path}: symbolic links keep appearing there`);
}

/**
 * Refuses what a logfile cannot be (a block device, say), and one planted
 * by another user ({@linkcode plantedFile}) unless `path` is a link that was
 * followed (a link allowed there leads where its owner chose).
 */
function checkKind(path: string, fd: number, followed: boolean): void {
  const c = platform.constants;
  const st = fstatOf(fd);
  if (st === null) return; // no fstat in this C library: open() has done what it could
  const kind = st.mode & c.S_IFMT;
  if (kind !== c.S_IFREG && kind !== c.S_IFCHR && kind !== c.S_IFIFO) {
    throw cannotOpen(`${path} is not a regular file, a character device or a FIFO`);
  }
  const planted = followed || kind === c.S_IFCHR ? null : plantedReason(path, st);
  if (planted !== null) throw cannotOpen(`${path} ${planted}`);
}

/**
 * Why the FIFO or regular file open as `fd` at `path` must not get a
 * program's output, or null when it may: the kernel's protected_fifos and
 * protected_regular rules, whatever the sysctls say. In a sticky,
 * world-writable directory (`/tmp`) such a file is used only when this
 * process or the directory's owner owns it, so that another user's FIFO or
 * file there never gets the output (nor blocks it, by not reading). Shared
 * with `posixly start` and `run`, which open their `--logfile` as root.
 *
 * @example Check a logfile just opened
 * ```ts ignore
 * const why = plantedFile("/tmp/app.log", fd); // "is a file owned by uid 1000 in /tmp, ..."
 * ```
 */
export function plantedFile(path: string, fd: number): string | null {
  const st = fstatOf(fd);
  return st === null ? null : plantedReason(path, st);
}

function plantedReason(path: string, file: FileStat): string | null {
  const c = platform.constants;
  const dirPath = parentDir(path);
  const dir = statOf(dirPath);
  const sticky = dir !== null && (dir.mode & c.S_ISVTX) !== 0 && (dir.mode & c.S_IWOTH) !== 0;
  if (!sticky || file.uid === libc.geteuid() || file.uid === dir.uid) return null;
  const what = (file.mode & c.S_IFMT) === c.S_IFIFO ? "a FIFO" : "a file";
  return `is ${what} owned by uid ${file.uid} in ${dirPath}, a sticky world-writable ` +
    "directory, and neither this process nor the directory's owner owns it: not used (the " +
    "kernel's protected_fifos and protected_regular rules)";
}
