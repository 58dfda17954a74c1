/**
 * The two FFI backends, Deno (`Deno.dlopen`) and Bun (`Bun.FFI`, or `bun:ffi`),
 * behind one small interface. `bun:ffi` is imported only when running under Bun, so Deno
 * never resolves it.
 *
 * @module
 */
import type { SymbolSpec } from "./symbols.d.ts";
/** What ffi/ needs from a runtime's FFI. */
export interface Backend {
    /** Runtime name, "deno" or "bun". */
    readonly name: "deno" | "bun";
    /** Whether `bind` honours {@linkcode SymbolSpec.nonblocking} (calls on a worker thread). */
    readonly nonblocking: boolean;
    /**
     * Opens `library` and binds the symbols (C name to typing) in one go;
     * throws when any of them cannot be bound.
     */
    bind(library: string, symbols: Readonly<Record<string, SymbolSpec>>): Record<string, unknown>;
    /**
     * A function that calls the C function at `pointer` through the runtime's
     * generic call path: cheaper to make than `bind` (Deno compiles a call
     * trampoline for every bound symbol, about 0.1-0.3 ms each) but slower per
     * call (about 1 us instead of 0.15). Absent where `bind` is cheap already.
     */
    fromPointer?(pointer: unknown, spec: SymbolSpec): (...args: unknown[]) => unknown;
    /**
     * The address of the function `symbol` in `library`, for `fromPointer`,
     * found without binding any function: null when the library lacks it,
     * undefined when this runtime cannot tell. Present with `fromPointer`.
     */
    lookup?(library: string, symbol: string): unknown;
    /** Numeric address of a pointer value (0n for null). */
    address(pointer: unknown): bigint;
    /** Pointer value for a numeric address. */
    pointer(address: bigint): unknown;
    /** Address of the first byte of a view's memory. */
    addressOf(view: ArrayBufferView): bigint;
    /** An ArrayBuffer aliasing `length` bytes of native memory at `address`. */
    memory(address: bigint, length: number): ArrayBuffer;
    /** The NUL-terminated string at `address`, decoded as UTF-8. */
    cstring(address: bigint): string;
}
/** True when running under Bun. */
export declare const isBun: boolean;
/** True when running under Deno. */
export declare const isDeno: boolean;
/** Thrown when the runtime has no FFI posixly knows (e.g. Node.js). */
export declare class UnsupportedRuntimeError extends Error {
    /**
     * @example
     * ```ts
     * import { UnsupportedRuntimeError } from "@posixly/posixly/ffi";
     * console.log(new UnsupportedRuntimeError().message);
     * ```
     */
    constructor();
}
/**
 * The backend for the running runtime.
 *
 * @example
 * ```ts
 * import { backend } from "@posixly/posixly/ffi";
 * console.log(backend().name);
 * ```
 */
export declare function backend(): Backend;
