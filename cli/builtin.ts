/**
 * Node.js's built-in modules as the command loads them: when it needs one,
 * not with its own code (Deno starts its whole Node layer on the first
 * `node:` module a program loads).
 *
 * Node.js and Bun hand a built-in module over through
 * `process.getBuiltinModule()`. Node's `import()` of one first makes its ES
 * module namespace, which reads every export, and some of `node:util`'s and
 * `node:net`'s load their code when first read: more than the rest of a
 * short command's parsing costs (docs/internals.md, "The posixly command's
 * speed"). Deno's `process` global starts more of its Node layer than the
 * import does, so Deno imports.
 *
 * @module
 */
import { isDeno } from "../platforms/host.ts";

/** The built-in modules the command loads, by name. */
interface Builtins {
  "node:util": typeof import("node:util");
  "node:net": typeof import("node:net");
  "node:dns/promises": typeof import("node:dns/promises");
}

/** What {@linkcode builtin} needs of the global `process`. */
interface NodeProcess {
  getBuiltinModule?<K extends keyof Builtins>(id: K): Builtins[K];
}

/**
 * The built-in module `id`: from `process.getBuiltinModule()` where the
 * runtime has it and is not Deno, else from `importIt`, which imports that
 * same module (a literal `import()`, which bundlers and type checkers see).
 *
 * @param id the module's name
 * @param importIt `() => import(id)`
 * @returns the module
 */
export async function builtin<K extends keyof Builtins>(
  id: K,
  importIt: () => Promise<Builtins[K]>,
): Promise<Builtins[K]> {
  const process = isDeno ? undefined : (globalThis as { process?: NodeProcess }).process;
  return process?.getBuiltinModule?.(id) ?? await importIt();
}
