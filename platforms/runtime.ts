/**
 * Which runtime runs this program (Celery's `pyimplementation`).
 *
 * @module
 */

/**
 * The runtime's name and version, e.g. `"Deno 2.9.6"`, `"Bun 1.4.5"` or
 * `"Node 26.10.0"` (Bun and Deno report a Node version too: they are told
 * apart first).
 *
 * @example Which runtime runs this
 * ```ts
 * import { runtimeImplementation } from "@posixly/posixly";
 * console.log(runtimeImplementation()); // "Deno 2.9.6"
 * ```
 */
export function runtimeImplementation(): string {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun?.version) return `Bun ${g.Bun.version}`;
  if (g.Deno?.version?.deno) return `Deno ${g.Deno.version.deno}`;
  if (g.process?.versions?.node) return `Node ${g.process.versions.node}`;
  return "unknown";
}

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
const osName: string = g.Deno?.build?.os ?? g.process?.platform ?? "unknown";

/**
 * The operating system's name as `uname -s` spells it ("Linux", "Darwin"),
 * like Celery's `SYSTEM`.
 *
 * @example The operating system
 * ```ts
 * import { SYSTEM } from "@posixly/posixly";
 * console.log(SYSTEM); // "Linux"
 * ```
 */
export const SYSTEM: string = osName === "linux"
  ? "Linux"
  : osName === "darwin"
  ? "Darwin"
  : osName === "windows" || osName === "win32"
  ? "Windows"
  : osName;

/**
 * True on macOS (Celery's `IS_macOS`).
 *
 * @example Only on macOS
 * ```ts
 * import { IS_MACOS } from "@posixly/posixly";
 * if (IS_MACOS) console.log("no /proc here");
 * ```
 */
export const IS_MACOS: boolean = SYSTEM === "Darwin";

/**
 * True on Windows (Celery's `IS_WINDOWS`); posixly's C bindings do not support it.
 *
 * @example Never on Windows
 * ```ts
 * import { IS_WINDOWS } from "@posixly/posixly";
 * console.log(IS_WINDOWS); // false
 * ```
 */
export const IS_WINDOWS: boolean = SYSTEM === "Windows";
