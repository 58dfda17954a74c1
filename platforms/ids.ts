/**
 * A uid or gid as a caller gives it, checked before any lookup (internal):
 * a number, a string of decimal digits, or a name.
 *
 * @module
 */
import { quote } from "./quote.ts";

/** The largest valid id: `(uid_t)-1` (4294967295) means "no change" to the C library. */
const ID_MAX = 4294967294;
const DIGITS = /^\s*\d+\s*$/;

/**
 * Checks an id given as a number or a string: returns the id as a number, or
 * the string itself when it is a name to look up. Messages name the value as
 * `label` (`"gid"`, `"groups[2]"`). `-0` comes back as 0: the FFI of Deno and
 * Node refuses -0 as an unsigned integer.
 *
 * @example A uid, a name, and what is neither
 * ```ts ignore
 * classifyId("1000", "uid"); // 1000
 * classifyId("www-data", "uid"); // "www-data"
 * classifyId("-1", "uid"); // RangeError: uid must not be negative, got "-1"
 * ```
 */
export function classifyId(
  value: unknown,
  what: "uid" | "gid",
  label: string = what,
): number | string {
  const kind = what === "uid" ? "user" : "group";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      throw new RangeError(`${label} must be a whole number, got ${value}`);
    }
    if (value < 0) throw new RangeError(`${label} must not be negative, got ${value}`);
    if (value > ID_MAX) {
      throw new RangeError(
        `${label} must be at most ${ID_MAX} (${ID_MAX + 1} is (${what}_t)-1), got ${value}`,
      );
    }
    return value === 0 ? 0 : value; // -0 === 0: this turns -0 into 0
  }
  if (typeof value !== "string") {
    throw new TypeError(
      `${label} must be a number or a ${kind} name, got ${value === null ? "null" : typeof value}`,
    );
  }
  if (DIGITS.test(value)) return classifyId(Number(value), what, label);
  const trimmed = value.trim();
  if (trimmed === "") {
    throw new TypeError(`${label} must be a number or a ${kind} name, got an empty string`);
  }
  const n = Number(trimmed);
  if (Number.isFinite(n)) {
    // Numeric, but not plain decimal digits: "-1", "-0", "1.5", "0x10", "1e3", "+5".
    if (n < 0) throw new RangeError(`${label} must not be negative, got ${quote(value)}`);
    throw new TypeError(
      `${label} as a string must be decimal digits or a name, got ${quote(value)}`,
    );
  }
  return value;
}
