/**
 * A file's identity (device and inode) through fstat/lstat/stat in the C
 * library (internal). The node:fs fallback, for a glibc older than 2.33
 * that exports no `fstat`, is loaded only when needed (node:fs lengthens
 * Deno's start-up).
 *
 * @module
 */
import { check, checkOrNull, cstr, libc, platform } from "../ffi/mod.ts";
import { nodeFs } from "./host.ts";

const ENOENT = platform.errnoNumbers.ENOENT;

/** A file's identity: st_dev and st_ino as 32-bit words (lo, hi, lo, hi). */
export type Identity = Uint32Array;

const ST = platform.layouts.stat;
const statBytes = new Uint8Array(ST.size);
const statWords = new Uint32Array(statBytes.buffer);
const statView = new DataView(statBytes.buffer);
const DEV = ST.dev / 4;
const INO = ST.ino / 4;

/** Copies dev/ino from the last stat into `out`; returns st_mode. */
function takeIdentity(out: Identity): number {
  out[0] = statWords[DEV];
  out[1] = ST.devSize === 8 ? statWords[DEV + 1] : 0;
  out[2] = statWords[INO];
  out[3] = statWords[INO + 1];
  return ST.modeSize === 4 ? statView.getUint32(ST.mode, true) : statView.getUint16(ST.mode, true);
}

function takeNodeIdentity(st: { dev: bigint; ino: bigint; mode: bigint }, out: Identity): number {
  out[0] = Number(st.dev & 0xffffffffn);
  out[1] = Number(st.dev >> 32n);
  out[2] = Number(st.ino & 0xffffffffn);
  out[3] = Number(st.ino >> 32n);
  return Number(st.mode);
}

/** Stores an open fd's dev/ino in `out`; returns its mode (OSError when fstat fails). */
export function fdIdentity(fd: number, out: Identity): number {
  const fstat = libc.fstat;
  if (fstat) {
    check(fstat(fd, statBytes), "fstat");
    return takeIdentity(out);
  }
  const dir = platform.os === "linux" ? "/proc/self/fd" : "/dev/fd";
  return takeNodeIdentity(nodeFs().statSync(`${dir}/${fd}`, { bigint: true }), out);
}

/** Whether two identities name the same file. */
export function sameIdentity(a: Identity, b: Identity): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/**
 * The identity of what is at the path (not following a link), or null when
 * nothing is there; OSError when the path cannot be looked at.
 */
export function pathIdentity(path: string, pathC: Uint8Array): Identity | null {
  const id: Identity = new Uint32Array(4);
  const lstat = libc.lstat;
  if (lstat) {
    if (checkOrNull(lstat(pathC, statBytes), "lstat", [ENOENT], { path }) === null) return null;
    takeIdentity(id);
    return id;
  }
  const st = nodeFs().lstatSync(path, { bigint: true, throwIfNoEntry: false });
  if (!st) return null;
  takeNodeIdentity(st, id);
  return id;
}

/**
 * Stores the identity of the file `path` names (following symbolic links) in
 * `out`; false when it cannot be stat'ed.
 */
export function statIdentity(path: string, pathC: Uint8Array, out: Identity): boolean {
  const stat = libc.stat;
  if (stat) {
    if (stat(pathC, statBytes) === -1) return false;
    takeIdentity(out);
    return true;
  }
  try {
    takeNodeIdentity(nodeFs().statSync(path, { bigint: true }), out);
    return true;
  } catch {
    return false;
  }
}

/** What stat(2) says of a file: its identity, mode and owner. */
export interface FileStat {
  readonly id: Identity;
  readonly mode: number;
  readonly uid: number;
}

/**
 * stat(2) of the file `path` names (following symbolic links): its
 * identity, mode and owner, or null when it cannot be stat'ed.
 */
export function statOf(path: string, pathC: Uint8Array): FileStat | null {
  const id: Identity = new Uint32Array(4);
  const stat = libc.stat;
  if (stat) {
    if (stat(pathC, statBytes) === -1) return null;
    const mode = takeIdentity(id);
    return { id, mode, uid: statView.getUint32(ST.uid, true) };
  }
  try {
    const st = nodeFs().statSync(path, { bigint: true });
    return { id, mode: takeNodeIdentity(st, id), uid: Number(st.uid) };
  } catch {
    return null;
  }
}

/**
 * Whether `path` names the file whose identity is `id` (by any of its
 * names: a hard link, a linked directory); false when nothing is there.
 */
export function namesFile(path: string, id: Identity): boolean {
  const now = statOf(path, cstr(path));
  return now !== null && sameIdentity(now.id, id);
}
