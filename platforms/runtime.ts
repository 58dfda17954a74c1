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
export function runtimeImplementation(): string {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun?.version) return `Bun ${g.Bun.version}`;
  if (g.Deno?.version?.deno) return `Deno ${g.Deno.version.deno}`;
  if (g.process?.versions?.node) return `Node ${g.process.versions.node}`;
  return "unknown";
}
