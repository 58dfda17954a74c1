/**
 * Dropping root privileges for good, and Celery's guard against running as
 * root while accepting pickle.
 *
 * @module
 */
import { checkOrNull, libc, platform } from "../ffi/mod.ts";
import { getEnv } from "./host.ts";
import { rejectUnknownOptions } from "./options.ts";
import { quote } from "./quote.ts";
import {
  currentIds,
  initgroups,
  LookupError,
  lookupGroup,
  lookupUser,
  parseGid,
  parseUid,
  setgid,
  setgroups,
  setuid,
} from "./users.ts";

/**
 * A security check failed: privileges could not be dropped for good, or the
 * process runs as root where that is refused.
 *
 * @example Refuse to run when the drop fails
 * ```ts ignore
 * import { maybeDropPrivileges, SecurityError } from "@posixly/posixly";
 * try {
 *   maybeDropPrivileges({ uid: "nobody" });
 * } catch (e) {
 *   if (e instanceof SecurityError) console.error("refusing to run:", e.message);
 *   throw e;
 * }
 * ```
 */
export class SecurityError extends Error {
  /**
   * Creates the error with a message that says what is wrong.
   *
   * @param message what is wrong
   *
   * @example Throw it
   * ```ts ignore
   * import { SecurityError } from "@posixly/posixly";
   * throw new SecurityError("contact support");
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "SecurityError";
  }
}

/** Options for {@linkcode maybeDropPrivileges}. */
export interface DropPrivilegesOptions {
  /** User to become: a name or a uid. */
  uid?: number | string | null;
  /** Group to become: a name or a gid (default with `uid`: the user's primary group). */
  gid?: number | string | null;
}

const DROP_OPTIONS: readonly string[] = ["uid", "gid"];
const CHECK_OPTIONS: readonly string[] = ["env"];
const EPERM: number = platform.errnoNumbers.EPERM;

/** Real, effective and saved ids. */
function resIds(which: "uid" | "gid"): [number, number, number] {
  const ids = currentIds();
  return which === "uid" ? [ids.uid, ids.euid, ids.suid] : [ids.gid, ids.egid, ids.sgid];
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
 * {@linkcode LookupError} with the process untouched. An option other than
 * `uid` and `gid` (say `user`) throws a TypeError naming it, before anything
 * changes: Celery's keyword arguments would refuse it too.
 *
 * @example Run as nobody
 * ```ts ignore
 * import { maybeDropPrivileges } from "@posixly/posixly";
 * maybeDropPrivileges({ uid: "nobody" }); // as root: now nobody:nogroup
 * ```
 */
export function maybeDropPrivileges(options: DropPrivilegesOptions = {}): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `maybeDropPrivileges takes an object: { uid?, gid? }, got ${quote(options)}`,
    );
  }
  rejectUnknownOptions(options, DROP_OPTIONS, "maybeDropPrivileges()");
  const uid = options.uid === undefined || options.uid === null ? undefined : parseUid(options.uid);
  let gid = options.gid === undefined || options.gid === null ? undefined : parseGid(options.gid);
  const euid = libc.geteuid();
  if (euid !== 0 && libc.getuid() === 0) {
    // No point trying to setuid unless we are root, and this state is suspicious.
    throw new SecurityError("contact support");
  }
  if (uid === undefined && gid === undefined) return;

  if (euid !== 0) {
    const [ruid, , suid] = resIds("uid");
    const [rgid, egid, sgid] = resIds("gid");
    const uidDone = uid === undefined || (uid === ruid && uid === euid && uid === suid);
    const gidDone = gid === undefined || (gid === rgid && gid === egid && gid === sgid);
    if (uidDone && gidDone) return; // already what was asked for
  }

  if (uid !== undefined) {
    let user: string | undefined;
    try {
      const entry = lookupUser(uid);
      user = entry.name;
      gid ??= entry.gid;
    } catch (e) {
      if (!(e instanceof LookupError) || gid === undefined) throw e;
    }
    // setgid before initgroups (setgid may zap the group list) and before setuid
    // (after it, setgid could fail and leave the process in a privileged group).
    setgid(gid!);
    if (user !== undefined) initgroups(uid, gid!);
    else setgroups([gid!]);
    setuid(uid);
    if (uid !== 0) {
      // ... and make sure privileges cannot be restored.
      if (checkOrNull(libc.setuid(0), "setuid", [EPERM]) !== null) {
        throw new SecurityError("non-root user able to restore privileges after setuid.");
      }
    }
  } else {
    if (euid === 0) setgroups([gid!]);
    setgid(gid!);
  }

  if (uid !== undefined && uid !== 0 && resIds("uid").includes(0)) {
    throw new SecurityError("Still root uid after drop privileges!");
  }
  if (gid !== undefined && gid !== 0 && resIds("gid").includes(0)) {
    throw new SecurityError("Still root gid after drop privileges!");
  }
}

const TRUE_VALUES: ReadonlySet<string> = new Set(["1", "true", "yes"]);
const PICKLE_TYPES: readonly string[] = ["pickle", "application/x-python-serialize"];
const RISKY_GROUPS: readonly string[] = ["sudo", "wheel"];

function userInformation(): string {
  return `User information: uid=${libc.getuid()} euid=${libc.geteuid()} ` +
    `gid=${libc.getgid()} egid=${libc.getegid()}`;
}

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
 * `acceptContent` is one content type or an iterable of them (strings); an
 * option other than `env`, an `env` that is not an object, or a
 * `C_FORCE_ROOT` in it that is not a string throws a TypeError naming it.
 *
 * @example Warn when running as root
 * ```ts
 * import { checkPrivileges } from "@posixly/posixly";
 * checkPrivileges(["json"]); // as root: a warning on stderr
 * ```
 */
export function checkPrivileges(
  acceptContent: Iterable<string> | string,
  options: CheckPrivilegesOptions = {},
): void {
  const accepted = contentTypes(acceptContent);
  checkOptions(options);
  const pickle = PICKLE_TYPES.some((t) => accepted.has(t));
  const uid = libc.getuid(), euid = libc.geteuid();
  const gid = libc.getgid(), egid = libc.getegid();
  let groupNames: string[];
  try {
    groupNames = [lookupGroup(gid).name, lookupGroup(egid).name];
  } catch (e) {
    if (!(e instanceof LookupError)) throw e;
    console.warn(
      "SecurityWarning: An entry for the specified gid or egid was not found.\n" +
        "We're assuming this is a potential security issue.",
    );
    warnOrThrow(pickle, options);
    return;
  }
  if (uid === 0 || euid === 0 || RISKY_GROUPS.some((g) => groupNames.includes(g))) {
    warnOrThrow(pickle, options);
  }
}

/** The content types of `acceptContent` as a set; a TypeError says what is wrong. */
function contentTypes(acceptContent: unknown): Set<string> {
  if (typeof acceptContent === "string") return new Set([acceptContent]);
  if (
    acceptContent === null || typeof acceptContent !== "object" ||
    typeof (acceptContent as Partial<Iterable<unknown>>)[Symbol.iterator] !== "function"
  ) {
    const got = acceptContent !== null && typeof acceptContent === "object"
      ? "an object that is not iterable"
      : quote(acceptContent);
    throw new TypeError(
      `acceptContent must be a content type or an iterable of them (["json"]), got ${got}`,
    );
  }
  const types = new Set<string>();
  let index = 0;
  for (const type of acceptContent as Iterable<unknown>) {
    if (typeof type !== "string") {
      throw new TypeError(
        `acceptContent[${index}] must be a content type or serializer name (a string), ` +
          `got ${quote(type)}`,
      );
    }
    types.add(type);
    index++;
  }
  return types;
}

/** Checks the options of {@linkcode checkPrivileges}; a TypeError names the bad one. */
function checkOptions(options: unknown): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `checkPrivileges options must be an object: { env? }, got ${quote(options)}`,
    );
  }
  rejectUnknownOptions(options, CHECK_OPTIONS, "checkPrivileges()");
  const { env } = options as CheckPrivilegesOptions;
  if (env === undefined) return;
  if (env === null || typeof env !== "object") {
    throw new TypeError(`env must be an object of environment variables, got ${quote(env)}`);
  }
  const force: unknown = env.C_FORCE_ROOT;
  if (force !== undefined && typeof force !== "string") {
    throw new TypeError(`env.C_FORCE_ROOT must be a string, got ${quote(force)}`);
  }
}

function warnOrThrow(pickle: boolean, options: CheckPrivilegesOptions): void {
  const value = options.env ? options.env.C_FORCE_ROOT : getEnv("C_FORCE_ROOT");
  const force = TRUE_VALUES.has((value ?? "").trim().toLowerCase());
  if (pickle && !force) {
    throw new SecurityError(
      "Running a worker with superuser privileges when the\n" +
        "worker accepts messages serialized with pickle is a very bad idea!\n\n" +
        "If you really want to continue then you have to set the C_FORCE_ROOT\n" +
        "environment variable (but please think about this before you do).\n\n" +
        userInformation(),
    );
  }
  console.warn(
    "SecurityWarning: You're running the worker with superuser privileges: this is\n" +
      "absolutely not recommended!\n\n" +
      "Please specify a different user using the --uid option.\n\n" +
      userInformation(),
  );
}
