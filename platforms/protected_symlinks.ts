/**
 * The kernel's `fs.protected_symlinks` rule, checked by posixly itself
 * whatever the sysctl says (internal): a symbolic link in a sticky,
 * world-writable directory (`/tmp`) is followed only when the caller or the
 * directory's owner owns it, so that a privileged process never follows a
 * link another user planted there. The logfile the daemon launcher opens
 * (daemon_logfile.ts) and every pidfile path (pidfile.ts) go through it.
 *
 * @module
 */
import { cstr, libc, platform } from "../ffi/mod.ts";
import { type Identity, sameIdentity, statOf } from "./file_identity.ts";
import { nodeFs, parentDir } from "./host.ts";
import { shownPath } from "./quote.ts";

/** A symbolic link on a path that the rule does not let this process follow. */
export interface PlantedLink {
  /** The link: the path up to and including it, as written. */
  readonly link: string;
  /** Its owner's uid. */
  readonly uid: number;
  /** The sticky, world-writable directory it lies in. */
  readonly dir: string;
}

/** What {@linkcode checkLinks} found on a path. */
export interface LinkCheck {
  /** The first link on the path that may not be followed, or null when there is none. */
  readonly planted: PlantedLink | null;
  /** Whether the path itself (its last component) is a symbolic link that may be followed. */
  readonly lastIsLink: boolean;
}

/** What the rule needs of a `struct stat`. */
interface Owner {
  readonly mode: number;
  readonly uid: number;
}

const ST = platform.layouts.stat;
/** One `struct stat` for every call: checkLinks keeps no two at once. */
const statBuffer = new Uint8Array(ST.size);
const statView = new DataView(statBuffer.buffer);
const SLASH = 0x2f;
const decoder = new TextDecoder();

/**
 * lstat(2) (`follow` false) or stat(2) of the C string `pathC`: its mode
 * and owner, or null when it fails.
 */
function ownerOf(pathC: Uint8Array, follow: boolean): Owner | null {
  const call = follow ? libc.stat : libc.lstat;
  if (!call) {
    // A C library without the symbol (glibc before 2.33): node:fs instead.
    const fs = nodeFs();
    const path = decoder.decode(pathC.subarray(0, pathC.indexOf(0)));
    try {
      const st = follow ? fs.statSync(path) : fs.lstatSync(path);
      return { mode: st.mode, uid: st.uid };
    } catch {
      return null;
    }
  }
  if (call(pathC, statBuffer) === -1) return null;
  const mode = ST.modeSize === 4
    ? statView.getUint32(ST.mode, true)
    : statView.getUint16(ST.mode, true);
  return { mode, uid: statView.getUint32(ST.uid, true) };
}

/**
 * Applies the rule to every symbolic link in `path` as written (a link's
 * own target is its owner's choice), from the root down, stopping at the
 * first component that is missing or cannot be looked at (opening the path
 * then creates it or fails on its own).
 *
 * Each prefix of the path is looked at through one C string, cut short
 * with a NUL in place of the next slash: every pidfile operation checks its
 * path, so the check makes no string per component.
 *
 * @param path an absolute path
 * @returns the first link the rule forbids, and whether `path` itself is a
 *   link that may be followed
 *
 * @example Refuse a path through a link planted in /tmp
 * ```ts ignore
 * const { planted } = checkLinks("/tmp/plant/app.pid");
 * if (planted) throw new Error(describePlantedLink("/tmp/plant/app.pid", planted));
 * ```
 */
export function checkLinks(path: string): LinkCheck {
  const c = platform.constants;
  const pathC = cstr(path, "path");
  const end = pathC.length - 1; // the NUL
  let last = false;
  for (let at = 1; at <= end; at++) {
    // A prefix ends before each slash (but a repeated one) and at the end.
    if (at < end && (pathC[at] !== SLASH || pathC[at - 1] === SLASH)) continue;
    if (at === end && pathC[at - 1] === SLASH) break;
    pathC[at] = 0;
    const link = ownerOf(pathC, false);
    last = link !== null && (link.mode & c.S_IFMT) === c.S_IFLNK;
    const planted = link !== null && last ? plantedAt(pathC, at, link) : null;
    if (at < end) pathC[at] = SLASH;
    if (link === null) return { planted: null, lastIsLink: false };
    if (planted !== null) return { planted, lastIsLink: false };
  }
  return { planted: null, lastIsLink: last };
}

/**
 * The link `link` that ends at byte `at` of `pathC` (cut there by a NUL),
 * when the rule forbids following it: in a sticky, world-writable
 * directory, owned by neither this process's user nor the directory's owner.
 */
function plantedAt(pathC: Uint8Array, at: number, link: Owner): PlantedLink | null {
  const c = platform.constants;
  const prefix = decoder.decode(pathC.subarray(0, at));
  const dirPath = parentDir(prefix);
  const dir = ownerOf(cstr(dirPath), true);
  const sticky = dir !== null && (dir.mode & c.S_ISVTX) !== 0 && (dir.mode & c.S_IWOTH) !== 0;
  if (!sticky || link.uid === libc.geteuid() || link.uid === dir.uid) return null;
  return { link: prefix, uid: link.uid, dir: dirPath };
}

/**
 * Directories whose path was walked and found without a forbidden link,
 * with the directory (device and inode) the path then led to. A path that
 * still leads to the same directory cannot land anywhere else, whatever
 * links it goes through now: the danger of a planted link is another
 * directory. So while the path leads there, one stat(2) stands for the walk
 * (every pidfile operation checks its path). A process has few such
 * directories (its pidfiles' and logfiles'); the map starts over past
 * {@linkcode CLEAN_DIRS_MAX}.
 */
const cleanDirs = new Map<string, Identity>();
const CLEAN_DIRS_MAX = 64;

/**
 * The first symbolic link on the way to `path` (an absolute path) that the
 * rule forbids following, or null: {@linkcode checkLinks}, but a directory
 * found clean before is not walked again while its path still leads to it,
 * and the last component is looked at only in a sticky, world-writable
 * directory, the one place where another user's link can be at the path.
 *
 * @param path an absolute path, normalized
 * @returns the link, or null
 *
 * @example Refuse a pidfile path through a link planted in /tmp
 * ```ts ignore
 * const planted = plantedLink("/tmp/plant/app.pid");
 * if (planted) throw new Error(describePlantedLink("/tmp/plant/app.pid", planted));
 * ```
 */
export function plantedLink(path: string): PlantedLink | null {
  const c = platform.constants;
  const dirPath = parentDir(path);
  const dirC = cstr(dirPath, "path");
  const dir = statOf(dirPath, dirC);
  if (dir === null) return checkLinks(path).planted; // no directory there: as the walk finds
  const known = cleanDirs.get(dirPath);
  if (known === undefined || !sameIdentity(known, dir.id)) {
    const { planted } = checkLinks(dirPath);
    if (planted !== null) return planted;
    // Remembered only when the path led to the same directory before and after the walk.
    const after = statOf(dirPath, dirC);
    if (after !== null && sameIdentity(after.id, dir.id)) {
      if (cleanDirs.size >= CLEAN_DIRS_MAX) cleanDirs.clear();
      cleanDirs.set(dirPath, dir.id);
    }
  }
  const sticky = (dir.mode & c.S_ISVTX) !== 0 && (dir.mode & c.S_IWOTH) !== 0;
  if (!sticky || dirPath === path) return null;
  const link = ownerOf(cstr(path, "path"), false);
  if (link === null || (link.mode & c.S_IFMT) !== c.S_IFLNK) return null;
  if (link.uid === libc.geteuid() || link.uid === dir.uid) return null;
  return { link: path, uid: link.uid, dir: dirPath };
}

/**
 * Why `path` is refused for the link `planted` on it: both paths, the link's
 * owner and its directory, and the rule.
 *
 * @example The message for a planted link
 * ```ts ignore
 * describePlantedLink("/tmp/plant/app.pid", { link: "/tmp/plant", uid: 65534, dir: "/tmp" });
 * // "/tmp/plant/app.pid: /tmp/plant is a symbolic link owned by uid 65534 in /tmp, ..."
 * ```
 */
export function describePlantedLink(path: string, planted: PlantedLink): string {
  return `${shownPath(path)}: ${shownPath(planted.link)} is a symbolic link owned by uid ` +
    `${planted.uid} in ${shownPath(planted.dir)}, a sticky world-writable directory, and ` +
    "neither this process nor the directory's owner owns it: not followed (the kernel's " +
    "protected_symlinks rule)";
}
