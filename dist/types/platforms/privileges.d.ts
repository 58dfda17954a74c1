/**
 * A security check failed: privileges could not be dropped for good, or the
 * process runs as root where that is refused.
 *
 * @example
 * ```ts
 * import { maybeDropPrivileges, SecurityError } from "@posixly/posixly";
 * try {
 *   maybeDropPrivileges({ uid: "nobody" });
 * } catch (e) {
 *   if (e instanceof SecurityError) console.error("refusing to run:", e.message);
 *   throw e;
 * }
 * ```
 */
export declare class SecurityError extends Error {
    /**
     * Creates the error with a message that says what is wrong.
     *
     * @param message what is wrong
     *
     * @example
     * ```ts
     * import { SecurityError } from "@posixly/posixly";
     * throw new SecurityError("contact support");
     * ```
     */
    constructor(message: string);
}
/** Options for {@linkcode maybeDropPrivileges}. */
export interface DropPrivilegesOptions {
    /** User to become: a name or a uid. */
    uid?: number | string | null;
    /** Group to become: a name or a gid (default with `uid`: the user's primary group). */
    gid?: number | string | null;
}
/**
 * Changes the process's user and group, for good (Celery's
 * `maybe_drop_privileges`). With `uid`, the group defaults to the user's
 * primary group; then, in this order: `setgid`, `initgroups`, `setuid`, and
 * `setuid(0)` must fail with EPERM afterwards, or a SecurityError is thrown.
 * With only `gid`: the group is set and the supplementary groups become just
 * that group. The glibc wrappers are used, so every thread of the runtime
 * changes.
 *
 * Checks: effective uid not 0 while the real uid is 0 throws SecurityError
 * ("contact support"); a uid (gid) asked to be non-zero that is still 0
 * afterwards (real, effective or saved) throws SecurityError.
 *
 * Unlike Celery: an explicit `0` or `"root"` is honoured (Celery ignores
 * falsy ids); dropping only the gid also resets the supplementary groups; a
 * process that is not root and is asked for the ids it already has does
 * nothing (Celery fails with EPERM); a uid without a user entry works when a
 * gid is given (the supplementary groups become just that gid). Names are
 * resolved before anything changes, so an unknown user or group throws
 * {@linkcode LookupError} with the process untouched.
 *
 * @example
 * ```ts
 * import { maybeDropPrivileges } from "@posixly/posixly";
 * maybeDropPrivileges({ uid: "nobody" }); // as root: now nobody:nogroup
 * ```
 */
export declare function maybeDropPrivileges(options?: DropPrivilegesOptions): void;
/** Options for {@linkcode checkPrivileges}. */
export interface CheckPrivilegesOptions {
    /** Environment to read `C_FORCE_ROOT` from (default: `process.env`). */
    env?: Record<string, string | undefined>;
}
/**
 * Celery's guard against running as root, or in group `sudo` or `wheel`,
 * while accepting pickle: throws SecurityError when `acceptContent` has
 * `pickle` or `application/x-python-serialize` and `C_FORCE_ROOT` is not a
 * true value (`1`, `true`, `yes`; Celery counts any value, even `false`);
 * otherwise, in those situations, prints a warning to stderr. Celery 5.x
 * looks for `application/group-python-serialize`, a content type that does
 * not exist; posixly looks for the real one.
 *
 * @example
 * ```ts
 * import { checkPrivileges } from "@posixly/posixly";
 * checkPrivileges(["json"]); // as root: a warning on stderr
 * ```
 */
export declare function checkPrivileges(acceptContent: Iterable<string> | string, options?: CheckPrivilegesOptions): void;
