/**
 * The last lines a failed program wrote to its logfile, for the message that
 * says why it did not start. They are the program's bytes (a `--user`
 * program's, shown on root's terminal): control characters are shown as
 * escapes, never sent as they are.
 *
 * @module
 */
import { cstr, libc, platform } from "../ffi/mod.ts";
import { fdIdentity, type Identity } from "../platforms/file_identity.ts";
import { quote } from "./errors.ts";
import type { LogStart } from "./setup.ts";

const MAX_BYTES = 4096;
const MAX_LINES = 10;
/** The longest line shown, in characters after escaping (a longer one is cut). */
const MAX_LINE_CHARS = 300;
const SEEK_SET = 0;
const SEEK_END = 2;

/**
 * What a terminal would act on rather than show: C0 controls but tab and
 * newline (ESC, CR, BEL, backspace), DEL, C1 controls (U+0080 to U+009F:
 * CSI, OSC), and the invisible characters that reorder or split lines (the
 * bidirectional overrides and isolates, U+2028 and U+2029).
 */
// deno-lint-ignore no-control-regex -- these are what it finds
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\x1b`, `\x9b`, `\u{202e}`: the character's code point, visible. */
function escapeOf(char: string): string {
  const code = char.codePointAt(0)!;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
}

/**
 * `text` safe to print on a terminal: every control character but newline
 * and tab as a visible escape (so an escape sequence shows as `\x1b[31m`,
 * and does nothing), each line cut to {@linkcode MAX_LINE_CHARS} characters.
 *
 * @param text what the program wrote (decoded)
 * @returns the text, printable
 *
 * @example An escape sequence is shown, not run
 * ```ts
 * import { visibleText } from "./logtail.ts";
 * console.log(visibleText("\x1b]0;title\x07ok")); // \x1b]0;title\x07ok
 * ```
 */
export function visibleText(text: string): string {
  return text.split("\n").map((line) => {
    const shown = line.replace(CONTROL, escapeOf);
    if (shown.length <= MAX_LINE_CHARS) return shown;
    // Not in the middle of an escape: cut before a backslash that starts one.
    let cut = MAX_LINE_CHARS;
    const escape = shown.lastIndexOf("\\", cut);
    if (escape > cut - 10) cut = escape;
    return `${shown.slice(0, cut)}... (cut)`;
  }).join("\n");
}

/**
 * Up to the last 10 lines written to `path` after `from`, or "" when
 * unreadable. Only from the very file posixly checked: the program, as
 * another user, may have put a link to a file it cannot read in its place.
 */
function tail(path: string, from: LogStart): string {
  const c = platform.constants;
  const flags = c.O_RDONLY | c.O_CLOEXEC | c.O_NOCTTY | c.O_NOFOLLOW | c.O_NONBLOCK;
  const fd = libc.open(cstr(path), flags, 0);
  if (fd === -1) return "";
  try {
    const identity: Identity = new Uint32Array(4);
    const kind = fdIdentity(fd, identity) & c.S_IFMT;
    if (kind !== c.S_IFREG || identity.some((x, i) => x !== from.identity[i])) return "";
    const end = Number(libc.lseek(fd, 0, SEEK_END));
    const start = Math.max(from.size, end - MAX_BYTES);
    if (end <= start || Number(libc.lseek(fd, start, SEEK_SET)) !== start) return "";
    const buf = new Uint8Array(end - start);
    const n = Math.max(0, Number(libc.read(fd, buf, buf.length)));
    const lines = new TextDecoder().decode(buf.subarray(0, n)).trimEnd().split("\n");
    return lines.slice(-MAX_LINES).join("\n");
  } finally {
    libc.close(fd);
  }
}

/**
 * A hint for a failure message: where the program's output went and, from a
 * logfile, its last lines since `from` (control characters escaped, see
 * {@linkcode visibleText}).
 *
 * @param logfile the logfile, or null (output went to /dev/null)
 * @param from the logfile and its size before the program started
 * @returns text that starts with a newline
 */
export function outputHint(logfile: string | null, from: LogStart | null): string {
  if (logfile === null || from === null) {
    return "\nIts output went to /dev/null: use --logfile to see why.";
  }
  const lines = tail(logfile, from);
  return lines === ""
    ? `\nIt wrote nothing to ${quote(logfile)}.`
    : `\nThe last lines of ${quote(logfile)}:\n${visibleText(lines).replace(/^/gm, "  ")}`;
}
