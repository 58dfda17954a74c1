/**
 * What the running platform is, found without asking posixly, for the tests
 * that compare with the platform's own values or cannot hold on every
 * platform. A test skips only by one of these named conditions, and says why.
 *
 * The suite runs on Linux x86-64 glibc (Deno and Bun), x86-64 musl and arm64
 * under qemu-user (Bun): see docs/platforms.md and scripts/test_platforms.mjs.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import process from "node:process";
import { libc, platform } from "../ffi/mod.ts";

let mapped: { path: string; name: "glibc" | "musl" | "unknown" } | undefined;

/**
 * The C library mapped into this process: its file, and which library it is.
 * A function: Deno reads /proc/self/maps only with --allow-all.
 */
export function cLibrary(): { path: string; name: "glibc" | "musl" | "unknown" } {
  if (mapped) return mapped;
  const files = readFileSync("/proc/self/maps", "utf8").split("\n")
    .map((line) => line.slice(line.indexOf("/")))
    .filter((path) => path.startsWith("/"));
  const musl = files.find((path) => /musl/.test(basename(path)) || /-musl\/libc\.so$/.test(path));
  const glibc = files.find((path) => basename(path) === "libc.so.6");
  return mapped = musl
    ? { path: musl, name: "musl" }
    : glibc
    ? { path: glibc, name: "glibc" }
    : { path: "", name: "unknown" };
}

/**
 * The kernel's architecture, as `uname -m` of a native process says it:
 * qemu-user answers uname(2) with the emulated architecture, but not the
 * kernel's /proc/sys/kernel/arch (which Deno reads only with --allow-all).
 */
export const kernelArch: string = (() => {
  try {
    return readFileSync("/proc/sys/kernel/arch", "utf8").trim();
  } catch {
    return spawnSync("uname", ["-m"], { encoding: "utf8" }).stdout.trim();
  }
})();

/**
 * The runtime is built for another architecture than the kernel's: it runs
 * under user-mode emulation (qemu-user, started by binfmt_misc). qemu-user
 * emulates the process, not the kernel: /proc/PID/cmdline of an emulated
 * process is qemu's own, qemu's helper thread keeps its ids after setuid, and
 * posix_spawn's vfork becomes a fork.
 */
export const underQemuUser: boolean = process.platform === "linux" &&
  kernelArch !== ({ x64: "x86_64", arm64: "aarch64" }[process.arch as string] ?? process.arch);

/**
 * The threads that run the program, of those process `pid` lists in
 * /proc/PID/task (each with its `tid`): all of them, except under qemu-user,
 * where the first thread made after the main one is qemu's own (made before
 * the program starts). qemu passes the program's set*id calls on to the kernel
 * for the program's threads only, so that one keeps the ids the program gave up.
 *
 * "Made after" is the kernel's order of handing out ids: upwards from the main
 * thread's (whose tid is the pid), starting again low once past pid_max. A
 * plain sort by tid picks the wrong thread when the ids wrap in the process's
 * lifetime, which a long test run on a machine with a pid_max of 32768 does.
 */
export function programThreads<T extends { tid: number }>(tasks: T[], pid: number): T[] {
  if (!underQemuUser) return tasks;
  const pidMax = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8"));
  const madeAfterMain = (t: T): number => (t.tid - pid + pidMax) % pidMax;
  const [main, _qemu, ...rest] = [...tasks].sort((a, b) => madeAfterMain(a) - madeAfterMain(b));
  assert(main.tid === pid, `the main thread ${pid} is among the tasks`);
  return [main, ...rest];
}

/** The C library in use names `symbol` among its symbols (read from its file, not through posixly). */
export function cLibraryHas(symbol: string): boolean {
  const { path } = cLibrary();
  return path !== "" && readFileSync(path).includes(`\0${symbol}\0`);
}

/** The C library in use exports close_range(2) (glibc >= 2.34; musl 1.2.3 has none). */
export function hasCloseRange(): boolean {
  return cLibraryHas("close_range");
}

/**
 * NGROUPS_MAX as the C library in use reports it: getconf(1) on a glibc
 * system (glibc passes on the kernel's 65536), sysconf(3) of the library
 * itself otherwise (musl has its own limit of 32, and getconf here may be glibc's).
 */
export function ngroupsMax(): number {
  return cLibrary().name === "glibc"
    ? Number(spawnSync("getconf", ["NGROUPS_MAX"], { encoding: "utf8" }).stdout)
    : Number(libc.sysconf(platform.constants._SC_NGROUPS_MAX));
}

/** How much slower than a native run (emulated), for the few limits about time. */
export const timeScale: number = underQemuUser ? 10 : 1;

/** Skip reason (or false) of tests that read a title from /proc/PID/cmdline or ps. */
export const titleNotSeen: false | string = underQemuUser &&
  "under qemu-user, /proc/PID/cmdline is qemu's command line: a title over the program's argv is not seen";

/** Skip reason (or false) of tests that expect posix_spawn to report an exec failure. */
export const vforkIsFork: false | string = underQemuUser &&
  "under qemu-user, posix_spawn's vfork is a fork: an exec failure is the child's exit status";

/**
 * Why the `posixly` command's start/stop cycle is not checked here, or false:
 * under qemu-user, /proc/self/stat is qemu's rendering, so the start time the
 * command records for its program is off from the kernel's by a tick and
 * `stop` (rightly) refuses to signal a process whose start time differs.
 */
export const commandCycleUnderQemu: false | string = underQemuUser &&
  "under qemu-user, /proc/self/stat is qemu's rendering: the start time recorded for the program is off by a tick, so stop refuses it";

/** Why a flood of signals is not sent here, or false: under qemu-user it crashes the emulator (SIGSEGV). */
export const signalFloodCrashesQemu: false | string = underQemuUser &&
  "under qemu-user, a flood of signals crashes the emulator itself (SIGSEGV)";

/** Why a test of the command's own short timeouts is not run here, or false. */
export const commandTooSlowUnderQemu: false | string = underQemuUser &&
  "under qemu-user, the emulated command's own start-up can outlast the test's short --timeout";

/**
 * Why a launcher cannot be a child subreaper here, or false: it needs Linux,
 * and qemu-user answers `prctl(PR_SET_CHILD_SUBREAPER)` with EINVAL (posixly
 * then stops only the daemon's process group, as it does on macOS).
 */
export const noSubreaper: false | string = process.platform !== "linux"
  ? "needs a child subreaper (Linux)"
  : underQemuUser &&
    "under qemu-user, prctl(PR_SET_CHILD_SUBREAPER) fails with EINVAL: no subreaper to test";
