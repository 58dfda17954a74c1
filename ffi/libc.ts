/**
 * The C library as one object, `libc`, with a function for every symbol of
 * {@linkcode SYMBOLS}. Each is bound the first time it is read, then kept as
 * a plain property: why binding waits for first use is in docs/internals.md
 * ("FFI bindings").
 *
 * Only the backend files (backend_*.ts) touch a runtime's FFI.
 *
 * @module
 */
import { platform } from "./platform.ts";
import { type NativeType, type SymbolName, SYMBOLS, type SymbolSpec } from "./symbols.ts";
import { backend } from "./backend.ts";
import { keepingErrno } from "./errno_after_call.ts";

/**
 * An opaque C pointer as the runtime represents it (an object in Deno, a
 * number in Bun, a bigint in Node; null for NULL). Use memory.ts to read it.
 */
export type Pointer = object | number | bigint | null;

/** JS type accepted for a parameter of the given native type. */
export type ParamValue<T extends NativeType> = T extends "i16" | "i32" | "u32" ? number
  : T extends "i64" | "u64" | "isize" | "usize" ? number | bigint
  : T extends "buffer" ? ArrayBufferView | null
  : T extends "pointer" ? Pointer
  : never;

/** JS type returned for a result of the given native type. */
export type ResultValue<T extends NativeType> = T extends "i16" | "i32" | "u32" ? number
  : T extends "i64" | "u64" | "isize" | "usize" ? bigint
  : T extends "pointer" ? Pointer
  : T extends "void" ? void
  : never;

/** JS parameter types for a tuple of native types. */
export type Params<P extends readonly NativeType[]> = {
  -readonly [I in keyof P]: ParamValue<P[I]>;
};

/** The JS signature of one bound symbol (a promise of the result for a `nonblocking` one). */
export type NativeFunction<S extends SymbolSpec> = (
  ...args: Params<S["parameters"]>
) => S extends { nonblocking: true } ? Promise<ResultValue<S["result"]>>
  : ResultValue<S["result"]>;

/** Every symbol of the table, typed; optional symbols may be `null` where missing. */
export type Libc = {
  readonly [K in SymbolName]: (typeof SYMBOLS)[K] extends { optional: true }
    ? NativeFunction<(typeof SYMBOLS)[K]> | null
    : NativeFunction<(typeof SYMBOLS)[K]>;
};

/** Thrown when the runtime refuses FFI (Deno without `--allow-ffi`, Node's `--permission` without `--allow-ffi`). */
export class FfiPermissionError extends Error {
  /**
   * Builds the error from the runtime's refusal.
   *
   * @param cause the runtime's own error
   * @param hint what to do about it (the flag to add)
   *
   * @example Tell the user which flag is missing
   * ```ts
   * import { FfiPermissionError, libc } from "@posixly/posixly/ffi";
   * try {
   *   libc.getpid();
   * } catch (e) {
   *   if (e instanceof FfiPermissionError) console.error(e.message);
   * }
   * ```
   */
  constructor(cause: unknown, hint = "run Deno with --allow-ffi (or -A)") {
    super(
      `posixly needs FFI access to call the C library (${platform.libraryName}): ${hint}`,
      { cause },
    );
    this.name = "FfiPermissionError";
  }
}

/** Thrown when a required C symbol cannot be bound. */
export class FfiSymbolError extends Error {
  /**
   * Builds the error for a symbol that could not be bound.
   *
   * @param symbol the C symbol's name
   * @param cause the runtime's own error
   *
   * @example Describe a symbol the C library lacks
   * ```ts
   * import { FfiSymbolError } from "@posixly/posixly/ffi";
   * console.log(new FfiSymbolError("nosuch", null).message);
   * ```
   */
  constructor(symbol: string, cause: unknown) {
    super(`cannot bind C symbol '${symbol}' from ${platform.libraryName}: ${String(cause)}`, {
      cause,
    });
    this.name = "FfiSymbolError";
  }
}

const bound = new Map<SymbolName, unknown>();

/**
 * The bound function for a symbol of {@linkcode SYMBOLS}, bound now if it is
 * not yet (`libc.NAME` does this on first read); null for a missing optional
 * symbol, and for a `nonblocking` one where the runtime cannot run calls off
 * its main thread.
 *
 * @example Bind one function
 * ```ts
 * import { bindSymbol } from "@posixly/posixly/ffi";
 * const getpid = bindSymbol("getpid");
 * console.log(getpid());
 * ```
 */
export function bindSymbol<K extends SymbolName>(key: K): Libc[K] {
  if (!Object.hasOwn(SYMBOLS, key)) {
    throw new TypeError(`'${String(key)}' is not in posixly's symbol table (ffi/symbols.ts)`);
  }
  if (!bound.has(key)) bound.set(key, bind(key));
  return bound.get(key) as Libc[K];
}

function bind(key: SymbolName): unknown {
  const spec: SymbolSpec = SYMBOLS[key];
  const runtime = backend();
  if (spec.nonblocking && !runtime.nonblocking) return null;
  const name = spec.name ?? key;
  // errno is copied as each call returns (errno_after_call.ts); not for a
  // nonblocking call, which runs on another thread with an errno of its own.
  const wrap = (fn: unknown): unknown =>
    fn === null || spec.nonblocking ? fn : keepingErrno(fn as (...args: unknown[]) => unknown);
  try {
    return wrap(
      runtime.bind(
        platform.libraryName,
        { [name]: spec },
        (_, fn) => useFaster(key, wrap(fn)),
      )[name],
    );
  } catch (e) {
    if (runtime.isPermissionError(e)) throw new FfiPermissionError(e, runtime.permissionHint);
    if (spec.optional) return null;
    throw new FfiSymbolError(name, e);
  }
}

/** Puts a symbol's function on `libc` as an own property (or in place of a slower one). */
function settle(key: SymbolName, fn: unknown): unknown {
  Object.defineProperty(libc, key, { value: fn, enumerable: true, configurable: true });
  return fn;
}

/** The backend has a faster binding of a symbol (see Backend.bind): `libc` and bindSymbol give it from now on. */
function useFaster(key: SymbolName, fn: unknown): void {
  bound.set(key, fn);
  if (Object.hasOwn(libc, key)) settle(key, fn);
}

/**
 * The prototype of `libc`: a Proxy that binds a symbol when it is first read
 * and puts the function on `libc` itself, where every later read finds it as
 * a plain property. Nothing is made per symbol at import, which a getter per
 * symbol would (docs/internals.md, "FFI bindings", has what that costs).
 */
const bindOnFirstRead = new Proxy(Object.prototype, {
  get(target, key, receiver) {
    if (typeof key !== "string" || !Object.hasOwn(SYMBOLS, key)) {
      return Reflect.get(target, key, receiver);
    }
    return settle(key as SymbolName, bindSymbol(key as SymbolName));
  },
  has: (target, key) => (typeof key === "string" && Object.hasOwn(SYMBOLS, key)) || key in target,
});

/**
 * The C library's functions, typed from {@linkcode SYMBOLS}. Nothing is
 * opened at import: a function is bound when it is first read (so a failure
 * to bind, such as a missing FFI permission, is thrown there) and is an own
 * property of `libc` from then on. Optional symbols the library lacks read as
 * null. Errors of the calls themselves are not checked here: see `check()` in
 * os_error.ts.
 *
 * @example Call two C functions
 * ```ts
 * import { libc } from "@posixly/posixly/ffi";
 * console.log(libc.getpid(), libc.getuid());
 * ```
 */
export const libc: Libc = Object.create(bindOnFirstRead);

/** Native type names of the table, mapped for a backend. */
export type { NativeType, SymbolSpec };
