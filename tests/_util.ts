/**
 * Test helpers shared by the suite: run a fixture program in the SAME runtime
 * that runs the tests (Deno or Bun), as a real child process.
 */
import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import {
  chmodSync,
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdtempSync,
  openSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { scriptArgs } from "./_runtime.ts";

/** True when the suite runs under Bun. */
export const isBun: boolean = "Bun" in globalThis;

/** Absolute path of a file under tests/fixtures/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export { scriptArgs } from "./_runtime.ts";

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

/** A copy of what a test runs as another user; see {@linkcode copyForOtherUsers}. */
export interface SharedCopy {
  /**
   * The copy's root directory: the working directory to give the other user's
   * process (it may not be able to enter the current one), removed when done.
   */
  readonly root: string;
  /** This runtime's executable, where another user can run it. */
  readonly execPath: string;
  /** Absolute path of a file under the copy's tests/fixtures/. */
  fixture(name: string): string;
}

const repo = fileURLToPath(new URL("..", import.meta.url));

/** Whether a user other than the owner can reach and run `path` (o+x on it and every parent). */
function othersCanRun(path: string): boolean {
  for (let p = path;; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (p === dirname(p)) return true;
  }
}

/**
 * Copies what a fixture run as another user (e.g. uid 65534, nobody) needs:
 * mod.ts, deno.json, ffi/, platforms/, threads/, cli/, dist/ (when built) and
 * tests/fixtures/, into a new directory under /tmp that every user can read
 * (directories 0755, files 0644), and this runtime's executable when another
 * user could not reach it where it lies (hard-linked, or copied). The clone
 * itself may lie under a directory only its owner can enter, as `mktemp -d`
 * makes them.
 */
export function copyForOtherUsers(): SharedCopy {
  const root = mkdtempSync("/tmp/posixly-shared-");
  const parts = [
    "mod.ts",
    "deno.json",
    "ffi",
    "platforms",
    "threads",
    "cli",
    "dist",
    "tests/fixtures",
  ];
  for (const part of parts) {
    if (existsSync(join(repo, part))) {
      cpSync(join(repo, part), join(root, part), { recursive: true });
    }
  }
  const readable = (path: string): void => {
    if (statSync(path).isDirectory()) {
      chmodSync(path, 0o755);
      for (const name of readdirSync(path)) readable(join(path, name));
    } else chmodSync(path, 0o644);
  };
  readable(root);
  let execPath = realpathSync(process.execPath);
  if (!othersCanRun(execPath)) {
    const runtime = join(root, "runtime");
    try {
      linkSync(execPath, runtime); // the same file: its mode changes with the link's
    } catch {
      copyFileSync(execPath, runtime);
    }
    chmodSync(runtime, 0o755);
    execPath = runtime;
  }
  return { root, execPath, fixture: (name) => join(root, "tests", "fixtures", name) };
}

/** True when running as root (uid 0). */
export const isRoot: boolean = typeof process.getuid === "function" && process.getuid() === 0;

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN): tried once, at load. */
export const canMountTmpfs: boolean = isRoot && (() => {
  const dir = mkdtempSync("/tmp/posixly-mount-");
  try {
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", dir]);
    if (mounted.status !== 0) return false;
    return spawnSync("umount", [dir]).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

/**
 * Runs `fn` with a new directory in /tmp on which a 64 KiB tmpfs is mounted
 * (mode 755), then unmounts and removes it. Needs {@linkcode canMountTmpfs}.
 * The unmount is tried again for up to 5 s while the file system is busy: a
 * killed process's last close of a file can come after it is a zombie (the
 * kernel finishes an exiting task's closes on a work queue).
 */
export async function onSmallTmpfs<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync("/tmp/posixly-tmpfs-");
  try {
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k,mode=755", "tmpfs", dir]);
    if (mounted.status !== 0) throw new Error(`mount failed: ${mounted.stderr}`);
    try {
      return await fn(dir);
    } finally {
      const until = Date.now() + 5000;
      while (spawnSync("umount", [dir]).status !== 0 && Date.now() < until) await sleep(20);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `DIR/filler` until the file system is full (ENOSPC). */
export function fillUp(dir: string): void {
  const fd = openSync(join(dir, "filler"), "w");
  try {
    const block = new Uint8Array(4096);
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `done()` is true, looking every 20 ms, for at most `ms`; true when it is. */
export async function until(done: () => boolean, ms = 30_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) return false;
    await sleep(20);
  }
  return true;
}

/**
 * A child process of this runtime that speaks in lines: `send` writes one to
 * its stdin, `next` resolves with the next one it prints (rejecting, with its
 * stderr, when it stays silent for `timeoutMs`). Used by the pidfile race test
 * and its benchmark.
 */
export class LineWorker {
  readonly child: ChildProcess;
  #lines: string[] = [];
  #waiting: ((line: string) => void) | null = null;
  #buf = "";
  #stderr = "";

  constructor(script: string, args: string[]) {
    this.child = spawn(process.execPath, scriptArgs(script, args), {
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdout!.setEncoding("utf8");
    this.child.stdout!.on("data", (chunk: string) => {
      this.#buf += chunk;
      let nl: number;
      while ((nl = this.#buf.indexOf("\n")) >= 0) {
        const line = this.#buf.slice(0, nl);
        this.#buf = this.#buf.slice(nl + 1);
        const w = this.#waiting;
        if (w) {
          this.#waiting = null;
          w(line);
        } else this.#lines.push(line);
      }
    });
    this.child.stderr!.setEncoding("utf8");
    this.child.stderr!.on("data", (chunk: string) => (this.#stderr += chunk));
  }

  send(line: string): void {
    this.child.stdin!.write(line + "\n");
  }

  next(timeoutMs = 60_000): Promise<string> {
    const queued = this.#lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker ${this.child.pid} silent; stderr: ${this.#stderr}`)),
        timeoutMs,
      );
      this.#waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  }

  /** Closes its stdin (it ends by itself). */
  end(): void {
    this.child.stdin!.end();
  }

  /** Closes its stdin and kills it. */
  stop(): void {
    this.end();
    this.child.kill("SIGKILL");
  }
}
