/**
 * {@linkcode getIdent}: the identity of the current async context.
 *
 * @module
 */
import { storage, topIdent } from "./context.ts";

/**
 * Returns a non-zero integer unique to the current async context among all
 * contexts that are alive (in fact never reused). Top-level code has its own;
 * every `LocalManager.run`, `middleware` and `requestListener` call and every
 * `BgThread` loop gets a new one. The ident survives awaits, timers and
 * promise chains.
 *
 * @example Usage
 * ```ts
 * import { getIdent, LocalManager } from "@posixly/posixly/threads";
 *
 * const outer = getIdent();
 * const inner = await new LocalManager().run(async () => getIdent());
 * console.log(outer !== inner); // true
 * ```
 *
 * @returns The current context's ident.
 */
export function getIdent(): number {
  return storage.getStore()?.ident ?? topIdent;
}
