/**
 * The last lines a failed program wrote to its logfile, for the message that
 * says why it did not start.
 *
 * @module
 */
import { cstr, libc, platform } from "../ffi/mod.ts";
import { fdIdentity, type Identity } from "../platforms/file_identity.ts";
import type { LogStart } from "./setup.ts";

const MAX_BYTES = 4096;
const MAX_LINES = 10;
const SEEK_SET = 0;
const SEEK_END = 2;

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
 * logfile, its last lines since `from`.
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
    ? `\nIt wrote nothing to ${logfile}.`
    : `\nThe last lines of ${logfile}:\n${lines.replace(/^/gm, "  ")}`;
}
