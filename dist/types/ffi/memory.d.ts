import type { Pointer } from "./libc.d.ts";
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
export declare function cstr(s: string): Uint8Array<ArrayBuffer>;
/**
 * Numeric address of a pointer returned by a C function (0n for NULL).
 *
 * @example
 * ```ts
 * import { libc, pointerAddress } from "@posixly/posixly/ffi";
 * console.log(pointerAddress(libc.strerror(2)) !== 0n);
 * ```
 */
export declare function pointerAddress(p: Pointer): bigint;
/**
 * A pointer value for a numeric address, to pass as a `pointer` parameter.
 *
 * @example
 * ```ts
 * import { pointerFromAddress } from "@posixly/posixly/ffi";
 * const p = pointerFromAddress(0n); // null
 * ```
 */
export declare function pointerFromAddress(address: bigint): Pointer;
/**
 * Address of a view's first byte (valid while the view is alive and not moved).
 *
 * @example
 * ```ts
 * import { addressOf } from "@posixly/posixly/ffi";
 * console.log(addressOf(new Uint8Array(8)) > 0n);
 * ```
 */
export declare function addressOf(view: ArrayBufferView): bigint;
/**
 * An ArrayBuffer aliasing native memory (no copy).
 *
 * @example
 * ```ts
 * import { libc, nativeMemory, pointerAddress } from "@posixly/posixly/ffi";
 * const bytes = new Uint8Array(nativeMemory(pointerAddress(libc.strerror(2)), 4));
 * ```
 */
export declare function nativeMemory(address: bigint, length: number): ArrayBuffer;
/**
 * Reads the NUL-terminated UTF-8 string at an address or pointer; null for NULL.
 *
 * @example
 * ```ts
 * import { libc, readCString } from "@posixly/posixly/ffi";
 * console.log(readCString(libc.strerror(2))); // "No such file or directory"
 * ```
 */
export declare function readCString(at: Pointer | bigint): string | null;
