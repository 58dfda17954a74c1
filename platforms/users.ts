/**
 * Users and groups: lookups through the C library's `getpwnam_r` family (so
 * NSS sources such as LDAP or sssd work, not only /etc/passwd), parsing ids
 * that may be names, and setting ids and supplementary groups.
 *
 * @module
 */
import {
  addressOf,
  check,
  checkReturnedErrno,
  cstr,
  errno,
  libc,
  nativeMemory,
  platform,
  raiseErrno,
  readCString,
} from "../ffi/mod.ts";
import { classifyId } from "./ids.ts";
import { quote } from "./quote.ts";

/** One entry of the user database (`struct passwd`). */
export interface UserInfo {
  /** Login name. */
  name: string;
  /** User id. */
  uid: number;
  /** Primary group id. */
  gid: number;
  /** Home directory. */
  home: string;
  /** Login shell. */
  shell: string;
}

/** One entry of the group database (`struct group`). */
export interface GroupInfo {
  /** Group name. */
  name: string;
  /** Group id. */
  gid: number;
  /** Names of the users listed as members (not those whose primary group it is). */
  members: string[];
}

/**
 * A user or group that the system's databases do not know. The message is
 * `User does not exist: "NAME"` or `Group does not exist: "NAME"`: a name is
 * always quoted (as JSON, so a newline or a control character in it shows as
 * an escape) and cut at 64 characters, with its length (`key` keeps it
 * whole); an id is shown as a number: `User does not exist: 4000000000`.
 *
 * @example Report an unknown user
 * ```ts
 * import { LookupError, lookupUser } from "@posixly/posixly";
 * try {
 *   lookupUser("no-such-user");
 * } catch (e) {
 *   if (e instanceof LookupError) console.error(e.message); // User does not exist: "no-such-user"
 * }
 * ```
 */
export class LookupError extends Error {
  /** Whether a user or a group was looked up. */
  readonly kind: "user" | "group";
  /** The name or id that was not found. */
  readonly key: string | number;

  /**
   * Creates the error for a user or group that was not found.
   *
   * @param kind "user" or "group"
   * @param key the name or id that was not found
   *
   * @example Make the error
   * ```ts
   * import { LookupError } from "@posixly/posixly";
   * new LookupError("group", "staff").message; // 'Group does not exist: "staff"'
   * ```
   */
  constructor(kind: "user" | "group", key: string | number) {
    const shown = typeof key === "string" ? quote(key) : key;
    super(`${kind === "user" ? "User" : "Group"} does not exist: ${shown}`);
    this.name = "LookupError";
    this.kind = kind;
    this.key = key;
  }
}

const MAX_BUFFER = 1 << 26; // 64 MiB: beyond this an ERANGE is reported, not retried
const ERANGE: number = platform.errnoNumbers.ERANGE;
const EINVAL: number = platform.errnoNumbers.EINVAL;
const EPERM: number = platform.errnoNumbers.EPERM;
// getpw*_r / getgr*_r: "0 or ENOENT or ESRCH or EBADF or EPERM or ... The given name or
// uid was not found." (getpwnam(3)); only the other codes are real failures.
const NOT_FOUND: ReadonlySet<number> = new Set(
  (["ENOENT", "ESRCH", "EBADF", "EPERM"] as const).map((name) => platform.errnoNumbers[name]),
);
const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const decoder = new TextDecoder();

/** A user or group name as a C string; a name C would read otherwise is a TypeError. */
function encodeName(name: string, what: "uid" | "gid"): Uint8Array {
  const kind = what === "uid" ? "user" : "group";
  if (name.includes("\0")) throw new TypeError(`${kind} name contains a NUL byte: ${quote(name)}`);
  // A lone surrogate would be encoded as U+FFFD and name another user.
  if (!name.isWellFormed()) {
    throw new TypeError(
      `${kind} name is not well-formed Unicode (a lone surrogate): ${quote(name)}`,
    );
  }
  return cstr(name);
}

// The struct the C library fills (our memory; 128 bytes covers every layout) and the
// `struct passwd **result` out-parameter. JS is single-threaded, so they are reused.
const record = new BigUint64Array(16);
const record32 = new Uint32Array(record.buffer);
const recordPtrs = record; // pointer fields, by offset / 8
const result = new BigUint64Array(1);

/** A string buffer for the reentrant calls, grown on ERANGE. */
interface Scratch {
  bytes: Uint8Array;
  view: DataView;
  base: bigint;
}

let pwScratch: Scratch | undefined;
let grScratch: Scratch | undefined;

function makeScratch(size: number): Scratch {
  const bytes = new Uint8Array(size);
  return { bytes, view: new DataView(bytes.buffer), base: addressOf(bytes) };
}

function initialSize(name: number, fallback: number): number {
  const n = Number(libc.sysconf(name));
  return n > 0 && n <= MAX_BUFFER ? n : fallback;
}

function grow(s: Scratch, syscall: string): Scratch {
  if (s.bytes.length >= MAX_BUFFER) checkReturnedErrno(ERANGE, syscall);
  return makeScratch(s.bytes.length * 2);
}

/** The NUL-terminated string at `address`: from the scratch buffer when it points there. */
function stringAt(address: bigint, s: Scratch): string {
  if (address === 0n) return "";
  const off = address - s.base;
  if (off >= 0n && off < BigInt(s.bytes.length)) {
    const start = Number(off);
    let end = s.bytes.indexOf(0, start);
    if (end < 0) end = s.bytes.length;
    return decoder.decode(s.bytes.subarray(start, end));
  }
  return readCString(address) ?? "";
}

/** The NUL-terminated string at `address` as bytes, its NUL included (a copy). */
function cStringBytesAt(address: bigint, s: Scratch): Uint8Array {
  const off = address - s.base;
  if (off >= 0n && off < BigInt(s.bytes.length)) {
    const start = Number(off);
    const end = s.bytes.indexOf(0, start);
    if (end >= 0) return s.bytes.slice(start, end + 1);
  }
  return cstr(readCString(address) ?? "");
}

/** The pointer-sized word at `address`: from the scratch buffer when it points there. */
function wordAt(address: bigint, s: Scratch): bigint {
  const off = address - s.base;
  if (off >= 0n && off + 8n <= BigInt(s.bytes.length)) {
    return s.view.getBigUint64(Number(off), LITTLE_ENDIAN);
  }
  return new BigUint64Array(nativeMemory(address, 8))[0];
}

/**
 * Runs one reentrant NSS lookup (`call` with a buffer) into `record`, growing
 * the buffer on ERANGE; true when found. Throws OSError on a real failure.
 */
function fetchRecord(
  scratch: Scratch,
  keep: (s: Scratch) => void,
  syscall: string,
  call: (buf: Uint8Array) => number,
): boolean {
  let s = scratch;
  for (;;) {
    result[0] = 0n;
    const rc = call(s.bytes);
    if (rc === 0) return result[0] !== 0n;
    if (rc === ERANGE) {
      s = grow(s, syscall);
      keep(s);
      continue;
    }
    if (NOT_FOUND.has(rc)) return false;
    checkReturnedErrno(rc, syscall);
  }
}

/** Calls getpwnam_r (name given) or getpwuid_r into `record`; true when found. */
function fetchUser(name: Uint8Array | null, uid: number): boolean {
  const s = pwScratch ??= makeScratch(
    initialSize(platform.constants._SC_GETPW_R_SIZE_MAX, 1024),
  );
  return name === null
    ? fetchRecord(
      s,
      (g) => pwScratch = g,
      "getpwuid_r",
      (b) => libc.getpwuid_r(uid, record, b, b.length, result),
    )
    : fetchRecord(
      s,
      (g) => pwScratch = g,
      "getpwnam_r",
      (b) => libc.getpwnam_r(name, record, b, b.length, result),
    );
}

/** Calls getgrnam_r (name given) or getgrgid_r into `record`; true when found. */
function fetchGroup(name: Uint8Array | null, gid: number): boolean {
  const s = grScratch ??= makeScratch(
    initialSize(platform.constants._SC_GETGR_R_SIZE_MAX, 16384),
  );
  return name === null
    ? fetchRecord(
      s,
      (g) => grScratch = g,
      "getgrgid_r",
      (b) => libc.getgrgid_r(gid, record, b, b.length, result),
    )
    : fetchRecord(
      s,
      (g) => grScratch = g,
      "getgrnam_r",
      (b) => libc.getgrnam_r(name, record, b, b.length, result),
    );
}

function userFromRecord(): UserInfo {
  const L = platform.layouts.passwd;
  const s = pwScratch!;
  return {
    name: stringAt(recordPtrs[L.name / 8], s),
    uid: record32[L.uid / 4],
    gid: record32[L.gid / 4],
    home: stringAt(recordPtrs[L.dir / 8], s),
    shell: stringAt(recordPtrs[L.shell / 8], s),
  };
}

function groupFromRecord(): GroupInfo {
  const L = platform.layouts.group;
  const s = grScratch!;
  const members: string[] = [];
  const mem = recordPtrs[L.mem / 8];
  if (mem !== 0n) {
    for (let at = mem;; at += 8n) {
      const p = wordAt(at, s);
      if (p === 0n) break;
      members.push(stringAt(p, s));
    }
  }
  return { name: stringAt(recordPtrs[L.name / 8], s), gid: record32[L.gid / 4], members };
}

/**
 * Looks a user up by name or uid (`getpwnam_r` / `getpwuid_r`), through NSS.
 * A number, or a string of decimal digits, is a uid; any other string is a
 * name. Throws {@linkcode LookupError} when there is no such user, a
 * TypeError or RangeError for an invalid id, and OSError when the lookup
 * itself fails (e.g. EIO from a directory service).
 *
 * @example Look a user up by name or uid
 * ```ts
 * import { lookupUser } from "@posixly/posixly";
 * const { uid, gid, home, shell } = lookupUser("root"); // 0, 0, "/root", "/bin/bash"
 * lookupUser(65534).name; // "nobody"
 * ```
 */
export function lookupUser(nameOrUid: string | number): UserInfo {
  const id = classifyId(nameOrUid, "uid");
  const found = typeof id === "number" ? fetchUser(null, id) : fetchUser(encodeName(id, "uid"), 0);
  if (!found) throw new LookupError("user", id);
  return userFromRecord();
}

/**
 * Looks a group up by name or gid (`getgrnam_r` / `getgrgid_r`), through NSS;
 * a group with thousands of members works (the buffer grows on ERANGE). A
 * number, or a string of decimal digits, is a gid. Throws
 * {@linkcode LookupError} when there is no such group.
 *
 * @example Look a group up
 * ```ts
 * import { lookupGroup } from "@posixly/posixly";
 * const { name, gid, members } = lookupGroup("root"); // "root", 0, []
 * ```
 */
export function lookupGroup(nameOrGid: string | number): GroupInfo {
  const id = classifyId(nameOrGid, "gid");
  const found = typeof id === "number"
    ? fetchGroup(null, id)
    : fetchGroup(encodeName(id, "gid"), 0);
  if (!found) throw new LookupError("group", id);
  return groupFromRecord();
}

/**
 * A uid from a number, a string of decimal digits (surrounding whitespace
 * allowed; no lookup) or a user name (looked up). Unlike Celery, negative
 * numbers, non-integers, `"1.5"`, `"0x10"`, `"1e3"`, ids above 4294967294,
 * `""`, `null` and `undefined` throw a TypeError or RangeError. An unknown
 * name throws {@linkcode LookupError}: `User does not exist: "NAME"`.
 *
 * @example A uid from digits or a name
 * ```ts
 * import { parseUid } from "@posixly/posixly";
 * parseUid(" 1000 "); // 1000
 * parseUid("nobody"); // 65534 on Debian
 * ```
 */
export function parseUid(uid: number | string): number {
  const id = classifyId(uid, "uid");
  if (typeof id === "number") return id;
  if (!fetchUser(encodeName(id, "uid"), 0)) throw new LookupError("user", id);
  return record32[platform.layouts.passwd.uid / 4];
}

/**
 * A gid from a number, a string of decimal digits or a group name; the same
 * rules as {@linkcode parseUid}. An unknown name throws
 * {@linkcode LookupError}: `Group does not exist: "NAME"`.
 *
 * @example A gid from digits or a name
 * ```ts
 * import { parseGid } from "@posixly/posixly";
 * parseGid("0"); // 0
 * parseGid("root"); // 0
 * ```
 */
export function parseGid(gid: number | string): number {
  return gidOf(gid, "gid");
}

/** {@linkcode parseGid}, with messages that name the value as `label`. */
function gidOf(gid: unknown, label: string): number {
  const id = classifyId(gid, "gid", label);
  if (typeof id === "number") return id;
  if (!fetchGroup(encodeName(id, "gid"), 0)) throw new LookupError("group", id);
  return record32[platform.layouts.group.gid / 4];
}

/**
 * The supplementary group ids of this process (`getgroups(2)`).
 *
 * @example List this process's groups
 * ```ts
 * import { getgroups } from "@posixly/posixly";
 * console.log(getgroups()); // e.g. [0]
 * ```
 */
export function getgroups(): number[] {
  for (;;) {
    const n = check(libc.getgroups(0, null), "getgroups");
    const list = new Uint32Array(Math.max(n, 1));
    const got = libc.getgroups(n, list);
    if (got === -1) {
      if (errno() === EINVAL) continue; // the list grew in between
      raiseErrno("getgroups");
    }
    return Array.from(list.subarray(0, got));
  }
}

let ngroupsMax: number | undefined;

/**
 * Sets the supplementary groups (names or ids), with Celery's rules: the
 * list is cut to `sysconf(_SC_NGROUPS_MAX)`; on EINVAL the last group is
 * dropped and the call retried while more than one remains; EPERM is ignored
 * when the current groups already are the requested ones (a non-root process
 * "setting" what it has), and thrown as OSError otherwise. Every entry is
 * checked first, as {@linkcode parseGid} checks one, with the groups
 * unchanged when one is wrong: a hole in a sparse array (`[, 65534]`), a
 * negative or fractional number or anything else that is not a gid or a name
 * throws a TypeError or RangeError naming its index (`groups[0]`); an unknown
 * name throws {@linkcode LookupError}.
 *
 * @example Keep only group 0 (as root)
 * ```ts ignore
 * import { setgroups } from "@posixly/posixly";
 * setgroups([0]); // as root: only group 0 is left
 * ```
 */
export function setgroups(groups: readonly (number | string)[]): void {
  if (!Array.isArray(groups)) {
    throw new TypeError(`groups must be an array of gids or group names, got ${typeof groups}`);
  }
  ngroupsMax ??= Number(libc.sysconf(platform.constants._SC_NGROUPS_MAX));
  let wanted = gidList(groups);
  if (ngroupsMax > 0 && wanted.length > ngroupsMax) wanted = wanted.slice(0, ngroupsMax);
  const list = new Uint32Array(Math.max(wanted.length, 1));
  list.set(wanted);
  let n = wanted.length;
  for (;;) {
    if (libc.setgroups(n, list) === 0) return;
    const e = errno();
    if (e === EINVAL && n > 1) {
      n--;
      continue;
    }
    if (e === EPERM && sameSet(getgroups(), wanted)) return;
    checkReturnedErrno(e, "setgroups");
  }
}

/**
 * The gids of `groups`, each checked as {@linkcode parseGid} checks one; a hole
 * (which `map` would skip and a Uint32Array would read as gid 0, the root
 * group) throws a TypeError naming its index.
 */
function gidList(groups: readonly unknown[]): number[] {
  const gids: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    if (!Object.hasOwn(groups, i)) {
      throw new TypeError(
        `groups[${i}] is missing (a hole in a sparse array): give a gid or a group name`,
      );
    }
    gids.push(gidOf(groups[i], `groups[${i}]`));
  }
  return gids;
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size !== sb.size) return false;
  for (const x of sa) if (!sb.has(x)) return false;
  return true;
}

/**
 * Sets the supplementary groups to those of the user `uid` (by the name
 * `getpwuid_r` gives for it) plus `gid` (`initgroups(3)`). Both may be names.
 * Throws {@linkcode LookupError} when the uid has no user entry.
 *
 * @example Take the groups of user nobody (as root)
 * ```ts ignore
 * import { initgroups } from "@posixly/posixly";
 * initgroups("nobody", "nogroup"); // as root
 * ```
 */
export function initgroups(uid: number | string, gid: number | string): void {
  const id = parseUid(uid);
  const group = parseGid(gid);
  if (!fetchUser(null, id)) throw new LookupError("user", id);
  // The name's own bytes: decoded and encoded again, a name that is not UTF-8
  // would name another user (or none, and initgroups(3) gives no groups).
  const name = cStringBytesAt(recordPtrs[platform.layouts.passwd.name / 8], pwScratch!);
  check(libc.initgroups(name, group), "initgroups");
}

/**
 * Sets the group id (`setgid(2)` through the C library, so every thread of the
 * runtime changes); accepts a group name.
 *
 * @example Become group nogroup (as root)
 * ```ts ignore
 * import { setgid } from "@posixly/posixly";
 * setgid("nogroup"); // as root
 * ```
 */
export function setgid(gid: number | string): void {
  check(libc.setgid(parseGid(gid)), "setgid");
}

/**
 * Sets the user id (`setuid(2)` through the C library, so every thread of the
 * runtime changes); accepts a user name.
 *
 * @example Become user nobody (as root)
 * ```ts ignore
 * import { setuid } from "@posixly/posixly";
 * setuid("nobody"); // as root: there is no way back
 * ```
 */
export function setuid(uid: number | string): void {
  check(libc.setuid(parseUid(uid)), "setuid");
}

/** The user and group ids of this process: real, effective and saved, and the supplementary groups. */
export interface ProcessIds {
  /** Real user id. */
  uid: number;
  /** Effective user id. */
  euid: number;
  /** Saved set-user-id (the effective uid where `getresuid` is missing). */
  suid: number;
  /** Real group id. */
  gid: number;
  /** Effective group id. */
  egid: number;
  /** Saved set-group-id (the effective gid where `getresgid` is missing). */
  sgid: number;
  /** Supplementary group ids. */
  groups: number[];
}

/**
 * The process's ids as the C library reports them (`getresuid`/`getresgid`
 * where available, and `getgroups`); needs only FFI, no other permission.
 *
 * @example Is this process privileged?
 * ```ts
 * import { currentIds } from "@posixly/posixly";
 * const { uid, euid, suid } = currentIds();
 * console.log(uid === 0 || euid === 0 || suid === 0 ? "privileged" : "unprivileged");
 * ```
 */
export function currentIds(): ProcessIds {
  const r = new Uint32Array(6);
  const [uid, euid, suid] = resIds(libc.getresuid, r, libc.getuid(), libc.geteuid());
  const [gid, egid, sgid] = resIds(libc.getresgid, r, libc.getgid(), libc.getegid());
  return { uid, euid, suid, gid, egid, sgid, groups: getgroups() };
}

function resIds(
  fn: typeof libc.getresuid,
  buf: Uint32Array,
  real: number,
  effective: number,
): [number, number, number] {
  if (fn && fn(buf.subarray(0, 1), buf.subarray(1, 2), buf.subarray(2, 3)) === 0) {
    return [buf[0], buf[1], buf[2]];
  }
  return [real, effective, effective];
}
