/**
 * Reading `/proc/PID/stat` through the C library (internal), so that Deno
 * needs no `--allow-read` for it.
 *
 * @module
 */
import { cstr, errno, libc, platform } from "../ffi/mod.ts";
import { latin1 } from "./libc_file.ts";
import { quote } from "./quote.ts";

const statBuffer = new Uint8Array(4096);

/**
 * The text of `/proc/PID/stat`, or null when it cannot be read (no such
 * process, no `/proc`). A TypeError or RangeError when `pid` is not a
 * positive integer.
 */
export function readProcStat(pid: number): string | null {
  if (typeof pid !== "number") {
    throw new TypeError(`pid must be a number, got ${typeof pid} ${quote(pid)}`);
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid > 0x7fffffff) {
    throw new RangeError(`pid must be a positive integer, got ${String(pid)}`);
  }
  const fd = libc.open(
    cstr(`/proc/${pid}/stat`),
    platform.constants.O_RDONLY | platform.constants.O_CLOEXEC,
    0,
  );
  if (fd === -1) return null;
  let n = 0;
  try {
    while (n < statBuffer.length) {
      const r = Number(libc.read(fd, statBuffer.subarray(n), statBuffer.length - n));
      if (r === -1 && errno() === platform.errnoNumbers.EINTR) continue;
      if (r <= 0) break;
      n += r;
    }
  } finally {
    libc.close(fd);
  }
  return latin1(statBuffer.subarray(0, n));
}

/**
 * The fields of a `/proc/PID/stat` line after the command name, which may
 * hold spaces and parentheses: index 0 is field 3 (the state), index 1 field
 * 4 (the parent's pid), and so on.
 */
export function fieldsAfterName(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}
