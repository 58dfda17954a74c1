/**
 * Bun's FFI: the `bun:ffi` module. Bun names pointers `ptr` and has no
 * `isize`/`usize`; its pointers are numbers.
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import type { NativeType } from "./symbols.ts";

/** The part of `bun:ffi` this backend uses (typed here: Deno checks this file too). */
interface BunFfi {
  dlopen(library: string, symbols: Record<string, unknown>): { symbols: Record<string, unknown> };
  ptr(view: ArrayBufferView): number;
  toArrayBuffer(pointer: number, offset: number, length: number): ArrayBuffer;
  CString: new (pointer: number) => { toString(): string };
}

const TYPES: Record<NativeType, string> = {
  i16: "i16",
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  isize: "i64",
  usize: "u64",
  buffer: "ptr",
  pointer: "ptr",
  void: "void",
};

/**
 * The backend for Bun. It loads `bun:ffi` through `process.getBuiltinModule`,
 * synchronously (an `import` would make every importer wait), and only when
 * called, so no other runtime resolves the module.
 */
export function bunBackend(): Backend {
  const process = (globalThis as unknown as {
    process: { getBuiltinModule(name: "bun:ffi"): BunFfi };
  }).process;
  const ffi = process.getBuiltinModule("bun:ffi");
  return {
    name: "bun",
    nonblocking: false,
    permissionHint: "Bun grants FFI to every program",
    bind(library, symbols) {
      const definitions = Object.fromEntries(
        Object.entries(symbols).map(([name, spec]) => [name, {
          args: spec.parameters.map((type) => TYPES[type]),
          returns: TYPES[spec.result],
        }]),
      );
      return ffi.dlopen(library, definitions).symbols;
    },
    isPermissionError: () => false,
    address: (pointer) =>
      pointer === null || pointer === undefined ? 0n : BigInt(pointer as number),
    pointer: (address) => address === 0n ? null : Number(address),
    addressOf: (view) => BigInt(ffi.ptr(view)),
    memory: (address, length) => ffi.toArrayBuffer(Number(address), 0, length),
    cstring: (address) => new ffi.CString(Number(address)).toString(),
  };
}
