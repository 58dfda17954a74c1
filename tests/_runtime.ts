/**
 * Runtime-neutral helpers for tests that start a child process of the
 * runtime running the suite (Deno, Bun or Node.js), with the flags each needs.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import process from "node:process";

/** The runtime running the suite. */
export const runtime: "deno" | "bun" | "node" = "Bun" in globalThis
  ? "bun"
  : "Deno" in globalThis
  ? "deno"
  : "node";

/** Node's flag that hides node:ffi's ExperimentalWarning (children would print it on stderr). */
const NODE_QUIET = "--disable-warning=ExperimentalWarning";

/** argv (without the executable) that runs `script` in this runtime with every permission. */
export function scriptArgs(script: string, args: string[] = []): string[] {
  if (runtime === "deno") return ["run", "-A", "--quiet", script, ...args];
  if (runtime === "node") return [NODE_QUIET, script, ...args];
  return [script, ...args];
}

/**
 * argv that runs `script` in this runtime with permission to read files but
 * not to use FFI; null in Bun, which has no FFI permission to withhold.
 */
export function scriptArgsWithoutFfi(script: string, args: string[] = []): string[] | null {
  if (runtime === "deno") return ["run", "--quiet", "--allow-read", script, ...args];
  if (runtime === "node") return [NODE_QUIET, "--permission", "--allow-fs-read=*", script, ...args];
  return null;
}

/** Runs this runtime with `argv` to completion; stdout and stderr as strings. */
export function runRuntime(argv: string[], timeout = 30_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, argv, { encoding: "utf8", timeout });
}

/**
 * Calls `fn` when this process exits, in every runtime: Deno's test runner
 * fires the global "unload" event and not `process`'s "exit". `fn` may run
 * twice, so it must not mind.
 */
export function atExit(fn: () => void): void {
  process.once("exit", fn);
  if (runtime === "deno") globalThis.addEventListener("unload", fn);
}
