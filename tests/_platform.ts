/**
 * What the running platform is, found without asking posixly, for the tests
 * that compare with the platform's own values or cannot hold on every
 * platform. A test skips only by one of these named conditions, and says why.
 *
 * The suite runs on Linux x86-64 glibc (Deno and Bun), x86-64 musl and arm64
 * under qemu-user (Bun): see docs/platforms.md and scripts/test_platforms.mjs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import process from "node:process";
import { libc, platform } from "../ffi/mod.ts";

/** The C library mapped into this process: its file, and which library it is. */
export const cLibrary: { path: string; name: "glibc" | "musl" | "unknown" } = (() => {
  const files = readFileSync("/proc/self/maps", "utf8").split("\n")
    .map((line) => line.slice(line.indexOf("/")))
    .filter((path) => path.startsWith("/"));
  const musl = files.find((path) => /musl/.test(basename(path)) || /-musl\/libc\.so$/.test(path));
  if (musl) return { path: musl, name: "musl" };
  const glibc = files.find((path) => basename(path) === "libc.so.6");
  return glibc ? { path: glibc, name: "glibc" } : { path: "", name: "unknown" };
})();

/**
 * The kernel's architecture (`uname -m` of a native process).
 * /proc/sys/kernel/arch is read as it is: qemu-user answers uname(2) with the
 * emulated architecture, but not this file.
 */
export const kernelArch: string = existsSync("/proc/sys/kernel/arch")
  ? readFileSync("/proc/sys/kernel/arch", "utf8").trim()
  : spawnSync("uname", ["-m"], { encoding: "utf8" }).stdout.trim();

/**
 * The runtime is built for another architecture than the kernel's: it runs
 * under user-mode emulation (qemu-user, started by binfmt_misc). qemu-user
 * emulates the process, not the kernel: /proc/PID/cmdline of an emulated
 * process is qemu's own, qemu's helper thread keeps its ids after setuid, and
 * posix_spawn's vfork becomes a fork.
 */
export const underQemuUser: boolean = process.platform === "linux" &&
  kernelArch !== platform.arch;

/** The C library in use exports close_range(2) (glibc >= 2.34; musl 1.2.3 has none). */
export const hasCloseRange: boolean = cLibrary.path !== "" &&
  readFileSync(cLibrary.path).includes("\0close_range\0");

/**
 * NGROUPS_MAX as the C library in use reports it: getconf(1) on a glibc
 * system (glibc passes on the kernel's 65536), sysconf(3) of the library
 * itself otherwise (musl has its own limit of 32, and getconf here may be glibc's).
 */
export function ngroupsMax(): number {
  return cLibrary.name === "glibc"
    ? Number(spawnSync("getconf", ["NGROUPS_MAX"], { encoding: "utf8" }).stdout)
    : Number(libc.sysconf(platform.constants._SC_NGROUPS_MAX));
}

/** Slower than a native run (emulated), for the few limits that are about time. */
export const timeScale: number = underQemuUser ? 10 : 1;
