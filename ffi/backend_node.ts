/**
 * Node.js's FFI: the `node:ffi` module (Node.js 26 and later; experimental,
 * so Node prints an ExperimentalWarning when it loads, which
 * `--disable-warning=ExperimentalWarning` hides).
 *
 * Where node:ffi differs from the other runtimes, this backend converts at the
 * boundary, so platforms/ sees the same values everywhere:
 * - 64-bit parameters take only bigints: numbers are converted;
 * - it has no `isize`/`usize`: they are `i64`/`u64`;
 * - pointers are bigints, and a NULL result is `0n`: it is returned as null;
 * - binding a function leaves errno changed (node:ffi probes memory with
 *   mmap(2)): harmless, as errno() reads the copy libc.ts takes as each call
 *   returns;
 * - it has no calls on another thread: `nonblocking` symbols are null.
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import { UnsupportedRuntimeError } from "./backend.ts";
import type { NativeType, SymbolSpec } from "./symbols.ts";

type NativeFunction = (...args: unknown[]) => unknown;

/** The part of `node:ffi` this backend uses (typed here: neither Deno's nor Bun's types have it). */
interface NodeFfi {
  DynamicLibrary: new (path: string) => NodeLibrary;
  dlopen(
    library: string,
    symbols: Record<string, { arguments: string[]; return: string }>,
  ): { functions: Record<string, NativeFunction> };
  getRawPointer(view: ArrayBufferView | ArrayBuffer): bigint;
  toArrayBuffer(address: bigint, length: number, copy: boolean): ArrayBuffer;
  toString(address: bigint): string;
}

/** An open library; `getFunction` binds one function of it. */
interface NodeLibrary {
  getFunction(name: string, signature: { arguments: string[]; return: string }): NativeFunction;
}

interface NodeProcess {
  version: string;
  getBuiltinModule?(name: "node:ffi"): NodeFfi | undefined;
}

const TYPES: Record<NativeType, string> = {
  i16: "i16",
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  isize: "i64",
  usize: "u64",
  buffer: "buffer",
  pointer: "pointer",
  void: "void",
};

const WIDE: ReadonlySet<NativeType> = new Set(["i64", "u64", "isize", "usize"]);

/** The Node.js that is needed, and what is missing in this one. */
function whyNoFfi(version: string): string {
  const major = Number(/^v(\d+)/.exec(version)?.[1]);
  return major >= 26
    ? `posixly's C bindings need node:ffi, which this Node.js (${version}) does not offer: ` +
      "run it without --no-experimental-ffi"
    : `posixly's C bindings need Node.js 26 or later (node:ffi); this is Node.js ${version}`;
}

/**
 * The function as platforms/ calls it: numbers accepted for 64-bit
 * parameters, null for a NULL pointer result.
 */
function atBoundary(fn: NativeFunction, spec: SymbolSpec): NativeFunction {
  const wide = spec.parameters.flatMap((type, i) => WIDE.has(type) ? [i] : []);
  const pointerResult = spec.result === "pointer";
  if (wide.length === 0 && !pointerResult) return fn;
  return (...args) => {
    for (const i of wide) if (typeof args[i] === "number") args[i] = BigInt(args[i]);
    const result = fn(...args);
    return pointerResult && result === 0n ? null : result;
  };
}

/** The backend for Node.js 26 and later; throws UnsupportedRuntimeError where node:ffi is missing. */
export function nodeBackend(): Backend {
  const process = (globalThis as unknown as { process: NodeProcess }).process;
  const ffi = process.getBuiltinModule?.("node:ffi");
  if (!ffi) throw new UnsupportedRuntimeError(whyNoFfi(process.version));
  /**
   * The library's open handles, each with the names bound through it. One
   * handle binds many functions (cheaper than a handle each), but refuses a
   * second signature for a name it has bound (`prctl` and `prctl_buffer`):
   * such a name gets another handle.
   */
  const handles = new Map<string, { library: NodeLibrary; names: Set<string> }[]>();

  function handleFor(library: string, name: string): NodeLibrary {
    const open = handles.get(library) ?? [];
    handles.set(library, open);
    let handle = open.find((h) => !h.names.has(name));
    if (handle === undefined) {
      handle = { library: new ffi!.DynamicLibrary(library), names: new Set() };
      open.push(handle);
    }
    handle.names.add(name);
    return handle.library;
  }

  return {
    name: "node",
    nonblocking: false,
    permissionHint: "with --permission, run Node.js with --allow-ffi too",
    bind: (library, symbols) =>
      Object.fromEntries(
        Object.entries(symbols).map(([name, spec]) => {
          const signature = {
            arguments: spec.parameters.map((type) => TYPES[type]),
            return: TYPES[spec.result],
          };
          return [name, atBoundary(handleFor(library, name).getFunction(name, signature), spec)];
        }),
      ),
    isPermissionError: (error) =>
      (error as { code?: unknown } | null)?.code === "ERR_ACCESS_DENIED",
    address: (pointer) =>
      pointer === null || pointer === undefined ? 0n : BigInt(pointer as bigint),
    pointer: (address) => address === 0n ? null : address,
    addressOf: (view) => ffi.getRawPointer(view),
    memory: (address, length) => ffi.toArrayBuffer(address, length, false),
    cstring: (address) => ffi.toString(address),
  };
}
