/**
 * Checking an options object's keys (internal): a misspelt option (`user`
 * for `uid`, `pidFile` for `pidfile`) must be an error, not an option that
 * silently does nothing.
 *
 * @module
 */
import { quote } from "./quote.ts";

/** At most this many unknown keys are named in one message. */
const SHOWN_KEYS = 5;

/**
 * Throws a TypeError naming the keys of `options` that are not in `known`,
 * and listing the known ones: `unknown option "user" for
 * maybeDropPrivileges(); known: uid, gid`. Symbol keys are not looked at.
 *
 * @param options the options object (already checked to be an object)
 * @param known the option names the function takes
 * @param owner the function or class, as the message names it
 *
 * @example Reject a misspelt option
 * ```ts ignore
 * import { rejectUnknownOptions } from "./options.ts";
 * rejectUnknownOptions({ user: "nobody" }, ["uid", "gid"], "maybeDropPrivileges()");
 * // TypeError: unknown option "user" for maybeDropPrivileges(); known: uid, gid
 * ```
 */
export function rejectUnknownOptions(
  options: object,
  known: readonly string[],
  owner: string,
): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const shown = unknown.slice(0, SHOWN_KEYS).map((key) => quote(key)).join(", ");
  const more = unknown.length > SHOWN_KEYS ? ` and ${unknown.length - SHOWN_KEYS} more` : "";
  throw new TypeError(
    `unknown option${unknown.length > 1 ? "s" : ""} ${shown}${more} for ${owner}; ` +
      `known: ${known.join(", ")}`,
  );
}
