/**
 * Reading a whole small file (such as `/proc/self/cmdline`) through the C
 * library (internal): Deno's own file APIs and node:fs want `--allow-all` for
 * `/proc/self`, and node:fs costs Deno start-up time.
 *
 * @module
 */
import { check, cstr, errno, libc, OSError, platform } from "../ffi/mod.ts";

/** The whole contents of `path`; OSError when it cannot be opened or read. */
export function readFileWithLibc(path: string): Uint8Array {
  const c = platform.constants;
  const fd = check(libc.open(cstr(path), c.O_RDONLY | c.O_CLOEXEC, 0), "open", { path });
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(65536);
      const n = Number(libc.read(fd, buf, buf.length));
      if (n === -1) {
        const e = errno();
        if (e === platform.errnoNumbers.EINTR) continue;
        throw new OSError(e, "read", { path });
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  } finally {
    libc.close(fd);
  }
}

/**
 * Bytes of a kernel or pidfile text as a string, one char per byte (Latin-1),
 * so that no byte is lost or replaced; in one call (a daemon reads its own
 * /proc stat once, cold, before it is ready, and a loop of += is slow until
 * it is compiled).
 */
export function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/**
 * True when `text` is one or more ASCII digits. A loop, not a regular
 * expression: Bun compiles each expression on its first use (~80 us), and
 * this runs on a daemon's cold path.
 */
export function isDecimal(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 48 || ch > 57) return false;
  }
  return true;
}
