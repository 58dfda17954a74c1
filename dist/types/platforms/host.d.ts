/**
 * The running runtime's process facilities (environment, cwd, exit, stderr,
 * signal listeners, exit hooks) reached without Node compatibility in Deno:
 * loading `node:process` or `node:fs` costs Deno 8-15 ms at start-up, which
 * a daemon pays twice. Bun's `process` is native and cheap, so Bun uses it.
 *
 * Internal to posixly (not re-exported from mod.ts).
 *
 * @module
 */
/** Reads chunks from a pipe; null at end of file. */
export interface PipeReader {
    /** The next chunk, or null once the write end is closed everywhere. */
    read(): Promise<Uint8Array | null>;
}
/**
 * A reader on the pipe `fd` that the runtime's own event loop wakes up, or
 * null where posixly waits in poll(2) instead (Deno: on a worker thread,
 * through FFI's nonblocking calls). Bun has no such FFI call but reads pipes
 * itself (`Bun.file(fd).stream()`), without blocking its event loop and
 * without node:fs. The reader consumes the pipe; leave `fd` open meanwhile.
 */
export declare function pipeReader(fd: number): PipeReader | null;
/** The environment variable `name`, or undefined (Deno: needs --allow-env). */
export declare function getEnv(name: string): string | undefined;
/** The whole environment as a plain object. */
export declare function envObject(): Record<string, string>;
/**
 * Removes `name` from the runtime's own copy of the environment, after
 * unsetenv(3) removed it from the C library's: Bun's `process.env` keeps a
 * copy; Deno has none (`Deno.env` reads the C library's environment).
 */
export declare function forgetEnv(name: string): void;
/** The current working directory, from getcwd(3): no permission needed, never stale. */
export declare function cwd(): string;
/** Changes the working directory, in the C library and in the runtime's own view of it. */
export declare function chdir(path: string): void;
/** The runtime's executable (`deno`, `bun`). */
export declare function execPath(): string;
/** The program's arguments after the script, as the runtime reports them. */
export declare function scriptArgs(): string[];
/** Ends the process with `code`, running exit hooks. */
export declare function exit(code: number): never;
/** Writes text to stderr synchronously. */
export declare function writeStderr(text: string): void;
/** Adds a runtime-level listener for a signal such as "SIGTERM". */
export declare function addSignalListener(signal: string, fn: () => void): void;
/**
 * Makes the runtime install now the C signal handlers it would otherwise
 * install later, so that a disposition set after this (SIG_IGN, SIG_DFL)
 * stays. Deno 2.9.2 and later install their handlers for SIGHUP, SIGINT and
 * SIGTERM on the first signal listener, which its SIGUSR1 inspector
 * activation registers 500 ms after start (SIGUSR1's with it), over whatever
 * the process had set, and with no listener they end the process: a SIGHUP
 * ignored in a program's first half second killed it later (measured with
 * Deno 2.9.6). Adding and removing a listener makes Deno do it at once, and
 * only once. Bun installs nothing on its own: nothing to do there.
 */
export declare function settleRuntimeSignalHandlers(): void;
/** Removes a listener added with {@linkcode addSignalListener}. */
export declare function removeSignalListener(signal: string, fn: () => void): void;
/**
 * Runs `fn` once when the process exits normally (end of program, Deno.exit,
 * process.exit): Deno's "unload" event, Bun's process "exit" event, behind one
 * runtime listener.
 */
export declare function onExit(fn: () => void): void;
/** Removes a hook added with {@linkcode onExit}. */
export declare function offExit(fn: () => void): void;
/** How many exit hooks are waiting (for tests: nothing may leak). */
export declare function pendingExitHooks(): number;
/** True on the runtime's main thread, false in a Worker. */
export declare function isMainThread(): boolean;
/**
 * `path` made absolute against the current directory and normalized (`.`,
 * `..` and repeated slashes resolved lexically, as node:path's resolve does;
 * node:path itself would cost Deno ~4 ms of start-up).
 */
export declare function absolutePath(path: string): string;
/** The directory part of an absolute, normalized path ("/" for "/x"). */
export declare function parentDir(path: string): string;
/** node:fs, loaded on first use (Bun: native; Deno: costs ~10 ms once, so only fallbacks use it). */
export declare function nodeFs(): typeof import("node:fs");
/**
 * This process's environment: `process.env`, or, where the runtime refuses
 * it (Deno without --allow-env, whose programs then cannot have changed it),
 * what the kernel gave the process.
 */
export declare function currentEnvironment(): Record<string, string>;
