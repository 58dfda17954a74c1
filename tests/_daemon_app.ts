/**
 * The directory a run of tests/fixtures/daemon_app.ts works in, for the
 * tests that start it: the fixture logs each process's pid to DIR/pids (the
 * launcher first, then the daemon), and a test stops those that still run.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";

/** A fresh directory in /tmp that every user may write to (the daemon may run as another). */
export function appDir(prefix: string): string {
  const dir = mkdtempSync(`/tmp/${prefix}`);
  chmodSync(dir, 0o777);
  return dir;
}

/** The pids the fixture logged in `dir` (the launcher first, then the daemon, if any). */
export function loggedPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, "pids"), "utf8").trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The command line of `pid`, its arguments separated by NULs ("" when it is gone). */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

/** Whether `pid` runs: it exists and is no zombie. */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

/**
 * SIGKILLs the logged processes that still run, then removes `dir`. A logged
 * pid counts only while its command line still names `dir` (the fixture's
 * options, in its argv): a pid that came round again to another process is
 * left alone.
 */
export function cleanUp(dir: string): void {
  for (const pid of loggedPids(dir)) {
    if (pid === process.pid || !isRunning(pid) || !commandLineOf(pid).includes(dir)) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
