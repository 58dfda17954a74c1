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
 * `User does not exist: NAME` or `Group does not exist: NAME`.
 *
 * @example
 * ```ts
 * import { LookupError, lookupUser } from "@posixly/posixly";
 * try {
 *   lookupUser("no-such-user");
 * } catch (e) {
 *   if (e instanceof LookupError) console.error(e.message); // User does not exist: no-such-user
 * }
 * ```
 */
export declare class LookupError extends Error {
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
     * @example
     * ```ts
     * import { LookupError } from "@posixly/posixly";
     * new LookupError("group", "staff").message; // "Group does not exist: staff"
     * ```
     */
    constructor(kind: "user" | "group", key: string | number);
}
/**
 * Looks a user up by name or uid (`getpwnam_r` / `getpwuid_r`), through NSS.
 * A number, or a string of decimal digits, is a uid; any other string is a
 * name. Throws {@linkcode LookupError} when there is no such user, a
 * TypeError or RangeError for an invalid id, and OSError when the lookup
 * itself fails (e.g. EIO from a directory service).
 *
 * @example
 * ```ts
 * import { lookupUser } from "@posixly/posixly";
 * const { uid, gid, home, shell } = lookupUser("root"); // 0, 0, "/root", "/bin/bash"
 * lookupUser(65534).name; // "nobody"
 * ```
 */
export declare function lookupUser(nameOrUid: string | number): UserInfo;
/**
 * Looks a group up by name or gid (`getgrnam_r` / `getgrgid_r`), through NSS;
 * a group with thousands of members works (the buffer grows on ERANGE). A
 * number, or a string of decimal digits, is a gid. Throws
 * {@linkcode LookupError} when there is no such group.
 *
 * @example
 * ```ts
 * import { lookupGroup } from "@posixly/posixly";
 * const { name, gid, members } = lookupGroup("root"); // "root", 0, []
 * ```
 */
export declare function lookupGroup(nameOrGid: string | number): GroupInfo;
/**
 * A uid from a number, a string of decimal digits (surrounding whitespace
 * allowed; no lookup) or a user name (looked up). Unlike Celery, negative
 * numbers, non-integers, `"1.5"`, `"0x10"`, `"1e3"`, ids above 4294967294,
 * `""`, `null` and `undefined` throw a TypeError or RangeError. An unknown
 * name throws {@linkcode LookupError}: `User does not exist: NAME`.
 *
 * @example
 * ```ts
 * import { parseUid } from "@posixly/posixly";
 * parseUid(" 1000 "); // 1000
 * parseUid("nobody"); // 65534 on Debian
 * ```
 */
export declare function parseUid(uid: number | string): number;
/**
 * A gid from a number, a string of decimal digits or a group name; the same
 * rules as {@linkcode parseUid}. An unknown name throws
 * {@linkcode LookupError}: `Group does not exist: NAME`.
 *
 * @example
 * ```ts
 * import { parseGid } from "@posixly/posixly";
 * parseGid("0"); // 0
 * parseGid("root"); // 0
 * ```
 */
export declare function parseGid(gid: number | string): number;
/**
 * The supplementary group ids of this process (`getgroups(2)`).
 *
 * @example
 * ```ts
 * import { getgroups } from "@posixly/posixly";
 * console.log(getgroups()); // e.g. [0]
 * ```
 */
export declare function getgroups(): number[];
/**
 * Sets the supplementary groups (names or ids), with Celery's rules: the
 * list is cut to `sysconf(_SC_NGROUPS_MAX)`; on EINVAL the last group is
 * dropped and the call retried while more than one remains; EPERM is ignored
 * when the current groups already are the requested ones (a non-root process
 * "setting" what it has), and thrown as OSError otherwise.
 *
 * @example
 * ```ts
 * import { setgroups } from "@posixly/posixly";
 * setgroups([0]); // as root: only group 0 is left
 * ```
 */
export declare function setgroups(groups: readonly (number | string)[]): void;
/**
 * Sets the supplementary groups to those of the user `uid` (by the name
 * `getpwuid_r` gives for it) plus `gid` (`initgroups(3)`). Both may be names.
 * Throws {@linkcode LookupError} when the uid has no user entry.
 *
 * @example
 * ```ts
 * import { initgroups } from "@posixly/posixly";
 * initgroups("nobody", "nogroup"); // as root
 * ```
 */
export declare function initgroups(uid: number | string, gid: number | string): void;
/**
 * Sets the group id (`setgid(2)` through the C library, so every thread of the
 * runtime changes); accepts a group name.
 *
 * @example
 * ```ts
 * import { setgid } from "@posixly/posixly";
 * setgid("nogroup"); // as root
 * ```
 */
export declare function setgid(gid: number | string): void;
/**
 * Sets the user id (`setuid(2)` through the C library, so every thread of the
 * runtime changes); accepts a user name.
 *
 * @example
 * ```ts
 * import { setuid } from "@posixly/posixly";
 * setuid("nobody"); // as root: there is no way back
 * ```
 */
export declare function setuid(uid: number | string): void;
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
 * @example
 * ```ts
 * import { currentIds } from "@posixly/posixly";
 * const { uid, euid, suid } = currentIds();
 * console.log(uid === 0 || euid === 0 || suid === 0 ? "privileged" : "unprivileged");
 * ```
 */
export declare function currentIds(): ProcessIds;
