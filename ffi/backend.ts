/**
 * The runtime's FFI behind one small interface: Deno (`Deno.dlopen`), Bun
 * (`bun:ffi`) or Node.js 26 (`node:ffi`), one file each. The backend of the
 * running runtime is made on the first C call; the others are never made, so
 * no runtime touches another's FFI.
 *
 * @module
 */
import type { SymbolSpec } from "./symbols.ts";
import { bunBackend } from "./backend_bun.ts";
import { denoBackend, neverBind } from "./backend_deno.ts";
import { nodeBackend } from "./backend_node.ts";

/** What ffi/ needs from a runtime's FFI. */
export interface Backend {
  /** The runtime's name. */
  readonly name: "deno" | "bun" | "node";
  /** Whether `bind` honours {@linkcode SymbolSpec.nonblocking} (calls on a worker thread). */
  readonly nonblocking: boolean;
  /** What to do when the runtime refuses FFI, for {@linkcode FfiPermissionError}'s message. */
  readonly permissionHint: string;
  /**
   * Opens `library` and binds the symbols (C name to typing) in one go;
   * throws when any of them cannot be bound. A backend whose functions start
   * on a slower call path (Deno's) calls `faster` with a function's faster
   * binding once it has one, for the caller to use from then on.
   */
  bind(
    library: string,
    symbols: Readonly<Record<string, SymbolSpec>>,
    faster?: (name: string, fn: unknown) => void,
  ): Record<string, unknown>;
  /** Whether an error thrown by `bind` is the runtime refusing FFI (a missing permission). */
  isPermissionError(error: unknown): boolean;
  /** Numeric address of a pointer value (0n for null). */
  address(pointer: unknown): bigint;
  /** Pointer value for a numeric address (null for 0n). */
  pointer(address: bigint): unknown;
  /** Address of the first byte of a view's memory. */
  addressOf(view: ArrayBufferView): bigint;
  /** An ArrayBuffer aliasing `length` bytes of native memory at `address`. */
  memory(address: bigint, length: number): ArrayBuffer;
  /** The NUL-terminated string at `address`, decoded as UTF-8. */
  cstring(address: bigint): string;
}

const g = globalThis as {
  Bun?: unknown;
  Deno?: { dlopen?: unknown };
  process?: { versions?: { node?: unknown } };
};
/** True when running under Bun. */
export const isBun: boolean = g.Bun !== undefined;
/** True when running under Deno. */
export const isDeno: boolean = !isBun && typeof g.Deno?.dlopen === "function";
/** True when running under Node.js (Deno and Bun say they are Node too: they are not this). */
export const isNode: boolean = !isBun && g.Deno === undefined &&
  typeof g.process?.versions?.node === "string";

/**
 * Tells posixly's C bindings that this process is short-lived: a command that
 * makes a few dozen C calls and exits. In Deno its functions then stay on the
 * generic call path (microseconds a call) instead of being bound after a few
 * calls (a compiled trampoline, hundreds of microseconds each), which a process
 * that exits at once never earns back. Call it first; functions bound before
 * stay bound. No effect in Bun and Node.js, whose bindings cost little. The
 * posixly command calls it; a long-running program should not, its hot
 * functions would stay slower.
 *
 * @example A command-line tool
 * ```ts
 * import { libc, markShortLived } from "@posixly/posixly/ffi";
 * markShortLived();
 * console.log(libc.getpid() > 0);
 * ```
 */
export function markShortLived(): void {
  neverBind();
}

/** Thrown on the first C call in a runtime that has no FFI posixly can use. */
export class UnsupportedRuntimeError extends Error {
  /**
   * Builds the error.
   *
   * @param message what is missing and how to get it
   *
   * @example Report a runtime without FFI
   * ```ts
   * import { UnsupportedRuntimeError } from "@posixly/posixly/ffi";
   * console.log(new UnsupportedRuntimeError().message);
   * ```
   */
  constructor(
    message =
      "posixly's C bindings need Deno (with --allow-ffi), Bun, or Node.js 26 or later (node:ffi)",
  ) {
    super(message);
    this.name = "UnsupportedRuntimeError";
  }
}

let current: Backend | undefined;

/**
 * The backend of the running runtime, made on first use.
 *
 * @example Which FFI posixly calls C through
 * ```ts
 * import { backend } from "@posixly/posixly/ffi";
 * console.log(backend().name);
 * ```
 */
export function backend(): Backend {
  current ??= makeBackend();
  return current;
}

function makeBackend(): Backend {
  if (isBun) return bunBackend();
  if (isDeno) return denoBackend();
  if (isNode) return nodeBackend();
  throw new UnsupportedRuntimeError();
}
