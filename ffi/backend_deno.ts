/**
 * Deno's FFI: `Deno.dlopen`, `Deno.UnsafeFnPointer` and `Deno.UnsafePointer*`.
 * The native type names of ffi/symbols.ts are Deno's own.
 *
 * Binding a function with `Deno.dlopen` compiles a call trampoline for it, which
 * is slow to make and fast to call; `Deno.UnsafeFnPointer` calls a function's
 * address through Deno's generic path, which is quick to make and slower to call.
 * So a function starts on the generic path and is bound once it has been called
 * {@linkcode HOT_AFTER} times (and handed to `bind`'s `faster`): a short-lived
 * process (a daemon's launcher) makes no trampolines, a long-lived one calls its
 * hot functions at full speed.
 * docs/internals.md ("FFI bindings") has the measurements.
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import type { SymbolSpec } from "./symbols.ts";

/**
 * Calls through the generic path before a function is bound. Binding later
 * would spare a short-lived command its few binds, but a hot function would
 * then stay slower for good (docs/internals.md, "Deno: the generic call path
 * before binding").
 */
export const HOT_AFTER = 8;

/** Calls after which a function is bound: {@linkcode HOT_AFTER}, or never in a short-lived process. */
let bindAfter = HOT_AFTER;

/**
 * Keeps every function of this process on the generic call path from now on
 * (see {@linkcode markShortLived} in ffi/backend.ts).
 */
export function neverBind(): void {
  bindAfter = Infinity;
}

type NativeFunction = (...args: unknown[]) => unknown;

/** The part of the `Deno` namespace this backend uses (typed here: tsc checks it without Deno's types). */
interface DenoFfi {
  dlopen(library: string, symbols: Record<string, unknown>): { symbols: Record<string, unknown> };
  UnsafeFnPointer: new (pointer: unknown, definition: unknown) => { call: NativeFunction };
  UnsafePointer: {
    create(address: bigint): unknown;
    of(view: ArrayBufferView): unknown;
    value(pointer: unknown): number | bigint;
  };
  UnsafePointerView: {
    getArrayBuffer(pointer: unknown, length: number): ArrayBuffer;
    getCString(pointer: unknown): string;
  };
}

/**
 * The backend for Deno (needs `--allow-ffi`).
 */
export function denoBackend(): Backend {
  const deno = (globalThis as unknown as { Deno: DenoFfi }).Deno;
  const { UnsafeFnPointer, UnsafePointer, UnsafePointerView } = deno;
  /** Whether a static symbol of type "pointer" reads as its own address (checked once). */
  let staticsGiveAddresses: boolean | undefined;

  /**
   * The address of the function `name`, read as a static symbol (which makes no
   * trampoline); null when the library lacks it; undefined when this Deno does not
   * give a static's address (it would read the bytes stored there, as for a "u64").
   */
  function addressOfFunction(library: string, name: string): unknown {
    const at = { name, type: "pointer", optional: true };
    if (staticsGiveAddresses === undefined) {
      const { address, bytes } = deno.dlopen(library, {
        address: at,
        bytes: { name, type: "u64", optional: true },
      }).symbols;
      if (address === null) return null;
      staticsGiveAddresses = BigInt(UnsafePointer.value(address)) !== BigInt(bytes as bigint);
      return staticsGiveAddresses ? address : undefined;
    }
    return staticsGiveAddresses ? deno.dlopen(library, { address: at }).symbols.address : undefined;
  }

  function bindOne(
    library: string,
    name: string,
    spec: SymbolSpec,
    faster?: (name: string, fn: unknown) => void,
  ): NativeFunction {
    const definition = {
      parameters: spec.parameters,
      result: spec.result,
      nonblocking: spec.nonblocking === true,
    };
    const bindNow = () =>
      deno.dlopen(library, { [name]: definition }).symbols[name] as NativeFunction;
    if (spec.nonblocking) return bindNow();
    const address = addressOfFunction(library, name);
    if (address === null) throw new Error(`${library} has no symbol '${name}'`);
    if (address === undefined) return bindNow();
    const generic = new UnsafeFnPointer(address, definition);
    let bound: NativeFunction | undefined;
    let calls = 0;
    return (...args) => {
      if (bound) return bound(...args);
      if (++calls === bindAfter) {
        bound = bindNow();
        faster?.(name, bound);
      }
      return generic.call(...args);
    };
  }

  return {
    name: "deno",
    nonblocking: true,
    permissionHint: "run Deno with --allow-ffi (or -A)",
    bind: (library, symbols, faster) =>
      Object.fromEntries(
        Object.entries(symbols).map(([name, spec]) => [name, bindOne(library, name, spec, faster)]),
      ),
    isPermissionError(error) {
      const name = (error as { name?: unknown } | null)?.name;
      return name === "NotCapable" || name === "PermissionDenied";
    },
    address: (pointer) => pointer === null ? 0n : BigInt(UnsafePointer.value(pointer)),
    pointer: (address) => UnsafePointer.create(address),
    addressOf: (view) => BigInt(UnsafePointer.value(UnsafePointer.of(view))),
    memory: (address, length) =>
      UnsafePointerView.getArrayBuffer(UnsafePointer.create(address), length),
    cstring: (address) => UnsafePointerView.getCString(UnsafePointer.create(address)),
  };
}
