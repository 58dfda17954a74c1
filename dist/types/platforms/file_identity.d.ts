/** A file's identity: st_dev and st_ino as 32-bit words (lo, hi, lo, hi). */
export type Identity = Uint32Array;
/** Stores an open fd's dev/ino in `out`; returns its mode (OSError when fstat fails). */
export declare function fdIdentity(fd: number, out: Identity): number;
/** Where {@linkcode pathExists} leaves the identity it found. */
export declare const scratch: Identity;
/** Is anything at the path (not following a link)? Leaves its identity in `scratch`. */
export declare function pathExists(path: string, pathC: Uint8Array): boolean;
/**
 * Stores the identity of the file `path` names (following symbolic links) in
 * `out`; false when it cannot be stat'ed.
 */
export declare function statIdentity(path: string, pathC: Uint8Array, out: Identity): boolean;
