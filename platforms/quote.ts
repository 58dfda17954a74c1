/**
 * Showing values in messages (internal): a value a caller gave, at a bounded
 * length (a 1 MB user name must not make a 1 MB message), and lists of pids.
 *
 * @module
 */

/** How many characters of a name (user, group, signal, option value) a message shows. */
export const SHOWN_CHARS = 64;

/**
 * Up to PATH_MAX (4096 on Linux) characters of a path: a path longer than that
 * names no file, so a real path is always shown whole.
 */
export const SHOWN_PATH_CHARS = 4096;

/**
 * `text` cut to its first `max` characters, followed by how long it was:
 * `"abc…(1048576 characters)"`. Text within the bound is returned unchanged.
 */
export function bounded(text: string, max: number = SHOWN_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} characters)`;
}

/**
 * A value for an error message: a string quoted as JSON (so that control
 * characters and lone surrogates are visible), anything else as `String()`
 * gives it; either at most `max` characters of it.
 */
export function quote(value: unknown, max: number = SHOWN_CHARS): string {
  if (typeof value === "string") {
    const shown = JSON.stringify(value.slice(0, max));
    return value.length <= max ? shown : `${shown}…(${value.length} characters)`;
  }
  let text: string;
  try {
    text = String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return bounded(text, max);
}

/** A path for an error message: whole when it could name a file, else its bounded prefix. */
export function shownPath(path: string): string {
  return bounded(path, SHOWN_PATH_CHARS);
}

/** A list of processes for a message: "pid 5" or "pids 5, 6". */
export function pidList(pids: readonly number[]): string {
  return `${pids.length === 1 ? "pid" : "pids"} ${pids.join(", ")}`;
}
