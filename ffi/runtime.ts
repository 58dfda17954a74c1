/**
 * The two FFI backends, Deno (`Deno.dlopen`) and Bun (`Bun.FFI`, or `bun:ffi`),
 * behind one small interface. `bun:ffi` is imported only when running under Bun, so Deno
 * never resolves it.
 *
 * @module
 */
import type { NativeType, SymbolSpec } from "./symbols.ts";

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

// deno-lint-ignore no-explicit-any
type Any = any;

const g = globalThis as Any;
/** True when running under Bun. */
export const isBun: boolean = typeof g.Bun !== "undefined";
/** True when running under Deno. */
export const isDeno: boolean = !isBun && typeof g.Deno?.dlopen === "function";

const DENO_TYPES: Record<NativeType, string> = {
  i16: "i16",
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  isize: "isize",
  usize: "usize",
  buffer: "buffer",
  pointer: "pointer",
  void: "void",
};
const BUN_TYPES: Record<NativeType, string> = {
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
 * A spec's parameter types in a backend's names. A loop, not `Array.map`:
 * this runs for the first C calls of every process, and Bun compiles `map`
 * on its first use (~0.1 ms).
 */
function mapTypes(types: readonly NativeType[], names: Record<NativeType, string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < types.length; i++) out.push(names[types[i]]);
  return out;
}

// Deno's backend is module-level functions rather than an object literal's
// methods: the build marks top-level functions for eager compilation, so Deno's
// code cache holds their bytecode (a method would be compiled on its first
// call in every process, and these run in every cold start that calls C).
const D = g.Deno;
/** Whether a static "pointer" symbol reads as its own address; unknown until the first lookup. */
let staticsGiveAddresses: boolean | undefined;

function denoBind(
  library: string,
  symbols: Readonly<Record<string, SymbolSpec>>,
): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const [symbol, spec] of Object.entries(symbols)) {
    defs[symbol] = {
      parameters: mapTypes(spec.parameters, DENO_TYPES),
      result: DENO_TYPES[spec.result],
      nonblocking: spec.nonblocking === true,
    };
  }
  return D.dlopen(library, defs).symbols;
}

function denoFromPointer(p: unknown, spec: SymbolSpec): (...args: unknown[]) => unknown {
  const fn = new D.UnsafeFnPointer(p, {
    parameters: mapTypes(spec.parameters, DENO_TYPES),
    result: DENO_TYPES[spec.result],
  });
  return fn.call.bind(fn);
}

/** RTLD_LAZY: 1 in glibc, musl, macOS and the BSDs. */
const RTLD_LAZY = 1;
const nameEncoder = new TextEncoder();
/**
 * Per library: dlsym(3) bound to the library's handle, or null where the
 * library has no dlopen/dlsym of its own (glibc before 2.34 keeps them in
 * libdl) or its statics do not read as addresses.
 */
const dlsymFor = new Map<string, ((name: string) => unknown) | null>();

function denoLookup(library: string, symbol: string): unknown {
  // A static symbol of type "pointer" binds no function, so it skips the ~1 ms
  // that Deno spends on its first bound function (fast-call set-up). Deno gives
  // such a static's own address, which for a function is the one to call. A
  // Deno that read the pointer stored there instead, as it reads a "u64", would
  // give the function's first machine code bytes: then both agree, and lookups
  // return undefined rather than a pointer that must not be called. Checked on
  // the first lookup of the process.
  if (staticsGiveAddresses === false) return undefined;
  const dlsym = dlsymFor.get(library);
  if (dlsym) return dlsym(symbol);
  if (staticsGiveAddresses === true && dlsym === null) {
    return D.dlopen(library, { at: { name: symbol, type: "pointer", optional: true } })
      .symbols.at;
  }
  // The first lookup in this library: also the addresses of dlopen and dlsym.
  const { at, bytes, dlopen, dlsym: dlsymAt } = D.dlopen(library, {
    at: { name: symbol, type: "pointer", optional: true },
    bytes: { name: symbol, type: "u64", optional: true },
    dlopen: { name: "dlopen", type: "pointer", optional: true },
    dlsym: { name: "dlsym", type: "pointer", optional: true },
  }).symbols;
  if (staticsGiveAddresses === undefined) {
    if (at === null || bytes === null) return null;
    staticsGiveAddresses = BigInt(D.UnsafePointer.value(at)) !== BigInt(bytes);
    if (!staticsGiveAddresses) return undefined;
  }
  dlsymFor.set(library, dlopen && dlsymAt ? dlsymThrough(library, dlopen, dlsymAt) : null);
  return at;
}

/**
 * Later lookups call dlsym(3) itself, through Deno's generic call path,
 * instead of a `Deno.dlopen` per symbol (~10 us each): a cold process such
 * as a daemon's launcher looks up 20-30 functions.
 */
function dlsymThrough(
  library: string,
  dlopenAt: unknown,
  dlsymAt: unknown,
): ((name: string) => unknown) | null {
  const open = new D.UnsafeFnPointer(dlopenAt, {
    parameters: ["buffer", "i32"],
    result: "pointer",
  });
  // The library is loaded already (Deno opened it above): this only counts one more user.
  const handle = open.call(nameEncoder.encode(library + "\0"), RTLD_LAZY);
  if (handle === null) return null;
  const dlsym = new D.UnsafeFnPointer(dlsymAt, {
    parameters: ["pointer", "buffer"],
    result: "pointer",
  });
  return function lookUp(name: string): unknown {
    return dlsym.call(handle, nameEncoder.encode(name + "\0"));
  };
}

function denoAddress(p: unknown): bigint {
  return p === null ? 0n : BigInt(D.UnsafePointer.value(p));
}

function denoPointer(a: bigint): unknown {
  return D.UnsafePointer.create(a);
}

function denoAddressOf(view: ArrayBufferView): bigint {
  return BigInt(D.UnsafePointer.value(D.UnsafePointer.of(view)));
}

function denoMemory(a: bigint, length: number): ArrayBuffer {
  return D.UnsafePointerView.getArrayBuffer(D.UnsafePointer.create(a), length);
}

function denoCString(a: bigint): string {
  return D.UnsafePointerView.getCString(D.UnsafePointer.create(a));
}

function denoBackend(): Backend {
  return {
    name: "deno",
    nonblocking: true,
    bind: denoBind,
    fromPointer: denoFromPointer,
    lookup: denoLookup,
    address: denoAddress,
    pointer: denoPointer,
    addressOf: denoAddressOf,
    memory: denoMemory,
    cstring: denoCString,
  };
}

function bunBackend(ffi: Any): Backend {
  return {
    name: "bun",
    nonblocking: false,
    bind(library, symbols) {
      const defs: Record<string, unknown> = {};
      for (const [symbol, spec] of Object.entries(symbols)) {
        defs[symbol] = {
          args: mapTypes(spec.parameters, BUN_TYPES),
          returns: BUN_TYPES[spec.result],
        };
      }
      return ffi.dlopen(library, defs).symbols;
    },
    address(p) {
      return p === null || p === undefined ? 0n : BigInt(p as number);
    },
    pointer(a) {
      return a === 0n ? null : Number(a);
    },
    addressOf(view) {
      return BigInt(ffi.ptr(view));
    },
    memory(a, length) {
      return ffi.toArrayBuffer(Number(a), 0, length);
    },
    cstring(a) {
      return new ffi.CString(Number(a)).toString();
    },
  };
}

/**
 * Bun's FFI functions, taken with the first C call, synchronously (a top-level
 * await would make every importer async).
 *
 * `Bun.FFI` holds the native functions that the `bun:ffi` module wraps. It is
 * not documented, so it is used only when it has every function needed here;
 * it spares a process loading `bun:ffi` (~0.6 ms in a cold Bun 1.4, and
 * `process` ~0.2 ms more: a daemon's launcher and the daemon each pay that on
 * the way to "ready"). Its `dlopen` returns a failure instead of throwing it,
 * which `bun:ffi`'s wrapper throws: so does this one.
 *
 * Otherwise `bun:ffi` itself, through process.getBuiltinModule rather than
 * import.meta.require: import.meta exists only in ES modules, and dist/'s Bun
 * bundle is CommonJS (JavaScriptCore caches bytecode only for that).
 */
function bunFfi(): Any {
  const native = g.Bun?.FFI;
  if (
    native && typeof native.dlopen === "function" && typeof native.ptr === "function" &&
    typeof native.toArrayBuffer === "function" && typeof native.CString === "function"
  ) {
    return {
      dlopen(library: string, defs: Record<string, unknown>): Any {
        const lib = native.dlopen(library, defs);
        if (lib instanceof Error) throw lib;
        return lib;
      },
      ptr: (view: ArrayBufferView): number => native.ptr(view),
      toArrayBuffer: native.toArrayBuffer,
      CString: native.CString,
    };
  }
  return g.process.getBuiltinModule("bun:ffi");
}

let current: Backend | undefined;

/** Thrown when the runtime has no FFI posixly knows (e.g. Node.js). */
export class UnsupportedRuntimeError extends Error {
  /**
   * @example
   * ```ts
   * import { UnsupportedRuntimeError } from "@posixly/posixly/ffi";
   * console.log(new UnsupportedRuntimeError().message);
   * ```
   */
  constructor() {
    super("posixly's C bindings need Deno (with --allow-ffi) or Bun; this runtime has neither");
    this.name = "UnsupportedRuntimeError";
  }
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
export function backend(): Backend {
  if (current) return current;
  if (isBun) current = bunBackend(bunFfi());
  else if (isDeno) current = denoBackend();
  else throw new UnsupportedRuntimeError();
  return current;
}
