/**
 * Showing values in messages (internal to `threads/`, which shares no code
 * with the rest of posixly): a string or a property key a caller gave, at a
 * bounded length (a 1 MB key must not make a 1 MB message).
 *
 * @module
 */

/** At most this many characters of a string are shown in a message. */
export const SHOWN_CHARS = 64;

/**
 * A string for a message: quoted as JSON (control characters visible), at
 * most {@linkcode SHOWN_CHARS} characters of it, then how long it was.
 *
 * @example Usage
 * ```ts ignore
 * quoted("x".repeat(100)); // "xxx…x"…(100 characters)
 * ```
 *
 * @param text The string.
 * @returns It quoted and bounded.
 */
export function quoted(text: string): string {
  const shown = JSON.stringify(text.slice(0, SHOWN_CHARS));
  return text.length <= SHOWN_CHARS ? shown : `${shown}…(${text.length} characters)`;
}

/**
 * A value for a message: `null` or `undefined`, the type of an object, a
 * function or a symbol, and a primitive's value after its type (a string
 * quoted and bounded).
 *
 * @example Usage
 * ```ts ignore
 * shown("x"); // string "x"
 * shown({}); // object
 * ```
 *
 * @param value Any value.
 * @returns How a message shows it.
 */
export function shown(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object" || typeof value === "function" || typeof value === "symbol") {
    return typeof value;
  }
  return `${typeof value} ${typeof value === "string" ? quoted(value) : String(value)}`;
}

/** A name that reads the same bare in a message as in code (`x`, `$el`, `_id`). */
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;

/**
 * A property key for a message: an identifier as it is (`name`), another
 * string quoted (`"a b"`), a symbol as `Symbol(description)`; bounded.
 *
 * @example Usage
 * ```ts ignore
 * keyName("user"); // user
 * keyName("a\nb"); // "a\nb"
 * ```
 *
 * @param key The key.
 * @returns How a message shows it.
 */
export function keyName(key: PropertyKey): string {
  if (typeof key === "string") {
    return key.length <= SHOWN_CHARS && IDENTIFIER.test(key) ? key : quoted(key);
  }
  const text = String(key);
  return text.length <= SHOWN_CHARS
    ? text
    : `${text.slice(0, SHOWN_CHARS)}…(${text.length} characters)`;
}
