/**
 * The program's command line as the kernel first saw it, read from
 * `/proc/self/cmdline` once, before posixly changes the process title, then
 * cached. It keeps the runtime's own flags (`["deno", "run", "-A",
 * "main.ts", ...]`), so it can re-run the same program. The snapshot is taken
 * on the first call here or to {@linkcode setProcessTitle} (importing posixly
 * reads nothing); code that sets Deno's `process.title` before that hides the
 * original, so call this first in such a program.
 * Without /proc (macOS) it is a best effort from the runtime:
 * `[execPath, ...execArgv, ...argv]` in Bun, and `[execPath, "run", ...argv]`
 * in Deno, which loses Deno's permission flags. Returns a new array.
 *
 * @example
 * ```ts
 * import { originalCommandLine } from "@posixly/posixly";
 * const [program, ...args] = originalCommandLine();
 * console.log(program, args);
 * ```
 */
export declare function originalCommandLine(): string[];
/**
 * {@linkcode originalCommandLine} as the kernel's bytes, one array per
 * argument, so that an argument that is not UTF-8 can be passed on exactly
 * (the strings have U+FFFD there). Where the command line came from the
 * runtime (no /proc), the strings encoded as UTF-8. Returns new arrays.
 *
 * @example
 * ```ts
 * import { originalCommandLineBytes } from "@posixly/posixly";
 * const [, ...args] = originalCommandLineBytes();
 * console.log(args.length);
 * ```
 */
export declare function originalCommandLineBytes(): Uint8Array[];
/**
 * Sets the process title to `"[progname]"` or `"[progname] info"` (Celery's
 * format) and returns it.
 *
 * Linux: the title is what other processes see in `/proc/PID/cmdline` and
 * `ps -o args` (cut on a UTF-8 boundary to the size of the original command
 * line, usually 40-100 bytes), and its first 15 bytes what `/proc/PID/comm`
 * and `ps -o comm` show. Called in a Worker, the 15-byte name is the
 * worker's thread name. The original command line stays available from
 * {@linkcode originalCommandLine}.
 *
 * Without /proc (macOS and other systems) it sets `process.title`, which
 * changes what the runtime can change there (possibly nothing), and never
 * throws.
 *
 * @example
 * ```ts
 * import { setProcessTitle } from "@posixly/posixly";
 * setProcessTitle("celeryd", "-active-"); // "[celeryd] -active-"
 * ```
 */
export declare function setProcessTitle(progname: string, info?: string | null): string;
/**
 * Sets a title naming the current "process" (Celery's
 * `set_mp_process_title`): `"[progname:MainProcess]"` in the main thread,
 * the Worker's name (its `name` option, else `Worker`) in a Worker, with
 * `progname: hostname` first when a hostname is given, and ` info` last. Returns the
 * title; see {@linkcode setProcessTitle} for where it shows.
 *
 * @example
 * ```ts
 * import { setMpProcessTitle } from "@posixly/posixly";
 * setMpProcessTitle("celeryd", "busy", "w1@host"); // "[celeryd: w1@host:MainProcess] busy"
 * ```
 */
export declare function setMpProcessTitle(progname: string, info?: string | null, hostname?: string | null): string;
