/**
 * Listing a directory through the C library (internal): Deno's own file APIs
 * and node:fs want `--allow-read` (and node:fs costs Deno start-up time),
 * and /proc's entries are best read without them.
 *
 * @module
 */
import { cstr, libc, nativeMemory, platform, pointerAddress, setErrno } from "../ffi/mod.ts";

const decoder = new TextDecoder();

/**
 * The names in a directory (without "." and ".."), read through libc; null
 * where it cannot. `longest`: bytes to look at for each name (at most the
 * platform's limit).
 */
export function listDirWithLibc(path: string, longest = Infinity): string[] | null {
  const readdir = libc.readdir64;
  if (!readdir) return null;
  const dir = libc.opendir(cstr(path));
  if (pointerAddress(dir) === 0n) return null;
  const names: string[] = [];
  const { reclen, name } = platform.layouts.dirent;
  const nameMax = Math.min(longest, platform.layouts.dirent.nameMax);
  try {
    for (;;) {
      setErrno(0);
      const entry = pointerAddress(readdir(dir));
      if (entry === 0n) break;
      // Read no further than the record: the last one may end the C library's buffer.
      const length = new Uint16Array(nativeMemory(entry + BigInt(reclen), 2))[0];
      const size = Math.min(nameMax, length - name);
      const bytes = new Uint8Array(nativeMemory(entry + BigInt(name), size));
      const end = bytes.indexOf(0);
      const text = decoder.decode(bytes.subarray(0, end < 0 ? size : end));
      if (text !== "." && text !== "..") names.push(text);
    }
  } finally {
    libc.closedir(dir);
  }
  return names;
}
