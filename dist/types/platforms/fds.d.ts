/**
 * The highest number of open files (the soft RLIMIT_NOFILE; `sysconf` as a
 * fallback), or `defaultValue` when it is unlimited.
 *
 * @example
 * ```ts
 * import { getFdmax } from "@posixly/posixly";
 * console.log(getFdmax(2048));
 * ```
 */
export declare function getFdmax(): number | null;
/**
 * The highest number of open files, or `defaultValue` when it is unlimited.
 *
 * @example
 * ```ts
 * import { getFdmax } from "@posixly/posixly";
 * console.log(getFdmax(2048));
 * ```
 */
export declare function getFdmax<D>(defaultValue: D): number | D;
/**
 * The file descriptors open in this process now, ascending (from
 * `/proc/self/fd` or `/dev/fd`; without either, by probing up to the limit).
 *
 * @example
 * ```ts
 * import { openFds } from "@posixly/posixly";
 * console.log(openFds()); // [0, 1, 2, ...]
 * ```
 */
export declare function openFds(): number[];
/**
 * Closes every open file descriptor that is not in `keep`, in time that
 * grows with the number of OPEN fds, not with the fd limit: `close_range(2)`
 * over the gaps between kept fds where the kernel has it (Linux 5.9+), else
 * the `/proc/self/fd` listing. Celery walks the whole limit.
 *
 * Careful in a running program: Deno and Bun keep fds of their own (epoll,
 * eventfd, ...); closing those breaks the runtime. Keep what was open at start
 * (`openFds()`), or use it only where nothing else runs.
 *
 * @example
 * ```ts
 * import { closeOpenFds, openFds } from "@posixly/posixly";
 * const runtimeFds = openFds();
 * // ... open files ...
 * closeOpenFds(runtimeFds);
 * ```
 */
export declare function closeOpenFds(keep?: Iterable<number>): void;
/**
 * The open file descriptors that refer to one of `paths` (same device and
 * inode), ascending. Paths that cannot be stat'ed are skipped.
 *
 * @example
 * ```ts
 * import { fdByPath } from "@posixly/posixly";
 * import { openSync } from "node:fs";
 * const fd = openSync("/etc/hostname", "r");
 * console.log(fdByPath(["/etc/hostname"])); // [fd]
 * ```
 */
export declare function fdByPath(paths: Iterable<string>): number[];
/**
 * True when `fd` refers to a terminal. EBADF (a closed fd) gives false; a
 * value that is not a non-negative integer throws TypeError.
 *
 * @example
 * ```ts
 * import { isatty } from "@posixly/posixly";
 * console.log(isatty(1));
 * ```
 */
export declare function isatty(fd: number): boolean;
/**
 * Closes one file descriptor; EBADF (already closed) is ignored.
 *
 * @example
 * ```ts
 * import { closeFd } from "@posixly/posixly";
 * closeFd(42);
 * ```
 */
export declare function closeFd(fd: number): void;
