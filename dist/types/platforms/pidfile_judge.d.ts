import { PidfileError, type PidfileErrorReason } from "./pidfile_errors.d.ts";
import { fdIdentity, type Identity, pathExists } from "./file_identity.d.ts";
export { fdIdentity, type Identity, pathExists };
/** Attempts before giving up on a path that keeps changing. */
export declare const MAX_ATTEMPTS = 64;
/** Flags for opening a pidfile to read or judge it. */
export declare const OPEN_READ: number;
/** An exclusive flock that does not wait. */
export declare const LOCK_TRY: number;
/** Does the path still name the file with identity `id`? */
export declare function pathNames(path: string, pathC: Uint8Array, id: Identity): boolean;
export declare function ownPid(): number;
/** What a pidfile's first bytes say. */
export interface Contents {
    pid: number | null;
    start: number | null;
    /** Set when `pid` is null. */
    problem?: {
        reason: PidfileErrorReason;
        detail: string;
    };
}
export declare function readHead(fd: number, path: string): Uint8Array;
/** How posixly marks the start time on a pidfile's second line. */
export declare const START_KEY = "starttime=";
/** Parses `PID\n[starttime=N\n]`; never throws. */
export declare function parseContents(bytes: Uint8Array): Contents;
/** The identities of the files this process holds through Pidfile objects. */
export declare const heldHere: Set<Identity>;
export type Verdict = {
    kind: "absent";
} | {
    kind: "changed";
} | {
    kind: "removed";
    pid: number | null;
    reason: string;
} | {
    kind: "stale";
    pid: number | null;
    reason: string;
} | {
    kind: "alive";
    pid: number | null;
    reason: string;
    contested: boolean;
} | {
    kind: "unusable";
    reason: string;
    error: Error;
};
export type Removal = "never" | "stale" | "unheld";
/** A pidfile path that names something other than a regular file (`what` it is). */
export declare function notRegularError(path: string, what: string, cause?: unknown): PidfileError;
/**
 * The error for a failed open of a pidfile path: a symbolic link (ELOOP under
 * O_NOFOLLOW) and a UNIX socket (ENXIO) say what is there; anything else is the OSError.
 */
export declare function openError(path: string, e: number): Error;
export declare function symlinkError(path: string, cause?: unknown): PidfileError;
/**
 * Opens the file at the path, takes its flock if it can, and judges it.
 * With `removal` "stale" (or "unheld": any file nobody has locked) it unlinks
 * the judged inode while still holding its flock, after checking that the
 * path still names it.
 */
export declare function judge(path: string, pathC: Uint8Array, removal: Removal): Verdict;
export declare function judgeSettled(path: string, pathC: Uint8Array, removal: Removal): Exclude<Verdict, {
    kind: "changed";
}>;
