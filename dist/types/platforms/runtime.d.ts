/**
 * Which runtime runs this program (Celery's `pyimplementation`).
 *
 * @module
 */
/**
 * The runtime's name and version, e.g. `"Deno 2.9.6"` or `"Bun 1.4.5"`.
 *
 * @example
 * ```ts
 * import { runtimeImplementation } from "@posixly/posixly";
 * console.log(runtimeImplementation()); // "Deno 2.9.6"
 * ```
 */
export declare function runtimeImplementation(): string;
/**
 * The operating system's name as `uname -s` spells it ("Linux", "Darwin"),
 * like Celery's `SYSTEM`.
 *
 * @example
 * ```ts
 * import { SYSTEM } from "@posixly/posixly";
 * console.log(SYSTEM); // "Linux"
 * ```
 */
export declare const SYSTEM: string;
/**
 * True on macOS (Celery's `IS_macOS`).
 *
 * @example
 * ```ts
 * import { IS_MACOS } from "@posixly/posixly";
 * if (IS_MACOS) console.log("no /proc here");
 * ```
 */
export declare const IS_MACOS: boolean;
/**
 * True on Windows (Celery's `IS_WINDOWS`); posixly's C bindings do not support it.
 *
 * @example
 * ```ts
 * import { IS_WINDOWS } from "@posixly/posixly";
 * console.log(IS_WINDOWS); // false
 * ```
 */
export declare const IS_WINDOWS: boolean;
