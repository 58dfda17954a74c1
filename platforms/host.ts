/**
 * The running runtime's process facilities (environment, cwd, exit, stderr,
 * signal listeners, exit hooks) reached without Node compatibility in Deno:
 * loading `node:process` or `node:fs` lengthens Deno's start-up, which a
 * daemon pays twice (see docs/internals.md). Bun's and Node's `process` is
 * their own, so they use it.
 *
 * Internal to posixly (not re-exported from mod.ts).
 *
 * @module
 */

import {
  check,
  cstr,
  libc,
  platform,
  pointerAddress,
  raiseErrno,
  readCString,
} from "../ffi/mod.ts";
import { readFileWithLibc } from "./libc_file.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const g = globalThis as Any;
const D: Any = g.Bun ? undefined : g.Deno;
const proc = (): Any => g.process;

/** True in Deno. */
export const isDeno: boolean = D !== undefined;

/** True in Node.js (Bun and Deno report a Node version too: they are told apart first). */
export const isNode: boolean = !g.Bun && D === undefined &&
  typeof g.process?.versions?.node === "string";

/** Reads chunks from a pipe; null at end of file. */
export interface PipeReader {
  /** The next chunk, or null once the write end is closed everywhere. */
  read(): Promise<Uint8Array | null>;
}

/**
 * A reader on the pipe `fd` that the runtime's own event loop wakes up, or
 * null where posixly waits in poll(2) instead (Deno: on a worker thread,
 * through FFI's nonblocking calls). Bun and Node have no such FFI call but
 * read pipes themselves without blocking their event loop: Bun with
 * `Bun.file(fd).stream()`, Node with a `net.Socket` on a copy of `fd` (the
 * socket closes its copy). The reader consumes the pipe; leave `fd` open
 * meanwhile.
 */
export function pipeReader(fd: number): PipeReader | null {
  if (D) return null;
  if (typeof g.Bun?.file === "function") {
    const reader = g.Bun.file(fd).stream().getReader();
    return {
      async read(): Promise<Uint8Array | null> {
        const { done, value } = await reader.read();
        return done ? null : value as Uint8Array;
      },
    };
  }
  const net = proc().getBuiltinModule?.("node:net");
  if (!net) return null;
  const copy = check(libc.fcntl(fd, platform.constants.F_DUPFD, 3), "fcntl");
  check(libc.fcntl(copy, platform.constants.F_SETFD, platform.constants.FD_CLOEXEC), "fcntl");
  const chunks = new net.Socket({ fd: copy, readable: true, writable: false })[
    Symbol.asyncIterator
  ]();
  return {
    async read(): Promise<Uint8Array | null> {
      const { done, value } = await chunks.next();
      return done ? null : value;
    },
  };
}

/** The environment variable `name`, or undefined (Deno: needs --allow-env). */
export function getEnv(name: string): string | undefined {
  return D ? D.env.get(name) : proc().env[name];
}

/**
 * The environment variable `name` as the program sees it, without Deno's
 * --allow-env: Deno's environment is the C library's, read with getenv(3);
 * Bun's and Node's is `process.env` (Bun's is a copy of its own, which the
 * program may have changed since it started).
 */
export function programEnv(name: string): string | undefined {
  if (D) return readCString(libc.getenv(cstr(name))) ?? undefined;
  return proc().env[name];
}

/** The whole environment as a plain object. */
export function envObject(): Record<string, string> {
  if (D) return D.env.toObject();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(proc().env as Record<string, string | undefined>)) {
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Removes `name` from the runtime's own copy of the environment, after
 * unsetenv(3) removed it from the C library's: Bun's `process.env` keeps a
 * copy; Deno has none (`Deno.env` reads the C library's environment).
 */
export function forgetEnv(name: string): void {
  if (!D) delete proc().env[name];
}

/** The current working directory, from getcwd(3): no permission needed, never stale. */
export function cwd(): string {
  const buf = new Uint8Array(4096);
  if (pointerAddress(libc.getcwd(buf, buf.length)) === 0n) raiseErrno("getcwd");
  const bytes = buf.subarray(0, buf.indexOf(0));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CurrentDirectoryNameError();
  }
}

/** {@linkcode cwd}'s error: the current directory's name is not UTF-8, so posixly cannot name it. */
export class CurrentDirectoryNameError extends TypeError {
  /** Makes the error. */
  constructor() {
    super("the current directory's name is not valid UTF-8; give posixly absolute paths instead");
  }
}

/** Changes the working directory, in the C library and in the runtime's own view of it. */
export function chdir(path: string): void {
  check(libc.chdir(cstr(path)), "chdir", { path });
  // Bun caches process.cwd(): tell it too.
  if (!D) proc().chdir(path);
}

/** The runtime's executable (`deno`, `bun`). */
export function execPath(): string {
  return D ? D.execPath() : proc().execPath;
}

/** The program's arguments after the script, as the runtime reports them. */
export function scriptArgs(): string[] {
  return D ? [...D.args] : proc().argv.slice(2);
}

/** Ends the process with `code`, running exit hooks. */
export function exit(code: number): never {
  if (D) D.exit(code);
  proc().exit(code);
  throw new Error("unreachable");
}

const encoder = new TextEncoder();

/** Writes text to stderr synchronously. */
export function writeStderr(text: string): void {
  if (D) {
    const bytes = encoder.encode(text);
    let off = 0;
    while (off < bytes.length) off += D.stderr.writeSync(bytes.subarray(off));
  } else {
    proc().stderr.write(text);
  }
}

/** Adds a runtime-level listener for a signal such as "SIGTERM". */
export function addSignalListener(signal: string, fn: () => void): void {
  if (D) D.addSignalListener(signal, fn);
  else proc().on(signal, fn);
}

let runtimeSignalsSettled = false;

/**
 * Makes the runtime install now the C signal handlers it would otherwise
 * install later, so that a disposition set after this (SIG_IGN, SIG_DFL)
 * stays. Deno 2.9.2 and later install their handlers for SIGHUP, SIGINT and
 * SIGTERM on the first signal listener, which its SIGUSR1 inspector
 * activation registers 500 ms after start (SIGUSR1's with it), over whatever
 * the process had set, and with no listener they end the process: a SIGHUP
 * ignored in a program's first half second killed it later (measured with
 * Deno 2.9.6). Adding and removing a listener makes Deno do it at once, and
 * only once. Bun installs nothing on its own, and Node installs its handlers
 * (SIGINT, SIGTERM) before the program runs: nothing to do there.
 */
export function settleRuntimeSignalHandlers(): void {
  if (runtimeSignalsSettled || !D) return;
  runtimeSignalsSettled = true;
  const noop = (): void => {};
  try {
    D.addSignalListener("SIGUSR1", noop);
    D.removeSignalListener("SIGUSR1", noop);
  } catch {
    // a Deno without signal listeners: it installs no handlers either
  }
}

/** Removes a listener added with {@linkcode addSignalListener}. */
export function removeSignalListener(signal: string, fn: () => void): void {
  if (D) D.removeSignalListener(signal, fn);
  else proc().off(signal, fn);
}

/**
 * Calls `report` with each error the program leaves uncaught (a throw in its
 * top-level code or a callback, a rejected top-level `await`) just before the
 * runtime handles it, and changes nothing in how it does: Deno's `"error"`
 * and `"unhandledrejection"` events (whose default, which `report` does not
 * prevent, ends the process), Bun's and Node's `"uncaughtExceptionMonitor"`
 * (which Bun does not emit for a rejected promise that is not awaited at top
 * level). A program that keeps running after the error (with its own
 * listener) also ran `report`. Returns what removes the listeners.
 */
export function onUncaughtError(report: (error: unknown) => void): () => void {
  if (D) {
    const onError = (event: Event): void => report((event as ErrorEvent).error);
    const onRejection = (event: Event): void => report((event as PromiseRejectionEvent).reason);
    g.addEventListener("error", onError);
    g.addEventListener("unhandledrejection", onRejection);
    return () => {
      g.removeEventListener("error", onError);
      g.removeEventListener("unhandledrejection", onRejection);
    };
  }
  proc().on("uncaughtExceptionMonitor", report);
  return () => proc().off("uncaughtExceptionMonitor", report);
}

const exitHooks = new Set<() => void>();
let exitListenerInstalled = false;

function runExitHooks(): void {
  for (const fn of [...exitHooks]) {
    exitHooks.delete(fn);
    try {
      fn();
    } catch (e) {
      writeStderr(`posixly: an exit hook failed: ${String(e)}\n`);
    }
  }
}

/**
 * Runs `fn` once when the process exits normally (end of program, Deno.exit,
 * process.exit): Deno's "unload" event, Bun's process "exit" event, behind one
 * runtime listener.
 */
export function onExit(fn: () => void): void {
  exitHooks.add(fn);
  if (exitListenerInstalled) return;
  exitListenerInstalled = true;
  if (D) g.addEventListener("unload", runExitHooks);
  else proc().on("exit", runExitHooks);
}

/** Removes a hook added with {@linkcode onExit}. */
export function offExit(fn: () => void): void {
  exitHooks.delete(fn);
}

/** How many exit hooks are waiting (for tests: nothing may leak). */
export function pendingExitHooks(): number {
  return exitHooks.size;
}

/** True on the runtime's main thread, false in a Worker. */
export function isMainThread(): boolean {
  if (g.Bun) return g.Bun.isMainThread !== false;
  // Deno: a worker's global has postMessage, the main one has none (and a
  // node:worker_threads worker has no WorkerGlobalScope to test against).
  if (D) return typeof g.postMessage !== "function";
  return proc().getBuiltinModule("node:worker_threads").isMainThread;
}

/**
 * `path` made absolute against the current directory and normalized (`.`,
 * `..` and repeated slashes resolved lexically, as node:path's resolve does,
 * without loading node:path into Deno).
 */
export function absolutePath(path: string): string {
  const parts: string[] = [];
  for (const seg of (path.startsWith("/") ? path : `${cwd()}/${path}`).split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join("/")}`;
}

/** The directory part of an absolute, normalized path ("/" for "/x"). */
export function parentDir(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** node:fs, loaded on first use (in Deno it lengthens start-up, so only fallbacks use it). */
export function nodeFs(): typeof import("node:fs") {
  return proc().getBuiltinModule("node:fs");
}

/**
 * This process's environment: `process.env`, or, where the runtime refuses
 * it (Deno without --allow-env, whose programs then cannot have changed it),
 * what the kernel gave the process.
 */
export function currentEnvironment(): Record<string, string> {
  try {
    return envObject();
  } catch (e) {
    if (platform.os !== "linux") throw e;
    const env: Record<string, string> = {};
    for (
      const entry of new TextDecoder().decode(readFileWithLibc("/proc/self/environ")).split("\0")
    ) {
      const eq = entry.indexOf("=");
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
  }
}

/**
 * Deno's cache directory (`DENO_DIR`, else the platform's cache directory +
 * `/deno`), where Deno keeps SQLite caches open for its whole run; null in
 * other runtimes or when it cannot be told (no HOME).
 */
export function denoCacheDir(): string | null {
  if (!D) return null;
  const env = currentEnvironment();
  if (env.DENO_DIR) return absolutePath(env.DENO_DIR);
  if (platform.os === "linux" && env.XDG_CACHE_HOME) return `${env.XDG_CACHE_HOME}/deno`;
  if (!env.HOME) return null;
  return platform.os === "darwin" ? `${env.HOME}/Library/Caches/deno` : `${env.HOME}/.cache/deno`;
}
