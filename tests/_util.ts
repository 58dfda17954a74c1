/**
 * Test helpers shared by the suite: run a fixture program in the SAME runtime
 * that runs the tests (Deno or Bun), as a real child process.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";

/** True when the suite runs under Bun. */
export const isBun: boolean = "Bun" in globalThis;

/** Absolute path of a file under tests/fixtures/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** argv (without the executable) that runs `script` in this runtime. */
export function scriptArgs(script: string, args: string[] = []): string[] {
  return isBun ? [script, ...args] : ["run", "-A", "--quiet", script, ...args];
}

/** Runs a script to completion in this runtime; stdout/stderr as strings. */
export function runScript(
  script: string,
  args: string[] = [],
  opts: { env?: Record<string, string>; input?: string; timeout?: number; cwd?: string } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, scriptArgs(script, args), {
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    input: opts.input,
    timeout: opts.timeout ?? 30_000,
    cwd: opts.cwd,
  });
}

/** Starts a script in this runtime without waiting. */
export function startScript(
  script: string,
  args: string[] = [],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): ReturnType<typeof spawn> {
  return spawn(process.execPath, scriptArgs(script, args), {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** True when running as root (uid 0). */
export const isRoot: boolean = typeof process.getuid === "function" && process.getuid() === 0;

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
