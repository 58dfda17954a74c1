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

/** lstat(2) (`follow` false) or stat(2) of `path`: its mode and owner, or null when it fails. */
function ownerOf(path: string, follow: boolean): Owner | null {
  const call = follow ? libc.stat : libc.lstat;
  if (!call) {
    // A C library without the symbol (glibc before 2.33): node:fs instead.
    const fs = nodeFs();
    try {
      const st = follow ? fs.statSync(path) : fs.lstatSync(path);
      return { mode: st.mode, uid: st.uid };
    } catch {
      return null;
    }
  }
  const buf = new Uint8Array(ST.size);
  if (call(cstr(path, "path"), buf) === -1) return null;
  const view = new DataView(buf.buffer);
  const mode = ST.modeSize === 4 ? view.getUint32(ST.mode, true) : view.getUint16(ST.mode, true);
  return { mode, uid: view.getUint32(ST.uid, true) };
}

/**
 * Applies the rule to every symbolic link in `path` as written (a link's
 * own target is its owner's choice), from the root down, stopping at the
 * first component that is missing or cannot be looked at (opening the path
 * then creates it or fails on its own).
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
  const euid = libc.geteuid();
  let prefix = "";
  let last = false;
  for (const part of path.split("/").filter((p) => p !== "")) {
    prefix += `/${part}`;
    const link = ownerOf(prefix, false);
    if (link === null) return { planted: null, lastIsLink: false };
    last = (link.mode & c.S_IFMT) === c.S_IFLNK;
    if (!last) continue;
    const dirPath = parentDir(prefix);
    const dir = ownerOf(dirPath, true);
    const sticky = dir !== null && (dir.mode & c.S_ISVTX) !== 0 && (dir.mode & c.S_IWOTH) !== 0;
    if (sticky && link.uid !== euid && link.uid !== dir.uid) {
      return { planted: { link: prefix, uid: link.uid, dir: dirPath }, lastIsLink: false };
    }
  }
  return { planted: null, lastIsLink: last };
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
