/** One file action, run in the child in order, between fork and exec. */
export type SpawnFileAction = 
/** Open `path` on `fd` (`flags` are O_* constants; `mode` for O_CREAT, default 0o666). */
{
    readonly open: number;
    readonly path: string;
    readonly flags: number;
    readonly mode?: number;
}
/** Duplicate `dup2[0]` onto `dup2[1]` (the copy is not close-on-exec, even for the same fd). */
 | {
    readonly dup2: readonly [number, number];
}
/** Close one fd (an fd that is not open is ignored). */
 | {
    readonly close: number;
}
/** Close every fd from `closeFrom` up. */
 | {
    readonly closeFrom: number;
};
/** Options for {@linkcode posixSpawn}. */
export interface PosixSpawnOptions {
    /**
     * argv, including argv[0]; default `[path]`. An entry may be bytes, passed
     * as they are (an argument that is not UTF-8, as the kernel gave it).
     */
    readonly args?: readonly (string | Uint8Array)[];
    /**
     * The environment; default: this process's (in Deno without --allow-env, the
     * one the process started with, read through the C library).
     */
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** File actions, run in order in the child. */
    readonly fileActions?: readonly SpawnFileAction[];
    /** Make the child a session leader (`POSIX_SPAWN_SETSID`). */
    readonly setsid?: boolean;
    /**
     * Signals reset to their default action in the child
     * (`POSIX_SPAWN_SETSIGDEF`): `true` for all, or a list of numbers.
     */
    readonly defaultSignals?: boolean | readonly number[];
    /** The child's blocked-signal mask (`POSIX_SPAWN_SETSIGMASK`); `[]` unblocks all. */
    readonly signalMask?: readonly number[];
}
/**
 * True when this C library can close a range of fds in a spawned child
 * (`posix_spawn_file_actions_addclosefrom_np`, glibc 2.34+). Without it,
 * `closeFrom` becomes one close action per fd open in this process.
 *
 * @example
 * ```ts
 * import { spawnCanCloseFrom } from "@posixly/posixly/platforms";
 * console.log(spawnCanCloseFrom());
 * ```
 */
export declare function spawnCanCloseFrom(): boolean;
/**
 * Starts `path` with `posix_spawn(3)` and returns the child's pid. Failures,
 * including an exec failure in the child such as ENOENT, throw an OSError.
 * The child is not waited for.
 *
 * @example
 * ```ts
 * import { posixSpawn } from "@posixly/posixly/platforms";
 * import { constants } from "node:fs";
 * const pid = posixSpawn("/bin/sh", {
 *   args: ["sh", "-c", "echo hello"],
 *   fileActions: [{ open: 0, path: "/dev/null", flags: constants.O_RDONLY }],
 *   setsid: true,
 *   defaultSignals: true,
 *   signalMask: [],
 * });
 * console.log(pid);
 * ```
 */
export declare function posixSpawn(path: string, options?: PosixSpawnOptions): number;
