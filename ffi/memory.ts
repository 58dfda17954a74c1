/**
 * Reading native memory and C strings, the same way in both runtimes.
 *
 * @module
 */
import { backend } from "./backend.ts";
import type { Pointer } from "./libc.ts";

const encoder = new TextEncoder();

/** How many characters of a bad value an error message quotes. */
const QUOTED_MAX = 64;

/**
 * A value quoted for an error message: JSON-quoted (so control characters and
 * lone surrogates show as escapes), at most 64 characters of it, then an
 * ellipsis and the value's length.
 *
 * @example Quote a long value
 * ```ts
 * import { quoteForMessage } from "@posixly/posixly/ffi";
 * quoteForMessage("x".repeat(1000)); // "xxx…xxx"… (1000 characters)
 * ```
 */
export function quoteForMessage(value: string): string {
  if (value.length <= QUOTED_MAX) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, QUOTED_MAX))}… (${value.length} characters)`;
}

/**
 * Throws TypeError unless `s` can be handed to C as it is: well-formed
 * Unicode (a lone surrogate would be encoded as U+FFFD and name another
 * file or user) and without NUL (C would cut the string there).
 */
function checkCString(s: string, what: string): void {
  if (!s.isWellFormed()) {
    throw new TypeError(
      `${what} is not well-formed Unicode (it has a lone surrogate): ${quoteForMessage(s)}`,
    );
  }
  if (s.includes("\0")) {
    throw new TypeError(`${what} contains a NUL character: ${quoteForMessage(s)}`);
  }
}

/**
 * Encodes a string as a NUL-terminated UTF-8 C string. Throws TypeError when
 * the string is not well-formed Unicode or has an embedded NUL, naming it as
 * `what` ("path", "user name") and quoting at most 64 characters of it.
 *
 * @example Encode a path
 * ```ts
 * import { cstr } from "@posixly/posixly/ffi";
 * cstr("/tmp/x"); // Uint8Array [..., 0]
 * cstr("bad\uD800", "path"); // TypeError: path is not well-formed Unicode ...
 * ```
 */
export function cstr(s: string, what = "string"): Uint8Array<ArrayBuffer> {
  checkCString(s, what);
  const out = new Uint8Array(s.length * 3 + 1);
  const { written } = encoder.encodeInto(s, out);
  return out.subarray(0, written + 1);
}

/**
 * {@linkcode cstr} into a buffer the caller reuses: the C string is written at
 * its start when it fits (else a new array is returned), with the same checks.
 *
 * @example Reuse one buffer for many lookups
 * ```ts
 * import { cstrInto } from "@posixly/posixly/ffi";
 * const buffer = new Uint8Array(256);
 * const name = cstrInto(buffer, "nobody", "user name"); // buffer itself
 * ```
 */
export function cstrInto(buffer: Uint8Array, s: string, what = "string"): Uint8Array {
  if (s.length * 3 + 1 > buffer.length) return cstr(s, what);
  checkCString(s, what);
  const { written } = encoder.encodeInto(s, buffer);
  buffer[written] = 0;
  return buffer;
}

/**
 * Numeric address of a pointer returned by a C function (0n for NULL).
 *
 * @example
 * ```ts
 * import { libc, pointerAddress } from "@posixly/posixly/ffi";
 * console.log(pointerAddress(libc.strerror(2)) !== 0n);
 * ```
 */
export function pointerAddress(p: Pointer): bigint {
  return backend().address(p);
}

/**
 * A pointer value for a numeric address, to pass as a `pointer` parameter.
 *
 * @example
 * ```ts
 * import { pointerFromAddress } from "@posixly/posixly/ffi";
 * const p = pointerFromAddress(0n); // null
 * ```
 */
export function pointerFromAddress(address: bigint): Pointer {
  return backend().pointer(address) as Pointer;
}

/**
 * Address of a view's first byte (valid while the view is alive and not moved).
 *
 * @example
 * ```ts
 * import { addressOf } from "@posixly/posixly/ffi";
 * console.log(addressOf(new Uint8Array(8)) > 0n);
 * ```
 */
export function addressOf(view: ArrayBufferView): bigint {
  return backend().addressOf(view);
}

/**
 * An ArrayBuffer aliasing native memory (no copy).
 *
 * @example
 * ```ts
 * import { libc, nativeMemory, pointerAddress } from "@posixly/posixly/ffi";
 * const bytes = new Uint8Array(nativeMemory(pointerAddress(libc.strerror(2)), 4));
 * ```
 */
export function nativeMemory(address: bigint, length: number): ArrayBuffer {
  return backend().memory(address, length);
}

/**
 * Reads the NUL-terminated UTF-8 string at an address or pointer; null for NULL.
 *
 * @example
 * ```ts
 * import { libc, readCString } from "@posixly/posixly/ffi";
 * console.log(readCString(libc.strerror(2))); // "No such file or directory"
 * ```
 */
export function readCString(at: Pointer | bigint): string | null {
  const address = typeof at === "bigint" ? at : backend().address(at);
  return address === 0n ? null : backend().cstring(address);
}
