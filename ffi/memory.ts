/**
 * Reading native memory and C strings, the same way in both runtimes.
 *
 * @module
 */
import { backend } from "./backend.ts";
import type { Pointer } from "./libc.ts";

const encoder = new TextEncoder();

/**
 * Encodes a string as a NUL-terminated C string. Throws TypeError on an
 * embedded NUL, which C would silently cut.
 *
 * @example
 * ```ts
 * import { cstr } from "@posixly/posixly/ffi";
 * cstr("/tmp/x"); // Uint8Array [..., 0]
 * ```
 */
export function cstr(s: string): Uint8Array<ArrayBuffer> {
  if (s.includes("\0")) throw new TypeError(`string contains a NUL byte: ${JSON.stringify(s)}`);
  const out = new Uint8Array(s.length * 3 + 1);
  const { written } = encoder.encodeInto(s, out);
  return out.subarray(0, written + 1);
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
