// Checks posixly's Linux tables (ffi/platform.ts) against the C headers of
// each platform: for every numeric entry (constants, struct sizes and
// offsets, errno and signal numbers) it writes a C program that prints the
// headers' value, compiles it with that platform's compiler, runs it, and
// fails on any difference. Also fails when the headers name an errno or a
// signal the table lacks. macOS's tables are written from its headers and not
// checked here (no macOS compiler or headers on Linux).
//
//   deno run -A scripts/check_tables.ts      (or: bun scripts/check_tables.ts)
//   ... [glibc-x86_64] [musl-x86_64] [glibc-aarch64]   only these
//
// Compilers: cc (glibc x86-64), musl-gcc (Debian's musl-tools), and
// aarch64-linux-gnu-gcc (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross) whose
// program runs under qemu-aarch64-static (qemu-user-static). The last line is
// "N passed, N failed, N skipped", one count per table.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { type Platform, platformFor } from "../ffi/platform.ts";

interface Target {
  name: string;
  table: Platform;
  /** Compiler and the command that runs what it built (empty: run it directly). */
  cc: string;
  run: string[];
  /** Debian packages that provide `cc` and `run`. */
  packages: string;
  /** Differences that are known and harmless, with the reason. */
  accepted: Record<string, string>;
}

const targets: Target[] = [
  {
    name: "glibc-x86_64",
    table: platformFor("linux", "x86_64"),
    cc: "cc",
    run: [],
    packages: "gcc libc6-dev",
    accepted: {},
  },
  {
    name: "musl-x86_64",
    table: platformFor("linux", "x86_64"),
    cc: "musl-gcc",
    run: [],
    packages: "musl-tools",
    accepted: {
      "signal.CLD": "musl's headers have no SIGCLD alias; 17 is SIGCHLD's number in the kernel",
      "signal.UNUSED":
        "musl keeps SIGUNUSED (SIGSYS's 31), which glibc dropped; posixly does not take the name",
      ...Object.fromEntries(
        ["msghdr.iovlenSize", "msghdr.controllenSize", "cmsghdr.lenSize"].map((key) => [
          `layouts.${key}`,
          "musl declares 32 bits and 32 of padding where the kernel has a size_t (its recvmsg " +
          "zeroes the msghdr's padding): the 8 bytes posixly reads and writes are the value",
        ]),
      ),
    },
  },
  {
    name: "glibc-aarch64",
    table: platformFor("linux", "aarch64"),
    cc: "aarch64-linux-gnu-gcc",
    run: ["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu"],
    packages: "gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static",
    accepted: {},
  },
];

/** The C expression for each entry of StructLayouts, by its path in the table. */
const LAYOUTS: Record<string, string> = {
  "passwd.size": "sizeof(struct passwd)",
  "passwd.name": "offsetof(struct passwd, pw_name)",
  "passwd.uid": "offsetof(struct passwd, pw_uid)",
  "passwd.gid": "offsetof(struct passwd, pw_gid)",
  "passwd.gecos": "offsetof(struct passwd, pw_gecos)",
  "passwd.dir": "offsetof(struct passwd, pw_dir)",
  "passwd.shell": "offsetof(struct passwd, pw_shell)",
  "group.size": "sizeof(struct group)",
  "group.name": "offsetof(struct group, gr_name)",
  "group.gid": "offsetof(struct group, gr_gid)",
  "group.mem": "offsetof(struct group, gr_mem)",
  "sigaction.size": "sizeof(struct sigaction)",
  "sigaction.handler": "offsetof(struct sigaction, sa_handler)",
  "sigaction.mask": "offsetof(struct sigaction, sa_mask)",
  "sigaction.maskSize": "sizeof(((struct sigaction *)0)->sa_mask)",
  "sigaction.flags": "offsetof(struct sigaction, sa_flags)",
  "itimerval.size": "sizeof(struct itimerval)",
  "itimerval.intervalSec": "offsetof(struct itimerval, it_interval.tv_sec)",
  "itimerval.intervalUsec": "offsetof(struct itimerval, it_interval.tv_usec)",
  "itimerval.valueSec": "offsetof(struct itimerval, it_value.tv_sec)",
  "itimerval.valueUsec": "offsetof(struct itimerval, it_value.tv_usec)",
  "itimerval.usecSize": "sizeof(((struct timeval *)0)->tv_usec)",
  "rlimit.size": "sizeof(struct rlimit)",
  "rlimit.cur": "offsetof(struct rlimit, rlim_cur)",
  "rlimit.max": "offsetof(struct rlimit, rlim_max)",
  "spawnattrSize": "sizeof(posix_spawnattr_t)",
  "fileActionsSize": "sizeof(posix_spawn_file_actions_t)",
  "dirent.reclen": "offsetof(struct dirent64, d_reclen)",
  "dirent.name": "offsetof(struct dirent64, d_name)",
  "dirent.nameMax": "sizeof(((struct dirent64 *)0)->d_name)",
  "sigsetSize": "sizeof(sigset_t)",
  "sockaddrUn.size": "sizeof(struct sockaddr_un)",
  "sockaddrUn.family": "offsetof(struct sockaddr_un, sun_family)",
  "sockaddrUn.familySize": "sizeof(((struct sockaddr_un *)0)->sun_family)",
  "sockaddrUn.path": "offsetof(struct sockaddr_un, sun_path)",
  "sockaddrUn.pathMax": "sizeof(((struct sockaddr_un *)0)->sun_path)",
  "iovec.size": "sizeof(struct iovec)",
  "iovec.base": "offsetof(struct iovec, iov_base)",
  "iovec.len": "offsetof(struct iovec, iov_len)",
  "msghdr.size": "sizeof(struct msghdr)",
  "msghdr.iov": "offsetof(struct msghdr, msg_iov)",
  "msghdr.iovlen": "offsetof(struct msghdr, msg_iovlen)",
  "msghdr.iovlenSize": "sizeof(((struct msghdr *)0)->msg_iovlen)",
  "msghdr.control": "offsetof(struct msghdr, msg_control)",
  "msghdr.controllen": "offsetof(struct msghdr, msg_controllen)",
  "msghdr.controllenSize": "sizeof(((struct msghdr *)0)->msg_controllen)",
  "cmsghdr.len": "offsetof(struct cmsghdr, cmsg_len)",
  "cmsghdr.lenSize": "sizeof(((struct cmsghdr *)0)->cmsg_len)",
  "cmsghdr.level": "offsetof(struct cmsghdr, cmsg_level)",
  "cmsghdr.type": "offsetof(struct cmsghdr, cmsg_type)",
  "cmsghdr.data": "CMSG_LEN(0)",
  "ucred.size": "sizeof(struct ucred)",
  "ucred.pid": "offsetof(struct ucred, pid)",
  "ucred.uid": "offsetof(struct ucred, uid)",
  "ucred.gid": "offsetof(struct ucred, gid)",
  "ucred.space": "CMSG_SPACE(sizeof(struct ucred))",
  "stat.size": "sizeof(struct stat)",
  "stat.dev": "offsetof(struct stat, st_dev)",
  "stat.devSize": "sizeof(((struct stat *)0)->st_dev)",
  "stat.ino": "offsetof(struct stat, st_ino)",
  "stat.mode": "offsetof(struct stat, st_mode)",
  "stat.modeSize": "sizeof(((struct stat *)0)->st_mode)",
  "stat.uid": "offsetof(struct stat, st_uid)",
};

const HEADERS = [
  "dirent.h",
  "dlfcn.h",
  "errno.h",
  "fcntl.h",
  "grp.h",
  "limits.h",
  "poll.h",
  "pwd.h",
  "signal.h",
  "spawn.h",
  "stddef.h",
  "stdio.h",
  "sys/file.h",
  "sys/prctl.h",
  "sys/resource.h",
  "sys/socket.h",
  "sys/stat.h",
  "sys/time.h",
  "sys/uio.h",
  "sys/un.h",
  "sys/wait.h",
  "unistd.h",
];

/** Every numeric entry of a table, by a path such as "layouts.passwd.uid" or "errno.EPERM". */
function entries(table: Platform): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const walk = (prefix: string, value: unknown): void => {
    if (typeof value === "number" || typeof value === "bigint") out.set(prefix, BigInt(value));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
    }
  };
  walk("layouts", table.layouts);
  walk("constants", table.constants);
  for (const [name, n] of Object.entries(table.errnoNumbers)) out.set(`errno.${name}`, BigInt(n));
  for (const [name, n] of Object.entries(table.signalNumbers)) out.set(`signal.${name}`, BigInt(n));
  return out;
}

/** A C statement printing `key value`, or `key absent` when the macro is not defined. */
function printLine(key: string): string {
  const [kind, ...rest] = key.split(".");
  const path = rest.join(".");
  const show = (expr: string): string =>
    `printf("%s %lld\\n", ${JSON.stringify(key)}, (long long)(${expr}));`;
  const ifDefined = (macro: string, expr = macro): string =>
    `#ifdef ${macro}\n  ${show(expr)}\n#else\n  printf("%s absent\\n", ${
      JSON.stringify(key)
    });\n#endif`;
  if (kind === "layouts") {
    const expr = LAYOUTS[path];
    if (!expr) throw new Error(`no C expression for layouts.${path}: add it to LAYOUTS`);
    return show(expr);
  }
  if (kind === "constants") {
    // RLIM_INFINITY is unsigned; SIG_DFL and SIG_IGN are function pointers.
    if (path === "RLIM_INFINITY") {
      return `printf("%s %llu\\n", "${key}", (unsigned long long)RLIM_INFINITY);`;
    }
    if (path === "SIG_DFL" || path === "SIG_IGN") return show(`(intptr_t)${path}`);
    return ifDefined(path);
  }
  if (kind === "errno") return ifDefined(path);
  return ifDefined(`SIG${path}`);
}

function cProgram(keys: string[]): string {
  return [
    "#define _GNU_SOURCE",
    ...HEADERS.map((h) => `#include <${h}>`),
    "#include <stdint.h>",
    "int main(void) {",
    ...keys.map(printLine),
    "  return 0;",
    "}",
    "",
  ].join("\n");
}

/** errno and signal macros the headers define (from the preprocessor's list of macros). */
function headerNames(cc: string, dir: string): { errno: string[]; signal: string[] } {
  const src = join(dir, "names.c");
  writeFileSync(src, "#define _GNU_SOURCE\n#include <errno.h>\n#include <signal.h>\n");
  const r = spawnSync(cc, ["-dM", "-E", src], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cc} -dM -E failed: ${r.stderr}`);
  const macros = [...r.stdout.matchAll(/^#define (\w+) (.*)$/gm)];
  return {
    errno: macros.filter(([, n, v]) => /^E[A-Z0-9]+$/.test(n) && /^(\d+|E[A-Z0-9]+)$/.test(v))
      .map(([, n]) => n),
    // SIGRTMIN/SIGRTMAX are not fixed numbers; SIGUNUSED is gone from current kernels.
    signal: macros.filter(([, n, v]) =>
      /^SIG[A-Z0-9]+$/.test(n) && /^(\d+|SIG[A-Z0-9]+)$/.test(v) &&
      !["SIGSTKSZ", "SIGEV_NONE", "SIGEV_SIGNAL", "SIGEV_THREAD"].includes(n)
    ).map(([, n]) => n.slice(3)),
  };
}

function have(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

/** Checks one table; returns the differences (empty when it matches). */
function check(target: Target, dir: string): string[] {
  const expected = entries(target.table);
  const keys = [...expected.keys()];
  const src = join(dir, `${target.name}.c`);
  const exe = join(dir, target.name);
  writeFileSync(src, cProgram(keys));
  const built = spawnSync(target.cc, ["-Wall", "-o", exe, src], { encoding: "utf8" });
  if (built.status !== 0) return [`${target.cc} failed:\n${built.stderr}`];
  const [cmd, ...args] = [...target.run, exe];
  const ran = spawnSync(cmd, args, { encoding: "utf8" });
  if (ran.status !== 0) return [`${[cmd, ...args].join(" ")} failed: ${ran.stderr}`];
  const actual = new Map(
    ran.stdout.trim().split("\n").map((line) => {
      const [key, value] = line.split(" ");
      return [key, value] as const;
    }),
  );
  const problems: string[] = [];
  const differs = (key: string, message: string): void => {
    if (key in target.accepted) {
      console.log(`   accepted: ${key}: ${message} (${target.accepted[key]})`);
    } else problems.push(`${key}: ${message}`);
  };
  for (const [key, want] of expected) {
    const got = actual.get(key);
    // "-1 where it does not exist" (0 for the flags that say so)
    if (got === "absent") {
      if (want !== -1n) differs(key, `the table has ${want}, the headers do not define it`);
    } else if (got === undefined || BigInt(got) !== want) {
      differs(key, `the table has ${want}, the headers ${got}`);
    }
  }
  const names = headerNames(target.cc, dir);
  for (const name of names.errno) {
    if (!expected.has(`errno.${name}`)) differs(`errno.${name}`, "in the headers, not the table");
  }
  for (const name of names.signal) {
    if (!expected.has(`signal.${name}`)) differs(`signal.${name}`, "in the headers, not the table");
  }
  console.log(
    `   ${expected.size} entries compared, ${names.errno.length} errno and ` +
      `${names.signal.length} signal names in the headers`,
  );
  return problems;
}

const only = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), "posixly-tables-"));
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  for (const target of targets) {
    if (only.length && !only.includes(target.name)) {
      skipped++;
      continue;
    }
    console.log(
      `== tables ${target.name}: ${target.cc}${
        target.run.length ? `, run by ${target.run[0]}` : ""
      }`,
    );
    const missing = [target.cc, ...target.run.slice(0, 1)].filter((c) => !have(c));
    const problems = missing.length
      ? [`${missing.join(", ")} not found: install Debian's ${target.packages}`]
      : check(target, dir);
    for (const p of problems) console.log(`   DIFFERS ${p}`);
    console.log(`== tables ${target.name}: ${problems.length ? "FAILED" : "ok"}`);
    if (problems.length) failed++;
    else passed++;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
