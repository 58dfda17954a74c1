/**
 * The C library, bound lazily: `libc.getpid()` opens the library and binds
 * `getpid` on its first call, then calls the runtime's own binding directly.
 *
 * In Deno, binding a symbol compiles a call trampoline (about 0.1-0.3 ms a
 * symbol, and about 1 ms more for the first one in a process), which adds up
 * in short-lived processes such as a daemon's launcher. So a function starts
 * on Deno's generic call path (its address, looked up as a static symbol the
 * first time and through dlsym(3) after that: about 1 us a call, cheap to set
 * up) and is bound for real once it has been called {@linkcode HOT_AFTER}
 * times. Bun binds cheaply: it binds at once.
 *
 * Only runtime.ts touches `Deno.dlopen`, `Deno.UnsafePointer*`, `bun:ffi` or `Bun.FFI`.
 *
 * @module
 */
import { platform } from "./platform.ts";
import { type NativeType, type SymbolName, SYMBOLS, type SymbolSpec } from "./symbols.ts";
import { backend } from "./runtime.ts";

/** An opaque C pointer as the runtime represents it (use memory.ts to read it). */
export type Pointer = object | number | null;

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

/** Thrown when the runtime refuses FFI (Deno without `--allow-ffi`). */
export class FfiPermissionError extends Error {
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
  constructor(cause: unknown) {
    super(
      `posixly needs FFI access to call the C library (${platform.libraryName}): ` +
        "run Deno with --allow-ffi (or -A)",
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
   * @example
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

function isPermissionError(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === "NotCapable" || name === "PermissionDenied";
}

const bound: Partial<Record<SymbolName, unknown>> = {};

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
export function bindSymbol<K extends SymbolName>(key: K): Libc[K] {
  if (key in bound) return bound[key] as Libc[K];
  if (!Object.hasOwn(SYMBOLS, key)) {
    throw new TypeError(`'${String(key)}' is not in posixly's symbol table (ffi/symbols.ts)`);
  }
  const spec: SymbolSpec = SYMBOLS[key];
  const cName = spec.name ?? key;
  if (spec.nonblocking && !backend().nonblocking) return settle(key, null) as Libc[K];
  let fn: unknown;
  try {
    fn = backend().bind(platform.libraryName, { [cName]: spec })[cName];
  } catch (e) {
    if (isPermissionError(e)) throw new FfiPermissionError(e);
    if (!spec.optional) throw new FfiSymbolError(cName, e);
    fn = null;
  }
  return settle(key, fn) as Libc[K];
}

function settle(key: SymbolName, fn: unknown): unknown {
  bound[key] = fn;
  (libcObject as Record<string, unknown>)[key] = fn;
  return fn;
}

/** Calls through the generic path before a function is bound for real. */
export const HOT_AFTER = 8;

/**
 * The generic-path function for a symbol: undefined where there is no
 * generic path (bind instead), null when the library lacks the symbol.
 */
function genericFunction(
  cName: string,
  spec: SymbolSpec,
): ((...a: unknown[]) => unknown) | null | undefined {
  const b = backend();
  if (!b.fromPointer || !b.lookup || spec.nonblocking) return undefined;
  const pointer = b.lookup(platform.libraryName, cName);
  if (pointer === undefined) return undefined;
  return pointer === null ? null : b.fromPointer(pointer, spec);
}

/**
 * The function for `key` on its first use: the generic-path function that
 * binds for real after {@linkcode HOT_AFTER} calls, or the bound function.
 * Null for a missing optional symbol.
 */
type AnyFunction = (...a: unknown[]) => unknown;

/** Functions on the generic path, until they are bound (one per symbol). */
const pending: Partial<Record<SymbolName, AnyFunction>> = {};

function firstUse(key: SymbolName): unknown {
  if (key in bound) return bound[key];
  const waiting = pending[key];
  if (waiting) return waiting;
  const spec: SymbolSpec = SYMBOLS[key];
  let generic: AnyFunction | null | undefined;
  try {
    generic = genericFunction(spec.name ?? key, spec);
  } catch (e) {
    if (e instanceof FfiPermissionError) throw e;
    if (isPermissionError(e)) throw new FfiPermissionError(e);
    generic = undefined; // no generic path after all: bind
  }
  // A missing symbol: bindSymbol gives null for an optional one, the error otherwise.
  if (!generic) return bindSymbol(key);
  const slow: AnyFunction = generic;
  let calls = 0;
  let fast: AnyFunction | undefined;
  let stuck = false;
  // Every reference to it (a saved `libc.X`, too) turns fast once it is bound.
  // A function expression, not an arrow: the build marks those for eager compilation.
  const tiered = function tiered(...args: unknown[]): unknown {
    if (fast) return fast(...args);
    if (!stuck && ++calls > HOT_AFTER) {
      fast = tierUp(key);
      if (fast) return fast(...args);
      stuck = true;
    }
    return slow(...args);
  };
  pending[key] = tiered;
  (libcObject as Record<string, unknown>)[key] = tiered;
  return tiered;
}

/** Binds a hot function for real; undefined (it stays on the generic path) when it cannot. */
function tierUp(key: SymbolName): AnyFunction | undefined {
  let fn: unknown;
  try {
    fn = bindSymbol(key);
  } catch (e) {
    if (e instanceof FfiPermissionError) throw e;
    fn = null;
  }
  if (typeof fn !== "function") {
    delete bound[key];
    (libcObject as Record<string, unknown>)[key] = pending[key];
    return undefined;
  }
  delete pending[key];
  return fn as AnyFunction;
}

/** A required symbol's function before its first call. */
function makeStub(key: SymbolName): unknown {
  // A saved reference to the stub keeps working: it hands over to what is there now.
  return function lazyStub(...args: unknown[]): unknown {
    return (firstUse(key) as AnyFunction)(...args);
  };
}

function defineSymbol(key: string | symbol, value: unknown): void {
  Object.defineProperty(libcObject, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/**
 * `libc` itself holds the symbols it has handed out; a Proxy behind it (its
 * prototype) makes each on its first read: a stub that binds on its first
 * call, or for an optional symbol the function or null, bound then (it must
 * report a missing one). So an import makes nothing for the ~80 symbols: a
 * loop that made them all cost a cold process 0.1-0.4 ms on the way to the
 * first line of its program, a daemon too. Once made, a symbol is an own data
 * property, read as fast as any. (The Proxy's traps are module-level
 * functions, which the build marks for eager compilation.)
 */
function makeOnRead(target: object, key: string | symbol, receiver: unknown): unknown {
  if (typeof key !== "string" || !Object.hasOwn(SYMBOLS, key)) {
    return Reflect.get(target, key, receiver);
  }
  const spec: SymbolSpec = SYMBOLS[key as SymbolName];
  const value = spec.optional ? firstUse(key as SymbolName) : makeStub(key as SymbolName);
  // firstUse may have settled it already (to the same value)
  if (!Object.hasOwn(libcObject, key)) defineSymbol(key, value);
  return libcObject[key];
}

/** A symbol not read yet: assigning it makes it, as reading would. */
function makeOnWrite(_target: object, key: string | symbol, value: unknown): boolean {
  defineSymbol(key, value);
  return true;
}

function isSymbol(target: object, key: string | symbol): boolean {
  return (typeof key === "string" && Object.hasOwn(SYMBOLS, key)) || Reflect.has(target, key);
}

const libcObject: Record<string, unknown> = Object.create(
  new Proxy({}, { get: makeOnRead, set: makeOnWrite, has: isSymbol }),
);

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
export const libc: Libc = libcObject as unknown as Libc;

/** Native type names of the table, mapped for a backend. */
export type { NativeType, SymbolSpec };
