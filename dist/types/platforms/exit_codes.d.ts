/**
 * sysexits(3) exit codes used by posixly (as Celery's `celery.platforms`).
 *
 * @example
 * ```ts
 * import { EX_CANTCREAT } from "@posixly/posixly";
 * console.log(EX_CANTCREAT); // 73
 * ```
 *
 * @module
 */
/** Successful termination. */
export declare const EX_OK = 0;
/** Generic failure. */
export declare const EX_FAILURE = 1;
/** Command line usage error. */
export declare const EX_USAGE = 64;
/** A service is unavailable. */
export declare const EX_UNAVAILABLE = 69;
/** Can't create (user) output file, e.g. the pidfile is held. */
export declare const EX_CANTCREAT = 73;
