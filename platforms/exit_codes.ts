/**
 * sysexits(3) exit codes used by posixly (as Celery's `celery.platforms`).
 *
 * @example The status of a held pidfile
 * ```ts
 * import { EX_CANTCREAT } from "@posixly/posixly";
 * console.log(EX_CANTCREAT); // 73
 * ```
 *
 * @module
 */

/**
 * Successful termination.
 *
 * @example Exit successfully
 * ```ts ignore
 * import { EX_OK } from "@posixly/posixly";
 * import process from "node:process";
 * process.exit(EX_OK);
 * ```
 */
export const EX_OK = 0;

/**
 * Generic failure.
 *
 * @example Exit with a generic failure
 * ```ts ignore
 * import { EX_FAILURE } from "@posixly/posixly";
 * import process from "node:process";
 * process.exit(EX_FAILURE);
 * ```
 */
export const EX_FAILURE = 1;

/**
 * Command line usage error.
 *
 * @example Exit after a bad command line
 * ```ts ignore
 * import { EX_USAGE } from "@posixly/posixly";
 * import process from "node:process";
 * process.exit(EX_USAGE);
 * ```
 */
export const EX_USAGE = 64;

/**
 * A service is unavailable.
 *
 * @example Exit when a service is down
 * ```ts ignore
 * import { EX_UNAVAILABLE } from "@posixly/posixly";
 * import process from "node:process";
 * process.exit(EX_UNAVAILABLE);
 * ```
 */
export const EX_UNAVAILABLE = 69;

/**
 * Can't create (user) output file, e.g. the pidfile is held.
 *
 * @example Exit when the pidfile is held
 * ```ts ignore
 * import { EX_CANTCREAT } from "@posixly/posixly";
 * import process from "node:process";
 * process.exit(EX_CANTCREAT);
 * ```
 */
export const EX_CANTCREAT = 73;
