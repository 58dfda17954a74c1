import { type NativeType, type SymbolName, SYMBOLS, type SymbolSpec } from "./symbols.d.ts";
/** An opaque C pointer as the runtime represents it (use memory.ts to read it). */
export type Pointer = object | number | null;
/** JS type accepted for a parameter of the given native type. */
export type ParamValue<T extends NativeType> = T extends "i16" | "i32" | "u32" ? number : T extends "i64" | "u64" | "isize" | "usize" ? number | bigint : T extends "buffer" ? ArrayBufferView | null : T extends "pointer" ? Pointer : never;
/** JS type returned for a result of the given native type. */
export type ResultValue<T extends NativeType> = T extends "i16" | "i32" | "u32" ? number : T extends "i64" | "u64" | "isize" | "usize" ? bigint : T extends "pointer" ? Pointer : T extends "void" ? void : never;
/** JS parameter types for a tuple of native types. */
export type Params<P extends readonly NativeType[]> = {
    -readonly [I in keyof P]: ParamValue<P[I]>;
};
/** The JS signature of one bound symbol (a promise of the result for a `nonblocking` one). */
export type NativeFunction<S extends SymbolSpec> = (...args: Params<S["parameters"]>) => S extends {
    nonblocking: true;
} ? Promise<ResultValue<S["result"]>> : ResultValue<S["result"]>;
/** Every symbol of the table, typed; optional symbols may be `null` where missing. */
export type Libc = {
    readonly [K in SymbolName]: (typeof SYMBOLS)[K] extends {
        optional: true;
    } ? NativeFunction<(typeof SYMBOLS)[K]> | null : NativeFunction<(typeof SYMBOLS)[K]>;
};
/** Thrown when the runtime refuses FFI (Deno without `--allow-ffi`). */
export declare class FfiPermissionError extends Error {
    /**
     * Builds the error from the runtime's refusal.
     *
     * @param cause the runtime's own error
     *
     * @example
     * ```ts
     * import { FfiPermissionError, libc } from "@posixly/posixly/ffi";
     * try {
     *   libc.getpid();
     * } catch (e) {
     *   if (e instanceof FfiPermissionError) console.error(e.message);
     * }
     * ```
     */
    constructor(cause: unknown);
}
/** Thrown when a required C symbol cannot be bound. */
export declare class FfiSymbolError extends Error {
    /**
     * Builds the error for a symbol that could not be bound.
     *
     * @param symbol the C symbol's name
     * @param cause the runtime's own error
     *
     * @example
     * ```ts
     * import { FfiSymbolError } from "@posixly/posixly/ffi";
     * console.log(new FfiSymbolError("nosuch", null).message);
     * ```
     */
    constructor(symbol: string, cause: unknown);
}
/**
 * Binds one symbol now (normally not needed: `libc.NAME` binds on first call).
 * Returns null for a missing optional symbol.
 *
 * @example
 * ```ts
 * import { bindSymbol } from "@posixly/posixly/ffi";
 * const getpid = bindSymbol("getpid");
 * console.log(getpid());
 * ```
 */
export declare function bindSymbol<K extends SymbolName>(key: K): Libc[K];
/** Calls through the generic path before a function is bound for real. */
export declare const HOT_AFTER = 8;
/**
 * The C library's functions, typed from {@linkcode SYMBOLS}. Nothing is
 * opened until a function is first called (or, for optional symbols, first
 * read); each becomes an own (enumerable) property when first read. Errors
 * are not checked here: see `check()` in os_error.ts.
 *
 * @example
 * ```ts
 * import { libc } from "@posixly/posixly/ffi";
 * console.log(libc.getpid(), libc.getuid());
 * ```
 */
export declare const libc: Libc;
/** Native type names of the table, mapped for a backend. */
export type { NativeType, SymbolSpec };
