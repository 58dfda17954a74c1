/**
 * Helpers for the `posixly` command's tests: run cli/main.ts in the runtime
 * that runs the tests, look at processes in /proc, and clean up by pid.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { atExit, scriptArgs } from "./_runtime.ts";
import { copyForOtherUsers, type SharedCopy } from "./_util.ts";

/** Absolute path of the command's entry point. */
export const CLI: string = fileURLToPath(new URL("../cli/main.ts", import.meta.url));

/** How a run of the command ended. */
export interface Ran {
  status: number | null;
  /** The signal that ended it, if one did (SIGKILL: it ran out of time). */
  signal?: string | null;
  stdout: string;
  stderr: string;
}

/** Runs `posixly ARGS...` to completion; killed with SIGKILL when out of time. */
export function posixly(
  args: string[],
  opts: { env?: Record<string, string>; timeout?: number } = {},
): Ran {
  const r = spawnSync(process.execPath, scriptArgs(CLI, args), {
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    timeout: opts.timeout ?? 60_000,
    killSignal: "SIGKILL",
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The copy of the sources another user runs the command from (made on first use). */
let shared: SharedCopy | undefined;

/**
 * Removes the copy that {@linkcode posixlyAs} made, if any: call it from the
 * test file's `after` hook (it also runs at exit).
 */
export function removeSharedCopy(): void {
  if (shared !== undefined) rmSync(shared.root, { recursive: true, force: true });
  shared = undefined;
}

/**
 * Runs `posixly ARGS...` as another user (the caller must be root), with a
 * home and a Deno cache of its own in `home`. It runs a copy of the sources
 * every user can read: the clone may lie in a directory only its owner enters.
 */
export function posixlyAs(user: { uid: number; gid: number }, home: string, args: string[]): Ran {
  if (shared === undefined) {
    shared = copyForOtherUsers();
    atExit(removeSharedCopy); // also when Deno's --filter skips the after() hook
  }
  const r = spawnSync(shared.execPath, scriptArgs(join(shared.root, "cli", "main.ts"), args), {
    encoding: "utf8",
    env: { ...process.env, HOME: home, DENO_DIR: join(home, "deno"), XDG_CACHE_HOME: home },
    uid: user.uid,
    gid: user.gid,
    cwd: home,
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `posixly ARGS...` without blocking the event loop (for races and servers). */
export function posixlyAsync(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, scriptArgs(CLI, args), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += String(d)));
    child.stderr!.on("data", (d) => (stderr += String(d)));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The fields of /proc/PID/stat after the command name (index 0 is field 3, the state). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "latin1");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** True while `pid` is a live process (not a zombie). */
export function alive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== null && fields[0] !== "Z" && fields[0] !== "X";
}

/**
 * When `pid` started (field 22 of /proc/PID/stat, clock ticks after boot),
 * or null when there is no such process: with the pid, it names one process.
 */
function startTimeOf(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** The session id of `pid` (field 6 of /proc/PID/stat). */
export function sessionOf(pid: number): number {
  return Number(statFields(pid)![3]);
}

/** One line of /proc/PID/status, e.g. `Umask` -> "0022". */
export function procStatus(pid: number, key: string): string {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n")
    .find((l) => l.startsWith(`${key}:`));
  return line === undefined ? "" : line.slice(key.length + 1).trim();
}

/** The pid on the first line of a pidfile. */
export function pidIn(pidfile: string): number {
  return Number(readFileSync(pidfile, "utf8").split("\n")[0]);
}

/** Waits until `pid` is gone, for at most `ms`; true when it is. */
export async function gone(pid: number, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/**
 * A scratch directory any user can enter (mode 755, in /tmp, not next to the
 * clone, nor in a TMPDIR that only its owner may enter), and the processes to
 * kill when done, each by its pid and start time: pids come round again
 * within minutes on a busy machine (pid_max may be 32768), and cleanup must
 * not kill a process that got the pid of one the tests left.
 */
export class Scratch {
  readonly dir: string = mkdtempSync("/tmp/posixly-cli-");
  /** pid -> its start time when tracked (null: it was gone already). */
  readonly #pids = new Map<number, string | null>();

  constructor() {
    chmodSync(this.dir, 0o755);
    // Also at exit: Deno's --filter skips a file's top-level after() hook.
    atExit(() => this.cleanup());
  }

  /** A path in the directory. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** Kills the process `pid` names now at cleanup, if it still runs then; returns `pid`. */
  track(pid: number): number {
    this.#pids.set(pid, startTimeOf(pid));
    return pid;
  }

  /** Tracks the pid in `pidfile` (when there is one) and returns it. */
  trackPidfile(pidfile: string): number {
    return existsSync(pidfile) ? this.track(pidIn(pidfile)) : 0;
  }

  /** SIGKILLs what still runs of the tracked processes and removes the directory. */
  cleanup(): void {
    for (const [pid, start] of this.#pids) {
      if (start !== null && alive(pid) && startTimeOf(pid) === start) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
