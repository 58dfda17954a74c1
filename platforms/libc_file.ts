/**
 * Reading a whole small file (such as `/proc/self/cmdline`) through the C
 * library (internal): Deno's own file APIs and node:fs want `--allow-all` for
 * `/proc/self`, and node:fs costs Deno start-up time.
 *
 * @module
 */
import { check, checkRetrying, cstr, libc, platform } from "../ffi/mod.ts";

/** The whole contents of `path`; OSError when it cannot be opened or read. */
export function readFileWithLibc(path: string): Uint8Array {
  const c = platform.constants;
  const fd = check(libc.open(cstr(path), c.O_RDONLY | c.O_CLOEXEC, 0), "open", { path });
  try {
    return readToEnd(fd, path);
  } finally {
    libc.close(fd);
  }
}

/** Where {@linkcode readToEnd} reads, before it copies out what it read. */
const scratch = new Uint8Array(65536);

/**
 * What is left to read on `fd`, up to end of file; OSError (naming `path`,
 * when given) when it cannot be read. The result is a copy of exactly what
 * was read: a small file costs one small array, not a buffer of the largest
 * size it could have.
 */
export function readToEnd(fd: number, path?: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const n = Number(checkRetrying(() => libc.read(fd, scratch, scratch.length), "read", { path }));
    if (n === 0) break;
    chunks.push(scratch.slice(0, n));
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
}

/** Bytes per String.fromCharCode call in {@linkcode latin1}. */
const LATIN1_SLICE = 8192;

/**
 * Bytes of a kernel or pidfile text as a string, one char per byte (Latin-1),
 * so that no byte is lost or replaced.
 */
export function latin1(bytes: Uint8Array): string {
  // In slices: one call with every byte as an argument overflows the stack
  // past about 100,000 (and /proc/stat is that long on a host with many CPUs).
  // apply() takes the bytes as they are; a spread (`...`) would walk them
  // through the array's iterator, which Bun does far more slowly.
  let text = "";
  for (let at = 0; at < bytes.length; at += LATIN1_SLICE) {
    const slice = bytes.subarray(at, at + LATIN1_SLICE) as unknown as number[];
    text += String.fromCharCode.apply(null, slice);
  }
  return text;
}

/** True when `text` is one or more ASCII digits. */
export function isDecimal(text: string): boolean {
  return /^\d+$/.test(text);
}
