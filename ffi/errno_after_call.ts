/**
 * errno as the last call through `libc` left it. Each function libc.ts binds
 * copies this thread's errno into {@linkcode errnoAfterCall} the moment its
 * call returns, before any other statement runs, and ffi/errno.ts reads the
 * copy: read a statement later, errno itself may already be another, as the
 * runtime's engine runs work of its own on the main thread between two
 * statements, and that work can change errno (docs/internals.md, "errno and
 * OSError"). Internal to ffi/: not exported by its mod.ts.
 *
 * @module
 */
import { backend } from "./backend.ts";
import { platform } from "./platform.ts";
import { SYMBOLS } from "./symbols.ts";

/** errno as the last call through `libc` left it. */
export const errnoAfterCall: Int32Array = new Int32Array(1);

/** This thread's errno in the C library, found on first use. */
let threadErrno: Int32Array | undefined;

/** The view of this thread's errno (made on the first binding, before any call). */
export function threadErrnoView(): Int32Array {
  if (threadErrno) return threadErrno;
  const runtime = backend();
  const name = platform.errnoSymbol;
  const symbols = runtime.bind(platform.libraryName, { [name]: SYMBOLS[name] });
  const where = symbols[name] as () => unknown;
  threadErrno = new Int32Array(runtime.memory(runtime.address(where()), 4));
  return threadErrno;
}

/** `fn`, copying errno into {@linkcode errnoAfterCall} as each of its calls returns. */
export function keepingErrno<F extends (...args: never[]) => unknown>(fn: F): F {
  const errno = threadErrnoView();
  return ((...args: Parameters<F>) => {
    const result = fn(...args);
    errnoAfterCall[0] = errno[0];
    return result;
  }) as F;
}
