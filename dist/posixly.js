// @bun
// ffi/platform.ts
var LINUX_ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  ENOTBLK: 15,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  ETXTBSY: 26,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  EDOM: 33,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOLCK: 37,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENOMSG: 42,
  EIDRM: 43,
  ECHRNG: 44,
  EL2NSYNC: 45,
  EL3HLT: 46,
  EL3RST: 47,
  ELNRNG: 48,
  EUNATCH: 49,
  ENOCSI: 50,
  EL2HLT: 51,
  EBADE: 52,
  EBADR: 53,
  EXFULL: 54,
  ENOANO: 55,
  EBADRQC: 56,
  EBADSLT: 57,
  EBFONT: 59,
  ENOSTR: 60,
  ENODATA: 61,
  ETIME: 62,
  ENOSR: 63,
  ENONET: 64,
  ENOPKG: 65,
  EREMOTE: 66,
  ENOLINK: 67,
  EADV: 68,
  ESRMNT: 69,
  ECOMM: 70,
  EPROTO: 71,
  EMULTIHOP: 72,
  EDOTDOT: 73,
  EBADMSG: 74,
  EOVERFLOW: 75,
  ENOTUNIQ: 76,
  EBADFD: 77,
  EREMCHG: 78,
  ELIBACC: 79,
  ELIBBAD: 80,
  ELIBSCN: 81,
  ELIBMAX: 82,
  ELIBEXEC: 83,
  EILSEQ: 84,
  ERESTART: 85,
  ESTRPIPE: 86,
  EUSERS: 87,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  EPROTOTYPE: 91,
  ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93,
  ESOCKTNOSUPPORT: 94,
  EOPNOTSUPP: 95,
  EPFNOSUPPORT: 96,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ENETRESET: 102,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ESHUTDOWN: 108,
  ETOOMANYREFS: 109,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTDOWN: 112,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
  ESTALE: 116,
  EUCLEAN: 117,
  ENOTNAM: 118,
  ENAVAIL: 119,
  EISNAM: 120,
  EREMOTEIO: 121,
  EDQUOT: 122,
  ENOMEDIUM: 123,
  EMEDIUMTYPE: 124,
  ECANCELED: 125,
  ENOKEY: 126,
  EKEYEXPIRED: 127,
  EKEYREVOKED: 128,
  EKEYREJECTED: 129,
  EOWNERDEAD: 130,
  ENOTRECOVERABLE: 131,
  ERFKILL: 132,
  EHWPOISON: 133,
  EWOULDBLOCK: 11,
  EDEADLOCK: 35,
  ENOTSUP: 95
};
var DARWIN_ERRNO = () => ({
  ...Object.fromEntries(Object.entries(LINUX_ERRNO).filter(([, n]) => n <= 34 && n !== 11)),
  EDEADLK: 11,
  EAGAIN: 35,
  EINPROGRESS: 36,
  EALREADY: 37,
  ENOTSOCK: 38,
  EDESTADDRREQ: 39,
  EMSGSIZE: 40,
  EPROTOTYPE: 41,
  ENOPROTOOPT: 42,
  EPROTONOSUPPORT: 43,
  ESOCKTNOSUPPORT: 44,
  ENOTSUP: 45,
  EPFNOSUPPORT: 46,
  EAFNOSUPPORT: 47,
  EADDRINUSE: 48,
  EADDRNOTAVAIL: 49,
  ENETDOWN: 50,
  ENETUNREACH: 51,
  ENETRESET: 52,
  ECONNABORTED: 53,
  ECONNRESET: 54,
  ENOBUFS: 55,
  EISCONN: 56,
  ENOTCONN: 57,
  ESHUTDOWN: 58,
  ETOOMANYREFS: 59,
  ETIMEDOUT: 60,
  ECONNREFUSED: 61,
  ELOOP: 62,
  ENAMETOOLONG: 63,
  EHOSTDOWN: 64,
  EHOSTUNREACH: 65,
  ENOTEMPTY: 66,
  EPROCLIM: 67,
  EUSERS: 68,
  EDQUOT: 69,
  ESTALE: 70,
  EREMOTE: 71,
  EBADRPC: 72,
  ERPCMISMATCH: 73,
  EPROGUNAVAIL: 74,
  EPROGMISMATCH: 75,
  EPROCUNAVAIL: 76,
  ENOLCK: 77,
  ENOSYS: 78,
  EFTYPE: 79,
  EAUTH: 80,
  ENEEDAUTH: 81,
  EPWROFF: 82,
  EDEVERR: 83,
  EOVERFLOW: 84,
  EBADEXEC: 85,
  EBADARCH: 86,
  ESHLIBVERS: 87,
  EBADMACHO: 88,
  ECANCELED: 89,
  EIDRM: 90,
  ENOMSG: 91,
  EILSEQ: 92,
  ENOATTR: 93,
  EBADMSG: 94,
  EMULTIHOP: 95,
  ENODATA: 96,
  ENOLINK: 97,
  ENOSR: 98,
  ENOSTR: 99,
  EPROTO: 100,
  ETIME: 101,
  EOPNOTSUPP: 102,
  ENOPOLICY: 103,
  ENOTRECOVERABLE: 104,
  EOWNERDEAD: 105,
  EQFULL: 106,
  EWOULDBLOCK: 35
});
var LINUX_SIGNALS = [
  ["HUP", 1],
  ["INT", 2],
  ["QUIT", 3],
  ["ILL", 4],
  ["TRAP", 5],
  ["ABRT", 6],
  ["IOT", 6],
  ["BUS", 7],
  ["FPE", 8],
  ["KILL", 9],
  ["USR1", 10],
  ["SEGV", 11],
  ["USR2", 12],
  ["PIPE", 13],
  ["ALRM", 14],
  ["TERM", 15],
  ["STKFLT", 16],
  ["CHLD", 17],
  ["CLD", 17],
  ["CONT", 18],
  ["STOP", 19],
  ["TSTP", 20],
  ["TTIN", 21],
  ["TTOU", 22],
  ["URG", 23],
  ["XCPU", 24],
  ["XFSZ", 25],
  ["VTALRM", 26],
  ["PROF", 27],
  ["WINCH", 28],
  ["IO", 29],
  ["POLL", 29],
  ["PWR", 30],
  ["SYS", 31]
];
var DARWIN_SIGNALS = () => [
  ["HUP", 1],
  ["INT", 2],
  ["QUIT", 3],
  ["ILL", 4],
  ["TRAP", 5],
  ["ABRT", 6],
  ["IOT", 6],
  ["EMT", 7],
  ["FPE", 8],
  ["KILL", 9],
  ["BUS", 10],
  ["SEGV", 11],
  ["SYS", 12],
  ["PIPE", 13],
  ["ALRM", 14],
  ["TERM", 15],
  ["URG", 16],
  ["STOP", 17],
  ["TSTP", 18],
  ["CONT", 19],
  ["CHLD", 20],
  ["TTIN", 21],
  ["TTOU", 22],
  ["IO", 23],
  ["XCPU", 24],
  ["XFSZ", 25],
  ["VTALRM", 26],
  ["PROF", 27],
  ["WINCH", 28],
  ["INFO", 29],
  ["USR1", 30],
  ["USR2", 31]
];
var LINUX_LAYOUTS = {
  passwd: { size: 48, name: 0, uid: 16, gid: 20, gecos: 24, dir: 32, shell: 40 },
  group: { size: 32, name: 0, gid: 16, mem: 24 },
  sigaction: { size: 152, handler: 0, mask: 8, maskSize: 128, flags: 136 },
  itimerval: {
    size: 32,
    intervalSec: 0,
    intervalUsec: 8,
    valueSec: 16,
    valueUsec: 24,
    usecSize: 8
  },
  rlimit: { size: 16, cur: 0, max: 8 },
  spawnattrSize: 336,
  fileActionsSize: 80,
  dirent: { name: 19, nameMax: 256 },
  sigsetSize: 128,
  sockaddrUn: { size: 110, family: 0, familySize: 2, path: 2, pathMax: 108 },
  stat: { size: 144, dev: 0, devSize: 8, ino: 8, mode: 24, modeSize: 4 }
};
var LINUX_AARCH64_STAT = () => ({
  size: 128,
  dev: 0,
  devSize: 8,
  ino: 8,
  mode: 16,
  modeSize: 4
});
var DARWIN_LAYOUTS = () => ({
  passwd: { size: 72, name: 0, uid: 16, gid: 20, gecos: 40, dir: 48, shell: 56 },
  group: { size: 32, name: 0, gid: 16, mem: 24 },
  sigaction: { size: 16, handler: 0, mask: 8, maskSize: 4, flags: 12 },
  itimerval: {
    size: 32,
    intervalSec: 0,
    intervalUsec: 8,
    valueSec: 16,
    valueUsec: 24,
    usecSize: 4
  },
  rlimit: { size: 16, cur: 0, max: 8 },
  spawnattrSize: 8,
  fileActionsSize: 8,
  dirent: { name: 21, nameMax: 1024 },
  sigsetSize: 4,
  sockaddrUn: { size: 106, family: 1, familySize: 1, path: 2, pathMax: 104 },
  stat: { size: 144, dev: 0, devSize: 4, ino: 8, mode: 4, modeSize: 2 }
});
var LINUX_COMMON = {
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 64,
  O_EXCL: 128,
  O_NOCTTY: 256,
  O_TRUNC: 512,
  O_APPEND: 1024,
  O_NONBLOCK: 2048,
  O_CLOEXEC: 524288,
  LOCK_SH: 1,
  LOCK_EX: 2,
  LOCK_NB: 4,
  LOCK_UN: 8,
  RLIMIT_NOFILE: 7,
  RLIM_INFINITY: 0xffffffffffffffffn,
  _SC_OPEN_MAX: 4,
  _SC_NGROUPS_MAX: 3,
  _SC_GETPW_R_SIZE_MAX: 70,
  _SC_GETGR_R_SIZE_MAX: 69,
  SIG_DFL: 0,
  SIG_IGN: 1,
  SA_SIGINFO: 4,
  SA_RESTART: 268435456,
  SIG_BLOCK: 0,
  SIG_UNBLOCK: 1,
  SIG_SETMASK: 2,
  ITIMER_REAL: 0,
  PR_SET_PDEATHSIG: 1,
  PR_GET_PDEATHSIG: 2,
  PR_SET_NAME: 15,
  PR_GET_NAME: 16,
  POSIX_SPAWN_RESETIDS: 1,
  POSIX_SPAWN_SETPGROUP: 2,
  POSIX_SPAWN_SETSIGDEF: 4,
  POSIX_SPAWN_SETSIGMASK: 8,
  POSIX_SPAWN_SETSID: 128,
  AF_UNIX: 1,
  SOCK_DGRAM: 2,
  SOCK_CLOEXEC: 524288,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  FD_CLOEXEC: 1,
  WNOHANG: 1,
  RTLD_LAZY: 1,
  AT_FDCWD: -100,
  AT_EMPTY_PATH: 4096,
  AT_SYMLINK_FOLLOW: 1024,
  S_IFMT: 61440,
  S_IFREG: 32768
};
var LINUX_X86_64 = {
  ...LINUX_COMMON,
  O_DIRECTORY: 65536,
  O_NOFOLLOW: 131072,
  O_TMPFILE: 4259840
};
var LINUX_AARCH64 = () => ({
  ...LINUX_COMMON,
  O_DIRECTORY: 16384,
  O_NOFOLLOW: 32768,
  O_TMPFILE: 4210688
});
var DARWIN = () => ({
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 512,
  O_EXCL: 2048,
  O_NOCTTY: 131072,
  O_TRUNC: 1024,
  O_APPEND: 8,
  O_NONBLOCK: 4,
  O_DIRECTORY: 1048576,
  O_NOFOLLOW: 256,
  O_CLOEXEC: 16777216,
  LOCK_SH: 1,
  LOCK_EX: 2,
  LOCK_NB: 4,
  LOCK_UN: 8,
  RLIMIT_NOFILE: 8,
  RLIM_INFINITY: 0x7fffffffffffffffn,
  _SC_OPEN_MAX: 5,
  _SC_NGROUPS_MAX: 4,
  _SC_GETPW_R_SIZE_MAX: 71,
  _SC_GETGR_R_SIZE_MAX: 70,
  SIG_DFL: 0,
  SIG_IGN: 1,
  SA_SIGINFO: 64,
  SA_RESTART: 2,
  SIG_BLOCK: 1,
  SIG_UNBLOCK: 2,
  SIG_SETMASK: 3,
  ITIMER_REAL: 0,
  PR_SET_PDEATHSIG: -1,
  PR_GET_PDEATHSIG: -1,
  PR_SET_NAME: -1,
  PR_GET_NAME: -1,
  POSIX_SPAWN_RESETIDS: 1,
  POSIX_SPAWN_SETPGROUP: 2,
  POSIX_SPAWN_SETSIGDEF: 4,
  POSIX_SPAWN_SETSIGMASK: 8,
  POSIX_SPAWN_SETSID: 1024,
  AF_UNIX: 1,
  SOCK_DGRAM: 2,
  SOCK_CLOEXEC: 0,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  FD_CLOEXEC: 1,
  WNOHANG: 1,
  RTLD_LAZY: 1,
  O_TMPFILE: 0,
  AT_FDCWD: -2,
  AT_EMPTY_PATH: 0,
  AT_SYMLINK_FOLLOW: 64,
  S_IFMT: 61440,
  S_IFREG: 32768
});
var lazyNames = (function lazyNames(table) {
  let names;
  return (function namesOnFirstUse() {
    if (names)
      return names;
    const t = table();
    const back = Object.create(null);
    for (const [k, v] of Array.isArray(t) ? t : Object.entries(t)) {
      if (!(v in back))
        back[v] = k;
    }
    return names = back;
  });
});
var lazyRecord = (function lazyRecord(pairs) {
  let record;
  return (function recordOnFirstUse() {
    return record ??= Object.assign(Object.create(null), Object.fromEntries(pairs));
  });
});
var detectOs = (function detectOs() {
  const g = globalThis;
  const os = g.Deno?.build?.os ?? g.process?.platform;
  if (os === "linux")
    return "linux";
  if (os === "darwin")
    return "darwin";
  return "other";
});
var detectArch = (function detectArch() {
  const g = globalThis;
  const arch = g.Deno?.build?.arch ?? g.process?.arch;
  if (arch === "x86_64" || arch === "x64")
    return "x86_64";
  if (arch === "aarch64" || arch === "arm64")
    return "aarch64";
  return "other";
});
var detectLinuxLibc = (function detectLinuxLibc(arch) {
  const g = globalThis;
  if (g.Deno && !g.Bun)
    return g.Deno.build?.env === "musl" ? "musl" : "glibc";
  const release = g.Bun ? g.process?.release?.sourceUrl : undefined;
  if (typeof release === "string" && release.includes("/bun-linux-") && release.endsWith(".zip")) {
    return release.includes("-musl") ? "musl" : "glibc";
  }
  try {
    const arm = arch === "aarch64";
    const musl = `/lib/ld-musl-${arm ? "aarch64" : "x86_64"}.so.1`;
    const glibc = arm ? "/lib/ld-linux-aarch64.so.1" : "/lib64/ld-linux-x86-64.so.2";
    const exists = g.Bun?.file ? (path) => g.Bun.file(path).size > 0 : (path) => Boolean(g.process?.getBuiltinModule?.("node:fs")?.existsSync(path));
    if (exists(musl) && !exists(glibc))
      return "musl";
  } catch {}
  return "glibc";
});
var platformFor = (function platformFor(os, arch) {
  if (os !== "linux" && os !== "darwin" && os !== "other") {
    throw new TypeError(`os must be "linux", "darwin" or "other", got ${JSON.stringify(os)}`);
  }
  if (arch !== "x86_64" && arch !== "aarch64" && arch !== "other") {
    throw new TypeError(`arch must be "x86_64", "aarch64" or "other", got ${JSON.stringify(arch)}`);
  }
  if (os === "darwin") {
    const errnoNumbers = DARWIN_ERRNO();
    const signals = DARWIN_SIGNALS();
    const errnoNames = lazyNames(() => errnoNumbers);
    const signalNumbers = lazyRecord(signals);
    const signalNames = lazyNames(() => signals);
    return {
      os,
      arch,
      libc: "darwin",
      libraryName: "libSystem.B.dylib",
      errnoSymbol: "__error",
      layouts: DARWIN_LAYOUTS(),
      constants: DARWIN(),
      get errnoNames() {
        return errnoNames();
      },
      errnoNumbers,
      get signalNumbers() {
        return signalNumbers();
      },
      get signalNames() {
        return signalNames();
      }
    };
  }
  const errnoNames = lazyNames(() => LINUX_ERRNO);
  const signalNumbers = lazyRecord(LINUX_SIGNALS);
  const signalNames = lazyNames(() => LINUX_SIGNALS);
  let libc;
  const whichLibc = (function whichLibc() {
    return libc ??= os === "linux" ? detectLinuxLibc(arch) : "unknown";
  });
  return {
    os,
    arch,
    get libc() {
      return whichLibc();
    },
    get libraryName() {
      return whichLibc() === "musl" ? `/lib/ld-musl-${arch === "aarch64" ? "aarch64" : "x86_64"}.so.1` : "libc.so.6";
    },
    errnoSymbol: "__errno_location",
    layouts: arch === "aarch64" ? { ...LINUX_LAYOUTS, stat: LINUX_AARCH64_STAT() } : LINUX_LAYOUTS,
    constants: arch === "aarch64" ? LINUX_AARCH64() : LINUX_X86_64,
    get errnoNames() {
      return errnoNames();
    },
    errnoNumbers: LINUX_ERRNO,
    get signalNumbers() {
      return signalNumbers();
    },
    get signalNames() {
      return signalNames();
    }
  };
});
var platform = platformFor(detectOs(), detectArch());
// ffi/symbols.ts
var SYMBOLS = {
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  fcntl: { parameters: ["i32", "i32", "i64"], result: "i32" },
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32", optional: true },
  prctl_buffer: {
    name: "prctl",
    parameters: ["i32", "buffer", "u64", "u64", "u64"],
    result: "i32",
    optional: true
  },
  dlopen: { parameters: ["pointer", "i32"], result: "pointer", optional: true },
  dlsym: { parameters: ["pointer", "pointer"], result: "pointer", optional: true },
  __errno_location: { parameters: [], result: "pointer", optional: true },
  __error: { parameters: [], result: "pointer", optional: true },
  strerror: { parameters: ["i32"], result: "pointer" },
  getpid: { parameters: [], result: "i32" },
  getppid: { parameters: [], result: "i32" },
  pidfd_open: { parameters: ["i32", "u32"], result: "i32", optional: true },
  getsid: { parameters: ["i32"], result: "i32" },
  setsid: { parameters: [], result: "i32" },
  kill: { parameters: ["i32", "i32"], result: "i32" },
  umask: { parameters: ["u32"], result: "u32" },
  chdir: { parameters: ["buffer"], result: "i32" },
  sysconf: { parameters: ["i32"], result: "i64" },
  getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  setrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  memcpy: { parameters: ["pointer", "buffer", "usize"], result: "pointer" },
  close: { parameters: ["i32"], result: "i32" },
  close_range: { parameters: ["u32", "u32", "i32"], result: "i32", optional: true },
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32", optional: true },
  pipe: { parameters: ["buffer"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  fsync: { parameters: ["i32"], result: "i32" },
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  isatty: { parameters: ["i32"], result: "i32" },
  flock: { parameters: ["i32", "i32"], result: "i32" },
  opendir: { parameters: ["buffer"], result: "pointer" },
  readdir64: { parameters: ["pointer"], result: "pointer", optional: true },
  closedir: { parameters: ["pointer"], result: "i32" },
  link: { parameters: ["buffer", "buffer"], result: "i32" },
  unlink: { parameters: ["buffer"], result: "i32" },
  getuid: { parameters: [], result: "u32" },
  geteuid: { parameters: [], result: "u32" },
  getgid: { parameters: [], result: "u32" },
  getegid: { parameters: [], result: "u32" },
  getresuid: { parameters: ["buffer", "buffer", "buffer"], result: "i32", optional: true },
  getresgid: { parameters: ["buffer", "buffer", "buffer"], result: "i32", optional: true },
  setuid: { parameters: ["u32"], result: "i32" },
  setgid: { parameters: ["u32"], result: "i32" },
  seteuid: { parameters: ["u32"], result: "i32" },
  setegid: { parameters: ["u32"], result: "i32" },
  getgroups: { parameters: ["i32", "buffer"], result: "i32" },
  setgroups: { parameters: ["usize", "buffer"], result: "i32" },
  initgroups: { parameters: ["buffer", "u32"], result: "i32" },
  getpwnam_r: { parameters: ["buffer", "buffer", "buffer", "usize", "buffer"], result: "i32" },
  getpwuid_r: { parameters: ["u32", "buffer", "buffer", "usize", "buffer"], result: "i32" },
  getgrnam_r: { parameters: ["buffer", "buffer", "buffer", "usize", "buffer"], result: "i32" },
  getgrgid_r: { parameters: ["u32", "buffer", "buffer", "usize", "buffer"], result: "i32" },
  sigaction: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  sigemptyset: { parameters: ["buffer"], result: "i32" },
  sigfillset: { parameters: ["buffer"], result: "i32" },
  sigprocmask: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  setitimer: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getitimer: { parameters: ["i32", "buffer"], result: "i32" },
  posix_spawn: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32"
  },
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  posix_spawnattr_setsigmask: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawnattr_setsigdefault: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_addopen: {
    parameters: ["buffer", "i32", "buffer", "i32", "u32"],
    result: "i32"
  },
  posix_spawn_file_actions_adddup2: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  posix_spawn_file_actions_addclose: { parameters: ["buffer", "i32"], result: "i32" },
  posix_spawn_file_actions_addclosefrom_np: {
    parameters: ["buffer", "i32"],
    result: "i32",
    optional: true
  },
  poll_async: {
    name: "poll",
    parameters: ["buffer", "u64", "i32"],
    result: "i32",
    optional: true,
    nonblocking: true
  },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  getenv: { parameters: ["buffer"], result: "pointer" },
  unsetenv: { parameters: ["buffer"], result: "i32" },
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  linkat: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "i32", optional: true },
  fstat: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  stat: { parameters: ["buffer", "buffer"], result: "i32", optional: true },
  lstat: { parameters: ["buffer", "buffer"], result: "i32", optional: true },
  getrandom: { parameters: ["buffer", "usize", "u32"], result: "isize", optional: true },
  getcwd: { parameters: ["buffer", "usize"], result: "pointer" }
};
// ffi/runtime.ts
var g = globalThis;
var isBun = typeof g.Bun !== "undefined";
var isDeno = !isBun && typeof g.Deno?.dlopen === "function";
var DENO_TYPES = {
  i16: "i16",
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  isize: "isize",
  usize: "usize",
  buffer: "buffer",
  pointer: "pointer",
  void: "void"
};
var BUN_TYPES = {
  i16: "i16",
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  isize: "i64",
  usize: "u64",
  buffer: "ptr",
  pointer: "ptr",
  void: "void"
};
var mapTypes = (function mapTypes(types, names) {
  const out = [];
  for (let i = 0;i < types.length; i++)
    out.push(names[types[i]]);
  return out;
});
var D = g.Deno;
var staticsGiveAddresses;
var denoBind = (function denoBind(library, symbols) {
  const defs = {};
  for (const [symbol, spec] of Object.entries(symbols)) {
    defs[symbol] = {
      parameters: mapTypes(spec.parameters, DENO_TYPES),
      result: DENO_TYPES[spec.result],
      nonblocking: spec.nonblocking === true
    };
  }
  return D.dlopen(library, defs).symbols;
});
var denoFromPointer = (function denoFromPointer(p, spec) {
  const fn = new D.UnsafeFnPointer(p, {
    parameters: mapTypes(spec.parameters, DENO_TYPES),
    result: DENO_TYPES[spec.result]
  });
  return fn.call.bind(fn);
});
var RTLD_LAZY = 1;
var nameEncoder = new TextEncoder;
var dlsymFor = new Map;
var denoLookup = (function denoLookup(library, symbol) {
  if (staticsGiveAddresses === false)
    return;
  const dlsym = dlsymFor.get(library);
  if (dlsym)
    return dlsym(symbol);
  if (staticsGiveAddresses === true && dlsym === null) {
    return D.dlopen(library, { at: { name: symbol, type: "pointer", optional: true } }).symbols.at;
  }
  const { at, bytes, dlopen, dlsym: dlsymAt } = D.dlopen(library, {
    at: { name: symbol, type: "pointer", optional: true },
    bytes: { name: symbol, type: "u64", optional: true },
    dlopen: { name: "dlopen", type: "pointer", optional: true },
    dlsym: { name: "dlsym", type: "pointer", optional: true }
  }).symbols;
  if (staticsGiveAddresses === undefined) {
    if (at === null || bytes === null)
      return null;
    staticsGiveAddresses = BigInt(D.UnsafePointer.value(at)) !== BigInt(bytes);
    if (!staticsGiveAddresses)
      return;
  }
  dlsymFor.set(library, dlopen && dlsymAt ? dlsymThrough(library, dlopen, dlsymAt) : null);
  return at;
});
var dlsymThrough = (function dlsymThrough(library, dlopenAt, dlsymAt) {
  const open = new D.UnsafeFnPointer(dlopenAt, {
    parameters: ["buffer", "i32"],
    result: "pointer"
  });
  const handle = open.call(nameEncoder.encode(library + "\x00"), RTLD_LAZY);
  if (handle === null)
    return null;
  const dlsym = new D.UnsafeFnPointer(dlsymAt, {
    parameters: ["pointer", "buffer"],
    result: "pointer"
  });
  return (function lookUp(name) {
    return dlsym.call(handle, nameEncoder.encode(name + "\x00"));
  });
});
var denoAddress = (function denoAddress(p) {
  return p === null ? 0n : BigInt(D.UnsafePointer.value(p));
});
var denoPointer = (function denoPointer(a) {
  return D.UnsafePointer.create(a);
});
var denoAddressOf = (function denoAddressOf(view) {
  return BigInt(D.UnsafePointer.value(D.UnsafePointer.of(view)));
});
var denoMemory = (function denoMemory(a, length) {
  return D.UnsafePointerView.getArrayBuffer(D.UnsafePointer.create(a), length);
});
var denoCString = (function denoCString(a) {
  return D.UnsafePointerView.getCString(D.UnsafePointer.create(a));
});
var denoBackend = (function denoBackend() {
  return {
    name: "deno",
    nonblocking: true,
    bind: denoBind,
    fromPointer: denoFromPointer,
    lookup: denoLookup,
    address: denoAddress,
    pointer: denoPointer,
    addressOf: denoAddressOf,
    memory: denoMemory,
    cstring: denoCString
  };
});
var bunBackend = (function bunBackend(ffi) {
  return {
    name: "bun",
    nonblocking: false,
    bind(library, symbols) {
      const defs = {};
      for (const [symbol, spec] of Object.entries(symbols)) {
        defs[symbol] = {
          args: mapTypes(spec.parameters, BUN_TYPES),
          returns: BUN_TYPES[spec.result]
        };
      }
      return ffi.dlopen(library, defs).symbols;
    },
    address(p) {
      return p === null || p === undefined ? 0n : BigInt(p);
    },
    pointer(a) {
      return a === 0n ? null : Number(a);
    },
    addressOf(view) {
      return BigInt(ffi.ptr(view));
    },
    memory(a, length) {
      return ffi.toArrayBuffer(Number(a), 0, length);
    },
    cstring(a) {
      return new ffi.CString(Number(a)).toString();
    }
  };
});
var bunFfi = (function bunFfi() {
  const native = g.Bun?.FFI;
  if (native && typeof native.dlopen === "function" && typeof native.ptr === "function" && typeof native.toArrayBuffer === "function" && typeof native.CString === "function") {
    return {
      dlopen(library, defs) {
        const lib = native.dlopen(library, defs);
        if (lib instanceof Error)
          throw lib;
        return lib;
      },
      ptr: (view) => native.ptr(view),
      toArrayBuffer: native.toArrayBuffer,
      CString: native.CString
    };
  }
  return g.process.getBuiltinModule("bun:ffi");
});
var current;

class UnsupportedRuntimeError extends Error {
  constructor() {
    super("posixly's C bindings need Deno (with --allow-ffi) or Bun; this runtime has neither");
    this.name = "UnsupportedRuntimeError";
  }
}
var backend = (function backend() {
  if (current)
    return current;
  if (isBun)
    current = bunBackend(bunFfi());
  else if (isDeno)
    current = denoBackend();
  else
    throw new UnsupportedRuntimeError;
  return current;
});
// ffi/libc.ts
class FfiPermissionError extends Error {
  constructor(cause) {
    super(`posixly needs FFI access to call the C library (${platform.libraryName}): ` + "run Deno with --allow-ffi (or -A)", { cause });
    this.name = "FfiPermissionError";
  }
}

class FfiSymbolError extends Error {
  constructor(symbol, cause) {
    super(`cannot bind C symbol '${symbol}' from ${platform.libraryName}: ${String(cause)}`, {
      cause
    });
    this.name = "FfiSymbolError";
  }
}
var isPermissionError = (function isPermissionError(e) {
  const name = e?.name;
  return name === "NotCapable" || name === "PermissionDenied";
});
var bound = {};
var bindSymbol = (function bindSymbol(key) {
  if (key in bound)
    return bound[key];
  if (!Object.hasOwn(SYMBOLS, key)) {
    throw new TypeError(`'${String(key)}' is not in posixly's symbol table (ffi/symbols.ts)`);
  }
  const spec = SYMBOLS[key];
  const cName = spec.name ?? key;
  if (spec.nonblocking && !backend().nonblocking)
    return settle(key, null);
  let fn;
  try {
    fn = backend().bind(platform.libraryName, { [cName]: spec })[cName];
  } catch (e) {
    if (isPermissionError(e))
      throw new FfiPermissionError(e);
    if (!spec.optional)
      throw new FfiSymbolError(cName, e);
    fn = null;
  }
  return settle(key, fn);
});
var settle = (function settle(key, fn) {
  bound[key] = fn;
  libcObject[key] = fn;
  return fn;
});
var HOT_AFTER = 8;
var genericFunction = (function genericFunction(cName, spec) {
  const b = backend();
  if (!b.fromPointer || !b.lookup || spec.nonblocking)
    return;
  const pointer = b.lookup(platform.libraryName, cName);
  if (pointer === undefined)
    return;
  return pointer === null ? null : b.fromPointer(pointer, spec);
});
var pending = {};
var firstUse = (function firstUse(key) {
  if (key in bound)
    return bound[key];
  const waiting = pending[key];
  if (waiting)
    return waiting;
  const spec = SYMBOLS[key];
  let generic;
  try {
    generic = genericFunction(spec.name ?? key, spec);
  } catch (e) {
    if (e instanceof FfiPermissionError)
      throw e;
    if (isPermissionError(e))
      throw new FfiPermissionError(e);
    generic = undefined;
  }
  if (!generic)
    return bindSymbol(key);
  const slow = generic;
  let calls = 0;
  let fast;
  let stuck = false;
  const tiered = (function tiered(...args) {
    if (fast)
      return fast(...args);
    if (!stuck && ++calls > HOT_AFTER) {
      fast = tierUp(key);
      if (fast)
        return fast(...args);
      stuck = true;
    }
    return slow(...args);
  });
  pending[key] = tiered;
  libcObject[key] = tiered;
  return tiered;
});
var tierUp = (function tierUp(key) {
  let fn;
  try {
    fn = bindSymbol(key);
  } catch (e) {
    if (e instanceof FfiPermissionError)
      throw e;
    fn = null;
  }
  if (typeof fn !== "function") {
    delete bound[key];
    libcObject[key] = pending[key];
    return;
  }
  delete pending[key];
  return fn;
});
var makeStub = (function makeStub(key) {
  return (function lazyStub(...args) {
    return firstUse(key)(...args);
  });
});
var defineSymbol = (function defineSymbol(key, value) {
  Object.defineProperty(libcObject, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true
  });
});
var makeOnRead = (function makeOnRead(target, key, receiver) {
  if (typeof key !== "string" || !Object.hasOwn(SYMBOLS, key)) {
    return Reflect.get(target, key, receiver);
  }
  const spec = SYMBOLS[key];
  const value = spec.optional ? firstUse(key) : makeStub(key);
  if (!Object.hasOwn(libcObject, key))
    defineSymbol(key, value);
  return libcObject[key];
});
var makeOnWrite = (function makeOnWrite(_target, key, value) {
  defineSymbol(key, value);
  return true;
});
var isSymbol = (function isSymbol(target, key) {
  return typeof key === "string" && Object.hasOwn(SYMBOLS, key) || Reflect.has(target, key);
});
var libcObject = Object.create(new Proxy({}, { get: makeOnRead, set: makeOnWrite, has: isSymbol }));
var libc = libcObject;
// ffi/memory.ts
var encoder = new TextEncoder;
var cstr = (function cstr(s) {
  if (s.includes("\x00"))
    throw new TypeError(`string contains a NUL byte: ${JSON.stringify(s)}`);
  const out = new Uint8Array(s.length * 3 + 1);
  const { written } = encoder.encodeInto(s, out);
  return out.subarray(0, written + 1);
});
var pointerAddress = (function pointerAddress(p) {
  return backend().address(p);
});
var pointerFromAddress = (function pointerFromAddress(address) {
  return backend().pointer(address);
});
var addressOf = (function addressOf(view) {
  return backend().addressOf(view);
});
var nativeMemory = (function nativeMemory(address, length) {
  return backend().memory(address, length);
});
var readCString = (function readCString(at) {
  const address = typeof at === "bigint" ? at : backend().address(at);
  return address === 0n ? null : backend().cstring(address);
});
// ffi/errno.ts
var view;
var errnoView = (function errnoView() {
  const loc = platform.errnoSymbol === "__error" ? libc.__error : libc.__errno_location;
  if (!loc)
    throw new Error(`the C library has no ${platform.errnoSymbol}()`);
  view = new Int32Array(nativeMemory(pointerAddress(loc()), 4));
  return view;
});
var errno = (function errno() {
  return (view ?? errnoView())[0];
});
var setErrno = (function setErrno(value) {
  (view ?? errnoView())[0] = value;
});
var errnoNameOf = (function errnoNameOf(n) {
  return platform.errnoNames[n];
});
var errnoNumberOf = (function errnoNumberOf(name) {
  return Object.hasOwn(platform.errnoNumbers, name) ? platform.errnoNumbers[name] : undefined;
});
var strerror = (function strerror(n) {
  try {
    return readCString(libc.strerror(n)) ?? `Unknown error ${n}`;
  } catch {
    return errnoNameOf(n) ?? `Unknown error ${n}`;
  }
});
// ffi/os_error.ts
class OSError extends Error {
  errno;
  code;
  syscall;
  path;
  dest;
  constructor(errnum, syscall, options = {}) {
    const code = errnoNameOf(errnum) ?? `E${errnum}`;
    const text = strerror(errnum);
    const lower = text.length > 0 ? text[0].toLowerCase() + text.slice(1) : text;
    let message = `${code}: ${lower}, ${syscall}`;
    if (options.path !== undefined)
      message += ` '${options.path}'`;
    if (options.dest !== undefined)
      message += ` -> '${options.dest}'`;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OSError";
    this.errno = errnum;
    this.code = code;
    this.syscall = syscall;
    if (options.path !== undefined)
      this.path = options.path;
    if (options.dest !== undefined)
      this.dest = options.dest;
  }
}
var raiseErrno = (function raiseErrno(syscall, options) {
  throw new OSError(errno(), syscall, options);
});
var check = (function check(result, syscall, options) {
  if (result == -1)
    throw new OSError(errno(), syscall, options);
  return result;
});
var checkReturnedErrno = (function checkReturnedErrno(rc, syscall, options) {
  if (rc !== 0)
    throw new OSError(rc, syscall, options);
});
// platforms/runtime.ts
var runtimeImplementation = (function runtimeImplementation() {
  const g = globalThis;
  if (g.Bun?.version)
    return `Bun ${g.Bun.version}`;
  if (g.Deno?.version?.deno)
    return `Deno ${g.Deno.version.deno}`;
  if (g.process?.versions?.node)
    return `Node ${g.process.versions.node}`;
  return "unknown";
});
var g2 = globalThis;
var osName = g2.Deno?.build?.os ?? g2.process?.platform ?? "unknown";
var SYSTEM = osName === "linux" ? "Linux" : osName === "darwin" ? "Darwin" : osName === "windows" || osName === "win32" ? "Windows" : osName;
var IS_MACOS = SYSTEM === "Darwin";
var IS_WINDOWS = SYSTEM === "Windows";
// platforms/exit_codes.ts
var EX_OK = 0;
var EX_FAILURE = 1;
var EX_USAGE = 64;
var EX_UNAVAILABLE = 69;
var EX_CANTCREAT = 73;
// platforms/errno.ts
var errnoNumber = (function errnoNumber(code) {
  if (typeof code === "number") {
    if (!Number.isInteger(code))
      throw new TypeError(`errno must be an integer, got ${code}`);
    return code;
  }
  if (typeof code !== "string") {
    throw new TypeError(`errno code must be a name or a number, got ${typeof code}`);
  }
  const n = errnoNumberOf(code);
  if (n === undefined)
    throw new RangeError(`unknown errno name: ${JSON.stringify(code)}`);
  return n;
});
var errnoName = (function errnoName(n) {
  const name = Number.isInteger(n) ? errnoNameOf(Math.abs(n)) : undefined;
  if (name === undefined)
    throw new RangeError(`unknown errno number: ${n}`);
  return name;
});
var errorErrno = (function errorErrno(e) {
  if (typeof e !== "object" || e === null)
    return;
  const { code, errno } = e;
  if (typeof code === "string") {
    const n = errnoNumberOf(code);
    if (n !== undefined)
      return n;
  }
  if (typeof errno === "number" && Number.isInteger(errno) && errno !== 0)
    return Math.abs(errno);
  return;
});
var ignoreErrno = (function ignoreErrno(codes, fn) {
  const list = Array.isArray(codes) ? codes : [codes];
  const wanted = new Set(list.map((c) => errnoNumber(c)));
  if (typeof fn !== "function")
    throw new TypeError("ignoreErrno: fn must be a function");
  const filter = (e) => {
    const n = errorErrno(e);
    if (n !== undefined && wanted.has(n))
      return;
    throw e;
  };
  let result;
  try {
    result = fn();
  } catch (e) {
    return filter(e);
  }
  if (result instanceof Promise)
    return result.catch(filter);
  return result;
});
// platforms/libc_file.ts
var readFileWithLibc = (function readFileWithLibc(path) {
  const c = platform.constants;
  const fd = check(libc.open(cstr(path), c.O_RDONLY | c.O_CLOEXEC, 0), "open", { path });
  try {
    const chunks = [];
    let total = 0;
    for (;; ) {
      const buf = new Uint8Array(65536);
      const n = Number(libc.read(fd, buf, buf.length));
      if (n === -1) {
        const e = errno();
        if (e === platform.errnoNumbers.EINTR)
          continue;
        throw new OSError(e, "read", { path });
      }
      if (n === 0)
        break;
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    if (chunks.length === 1)
      return chunks[0];
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  } finally {
    libc.close(fd);
  }
});
var latin1 = (function latin1(bytes) {
  return String.fromCharCode.apply(null, bytes);
});
var isDecimal = (function isDecimal(text) {
  if (text.length === 0)
    return false;
  for (let i = 0;i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 48 || ch > 57)
      return false;
  }
  return true;
});

// platforms/host.ts
var g3 = globalThis;
var D2 = g3.Bun ? undefined : g3.Deno;
var proc = () => g3.process;
var pipeReader = (function pipeReader(fd) {
  if (D2 || typeof g3.Bun?.file !== "function")
    return null;
  const reader = g3.Bun.file(fd).stream().getReader();
  return {
    async read() {
      const { done, value } = await reader.read();
      return done ? null : value;
    }
  };
});
var getEnv = (function getEnv(name) {
  return D2 ? D2.env.get(name) : proc().env[name];
});
var envObject = (function envObject() {
  if (D2)
    return D2.env.toObject();
  const out = {};
  for (const [k, v] of Object.entries(proc().env)) {
    if (v !== undefined)
      out[k] = v;
  }
  return out;
});
var forgetEnv = (function forgetEnv(name) {
  if (!D2)
    delete proc().env[name];
});
var cwd = (function cwd() {
  const buf = new Uint8Array(4096);
  if (pointerAddress(libc.getcwd(buf, buf.length)) === 0n)
    raiseErrno("getcwd");
  const bytes = buf.subarray(0, buf.indexOf(0));
  let ascii = true;
  for (let i = 0;i < bytes.length && ascii; i++)
    ascii = bytes[i] < 128;
  if (ascii)
    return latin1(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TypeError("the current directory's name is not valid UTF-8; give posixly absolute paths instead");
  }
});
var chdir = (function chdir(path) {
  check(libc.chdir(cstr(path)), "chdir", { path });
  if (!D2)
    proc().chdir(path);
});
var execPath = (function execPath() {
  return D2 ? D2.execPath() : proc().execPath;
});
var scriptArgs = (function scriptArgs() {
  return D2 ? [...D2.args] : proc().argv.slice(2);
});
var exit = (function exit(code) {
  if (D2)
    D2.exit(code);
  proc().exit(code);
  throw new Error("unreachable");
});
var encoder2 = new TextEncoder;
var writeStderr = (function writeStderr(text) {
  if (D2) {
    const bytes = encoder2.encode(text);
    let off = 0;
    while (off < bytes.length)
      off += D2.stderr.writeSync(bytes.subarray(off));
  } else {
    proc().stderr.write(text);
  }
});
var addSignalListener = (function addSignalListener(signal, fn) {
  if (D2)
    D2.addSignalListener(signal, fn);
  else
    proc().on(signal, fn);
});
var runtimeSignalsSettled = false;
var settleRuntimeSignalHandlers = (function settleRuntimeSignalHandlers() {
  if (runtimeSignalsSettled || !D2)
    return;
  runtimeSignalsSettled = true;
  const noop = () => {};
  try {
    D2.addSignalListener("SIGUSR1", noop);
    D2.removeSignalListener("SIGUSR1", noop);
  } catch {}
});
var removeSignalListener = (function removeSignalListener(signal, fn) {
  if (D2)
    D2.removeSignalListener(signal, fn);
  else
    proc().off(signal, fn);
});
var exitHooks = new Set;
var exitListenerInstalled = false;
var runExitHooks = (function runExitHooks() {
  for (const fn of [...exitHooks]) {
    exitHooks.delete(fn);
    try {
      fn();
    } catch (e) {
      writeStderr(`posixly: an exit hook failed: ${String(e)}
`);
    }
  }
});
var onExit = (function onExit(fn) {
  exitHooks.add(fn);
  if (exitListenerInstalled)
    return;
  exitListenerInstalled = true;
  if (D2)
    g3.addEventListener("unload", runExitHooks);
  else
    proc().on("exit", runExitHooks);
});
var offExit = (function offExit(fn) {
  exitHooks.delete(fn);
});
var isMainThread = (function isMainThread() {
  if (g3.Bun)
    return g3.Bun.isMainThread !== false;
  return typeof g3.WorkerGlobalScope === "undefined" || !(g3 instanceof g3.WorkerGlobalScope);
});
var absolutePath = (function absolutePath(path) {
  const parts = [];
  for (const seg of (path.startsWith("/") ? path : `${cwd()}/${path}`).split("/")) {
    if (seg === "" || seg === ".")
      continue;
    if (seg === "..")
      parts.pop();
    else
      parts.push(seg);
  }
  return `/${parts.join("/")}`;
});
var parentDir = (function parentDir(path) {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
});
var nodeFs = (function nodeFs() {
  return proc().getBuiltinModule("node:fs");
});
var currentEnvironment = (function currentEnvironment() {
  try {
    return envObject();
  } catch (e) {
    if (platform.os !== "linux")
      throw e;
    const env = {};
    for (const entry of new TextDecoder().decode(readFileWithLibc("/proc/self/environ")).split("\x00")) {
      const eq = entry.indexOf("=");
      if (eq > 0)
        env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
  }
});

// platforms/file_identity.ts
var ENOENT = platform.errnoNumbers.ENOENT;
var ST = platform.layouts.stat;
var statBytes = new Uint8Array(ST.size);
var statWords = new Uint32Array(statBytes.buffer);
var statView = new DataView(statBytes.buffer);
var DEV = ST.dev / 4;
var INO = ST.ino / 4;
var takeIdentity = (function takeIdentity(out) {
  out[0] = statWords[DEV];
  out[1] = ST.devSize === 8 ? statWords[DEV + 1] : 0;
  out[2] = statWords[INO];
  out[3] = statWords[INO + 1];
  return ST.modeSize === 4 ? statView.getUint32(ST.mode, true) : statView.getUint16(ST.mode, true);
});
var takeNodeIdentity = (function takeNodeIdentity(st, out) {
  out[0] = Number(st.dev & 0xffffffffn);
  out[1] = Number(st.dev >> 32n);
  out[2] = Number(st.ino & 0xffffffffn);
  out[3] = Number(st.ino >> 32n);
  return Number(st.mode);
});
var fdIdentity = (function fdIdentity(fd, out) {
  const fstat = libc.fstat;
  if (fstat) {
    if (fstat(fd, statBytes) === -1)
      throw new OSError(errno(), "fstat");
    return takeIdentity(out);
  }
  const dir = platform.os === "linux" ? "/proc/self/fd" : "/dev/fd";
  return takeNodeIdentity(nodeFs().statSync(`${dir}/${fd}`, { bigint: true }), out);
});
var scratch = new Uint32Array(4);
var pathExists = (function pathExists(path, pathC) {
  const lstat = libc.lstat;
  if (lstat) {
    if (lstat(pathC, statBytes) === -1) {
      const e = errno();
      if (e === ENOENT)
        return false;
      throw new OSError(e, "lstat", { path });
    }
    takeIdentity(scratch);
    return true;
  }
  const st = nodeFs().lstatSync(path, { bigint: true, throwIfNoEntry: false });
  if (!st)
    return false;
  takeNodeIdentity(st, scratch);
  return true;
});
var statIdentity = (function statIdentity(path, pathC, out) {
  const stat = libc.stat;
  if (stat) {
    if (stat(pathC, statBytes) === -1)
      return false;
    takeIdentity(out);
    return true;
  }
  try {
    takeNodeIdentity(nodeFs().statSync(path, { bigint: true }), out);
    return true;
  } catch {
    return false;
  }
});

// platforms/fds.ts
var assertFd = (function assertFd(fd, what = "fd") {
  if (!Number.isInteger(fd) || fd < 0 || fd > 2147483647) {
    const shown = typeof fd === "string" ? JSON.stringify(fd) : String(fd);
    throw new TypeError(`${what} must be a non-negative integer, got ${typeof fd} ${shown}`);
  }
});
var getFdmax = (function getFdmax(defaultValue = null) {
  const { rlimit } = platform.layouts;
  const buf = new BigUint64Array(rlimit.size / 8);
  if (libc.getrlimit(platform.constants.RLIMIT_NOFILE, buf) === 0) {
    const cur = buf[rlimit.cur / 8];
    if (cur === platform.constants.RLIM_INFINITY)
      return defaultValue;
    return Number(cur);
  }
  const n = Number(libc.sysconf(platform.constants._SC_OPEN_MAX));
  return n < 0 ? defaultValue : n;
});
var openFds = (function openFds() {
  const viaLibc = platform.os === "linux" ? listFdsWithLibc() : null;
  if (viaLibc)
    return viaLibc;
  for (const dir of ["/proc/self/fd", "/dev/fd"]) {
    let names;
    try {
      names = nodeFs().readdirSync(dir);
    } catch {
      continue;
    }
    const fds = names.map(Number).filter((n) => Number.isInteger(n) && isOpen(n));
    return fds.sort((a, b) => a - b);
  }
  const max = Math.min(getFdmax(65536), 65536);
  const fds = [];
  for (let fd = 0;fd < max; fd++)
    if (isOpen(fd))
      fds.push(fd);
  return fds;
});
var decoder = new TextDecoder;
var listFdsWithLibc = (function listFdsWithLibc() {
  const readdir = libc.readdir64;
  if (!readdir)
    return null;
  const dir = libc.opendir(cstr("/proc/self/fd"));
  if (pointerAddress(dir) === 0n)
    return null;
  const fds = [];
  const { name, nameMax } = platform.layouts.dirent;
  try {
    for (;; ) {
      setErrno(0);
      const entry = pointerAddress(readdir(dir));
      if (entry === 0n)
        break;
      const bytes = new Uint8Array(nativeMemory(entry + BigInt(name), 16));
      const end = bytes.indexOf(0);
      const text = decoder.decode(bytes.subarray(0, end < 0 ? Math.min(16, nameMax) : end));
      const fd = Number(text);
      if (text !== "" && Number.isInteger(fd))
        fds.push(fd);
    }
  } finally {
    libc.closedir(dir);
  }
  return fds.filter(isOpen).sort((a, b) => a - b);
});
var isOpen = (function isOpen(fd) {
  return libc.fcntl(fd, platform.constants.F_GETFD, 0) !== -1;
});
var closeOpenFds = (function closeOpenFds(keep = []) {
  if (keep === null || typeof keep[Symbol.iterator] !== "function") {
    throw new TypeError(`closeOpenFds: keep must be an iterable of fds (an array), got ${typeof keep}`);
  }
  const kept = [...new Set(keep)];
  for (const fd of kept)
    assertFd(fd, "keep entries");
  kept.sort((a, b) => a - b);
  const closeRange = platform.os === "linux" ? libc.close_range : null;
  if (closeRange) {
    let lo = 0;
    let ok = true;
    for (const fd of [...kept, 2147483647 + 1]) {
      if (fd > lo) {
        const hi = Math.min(fd - 1, 4294967294);
        if (closeRange(lo, hi, 0) === -1) {
          ok = false;
          break;
        }
      }
      lo = fd + 1;
    }
    if (ok)
      return;
  }
  const keepSet = new Set(kept);
  for (const fd of openFds()) {
    if (!keepSet.has(fd))
      libc.close(fd);
  }
});
var fdByPath = (function fdByPath(paths) {
  if (typeof paths === "string" || paths === null || typeof paths[Symbol.iterator] !== "function") {
    throw new TypeError(`fdByPath: paths must be an array (an iterable) of paths, got ${typeof paths}` + (typeof paths === "string" ? ` (use fdByPath([${JSON.stringify(paths)}]))` : ""));
  }
  const wanted = new Set;
  const id = new Uint32Array(4);
  for (const p of paths) {
    if (typeof p !== "string")
      throw new TypeError(`paths must be strings, got ${typeof p}`);
    if (!p.includes("\x00") && statIdentity(p, cstr(p), id))
      wanted.add(id.join(":"));
  }
  if (wanted.size === 0)
    return [];
  const found = [];
  for (const fd of openFds()) {
    try {
      fdIdentity(fd, id);
      if (wanted.has(id.join(":")))
        found.push(fd);
    } catch {}
  }
  return found;
});
var isatty = (function isatty(fd) {
  assertFd(fd);
  if (libc.isatty(fd) === 1)
    return true;
  const e = errno();
  if (e === 0 || e === 25 || e === 9 || e === 22)
    return false;
  throw new OSError(e, "isatty");
});
var closeFd = (function closeFd(fd) {
  assertFd(fd);
  if (libc.close(fd) === -1) {
    const e = errno();
    if (e !== 9 && e !== 4)
      throw new OSError(e, "close");
  }
});
// platforms/users.ts
class LookupError extends Error {
  kind;
  key;
  constructor(kind, key) {
    super(`${kind === "user" ? "User" : "Group"} does not exist: ${key}`);
    this.name = "LookupError";
    this.kind = kind;
    this.key = key;
  }
}
var ID_MAX = 4294967294;
var DIGITS = /^\s*\d+\s*$/;
var MAX_BUFFER = 1 << 26;
var ERANGE = platform.errnoNumbers.ERANGE;
var EINVAL = platform.errnoNumbers.EINVAL;
var EPERM = platform.errnoNumbers.EPERM;
var NOT_FOUND = new Set([
  platform.errnoNumbers.ENOENT,
  platform.errnoNumbers.ESRCH,
  platform.errnoNumbers.EBADF,
  EPERM
]);
var LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
var decoder2 = new TextDecoder;
var encoder3 = new TextEncoder;
var nameBuf = new Uint8Array(256);
var encodeName = (function encodeName(name) {
  if (name.includes("\x00"))
    throw new TypeError(`name contains a NUL byte: ${JSON.stringify(name)}`);
  if (name.length * 3 + 1 > nameBuf.length)
    return cstr(name);
  const { written } = encoder3.encodeInto(name, nameBuf);
  nameBuf[written] = 0;
  return nameBuf;
});
var record = new BigUint64Array(16);
var record32 = new Uint32Array(record.buffer);
var recordPtrs = record;
var result = new BigUint64Array(1);
var pwScratch;
var grScratch;
var makeScratch = (function makeScratch(size) {
  const bytes = new Uint8Array(size);
  return { bytes, view: new DataView(bytes.buffer), base: addressOf(bytes) };
});
var initialSize = (function initialSize(name, fallback) {
  const n = Number(libc.sysconf(name));
  return n > 0 && n <= MAX_BUFFER ? n : fallback;
});
var grow = (function grow(s, syscall) {
  if (s.bytes.length >= MAX_BUFFER)
    throw new OSError(ERANGE, syscall);
  return makeScratch(s.bytes.length * 2);
});
var stringAt = (function stringAt(address, s) {
  if (address === 0n)
    return "";
  const off = address - s.base;
  if (off >= 0n && off < BigInt(s.bytes.length)) {
    const start = Number(off);
    let end = s.bytes.indexOf(0, start);
    if (end < 0)
      end = s.bytes.length;
    return decoder2.decode(s.bytes.subarray(start, end));
  }
  return readCString(address) ?? "";
});
var wordAt = (function wordAt(address, s) {
  const off = address - s.base;
  if (off >= 0n && off + 8n <= BigInt(s.bytes.length)) {
    return s.view.getBigUint64(Number(off), LITTLE_ENDIAN);
  }
  return new BigUint64Array(nativeMemory(address, 8))[0];
});
var fetchRecord = (function fetchRecord(scratch, keep, syscall, call) {
  let s = scratch;
  for (;; ) {
    result[0] = 0n;
    const rc = call(s.bytes);
    if (rc === 0)
      return result[0] !== 0n;
    if (rc === ERANGE) {
      s = grow(s, syscall);
      keep(s);
      continue;
    }
    if (NOT_FOUND.has(rc))
      return false;
    throw new OSError(rc, syscall);
  }
});
var fetchUser = (function fetchUser(name, uid) {
  const s = pwScratch ??= makeScratch(initialSize(platform.constants._SC_GETPW_R_SIZE_MAX, 1024));
  return name === null ? fetchRecord(s, (g) => pwScratch = g, "getpwuid_r", (b) => libc.getpwuid_r(uid, record, b, b.length, result)) : fetchRecord(s, (g) => pwScratch = g, "getpwnam_r", (b) => libc.getpwnam_r(name, record, b, b.length, result));
});
var fetchGroup = (function fetchGroup(name, gid) {
  const s = grScratch ??= makeScratch(initialSize(platform.constants._SC_GETGR_R_SIZE_MAX, 16384));
  return name === null ? fetchRecord(s, (g) => grScratch = g, "getgrgid_r", (b) => libc.getgrgid_r(gid, record, b, b.length, result)) : fetchRecord(s, (g) => grScratch = g, "getgrnam_r", (b) => libc.getgrnam_r(name, record, b, b.length, result));
});
var userFromRecord = (function userFromRecord() {
  const L = platform.layouts.passwd;
  const s = pwScratch;
  return {
    name: stringAt(recordPtrs[L.name / 8], s),
    uid: record32[L.uid / 4],
    gid: record32[L.gid / 4],
    home: stringAt(recordPtrs[L.dir / 8], s),
    shell: stringAt(recordPtrs[L.shell / 8], s)
  };
});
var groupFromRecord = (function groupFromRecord() {
  const L = platform.layouts.group;
  const s = grScratch;
  const members = [];
  const mem = recordPtrs[L.mem / 8];
  if (mem !== 0n) {
    for (let at = mem;; at += 8n) {
      const p = wordAt(at, s);
      if (p === 0n)
        break;
      members.push(stringAt(p, s));
    }
  }
  return { name: stringAt(recordPtrs[L.name / 8], s), gid: record32[L.gid / 4], members };
});
var classifyId = (function classifyId(value, what) {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      throw new RangeError(`${what} must be a whole number, got ${value}`);
    }
    if (value < 0)
      throw new RangeError(`${what} must not be negative, got ${value}`);
    if (value > ID_MAX) {
      throw new RangeError(`${what} must be at most ${ID_MAX} (${ID_MAX + 1} is (${what}_t)-1), got ${value}`);
    }
    return value;
  }
  if (typeof value !== "string") {
    throw new TypeError(`${what} must be a number or a ${what === "uid" ? "user" : "group"} name, got ${value === null ? "null" : typeof value}`);
  }
  if (DIGITS.test(value))
    return classifyId(Number(value), what);
  const trimmed = value.trim();
  if (trimmed === "") {
    throw new TypeError(`${what} must be a number or a ${what === "uid" ? "user" : "group"} name, got an empty string`);
  }
  const n = Number(trimmed);
  if (Number.isFinite(n)) {
    if (n < 0)
      throw new RangeError(`${what} must not be negative, got ${JSON.stringify(value)}`);
    throw new TypeError(`${what} as a string must be decimal digits or a name, got ${JSON.stringify(value)}`);
  }
  return value;
});
var lookupUser = (function lookupUser(nameOrUid) {
  const id = classifyId(nameOrUid, "uid");
  const found = typeof id === "number" ? fetchUser(null, id) : fetchUser(encodeName(id), 0);
  if (!found)
    throw new LookupError("user", id);
  return userFromRecord();
});
var lookupGroup = (function lookupGroup(nameOrGid) {
  const id = classifyId(nameOrGid, "gid");
  const found = typeof id === "number" ? fetchGroup(null, id) : fetchGroup(encodeName(id), 0);
  if (!found)
    throw new LookupError("group", id);
  return groupFromRecord();
});
var parseUid = (function parseUid(uid) {
  const id = classifyId(uid, "uid");
  if (typeof id === "number")
    return id;
  if (!fetchUser(encodeName(id), 0))
    throw new LookupError("user", id);
  return record32[platform.layouts.passwd.uid / 4];
});
var parseGid = (function parseGid(gid) {
  const id = classifyId(gid, "gid");
  if (typeof id === "number")
    return id;
  if (!fetchGroup(encodeName(id), 0))
    throw new LookupError("group", id);
  return record32[platform.layouts.group.gid / 4];
});
var getgroups = (function getgroups() {
  for (;; ) {
    const n = check(libc.getgroups(0, null), "getgroups");
    const list = new Uint32Array(Math.max(n, 1));
    const got = libc.getgroups(n, list);
    if (got === -1) {
      if (errno() === EINVAL)
        continue;
      throw new OSError(errno(), "getgroups");
    }
    return Array.from(list.subarray(0, got));
  }
});
var ngroupsMax;
var setgroups = (function setgroups(groups) {
  if (!Array.isArray(groups)) {
    throw new TypeError(`groups must be an array of gids or group names, got ${typeof groups}`);
  }
  ngroupsMax ??= Number(libc.sysconf(platform.constants._SC_NGROUPS_MAX));
  let wanted = groups.map((g) => parseGid(g));
  if (ngroupsMax > 0 && wanted.length > ngroupsMax)
    wanted = wanted.slice(0, ngroupsMax);
  const list = new Uint32Array(Math.max(wanted.length, 1));
  list.set(wanted);
  let n = wanted.length;
  for (;; ) {
    if (libc.setgroups(n, list) === 0)
      return;
    const e = errno();
    if (e === EINVAL && n > 1) {
      n--;
      continue;
    }
    if (e === EPERM && sameSet(getgroups(), wanted))
      return;
    throw new OSError(e, "setgroups");
  }
});
var sameSet = (function sameSet(a, b) {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size !== sb.size)
    return false;
  for (const x of sa)
    if (!sb.has(x))
      return false;
  return true;
});
var initgroups = (function initgroups(uid, gid) {
  const name = lookupUser(parseUid(uid)).name;
  check(libc.initgroups(cstr(name), parseGid(gid)), "initgroups");
});
var setgid = (function setgid(gid) {
  check(libc.setgid(parseGid(gid)), "setgid");
});
var setuid = (function setuid(uid) {
  check(libc.setuid(parseUid(uid)), "setuid");
});
var currentIds = (function currentIds() {
  const r = new Uint32Array(6);
  const [uid, euid, suid] = resIds(libc.getresuid, r, libc.getuid(), libc.geteuid());
  const [gid, egid, sgid] = resIds(libc.getresgid, r, libc.getgid(), libc.getegid());
  return { uid, euid, suid, gid, egid, sgid, groups: getgroups() };
});
var resIds = (function resIds(fn, buf, real, effective) {
  if (fn && fn(buf.subarray(0, 1), buf.subarray(1, 2), buf.subarray(2, 3)) === 0) {
    return [buf[0], buf[1], buf[2]];
  }
  return [real, effective, effective];
});
// platforms/privileges.ts
class SecurityError extends Error {
  constructor(message) {
    super(message);
    this.name = "SecurityError";
  }
}
var EPERM2 = platform.errnoNumbers.EPERM;
var resIds2 = (function resIds2(which) {
  const ids = currentIds();
  return which === "uid" ? [ids.uid, ids.euid, ids.suid] : [ids.gid, ids.egid, ids.sgid];
});
var maybeDropPrivileges = (function maybeDropPrivileges(options = {}) {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("maybeDropPrivileges takes an object: { uid?, gid? }");
  }
  const uid = options.uid === undefined || options.uid === null ? undefined : parseUid(options.uid);
  let gid = options.gid === undefined || options.gid === null ? undefined : parseGid(options.gid);
  const euid = libc.geteuid();
  if (euid !== 0 && libc.getuid() === 0) {
    throw new SecurityError("contact support");
  }
  if (uid === undefined && gid === undefined)
    return;
  if (euid !== 0) {
    const [ruid, , suid] = resIds2("uid");
    const [rgid, egid, sgid] = resIds2("gid");
    const uidDone = uid === undefined || uid === ruid && uid === euid && uid === suid;
    const gidDone = gid === undefined || gid === rgid && gid === egid && gid === sgid;
    if (uidDone && gidDone)
      return;
  }
  if (uid !== undefined) {
    let user;
    try {
      const entry = lookupUser(uid);
      user = entry.name;
      gid ??= entry.gid;
    } catch (e) {
      if (!(e instanceof LookupError) || gid === undefined)
        throw e;
    }
    setgid(gid);
    if (user !== undefined)
      initgroups(uid, gid);
    else
      setgroups([gid]);
    setuid(uid);
    if (uid !== 0) {
      if (libc.setuid(0) === 0) {
        throw new SecurityError("non-root user able to restore privileges after setuid.");
      }
      const e = errno();
      if (e !== EPERM2)
        throw new OSError(e, "setuid");
    }
  } else {
    if (euid === 0)
      setgroups([gid]);
    setgid(gid);
  }
  if (uid !== undefined && uid !== 0 && resIds2("uid").includes(0)) {
    throw new SecurityError("Still root uid after drop privileges!");
  }
  if (gid !== undefined && gid !== 0 && resIds2("gid").includes(0)) {
    throw new SecurityError("Still root gid after drop privileges!");
  }
});
var TRUE_VALUES = new Set(["1", "true", "yes"]);
var PICKLE_TYPES = ["pickle", "application/x-python-serialize"];
var RISKY_GROUPS = ["sudo", "wheel"];
var userInformation = (function userInformation() {
  return `User information: uid=${libc.getuid()} euid=${libc.geteuid()} ` + `gid=${libc.getgid()} egid=${libc.getegid()}`;
});
var checkPrivileges = (function checkPrivileges(acceptContent, options = {}) {
  if (acceptContent === null || typeof acceptContent !== "object" && typeof acceptContent !== "string") {
    throw new TypeError("acceptContent must be a list of content types or serializer names");
  }
  const accepted = new Set(typeof acceptContent === "string" ? [acceptContent] : acceptContent);
  const pickle = PICKLE_TYPES.some((t) => accepted.has(t));
  const uid = libc.getuid(), euid = libc.geteuid();
  const gid = libc.getgid(), egid = libc.getegid();
  let groupNames;
  try {
    groupNames = [lookupGroup(gid).name, lookupGroup(egid).name];
  } catch (e) {
    if (!(e instanceof LookupError))
      throw e;
    console.warn(`SecurityWarning: An entry for the specified gid or egid was not found.
` + "We're assuming this is a potential security issue.");
    warnOrThrow(pickle, options);
    return;
  }
  if (uid === 0 || euid === 0 || RISKY_GROUPS.some((g) => groupNames.includes(g))) {
    warnOrThrow(pickle, options);
  }
});
var warnOrThrow = (function warnOrThrow(pickle, options) {
  const value = options.env ? options.env.C_FORCE_ROOT : getEnv("C_FORCE_ROOT");
  const force = TRUE_VALUES.has((value ?? "").trim().toLowerCase());
  if (pickle && !force) {
    throw new SecurityError(`Running a worker with superuser privileges when the
` + `worker accepts messages serialized with pickle is a very bad idea!

` + `If you really want to continue then you have to set the C_FORCE_ROOT
` + `environment variable (but please think about this before you do).

` + userInformation());
  }
  console.warn(`SecurityWarning: You're running the worker with superuser privileges: this is
` + `absolutely not recommended!

` + `Please specify a different user using the --uid option.

` + userInformation());
});
// platforms/signals.ts
var otherListeners = (function otherListeners(signal) {
  const g = globalThis;
  return typeof g.process?.listeners === "function" ? g.process.listeners(signal) : [];
});
var installed = new Map;
var savedRuntimeActions = new Map;
var UNCATCHABLE = new Set(["KILL", "STOP"]);
var SYNCHRONOUS_FAULTS = new Set(["SEGV", "BUS", "ILL", "FPE"]);
var isUppercaseName = (function isUppercaseName(name) {
  return name.length > 0 && name === name.toUpperCase() && name !== name.toLowerCase();
});
var signalName = (function signalName(signum) {
  if (typeof signum !== "number") {
    throw new TypeError(`signalName takes a signal number, got ${typeof signum} ${JSON.stringify(signum)}` + " (signals.signum() turns names into numbers)");
  }
  const name = Number.isInteger(signum) && Object.hasOwn(platform.signalNames, signum) ? platform.signalNames[signum] : undefined;
  if (name === undefined)
    throw new RangeError(`unknown signal number: ${String(signum)}`);
  return name;
});
var sigactionBuffer = (function sigactionBuffer() {
  return new Uint8Array(platform.layouts.sigaction.size);
});
var handlerOf = (function handlerOf(action) {
  const view = new DataView(action.buffer, action.byteOffset, action.byteLength);
  return view.getBigUint64(platform.layouts.sigaction.handler, true);
});
var isRuntimeHandler = (function isRuntimeHandler(handler) {
  const { SIG_DFL, SIG_IGN } = platform.constants;
  return handler !== BigInt(SIG_DFL) && handler !== BigInt(SIG_IGN);
});
var currentAction = (function currentAction(signum) {
  const old = sigactionBuffer();
  check(libc.sigaction(signum, null, old), "sigaction");
  return old;
});
var setCDisposition = (function setCDisposition(signum, handler) {
  settleRuntimeSignalHandlers();
  const action = sigactionBuffer();
  const view = new DataView(action.buffer);
  view.setBigUint64(platform.layouts.sigaction.handler, BigInt(handler), true);
  const old = sigactionBuffer();
  check(libc.sigaction(signum, action, old), "sigaction");
  if (isRuntimeHandler(handlerOf(old)))
    savedRuntimeActions.set(signum, old);
});
var removeInstalled = (function removeInstalled(signum) {
  const current = installed.get(signum);
  if (current === undefined)
    return;
  removeSignalListener(`SIG${signalName(signum)}`, current.listener);
  installed.delete(signum);
});
var armTimer = (function armTimer(seconds) {
  const { itimerval } = platform.layouts;
  const buf = new Uint8Array(itimerval.size);
  const view = new DataView(buf.buffer);
  let sec = Math.floor(seconds);
  let usec = Math.round((seconds - sec) * 1e6);
  if (usec >= 1e6) {
    sec += 1;
    usec -= 1e6;
  }
  if (seconds > 0 && sec === 0 && usec === 0)
    usec = 1;
  view.setBigInt64(itimerval.valueSec, BigInt(sec), true);
  if (itimerval.usecSize === 8)
    view.setBigInt64(itimerval.valueUsec, BigInt(usec), true);
  else
    view.setInt32(itimerval.valueUsec, usec, true);
  const old = new Uint8Array(itimerval.size);
  check(libc.setitimer(platform.constants.ITIMER_REAL, buf, old), "setitimer");
  const oldView = new DataView(old.buffer);
  const oldSec = Number(oldView.getBigInt64(itimerval.valueSec, true));
  const oldUsec = itimerval.usecSize === 8 ? Number(oldView.getBigInt64(itimerval.valueUsec, true)) : oldView.getInt32(itimerval.valueUsec, true);
  return oldSec + oldUsec / 1e6;
});

class Signals {
  signum(name) {
    if (typeof name === "number" && Number.isInteger(name))
      return name;
    if (typeof name !== "string" || !isUppercaseName(name)) {
      throw new TypeError("signal name must be uppercase string.");
    }
    const short = name.startsWith("SIG") ? name.slice(3) : name;
    if (!Object.hasOwn(platform.signalNumbers, short)) {
      throw new RangeError(`unknown signal name: ${JSON.stringify(name)}`);
    }
    return platform.signalNumbers[short];
  }
  supported(name) {
    try {
      return Object.hasOwn(platform.signalNames, this.signum(name));
    } catch {
      return false;
    }
  }
  get(name) {
    const signum = this.signum(name);
    const handler = handlerOf(currentAction(signum));
    if (handler === BigInt(platform.constants.SIG_IGN))
      return "ignore";
    if (handler === BigInt(platform.constants.SIG_DFL))
      return "default";
    const ours = installed.get(signum);
    if (ours !== undefined)
      return ours.handler;
    const others = Object.hasOwn(platform.signalNames, signum) ? otherListeners(`SIG${signalName(signum)}`) : [];
    return others.length > 0 ? others[0] : "default";
  }
  set(name, handler) {
    const signum = this.signum(name);
    const short = signalName(signum);
    if (handler !== "default" && handler !== "ignore" && typeof handler !== "function") {
      throw new TypeError(`signal handler must be a function, "default" or "ignore", got ${String(handler)}`);
    }
    if (UNCATCHABLE.has(short)) {
      throw new RangeError(`SIG${short} cannot be caught or ignored; its action is fixed`);
    }
    if (typeof handler === "function" && SYNCHRONOUS_FAULTS.has(short)) {
      throw new RangeError(`SIG${short} reports a fault of the running code: a JS handler would run only ` + `after it faulted again (use "default" or "ignore")`);
    }
    removeInstalled(signum);
    if (handler === "ignore" || handler === "default") {
      const { SIG_IGN, SIG_DFL } = platform.constants;
      setCDisposition(signum, handler === "ignore" ? SIG_IGN : SIG_DFL);
      return;
    }
    const saved = savedRuntimeActions.get(signum);
    if (saved !== undefined && !isRuntimeHandler(handlerOf(currentAction(signum)))) {
      check(libc.sigaction(signum, saved, null), "sigaction");
    }
    const listener = () => handler(signum);
    try {
      addSignalListener(`SIG${short}`, listener);
    } catch (e) {
      throw new RangeError(`this runtime cannot run a JS handler for SIG${short}: ${e?.message ?? e}`, { cause: e });
    }
    installed.set(signum, { handler, listener });
  }
  ignore(...names) {
    for (const name of names)
      this.set(name, "ignore");
  }
  reset(...names) {
    for (const name of names)
      this.set(name, "default");
  }
  update(map) {
    if (map === null || typeof map !== "object") {
      throw new TypeError("signals.update() takes an object or an iterable of pairs");
    }
    const entries = Symbol.iterator in map ? [...map] : Object.entries(map);
    for (const [name, handler] of entries)
      this.set(name, handler);
  }
  armAlarm(seconds) {
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`alarm seconds must be a finite number >= 0, got ${String(seconds)}`);
    }
    armTimer(seconds);
  }
  resetAlarm() {
    return armTimer(0);
  }
}
var signals = new Signals;
var getSignal = (function getSignal(name) {
  return signals.signum(name);
});
var resetSignals = (function resetSignals(...names) {
  signals.reset(...names);
});
var ignoreSignals = (function ignoreSignals(...names) {
  signals.ignore(...names);
});
var setPdeathsig = (function setPdeathsig(name) {
  const signum = signals.signum(name);
  if (signum !== 0)
    signalName(signum);
  if (platform.os !== "linux")
    return false;
  const prctl = libc.prctl;
  if (prctl === null)
    return false;
  check(prctl(platform.constants.PR_SET_PDEATHSIG, BigInt(signum), 0n, 0n, 0n), "prctl");
  return true;
});
// platforms/proctitle.ts
var g4 = globalThis;
var original;
var originalBytes = null;
var argvArea;
var splitCmdline = (function splitCmdline(bytes) {
  const parts = [];
  let start = 0;
  for (let i = 0;i <= bytes.length; i++) {
    if (i === bytes.length ? i > start : bytes[i] === 0) {
      parts.push(bytes.slice(start, i));
      start = i + 1;
    }
  }
  return parts;
});
var takeSnapshot = (function takeSnapshot() {
  if (original !== undefined || originalBytes !== null)
    return;
  let parts = [];
  try {
    if (platform.os === "linux")
      parts = splitCmdline(readFileWithLibc("/proc/self/cmdline"));
  } catch {}
  if (parts.length === 0)
    original = runtimeCommandLine();
  else
    originalBytes = parts;
});
var snapshot = (function snapshot() {
  takeSnapshot();
  if (original !== undefined)
    return original;
  const decoder = new TextDecoder;
  const text = [];
  for (const part of originalBytes)
    text.push(decoder.decode(part));
  return original = text;
});
var runtimeCommandLine = (function runtimeCommandLine() {
  const args = scriptArgs();
  if (g4.Deno && !g4.Bun)
    return [execPath(), "run", ...args];
  const proc = g4.process;
  return [execPath(), ...proc?.execArgv ?? [], proc?.argv?.[1] ?? "", ...args].filter((a) => a !== "");
});
var originalCommandLine = (function originalCommandLine() {
  return [...snapshot()];
});
var originalCommandLineBytes = (function originalCommandLineBytes() {
  takeSnapshot();
  const out = [];
  if (originalBytes) {
    for (const part of originalBytes)
      out.push(part.slice());
  } else
    for (const arg of original)
      out.push(new TextEncoder().encode(arg));
  return out;
});
var findArgvArea = (function findArgvArea() {
  if (argvArea !== undefined)
    return argvArea;
  argvArea = null;
  if (platform.os !== "linux")
    return argvArea;
  let stat;
  try {
    stat = new TextDecoder().decode(readFileWithLibc("/proc/self/stat"));
  } catch {
    return argvArea;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
  const start = BigInt(fields[48 - 3] ?? "0");
  const end = BigInt(fields[49 - 3] ?? "0");
  if (start > 0n && end > start)
    argvArea = { start, length: Number(end - start) };
  return argvArea;
});
var utf8Prefix = (function utf8Prefix(bytes, max) {
  if (bytes.length <= max)
    return bytes;
  let end = max;
  while (end > 0 && (bytes[end] & 192) === 128)
    end--;
  return bytes.subarray(0, end);
});
var writeTitle = (function writeTitle(title) {
  const area = findArgvArea();
  if (area === null || area.length < 2)
    return false;
  const bytes = utf8Prefix(new TextEncoder().encode(title), area.length - 1);
  const buf = new Uint8Array(area.length);
  buf.set(bytes);
  if (bytes.length < area.length - 1)
    buf[area.length - 1] = 32;
  libc.memcpy(pointerFromAddress(area.start), buf, BigInt(buf.length));
  return true;
});
var setThreadName = (function setThreadName(title) {
  const prctl = libc.prctl_buffer;
  if (prctl === null)
    return;
  const bytes = utf8Prefix(new TextEncoder().encode(title), 15);
  const name = new Uint8Array(bytes.length + 1);
  name.set(bytes);
  check(prctl(platform.constants.PR_SET_NAME, name, 0n, 0n, 0n), "prctl");
});
var setRuntimeTitle = (function setRuntimeTitle(title) {
  try {
    if (g4.process)
      g4.process.title = title;
  } catch {}
});
var setProcessTitle = (function setProcessTitle(progname, info) {
  if (typeof progname !== "string") {
    throw new TypeError(`progname must be a string, got ${typeof progname}`);
  }
  if (info !== undefined && info !== null && typeof info !== "string") {
    throw new TypeError(`info must be a string, got ${typeof info}`);
  }
  const title = info ? `[${progname}] ${info}` : `[${progname}]`;
  if (title.includes("\x00"))
    throw new TypeError("a process title cannot contain a NUL byte");
  if (platform.os !== "linux") {
    setRuntimeTitle(title);
    return title;
  }
  takeSnapshot();
  if (!writeTitle(title))
    setRuntimeTitle(title);
  setThreadName(title);
  return title;
});
var currentProcessName = (function currentProcessName() {
  if (isMainThread())
    return "MainProcess";
  if (typeof g4.name === "string" && g4.name !== "")
    return g4.name;
  const wt = g4.Bun ? g4.process?.getBuiltinModule?.("node:worker_threads") : undefined;
  if (typeof wt?.threadName === "string" && wt.threadName !== "")
    return wt.threadName;
  return "Worker";
});
var setMpProcessTitle = (function setMpProcessTitle(progname, info, hostname) {
  if (typeof progname !== "string") {
    throw new TypeError(`progname must be a string, got ${typeof progname}`);
  }
  if (hostname !== undefined && hostname !== null && typeof hostname !== "string") {
    throw new TypeError(`hostname must be a string, got ${typeof hostname}`);
  }
  const prefix = hostname ? `${progname}: ${hostname}` : progname;
  return setProcessTitle(`${prefix}:${currentProcessName()}`, info);
});
// platforms/spawn.ts
var encoder4 = new TextEncoder;
var assertFd2 = (function assertFd2(fd, what) {
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0 || fd > 2147483647) {
    throw new TypeError(`${what} must be a non-negative integer fd, got ${String(fd)}`);
  }
});
var stringTable = (function stringTable(strings, what) {
  const parts = [];
  let size = 0;
  for (const s of strings) {
    const isBytes = s instanceof Uint8Array;
    if (typeof s !== "string" && !isBytes) {
      throw new TypeError(`${what} entries must be strings${what === "args" ? " or bytes" : ""}`);
    }
    if (isBytes ? s.indexOf(0) !== -1 : s.includes("\x00")) {
      throw new TypeError(`${what} entry contains a NUL byte: ${JSON.stringify(String(s))}`);
    }
    const bytes = isBytes ? s : encoder4.encode(s);
    parts.push(bytes);
    size += bytes.length + 1;
  }
  const arena = new Uint8Array(size || 1);
  const table = new BigUint64Array(parts.length + 1);
  const base = parts.length > 0 ? addressOf(arena) : 0n;
  let offset = 0;
  for (let i = 0;i < parts.length; i++) {
    arena.set(parts[i], offset);
    table[i] = base + BigInt(offset);
    offset += parts[i].length + 1;
  }
  return { arena, table };
});
var cString = (function cString(s, what) {
  if (typeof s !== "string")
    throw new TypeError(`${what} must be a string`);
  if (s.includes("\x00"))
    throw new TypeError(`${what} contains a NUL byte: ${JSON.stringify(s)}`);
  return encoder4.encode(s + "\x00");
});
var sigset = (function sigset(signals) {
  const set = new Uint8Array(platform.layouts.sigsetSize);
  libc.sigemptyset(set);
  if (signals === false)
    return set;
  const max = Math.min(64, platform.layouts.sigsetSize * 8 - 1);
  const all = [];
  if (signals === true) {
    for (let sig = 1;sig <= max; sig++)
      all.push(sig);
  }
  for (const sig of signals === true ? all : signals) {
    if (!Number.isInteger(sig) || sig < 1 || sig > platform.layouts.sigsetSize * 8) {
      throw new RangeError(`not a signal number: ${String(sig)}`);
    }
    const bit = sig - 1;
    set[bit >> 3] |= 1 << (bit & 7);
  }
  return set;
});
var spawnCanCloseFrom = (function spawnCanCloseFrom() {
  return libc.posix_spawn_file_actions_addclosefrom_np !== null;
});
var posixSpawn = (function posixSpawn(path, options = {}) {
  const file = cString(path, "path");
  const argv = stringTable(options.args ?? [path], "args");
  const envObject = options.env ?? currentEnvironment();
  const envEntries = [];
  for (const [k, v] of Object.entries(envObject)) {
    if (v === undefined)
      continue;
    if (k === "" || k.includes("=")) {
      throw new TypeError(`bad environment variable name: ${JSON.stringify(k)}`);
    }
    envEntries.push(`${k}=${v}`);
  }
  const envp = stringTable(envEntries, "env");
  let flags = 0;
  const c = platform.constants;
  if (options.setsid)
    flags |= c.POSIX_SPAWN_SETSID;
  const sigdef = options.defaultSignals ? sigset(options.defaultSignals) : null;
  if (sigdef)
    flags |= c.POSIX_SPAWN_SETSIGDEF;
  const sigmask = options.signalMask ? sigset(options.signalMask) : null;
  if (sigmask)
    flags |= c.POSIX_SPAWN_SETSIGMASK;
  const attr = new BigUint64Array(Math.ceil(platform.layouts.spawnattrSize / 8));
  const actions = new BigUint64Array(Math.ceil(platform.layouts.fileActionsSize / 8));
  const keepAlive = [];
  checkReturnedErrno(libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
  try {
    checkReturnedErrno(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
    try {
      checkReturnedErrno(libc.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");
      if (sigdef) {
        checkReturnedErrno(libc.posix_spawnattr_setsigdefault(attr, sigdef), "posix_spawnattr_setsigdefault");
      }
      if (sigmask) {
        checkReturnedErrno(libc.posix_spawnattr_setsigmask(attr, sigmask), "posix_spawnattr_setsigmask");
      }
      for (const action of options.fileActions ?? [])
        addAction(actions, action, keepAlive);
      const pid = new Int32Array(1);
      const rc = libc.posix_spawn(pid, file, actions, attr, argv.table, envp.table);
      checkReturnedErrno(rc, "posix_spawn", { path });
      if (argv.arena.length + envp.arena.length + keepAlive.length < 0)
        throw new Error;
      return pid[0];
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
    }
  } finally {
    libc.posix_spawnattr_destroy(attr);
  }
});
var addAction = (function addAction(actions, action, keepAlive) {
  if (typeof action !== "object" || action === null) {
    throw new TypeError("file actions must be objects");
  }
  if ("open" in action) {
    assertFd2(action.open, "open");
    const p = cString(action.path, "open path");
    keepAlive.push(p);
    const mode = action.mode ?? 438;
    if (!Number.isInteger(action.flags))
      throw new TypeError("open flags must be an integer");
    if (!Number.isInteger(mode) || mode < 0 || mode > 4095) {
      throw new RangeError(`bad mode: ${String(action.mode)}`);
    }
    checkReturnedErrno(libc.posix_spawn_file_actions_addopen(actions, action.open, p, action.flags, mode), "posix_spawn_file_actions_addopen", { path: action.path });
  } else if ("dup2" in action) {
    const [from, to] = action.dup2;
    assertFd2(from, "dup2 source");
    assertFd2(to, "dup2 target");
    checkReturnedErrno(libc.posix_spawn_file_actions_adddup2(actions, from, to), "posix_spawn_file_actions_adddup2");
  } else if ("close" in action) {
    assertFd2(action.close, "close");
    checkReturnedErrno(libc.posix_spawn_file_actions_addclose(actions, action.close), "posix_spawn_file_actions_addclose");
  } else if ("closeFrom" in action) {
    assertFd2(action.closeFrom, "closeFrom");
    const closeFrom = libc.posix_spawn_file_actions_addclosefrom_np;
    if (closeFrom) {
      checkReturnedErrno(closeFrom(actions, action.closeFrom), "posix_spawn_file_actions_addclosefrom_np");
    } else {
      for (const fd of openFds()) {
        if (fd < action.closeFrom)
          continue;
        checkReturnedErrno(libc.posix_spawn_file_actions_addclose(actions, fd), "posix_spawn_file_actions_addclose");
      }
    }
  } else {
    throw new TypeError(`unknown file action: ${JSON.stringify(action)}`);
  }
});
// platforms/systemd.ts
var encoder5 = new TextEncoder;
var stateText = (function stateText(state) {
  if (typeof state === "string") {
    if (state.trim() === "")
      throw new TypeError("sdNotify: the state must not be empty");
    return state;
  }
  if (typeof state !== "object" || state === null) {
    throw new TypeError(`sdNotify: the state must be a string or an object, got ${String(state)}`);
  }
  const lines = [];
  if (state.ready)
    lines.push("READY=1");
  if (state.reloading)
    lines.push("RELOADING=1");
  if (state.stopping)
    lines.push("STOPPING=1");
  if (state.watchdog)
    lines.push("WATCHDOG=1");
  if (state.status !== undefined) {
    if (typeof state.status !== "string" || /[\n\0]/.test(state.status)) {
      throw new TypeError("sdNotify: status must be a string without newlines or NUL bytes");
    }
    lines.push(`STATUS=${state.status}`);
  }
  for (const key of ["mainPid", "errno"]) {
    const v = state[key];
    if (v === undefined)
      continue;
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`sdNotify: ${key} must be a non-negative integer, got ${String(v)}`);
    }
    lines.push(`${key === "mainPid" ? "MAINPID" : "ERRNO"}=${v}`);
  }
  if (lines.length === 0)
    throw new TypeError("sdNotify: the state sets no field");
  return lines.join(`
`);
});
var socketAddress = (function socketAddress(socket) {
  const { sockaddrUn } = platform.layouts;
  const addr = new Uint8Array(sockaddrUn.size);
  let path;
  let length;
  if (socket.startsWith("@")) {
    if (platform.os !== "linux") {
      throw new Error(`NOTIFY_SOCKET ${socket}: abstract sockets exist only on Linux`);
    }
    path = encoder5.encode("\x00" + socket.slice(1));
    length = sockaddrUn.path + path.length;
  } else if (socket.startsWith("/")) {
    path = encoder5.encode(socket + "\x00");
    length = sockaddrUn.path + path.length;
  } else {
    throw new Error(`NOTIFY_SOCKET must be an absolute path or start with "@", got ${JSON.stringify(socket)}`);
  }
  if (socket.includes("\x00") || path.length > sockaddrUn.pathMax) {
    throw new Error(`NOTIFY_SOCKET is too long for a unix socket address: ${socket}`);
  }
  addr.set(path, sockaddrUn.path);
  if (sockaddrUn.familySize === 2) {
    new DataView(addr.buffer).setUint16(sockaddrUn.family, platform.constants.AF_UNIX, true);
  } else {
    addr[0] = length;
    addr[sockaddrUn.family] = platform.constants.AF_UNIX;
  }
  return { addr, length };
});
var sdNotify = (function sdNotify(state, socket) {
  const text = stateText(state);
  const target = socket ?? readCString(libc.getenv(cstr("NOTIFY_SOCKET"))) ?? undefined;
  if (target === undefined || target === "")
    return false;
  const { addr, length } = socketAddress(target);
  const message = encoder5.encode(text);
  const c = platform.constants;
  const fd = check(libc.socket(c.AF_UNIX, c.SOCK_DGRAM | c.SOCK_CLOEXEC, 0), "socket");
  try {
    const sent = libc.sendto(fd, message, message.length, 0, addr, length);
    if (sent === -1n)
      throw new OSError(errno(), "sendto", { path: target });
  } finally {
    libc.close(fd);
  }
  return true;
});
// platforms/pidfile_errors.ts
class LockFailed extends Error {
  pid;
  path;
  exitCode = EX_CANTCREAT;
  constructor(message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LockFailed";
    this.pid = options.pid ?? null;
    this.path = options.path;
  }
}

class PidfileError extends Error {
  path;
  reason;
  constructor(message, path, reason, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "PidfileError";
    this.path = path;
    this.reason = reason;
  }
}

// platforms/process_start.ts
var statBuffer = new Uint8Array(4096);
var processStartTime = (function processStartTime(pid) {
  const text = readProcStat(pid);
  return text === null ? null : parseStartTime(text);
});
var processIsZombie = (function processIsZombie(pid) {
  const text = readProcStat(pid);
  if (text === null)
    return false;
  const state = text[text.lastIndexOf(")") + 2];
  return state === "Z" || state === "X";
});
var readProcStat = (function readProcStat(pid) {
  if (typeof pid !== "number") {
    throw new TypeError(`pid must be a number, got ${typeof pid} ${JSON.stringify(pid)}`);
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid > 2147483647) {
    throw new RangeError(`pid must be a positive integer, got ${String(pid)}`);
  }
  const fd = libc.open(cstr(`/proc/${pid}/stat`), platform.constants.O_RDONLY | platform.constants.O_CLOEXEC, 0);
  if (fd === -1)
    return null;
  let n = 0;
  try {
    while (n < statBuffer.length) {
      const r = Number(libc.read(fd, statBuffer.subarray(n), statBuffer.length - n));
      if (r <= 0)
        break;
      n += r;
    }
  } finally {
    libc.close(fd);
  }
  return latin1(statBuffer.subarray(0, n));
});
var parseStartTime = (function parseStartTime(stat) {
  const close = stat.lastIndexOf(")");
  if (close < 0)
    return null;
  const fields = stat.slice(close + 2).split(" ");
  const value = fields[19];
  if (value === undefined || !isDecimal(value))
    return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
});

// platforms/pidfile_judge.ts
var C = platform.constants;
var E = platform.errnoNumbers;
var ENOENT2 = E.ENOENT;
var EINTR = E.EINTR;
var ELOOP = E.ELOOP;
var ESRCH = E.ESRCH;
var EPERM3 = E.EPERM;
var EWOULDBLOCK = E.EWOULDBLOCK;
var MAX_ATTEMPTS = 64;
var HEAD_SIZE = 64;
var OPEN_READ = C.O_RDONLY | C.O_NOFOLLOW | C.O_CLOEXEC | C.O_NONBLOCK | C.O_NOCTTY;
var LOCK_TRY = C.LOCK_EX | C.LOCK_NB;
var pathNames = (function pathNames(path, pathC, id) {
  return pathExists(path, pathC) && scratch[0] === id[0] && scratch[1] === id[1] && scratch[2] === id[2] && scratch[3] === id[3];
});
var sameIdentity = (function sameIdentity(a, b) {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
});
var cachedPid = 0;
var ownPid = (function ownPid() {
  return cachedPid || (cachedPid = libc.getpid());
});
var headBytes = new Uint8Array(HEAD_SIZE);
var readHead = (function readHead(fd, path) {
  let n = 0;
  while (n < HEAD_SIZE) {
    const r = Number(libc.read(fd, headBytes.subarray(n), HEAD_SIZE - n));
    if (r === -1) {
      const e = errno();
      if (e === EINTR)
        continue;
      throw new OSError(e, "read", { path });
    }
    if (r === 0)
      break;
    n += r;
  }
  return headBytes.subarray(0, n);
});
var shown = (function shown(line) {
  return JSON.stringify(line.length > 40 ? line.slice(0, 40) + "..." : line);
});
var START_KEY = "starttime=";
var parseContents = (function parseContents(bytes) {
  if (bytes.length === 0) {
    return { pid: null, start: null, problem: { reason: "empty", detail: "the file is empty" } };
  }
  const text = latin1(bytes);
  const nl = text.indexOf(`
`);
  if (nl < 0) {
    const detail = bytes.length >= HEAD_SIZE ? `no newline in its first ${HEAD_SIZE} bytes` : `no newline after ${shown(text)} (a partial write?)`;
    return { pid: null, start: null, problem: { reason: "partial", detail } };
  }
  const first = text.slice(0, nl).trim();
  const pid = isDecimal(first) ? Number(first) : NaN;
  if (!(pid > 0 && pid <= 2147483647)) {
    return {
      pid: null,
      start: null,
      problem: {
        reason: "invalid",
        detail: `expected a positive decimal pid on the first line, got ${shown(first)}`
      }
    };
  }
  const nl2 = text.indexOf(`
`, nl + 1);
  const second = nl2 < 0 ? "" : text.slice(nl + 1, nl2).trim();
  const value = second.startsWith(START_KEY) ? second.slice(START_KEY.length) : "";
  const start = isDecimal(value) ? Number(value) : NaN;
  return { pid, start: Number.isSafeInteger(start) ? start : null };
});
var liveness = (function liveness(pid, start) {
  let reason = "process exists";
  if (libc.kill(pid, 0) === -1) {
    const e = errno();
    if (e === ESRCH)
      return { alive: false, reason: "no such process" };
    reason = e === EPERM3 ? "process exists (EPERM: another user's process)" : `kill(pid, 0) failed with errno ${e}; taken as alive`;
  }
  if (processIsZombie(pid)) {
    return { alive: false, reason: "the process has exited (a zombie, not yet reaped)" };
  }
  if (start !== null) {
    const actual = processStartTime(pid);
    if (actual !== null && actual !== start) {
      return { alive: false, reason: `the pid was reused (started at ${actual}, not ${start})` };
    }
  }
  return { alive: true, reason };
});
var judgeUnheld = (function judgeUnheld(contents, self) {
  if (contents.pid === null) {
    return { alive: false, reason: `invalid contents: ${contents.problem?.detail}` };
  }
  if (contents.pid === self)
    return { alive: false, reason: "the pid is this process's own" };
  return liveness(contents.pid, contents.start);
});
var heldHere = new Set;
var heldByThisProcess = (function heldByThisProcess(id) {
  for (const held of heldHere)
    if (sameIdentity(held, id))
      return true;
  return false;
});
var notRegularError = (function notRegularError(path, what, cause) {
  return new PidfileError(`pidfile ${path} is not a regular file (${what})`, path, "not-regular", cause);
});
var openError = (function openError(path, e) {
  const error = new OSError(e, "open", { path });
  if (e === ELOOP)
    return symlinkError(path, error);
  if (e === E.ENXIO)
    return notRegularError(path, "a socket", error);
  return error;
});
var symlinkError = (function symlinkError(path, cause) {
  return new PidfileError(`pidfile ${path} is a symbolic link: posixly does not follow links at a pidfile's path ` + "(O_NOFOLLOW); remove the link or use the real path", path, "symlink", cause);
});
var judge = (function judge(path, pathC, removal) {
  const self = ownPid();
  const fd = libc.open(pathC, OPEN_READ, 0);
  if (fd === -1) {
    const e = errno();
    if (e === ENOENT2)
      return { kind: "absent" };
    const error = openError(path, e);
    if (e === ELOOP)
      return { kind: "unusable", reason: "symbolic link", error };
    if (e === E.ENXIO)
      return { kind: "unusable", reason: "not a regular file", error };
    return { kind: "unusable", reason: error.message, error };
  }
  try {
    const id = new Uint32Array(4);
    const mode = fdIdentity(fd, id);
    if ((mode & C.S_IFMT) !== C.S_IFREG) {
      const error = notRegularError(path, `mode 0o${mode.toString(8)}`);
      return { kind: "unusable", reason: "not a regular file", error };
    }
    if (libc.flock(fd, LOCK_TRY) === -1) {
      const e = errno();
      if (e !== EWOULDBLOCK) {
        const error = new OSError(e, "flock", { path });
        return { kind: "unusable", reason: error.message, error };
      }
      if (!pathNames(path, pathC, id))
        return { kind: "changed" };
      const contents = parseContents(readHead(fd, path));
      const pid = contents.pid;
      let contested = pid === null || !liveness(pid, contents.start).alive;
      if (pid === self)
        contested = !heldByThisProcess(id);
      return { kind: "alive", pid, reason: "flock held", contested };
    }
    if (!pathNames(path, pathC, id))
      return { kind: "changed" };
    const contents = parseContents(readHead(fd, path));
    const { alive, reason } = judgeUnheld(contents, self);
    if (alive && removal !== "unheld") {
      return { kind: "alive", pid: contents.pid, reason, contested: false };
    }
    if (removal === "never")
      return { kind: "stale", pid: contents.pid, reason };
    if (!pathNames(path, pathC, id))
      return { kind: "changed" };
    if (libc.unlink(pathC) === -1) {
      const e = errno();
      if (e === ENOENT2)
        return { kind: "changed" };
      const error = new OSError(e, "unlink", { path });
      return { kind: "unusable", reason: error.message, error };
    }
    return { kind: "removed", pid: contents.pid, reason };
  } finally {
    libc.close(fd);
  }
});
var judgeSettled = (function judgeSettled(path, pathC, removal) {
  for (let i = 0;i < MAX_ATTEMPTS; i++) {
    const v = judge(path, pathC, removal);
    if (v.kind !== "changed")
      return v;
  }
  const error = new Error(`pidfile ${path} kept changing while it was being checked`);
  return { kind: "unusable", reason: error.message, error };
});

// platforms/pidfile.ts
var C2 = platform.constants;
var E2 = platform.errnoNumbers;
var ENOENT3 = E2.ENOENT;
var EEXIST = E2.EEXIST;
var ELOOP2 = E2.ELOOP;
var EPERM4 = E2.EPERM;
var EACCES = E2.EACCES;
var NOT_THERE = new Set([EACCES, EPERM4, E2.ENOTDIR, E2.ENAMETOOLONG, ELOOP2]);
var CONTESTED_WAIT_MS = 100;
var encoder6 = new TextEncoder;
var OPEN_TEMP = C2.O_CREAT | C2.O_EXCL | C2.O_WRONLY | C2.O_NOFOLLOW | C2.O_CLOEXEC;
var EMPTY_C = new Uint8Array(1);
var MODE = 420;
var sleepCell = new Int32Array(new SharedArrayBuffer(4));
var sleepMs = (function sleepMs(ms) {
  Atomics.wait(sleepCell, 0, 0, ms);
});
var lockedMessage = (function lockedMessage(path, pid) {
  return `ERROR: Pidfile (${path}) already exists.
` + `Seems we're already running? (pid: ${pid ?? "unknown"})`;
});
var linkMethod;
var ownContent;
var contentBytes = (function contentBytes() {
  const pid = ownPid();
  if (ownContent?.pid !== pid) {
    const start = processStartTime(pid);
    const text = start === null ? `${pid}
` : `${pid}
${START_KEY}${start}
`;
    ownContent = { pid, bytes: encoder6.encode(text) };
  }
  return ownContent.bytes;
});
var failure = (function failure(e, syscall, path) {
  throw new OSError(e, syscall, { path });
});
var lockState = (function lockState(path, options) {
  if (typeof path !== "string" || path.length === 0) {
    throw new TypeError(`pidfile path must be a non-empty string, got ${JSON.stringify(path)}`);
  }
  const tempFile = options.tempFile ?? "auto";
  if (tempFile !== "auto" && tempFile !== "named") {
    throw new TypeError(`tempFile must be "auto" or "named", got ${JSON.stringify(tempFile)}`);
  }
  const useTmpfile = tempFile === "auto" && platform.os === "linux" && C2.O_TMPFILE !== 0;
  const abs = absolutePath(path);
  const dir = parentDir(abs);
  return {
    path: abs,
    pathC: cstr(abs),
    dir,
    dirC: cstr(dir),
    useTmpfile,
    fd: -1,
    id: null,
    exitHook: null
  };
});

class Pidfile {
  path;
  #s;
  constructor(path, options = {}) {
    this.#s = lockState(path, options);
    this.path = this.#s.path;
  }
  acquire() {
    acquireLock(this.#s);
    return this;
  }
  isLocked() {
    try {
      return pathExists(this.path, this.#s.pathC);
    } catch (e) {
      if (e instanceof OSError && NOT_THERE.has(e.errno))
        return false;
      throw e;
    }
  }
  get held() {
    return this.#s.fd >= 0;
  }
  readPid() {
    const fd = libc.open(this.#s.pathC, OPEN_READ, 0);
    if (fd === -1) {
      const e = errno();
      if (e === ENOENT3)
        return null;
      throw openError(this.path, e);
    }
    let contents;
    try {
      const mode = fdIdentity(fd, new Uint32Array(4));
      if ((mode & C2.S_IFMT) !== C2.S_IFREG) {
        throw notRegularError(this.path, `mode 0o${mode.toString(8)}`);
      }
      contents = parseContents(readHead(fd, this.path));
    } finally {
      libc.close(fd);
    }
    if (contents.pid !== null)
      return contents.pid;
    const { reason, detail } = contents.problem;
    const what = reason === "invalid" ? "contents invalid" : "is partial or invalid";
    throw new PidfileError(`pidfile ${this.path} ${what}: ${detail}`, this.path, reason);
  }
  writePid() {
    publish(this.#s, false);
  }
  remove() {
    if (this.#s.fd >= 0)
      return this.release();
    const v = judgeSettled(this.path, this.#s.pathC, "unheld");
    if (v.kind === "alive") {
      throw new LockFailed(`pidfile ${this.path} is held by a live process; not removed`, {
        path: this.path,
        pid: v.pid
      });
    }
    if (v.kind === "unusable")
      throw v.error;
  }
  removeIfStale() {
    if (this.#s.fd >= 0)
      return false;
    const v = judgeSettled(this.path, this.#s.pathC, "stale");
    if (v.kind === "unusable")
      throw v.error;
    return v.kind !== "alive";
  }
  inspect() {
    return inspectLock(this.#s);
  }
  release() {
    releaseLock(this.#s);
  }
  [Symbol.dispose]() {
    this.release();
  }
  releaseAtExit() {
    releaseLockAtExit(this.#s);
    return this;
  }
}
var acquireLock = (function acquireLock(s) {
  try {
    publish(s, true);
  } catch (e) {
    if (e instanceof LockFailed)
      throw e;
    if (e instanceof PidfileError)
      throw new LockFailed(e.message, { path: s.path, cause: e });
    if (e instanceof OSError) {
      throw new LockFailed(`Cannot create pidfile ${s.path}: ${e.message}`, {
        path: s.path,
        cause: e
      });
    }
    throw e;
  }
});
var releaseLockAtExit = (function releaseLockAtExit(s) {
  if (s.fd >= 0 && !s.exitHook) {
    s.exitHook = (function releaseAtExit() {
      releaseLock(s);
    });
    onExit(s.exitHook);
  }
});
var inspectLock = (function inspectLock(s) {
  if (s.fd >= 0) {
    return { status: "alive", pid: ownPid(), reason: "held by this object" };
  }
  let v;
  try {
    v = judgeSettled(s.path, s.pathC, "never");
  } catch (e) {
    return { status: "unusable", pid: null, reason: e instanceof Error ? e.message : String(e) };
  }
  switch (v.kind) {
    case "absent":
      return { status: "absent", pid: null, reason: "no file" };
    case "alive":
    case "stale":
      return { status: v.kind, pid: v.pid, reason: v.reason };
    case "removed":
      return { status: "absent", pid: null, reason: v.reason };
    case "unusable":
      return { status: "unusable", pid: null, reason: v.reason };
  }
});
var releaseLock = (function releaseLock(s) {
  const fd = s.fd;
  if (fd < 0)
    return;
  const id = s.id;
  s.fd = -1;
  s.id = null;
  heldHere.delete(id);
  if (s.exitHook) {
    offExit(s.exitHook);
    s.exitHook = null;
  }
  let removed = false;
  try {
    let ours = null;
    try {
      ours = pathNames(s.path, s.pathC, id);
    } catch (e) {
      if (!(e instanceof OSError) || e.errno !== EACCES && e.errno !== EPERM4)
        throw e;
    }
    if (ours) {
      if (libc.unlink(s.pathC) === 0)
        removed = true;
      else {
        const e = errno();
        if (e === ENOENT3)
          removed = true;
        else if (e !== EACCES && e !== EPERM4 && e !== E2.EROFS) {
          throw new OSError(e, "unlink", { path: s.path });
        }
      }
    } else if (ours === false)
      removed = true;
  } finally {
    if (!removed)
      libc.ftruncate(fd, 0);
    libc.close(fd);
  }
});
var publish = (function publish(s, handleStale) {
  if (s.fd >= 0) {
    throw new LockFailed(lockedMessage(s.path, ownPid()), {
      path: s.path,
      pid: ownPid()
    });
  }
  let prepared;
  try {
    prepared = prepare(s);
  } catch (e) {
    if (handleStale && e instanceof OSError) {
      const v = judgeSettled(s.path, s.pathC, "never");
      if (v.kind === "alive") {
        throw new LockFailed(lockedMessage(s.path, v.pid), { path: s.path, pid: v.pid });
      }
    }
    throw e;
  }
  let done = false;
  try {
    let waited = 0;
    let changes = 0;
    for (;; ) {
      const e = link(s, prepared);
      if (e === 0)
        break;
      if (e !== EEXIST || !handleStale)
        failure(e, "link", s.path);
      if (++changes > MAX_ATTEMPTS) {
        throw new LockFailed(`pidfile ${s.path} kept changing; gave up taking it`, {
          path: s.path
        });
      }
      const v = judge(s.path, s.pathC, "stale");
      if (v.kind === "unusable")
        throw v.error;
      if (v.kind === "alive") {
        if (v.contested && waited < CONTESTED_WAIT_MS) {
          sleepMs(1);
          waited += 1;
          changes--;
          continue;
        }
        throw new LockFailed(lockedMessage(s.path, v.pid), { path: s.path, pid: v.pid });
      }
    }
    const id = new Uint32Array(4);
    fdIdentity(prepared.fd, id);
    s.fd = prepared.fd;
    s.id = id;
    heldHere.add(id);
    done = true;
  } finally {
    if (prepared.tempC)
      libc.unlink(prepared.tempC);
    if (!done)
      libc.close(prepared.fd);
  }
});
var prepare = (function prepare(s) {
  const bytes = contentBytes();
  let fd = -1;
  let tempC = null;
  let tempPath = null;
  if (s.useTmpfile) {
    fd = libc.open(s.dirC, C2.O_TMPFILE | C2.O_WRONLY | C2.O_CLOEXEC, MODE);
    if (fd === -1) {
      const e = errno();
      if (e !== E2.EISDIR && e !== E2.EOPNOTSUPP && e !== E2.EINVAL)
        failure(e, "open", s.dir);
      s.useTmpfile = false;
    }
  }
  if (fd === -1) {
    const name = s.path.slice(s.path.lastIndexOf("/") + 1);
    const base = name.slice(0, encoder6.encodeInto(name, new Uint8Array(200)).read);
    const tag = `${ownPid()}.${Math.random().toString(36).slice(2, 10)}`;
    const dir = s.dir === "/" ? "" : s.dir;
    tempPath = `${dir}/.${base}.${tag}.tmp`;
    tempC = cstr(tempPath);
    fd = libc.open(tempC, OPEN_TEMP, MODE);
    if (fd === -1)
      failure(errno(), "open", tempPath);
  }
  try {
    const n = Number(libc.write(fd, bytes, bytes.length));
    if (n !== bytes.length)
      failure(n === -1 ? errno() : E2.EIO, "write", tempPath ?? s.path);
    if (libc.flock(fd, LOCK_TRY) === -1)
      failure(errno(), "flock", tempPath ?? s.path);
  } catch (e) {
    libc.close(fd);
    if (tempC)
      libc.unlink(tempC);
    throw e;
  }
  return { fd, tempC, tempPath };
});
var link = (function link(s, p) {
  if (p.tempC)
    return libc.link(p.tempC, s.pathC) === 0 ? 0 : errno();
  const linkat = libc.linkat;
  if (!linkat)
    return E2.ENOSYS;
  if (linkMethod !== "proc") {
    if (linkat(p.fd, EMPTY_C, C2.AT_FDCWD, s.pathC, C2.AT_EMPTY_PATH) === 0) {
      linkMethod = "empty-path";
      return 0;
    }
    const e = errno();
    if (e !== ENOENT3)
      return e;
  }
  const proc = cstr(`/proc/self/fd/${p.fd}`);
  if (linkat(C2.AT_FDCWD, proc, C2.AT_FDCWD, s.pathC, C2.AT_SYMLINK_FOLLOW) === 0) {
    linkMethod = "proc";
    return 0;
  }
  return errno();
});
var createPidlock = (function createPidlock(path) {
  const lock = new Pidfile(path);
  try {
    lock.acquire();
  } catch (e) {
    if (e instanceof LockFailed && e.pid !== null) {
      throw new LockFailed(lockedMessage(path, e.pid), { path: lock.path, pid: e.pid, cause: e });
    }
    throw e;
  }
  lock.releaseAtExit();
  return lock;
});

// platforms/daemon.ts
var KNOWN_OPTIONS = new Set([
  "logfile",
  "pidfile",
  "uid",
  "gid",
  "umask",
  "workdir",
  "fake",
  "ready",
  "timeoutMs",
  "keepFds",
  "afterChdir"
]);

class DaemonError extends Error {
  exitCode;
  constructor(message, exitCode = EX_FAILURE, options) {
    super(message, options);
    this.name = "DaemonError";
    this.exitCode = exitCode;
  }
}
var MARKER = "POSIXLY_DAEMON";
var DEFAULT_UMASK = 18;
var DEFAULT_TIMEOUT_MS = 30000;
var SEEK_SET = 0;
var SEEK_END = 2;
var POLLIN = 1;
var LAUNCHER_EXIT_WAIT_MS = 250;
var STOP_GRACE_MS = 2000;
var encoder7 = new TextEncoder;
var decoder3 = new TextDecoder;
var role;
var parseUmask = (function parseUmask(value) {
  if (value === undefined || value === null)
    return DEFAULT_UMASK;
  let n;
  if (typeof value === "number")
    n = value;
  else if (typeof value === "string") {
    const s = value.trim();
    const octal = /^0[oO]?([0-7]+)$/.exec(s);
    if (octal)
      n = parseInt(octal[1], 8);
    else if (s === "0")
      n = 0;
    else if (/^[1-9][0-9]*$/.test(s))
      n = parseInt(s, 10);
    else {
      throw new TypeError(`umask must be octal ("022") or decimal digits, got ${JSON.stringify(value)}`);
    }
  } else {
    throw new TypeError(`umask must be a number or a string, got ${typeof value}`);
  }
  if (!Number.isInteger(n) || n < 0 || n > 511) {
    throw new RangeError(`umask must be between 0 and 0o777, got ${String(value)}`);
  }
  return n;
});
var optionalPath = (function optionalPath(value, what) {
  if (value === undefined || value === null)
    return null;
  if (typeof value !== "string" || value === "" || value.includes("\x00")) {
    throw new TypeError(`${what} must be a non-empty path, got ${JSON.stringify(value)}`);
  }
  return absolutePath(value);
});
var optionalId = (function optionalId(value, what) {
  if (value === undefined || value === null)
    return null;
  if (typeof value !== "string" && typeof value !== "number") {
    throw new TypeError(`${what} must be a name or a number, got ${typeof value}`);
  }
  return value;
});
var openPidfd = (function openPidfd(pid) {
  const pidfdOpen = libc.pidfd_open;
  return pidfdOpen && pid > 1 ? pidfdOpen(pid, 0) : -1;
});
var pollfdFor = (function pollfdFor(fd, events) {
  const pollfd = new Int32Array(2);
  pollfd[0] = fd;
  new Int16Array(pollfd.buffer)[2] = events;
  return pollfd;
});
var pollOne = (function pollOne(fd, events, ms) {
  libc.poll(pollfdFor(fd, events), 1, ms);
});
var takeMarker = (function takeMarker() {
  const name = cstr(MARKER);
  const value = readCString(libc.getenv(name));
  if (value === null)
    return null;
  libc.unsetenv(name);
  forgetEnv(MARKER);
  const parsed = parseMarker(value);
  if (!parsed)
    throw new Error(`${MARKER} is set but malformed: ${JSON.stringify(value)}`);
  const { fd } = parsed;
  const { F_SETFD, FD_CLOEXEC } = platform.constants;
  libc.fcntl(fd, F_SETFD, FD_CLOEXEC);
  return parsed;
});
var HEX = "0123456789abcdef";
var TOKEN_LENGTH = 32;
var parseMarker = (function parseMarker(value) {
  const colon = value.indexOf(":");
  const digits = value.slice(0, colon);
  const token = value.slice(colon + 1);
  if (colon < 1 || !isDecimal(digits) || token.length !== TOKEN_LENGTH)
    return null;
  for (let i = 0;i < TOKEN_LENGTH; i++) {
    if (HEX.indexOf(token[i]) === -1)
      return null;
  }
  const fd = Number(digits);
  return Number.isSafeInteger(fd) ? { fd, token } : null;
});
var randomToken = (function randomToken() {
  const bytes = new Uint8Array(TOKEN_LENGTH / 2);
  const getrandom = libc.getrandom;
  if (!getrandom || Number(getrandom(bytes, bytes.length, 0)) !== bytes.length) {
    crypto.getRandomValues(bytes);
  }
  let token = "";
  for (let i = 0;i < bytes.length; i++)
    token += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return token;
});
var sameBytes = (function sameBytes(a, b) {
  if (a.length !== b.length)
    return false;
  for (let i = 0;i < a.length; i++)
    if (a[i] !== b[i])
      return false;
  return true;
});
var sleep = (function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
});
var isAlive = (function isAlive(pid) {
  return libc.kill(pid, 0) === 0 || errno() === platform.errnoNumbers.EPERM;
});
var reap = (async function reap(pid, ms) {
  const status = new Int32Array(1);
  const until = performance.now() + ms;
  for (;; ) {
    const r = libc.waitpid(pid, status, platform.constants.WNOHANG);
    if (r === pid)
      return status[0];
    if (r === -1 || performance.now() >= until)
      return null;
    await sleep(2);
  }
});
var writeAll = (function writeAll(fd, bytes) {
  let off = 0;
  while (off < bytes.length) {
    const view = bytes.subarray(off);
    const n = Number(libc.write(fd, view, view.length));
    if (n === -1) {
      const e = errno();
      if (e === platform.errnoNumbers.EINTR)
        continue;
      throw new OSError(e, "write");
    }
    off += n;
  }
});
var exitWith = (function exitWith(e) {
  writeStderr(`${e.message}
`);
  exit(failureStatus(e.exitCode));
});
var parentDeathSignal = (function parentDeathSignal(signum) {
  const prctl = platform.os === "linux" ? libc.prctl : null;
  if (prctl)
    check(prctl(platform.constants.PR_SET_PDEATHSIG, BigInt(signum), 0n, 0n, 0n), "prctl");
});
var failureStatus = (function failureStatus(code) {
  return Number.isInteger(code) && code >= 1 && code <= 255 ? code : EX_FAILURE;
});
var describeStatus = (function describeStatus(status) {
  const sig = status & 127;
  if (sig === 0) {
    const code = status >> 8 & 255;
    return { text: `exited with code ${code}`, code: code === 0 ? EX_FAILURE : code };
  }
  const name = platform.signalNames[sig];
  return { text: `was killed by ${name ? "SIG" + name : `signal ${sig}`}`, code: EX_FAILURE };
});
var settingsFrom = (function settingsFrom(options) {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("DaemonContext takes an options object");
  }
  const unknown = [];
  for (const k of Object.keys(options))
    if (!KNOWN_OPTIONS.has(k))
      unknown.push(k);
  if (unknown.length > 0) {
    throw new TypeError(`unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}` + ` for detached()/DaemonContext; known: ${[...KNOWN_OPTIONS].join(", ")}`);
  }
  const ready = options.ready ?? "auto";
  if (ready !== "auto" && ready !== "manual") {
    throw new TypeError(`ready must be "auto" or "manual", got ${JSON.stringify(ready)}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > 2 ** 31 - 1) {
    throw new RangeError(`timeoutMs must be a positive number of ms, got ${String(timeoutMs)}`);
  }
  const keep = [...new Set(options.keepFds ?? [])];
  for (const fd of keep) {
    if (!Number.isInteger(fd) || fd < 3 || fd > 2147483647) {
      throw new RangeError(`keepFds entries must be integers from 3 up (0-2 are stdin, stdout, stderr), got ${fd}`);
    }
  }
  const afterChdir = options.afterChdir ?? null;
  if (afterChdir !== null && typeof afterChdir !== "function") {
    throw new TypeError("afterChdir must be a function");
  }
  return {
    logfile: optionalPath(options.logfile, "logfile"),
    pidfile: optionalPath(options.pidfile, "pidfile"),
    workdir: optionalPath(options.workdir, "workdir") ?? cwd(),
    uid: optionalId(options.uid, "uid"),
    gid: optionalId(options.gid, "gid"),
    umask: parseUmask(options.umask),
    fake: Boolean(options.fake),
    ready,
    timeoutMs,
    keepFds: keep.length > 1 ? keep.sort((a, b) => a - b) : keep,
    afterChdir
  };
});

class DaemonContext {
  workdir;
  umask;
  fake;
  afterChdir;
  logfile;
  pidfile;
  uid;
  gid;
  ready;
  timeoutMs;
  keepFds;
  #s = {
    isOpen: false,
    isReady: false,
    handshakeFd: null,
    token: "",
    pidlock: null
  };
  constructor(options = {}) {
    const o = settingsFrom(options);
    this.workdir = o.workdir;
    this.umask = o.umask;
    this.fake = o.fake;
    this.afterChdir = o.afterChdir;
    this.logfile = o.logfile;
    this.pidfile = o.pidfile;
    this.uid = o.uid;
    this.gid = o.gid;
    this.ready = o.ready;
    this.timeoutMs = o.timeoutMs;
    this.keepFds = o.keepFds;
  }
  get isOpen() {
    return this.#s.isOpen;
  }
  get isReady() {
    return this.#s.isReady;
  }
  get isDaemon() {
    return this.#s.isOpen && role === "daemon";
  }
  get pidlock() {
    return this.#s.pidlock;
  }
  open() {
    return openContext(this, this.#s);
  }
  notifyReady() {
    announce(this.#s, false);
  }
  notify(state) {
    return sdNotify(state);
  }
  close() {
    closeContext(this.#s);
  }
  [Symbol.asyncDispose]() {
    this.close();
    return Promise.resolve();
  }
}
var openContext = (async function openContext(ctx, s) {
  if (s.isOpen)
    return;
  if (role === "daemon" || role === "fake") {
    throw new Error("this process is already detached: open only one DaemonContext");
  }
  if (role === "launcher") {
    throw new Error("this process is already starting a daemon: open only one DaemonContext");
  }
  const marker = role === undefined ? takeMarker() : null;
  if (ctx.fake) {
    role = "fake";
    try {
      preflight(ctx);
      await setUp(ctx, s);
    } catch (e) {
      if (e instanceof DaemonError)
        exitWith(e);
      throw e;
    }
    s.isOpen = true;
  } else if (marker) {
    role = "daemon";
    s.handshakeFd = marker.fd;
    s.token = marker.token;
    try {
      parentDeathSignal(platform.signalNumbers.TERM);
      await setUp(ctx, s);
    } catch (e) {
      report(s, e);
    }
    s.isOpen = true;
  } else {
    role = "launcher";
    await launch(ctx);
  }
  if (ctx.ready === "auto")
    announce(s, true);
});
var announce = (function announce(s, awaitLauncher) {
  if (!s.isOpen) {
    throw new Error("notifyReady() needs an open DaemonContext (call open() first)");
  }
  if (s.isReady)
    return;
  s.isReady = true;
  try {
    sdNotify({ ready: true, mainPid: libc.getpid() });
  } catch (e) {
    console.error(`posixly: could not tell systemd READY=1 (NOTIFY_SOCKET): ${e instanceof Error ? e.message : String(e)}`);
  }
  const fd = s.handshakeFd;
  if (fd !== null) {
    s.handshakeFd = null;
    parentDeathSignal(0);
    const launcher = awaitLauncher ? openPidfd(libc.getppid()) : -1;
    try {
      writeAll(fd, encoder7.encode(`R${s.token}
`));
      if (launcher !== -1)
        pollOne(launcher, POLLIN, LAUNCHER_EXIT_WAIT_MS);
      else if (awaitLauncher && platform.os === "linux") {
        pollOne(fd, 0, LAUNCHER_EXIT_WAIT_MS);
      }
    } catch (e) {
      throw new DaemonError("ERROR: the launcher is gone (it gave up waiting?); this daemon was not announced", EX_FAILURE, { cause: e });
    } finally {
      libc.close(fd);
      if (launcher !== -1)
        libc.close(launcher);
    }
  }
});
var closeContext = (function closeContext(s) {
  if (!s.isOpen)
    return;
  s.isOpen = false;
  if (s.handshakeFd !== null) {
    libc.close(s.handshakeFd);
    s.handshakeFd = null;
  }
  const lock = s.pidlock;
  s.pidlock = null;
  lock?.release();
});
var preflight = (function preflight(ctx) {
  const c = platform.constants;
  const dir = libc.open(cstr(ctx.workdir), c.O_RDONLY | c.O_DIRECTORY | c.O_CLOEXEC, 0);
  if (dir === -1) {
    const e = new OSError(errno(), "open", { path: ctx.workdir });
    throw new DaemonError(`ERROR: workdir ${ctx.workdir} cannot be used: ${e.message}`);
  }
  libc.close(dir);
  for (const fd of ctx.keepFds) {
    if (libc.fcntl(fd, c.F_GETFD, 0) === -1) {
      const e = new OSError(errno(), "fcntl");
      throw new DaemonError(`ERROR: keepFds: fd ${fd} is not open (${e.code})`);
    }
  }
  try {
    if (ctx.uid !== null)
      parseUid(ctx.uid);
    if (ctx.gid !== null)
      parseGid(ctx.gid);
  } catch (e) {
    if (e instanceof Error && e.name === "LookupError") {
      throw new DaemonError(`ERROR: ${e.message}`, EX_FAILURE, { cause: e });
    }
    throw e;
  }
  let logStart = 0;
  if (ctx.logfile !== null) {
    const old = libc.umask(ctx.umask);
    const fd = libc.open(cstr(ctx.logfile), c.O_WRONLY | c.O_APPEND | c.O_CREAT | c.O_NOCTTY | c.O_CLOEXEC, 438);
    const err = errno();
    libc.umask(old);
    if (fd === -1) {
      const e = new OSError(err, "open", { path: ctx.logfile });
      throw new DaemonError(`ERROR: cannot open the logfile: ${e.message}`, EX_CANTCREAT);
    }
    logStart = Math.max(0, Number(libc.lseek(fd, 0, SEEK_END)));
    libc.close(fd);
  }
  if (ctx.pidfile !== null) {
    const state = new Pidfile(ctx.pidfile).inspect();
    if (state.status === "alive") {
      throw new DaemonError(`ERROR: Pidfile (${ctx.pidfile}) already exists.
` + `Seems we're already running? (pid: ${state.pid})`, EX_CANTCREAT);
    }
    if (state.status === "unusable") {
      throw new DaemonError(`ERROR: cannot use the pidfile: ${state.reason}`, EX_CANTCREAT);
    }
  }
  return logStart;
});
var setUp = (async function setUp(ctx, s) {
  libc.umask(ctx.umask);
  chdir(ctx.workdir);
  if (ctx.afterChdir)
    await ctx.afterChdir();
  maybeDropPrivileges({ uid: ctx.uid, gid: ctx.gid });
  if (role === "daemon" && (ctx.uid !== null || ctx.gid !== null)) {
    parentDeathSignal(platform.signalNumbers.TERM);
  }
  if (ctx.pidfile !== null) {
    try {
      s.pidlock = createPidlock(ctx.pidfile);
    } catch (e) {
      if (e instanceof LockFailed) {
        const message = e.message.startsWith("ERROR") ? e.message : `ERROR: ${e.message}`;
        throw new DaemonError(message, e.exitCode, { cause: e });
      }
      throw e;
    }
  }
});
var report = (function report(s, e) {
  const failure = e instanceof DaemonError ? e : new DaemonError(`ERROR: ${e instanceof Error ? e.message : String(e)}`, EX_FAILURE);
  console.error(e);
  const fd = s.handshakeFd;
  if (fd !== null) {
    try {
      writeAll(fd, encoder7.encode(`E${s.token} ${failure.exitCode} ${JSON.stringify(failure.message)}
`));
    } catch {}
  }
  exit(failureStatus(failure.exitCode));
});
var launch = (async function launch(ctx) {
  let logStart;
  try {
    logStart = preflight(ctx);
  } catch (e) {
    if (e instanceof DaemonError)
      exitWith(e);
    throw e;
  }
  const c = platform.constants;
  const token = randomToken();
  const fds = new Int32Array(2);
  if (libc.pipe2)
    check(libc.pipe2(fds, c.O_CLOEXEC), "pipe2");
  else {
    check(libc.pipe(fds), "pipe");
    for (const fd of fds)
      libc.fcntl(fd, c.F_SETFD, c.FD_CLOEXEC);
  }
  const [readFd, writeFd] = fds;
  const flags = libc.fcntl(readFd, c.F_GETFL, 0);
  check(libc.fcntl(readFd, c.F_SETFL, flags | c.O_NONBLOCK), "fcntl");
  let handshakeFd = 3;
  while (ctx.keepFds.includes(handshakeFd))
    handshakeFd++;
  const highest = Math.max(handshakeFd, ...ctx.keepFds);
  const out = ctx.logfile ?? "/dev/null";
  const actions = [{ dup2: [writeFd, handshakeFd] }];
  for (const fd of ctx.keepFds)
    actions.push({ dup2: [fd, fd] });
  actions.push({ open: 0, path: "/dev/null", flags: c.O_RDONLY }, { open: 1, path: out, flags: c.O_WRONLY | c.O_APPEND | c.O_CREAT | c.O_NOCTTY, mode: 438 }, { dup2: [1, 2] });
  const others = (fd) => fd !== handshakeFd && !ctx.keepFds.includes(fd);
  if (highest - 3 <= 64) {
    for (let fd = 3;fd < highest; fd++)
      if (others(fd))
        actions.push({ close: fd });
  } else {
    for (const fd of openFds()) {
      if (fd >= 3 && fd < highest && others(fd))
        actions.push({ close: fd });
    }
  }
  actions.push({ closeFrom: highest + 1 });
  const env = currentEnvironment();
  env[MARKER] = `${handshakeFd}:${token}`;
  const [, ...args] = originalCommandLineBytes();
  const program = execPath();
  let pid;
  const oldUmask = libc.umask(ctx.umask);
  try {
    pid = posixSpawn(program, {
      args: [program, ...args],
      env,
      fileActions: actions,
      setsid: true,
      defaultSignals: true,
      signalMask: []
    });
  } catch (e) {
    libc.close(readFd);
    libc.close(writeFd);
    exitWith(new DaemonError(`ERROR: cannot start the daemon: ${e.message}`, EX_FAILURE, {
      cause: e
    }));
  } finally {
    libc.umask(oldUmask);
  }
  libc.close(writeFd);
  return await waitForDaemon(ctx, pid, readFd, token, logStart);
});
var waitForDaemon = (async function waitForDaemon(ctx, pid, readFd, token, logStart) {
  const { EAGAIN, EINTR } = platform.errnoNumbers;
  const started = performance.now();
  let text = "";
  const readyLine = encoder7.encode(`R${token}
`);
  let first = true;
  const consume = (function consume(bytes) {
    if (first && sameBytes(bytes, readyLine))
      exit(0);
    first = false;
    text += decoder3.decode(bytes, { stream: true });
    let nl;
    while ((nl = text.indexOf(`
`)) !== -1) {
      const line = text.slice(0, nl);
      text = text.slice(nl + 1);
      if (line === `R${token}`)
        exit(0);
      const space = line.indexOf(" ", 34);
      const code = space === -1 ? "" : line.slice(34, space);
      if (line.startsWith(`E${token} `) && isDecimal(code)) {
        const raw = line.slice(space + 1);
        let message;
        try {
          message = String(JSON.parse(raw));
        } catch {
          message = raw;
        }
        exitWith(new DaemonError(message, Number(code)));
      }
    }
  });
  const timedOut = async () => {
    const { TERM, KILL } = platform.signalNumbers;
    libc.kill(pid, TERM);
    let stopped = "sent it SIGTERM";
    if (await reap(pid, STOP_GRACE_MS) === null && isAlive(pid)) {
      libc.kill(pid, KILL);
      await reap(pid, 1000);
      stopped += `, and SIGKILL when it still ran ${STOP_GRACE_MS} ms later`;
    }
    return exitWith(new DaemonError(`ERROR: the daemon (pid ${pid}) was not ready within ${ctx.timeoutMs} ms; ` + `${stopped}.${outputHint(ctx, logStart)}`));
  };
  const pollAsync = libc.poll_async;
  const reader = pollAsync ? null : pipeReader(readFd);
  if (reader) {
    for (;; ) {
      const left = ctx.timeoutMs - (performance.now() - started);
      if (left <= 0)
        await timedOut();
      let timer;
      let chunk;
      try {
        chunk = await Promise.race([
          reader.read(),
          new Promise((r) => {
            timer = setTimeout(r, Math.ceil(left) + 1);
          })
        ]);
      } catch (e) {
        exitWith(new DaemonError(`ERROR: reading from the daemon: ${String(e)}`));
      } finally {
        clearTimeout(timer);
      }
      if (chunk === null)
        break;
      if (chunk !== undefined)
        consume(chunk);
    }
  } else {
    const buf = new Uint8Array(4096);
    const pollfd = pollfdFor(readFd, POLLIN);
    for (;; ) {
      const n = Number(libc.read(readFd, buf, buf.length));
      if (n > 0) {
        consume(buf.subarray(0, n));
        continue;
      }
      if (n === 0)
        break;
      const e = errno();
      if (e !== EAGAIN && e !== EINTR) {
        exitWith(new DaemonError(`ERROR: reading from the daemon: ${new OSError(e, "read").message}`));
      }
      const elapsed = performance.now() - started;
      if (elapsed > ctx.timeoutMs)
        await timedOut();
      if (pollAsync) {
        await pollAsync(pollfd, 1, Math.min(1000, Math.ceil(ctx.timeoutMs - elapsed) + 1));
      } else
        await sleep(elapsed < 200 ? 1 : elapsed < 2000 ? 5 : 20);
    }
  }
  libc.close(readFd);
  const status = await reap(pid, 200);
  const ended = status === null ? null : describeStatus(status);
  const what = ended ? `${ended.text} before it was ready` : isAlive(pid) ? "closed the pipe to the launcher without becoming ready" : "ended before it was ready";
  exitWith(new DaemonError(`ERROR: the daemon (pid ${pid}) ${what}.${outputHint(ctx, logStart)}`, ended?.code));
});
var outputHint = (function outputHint(ctx, logStart) {
  if (ctx.logfile === null)
    return `
Its output went to /dev/null: set a logfile to see why.`;
  let tail = "";
  try {
    tail = readTail(ctx.logfile, logStart, 2048).trimEnd();
  } catch {}
  return `
Its output is in ${ctx.logfile}` + (tail ? `; it ends with:
${tail}` : ".");
});
var readTail = (function readTail(path, from, max) {
  const c = platform.constants;
  const fd = check(libc.open(cstr(path), c.O_RDONLY | c.O_CLOEXEC, 0), "open", { path });
  try {
    const end = Number(libc.lseek(fd, 0, SEEK_END));
    const start = Math.max(from, end - max);
    if (end <= start)
      return "";
    check(libc.lseek(fd, start, SEEK_SET), "lseek", { path });
    const buf = new Uint8Array(end - start);
    const n = Number(check(libc.read(fd, buf, buf.length), "read", { path }));
    return decoder3.decode(buf.subarray(0, n));
  } finally {
    libc.close(fd);
  }
});
var detached = (async function detached(options = {}) {
  const ctx = new DaemonContext(options);
  await ctx.open();
  return ctx;
});
// threads/context_variable.ts
var denoAsyncCore = (function denoAsyncCore() {
  const g = globalThis;
  if (!g.Deno || g.Bun)
    return;
  try {
    const core = g.Deno[g.Deno.internal]?.core;
    const Variable = core?.AsyncVariable;
    if (typeof Variable === "function" && typeof Variable.prototype?.enter === "function" && typeof Variable.prototype?.get === "function" && typeof core.setAsyncContext === "function" && typeof core.getAsyncContext === "function") {
      return core;
    }
  } catch {}
  return;
});
var core = denoAsyncCore();
var nodeAsyncLocalStorage = (function nodeAsyncLocalStorage() {
  const proc = globalThis.process;
  if (typeof proc?.getBuiltinModule !== "function") {
    throw new Error("posixly's threads/ need an async context: Deno, Bun, or Node >= 20.16 " + "(process.getBuiltinModule)");
  }
  return proc.getBuiltinModule("node:async_hooks").AsyncLocalStorage;
});
var contextVariable = (function contextVariable() {
  if (core) {
    const variable = new core.AsyncVariable;
    const setContext = core.setAsyncContext;
    return {
      get: () => variable.get(),
      run(value, fn) {
        const previous = variable.enter(value);
        try {
          return fn();
        } finally {
          setContext(previous);
        }
      }
    };
  }
  let storage;
  return {
    get: () => storage?.getStore(),
    run: (value, fn) => (storage ??= new (nodeAsyncLocalStorage())).run(value, fn)
  };
});

// threads/ident.ts
var counter = 0;

class Context {
  ident;
  slots;
  constructor() {
    this.ident = ++counter;
    this.slots = new WeakMap;
  }
}
var storage = contextVariable();
var topContext = new Context;
var slotKeys = new WeakMap;
var currentContext = (function currentContext() {
  return storage.get() ?? topContext;
});
var runInNewContext = (function runInNewContext(fn) {
  const ctx = new Context;
  return storage.run(ctx, () => fn(ctx));
});
var getIdent = (function getIdent() {
  return (storage.get() ?? topContext).ident;
});
// threads/local.ts
var valuesFor = (function valuesFor(target) {
  return (storage.get() ?? topContext).slots.get(target);
});
var valuesForWrite = (function valuesForWrite(target) {
  const slots = (storage.get() ?? topContext).slots;
  let values = slots.get(target);
  if (values === undefined) {
    values = Object.create(null);
    slots.set(target, values);
  }
  return values;
});
var handler = {
  get(target, prop) {
    const values = (storage.get() ?? topContext).slots.get(target);
    return values === undefined ? undefined : values[prop];
  },
  set(target, prop, value) {
    valuesForWrite(target)[prop] = value;
    return true;
  },
  has(target, prop) {
    const values = valuesFor(target);
    return values !== undefined && prop in values;
  },
  deleteProperty(target, prop) {
    const values = valuesFor(target);
    if (values !== undefined)
      delete values[prop];
    return true;
  },
  ownKeys(target) {
    const values = valuesFor(target);
    return values === undefined ? [] : Reflect.ownKeys(values);
  },
  getOwnPropertyDescriptor(target, prop) {
    const values = valuesFor(target);
    if (values === undefined || !Object.hasOwn(values, prop))
      return;
    return { value: values[prop], writable: true, enumerable: true, configurable: true };
  },
  defineProperty(target, prop, descriptor) {
    if (descriptor.configurable === false) {
      throw new TypeError(`Local property ${String(prop)} cannot be defined as non-configurable: ` + "its value is per context and can always be deleted");
    }
    const full = "get" in descriptor || "set" in descriptor ? { enumerable: true, ...descriptor, configurable: true } : { writable: true, enumerable: true, ...descriptor, configurable: true };
    return Reflect.defineProperty(valuesForWrite(target), prop, full);
  },
  setPrototypeOf() {
    throw new TypeError("The prototype of a Local cannot be changed");
  },
  preventExtensions() {
    throw new TypeError("A Local cannot be made non-extensible");
  }
};
var Local = (function Local() {
  if (new.target === undefined) {
    throw new TypeError("Local is a class: create one with `new Local()`");
  }
  const target = Object.create(Local.prototype);
  const proxy = new Proxy(target, handler);
  slotKeys.set(proxy, target);
  return proxy;
});
var describeValues = (function describeValues(self, inspect, options) {
  const values = valuesFor(slotKeys.get(self) ?? self);
  return `Local ${inspect({ ...values }, options)}`;
});
Object.defineProperties(Local.prototype, {
  [Symbol.for("Deno.customInspect")]: {
    value(inspect, options) {
      return describeValues(this, inspect, options);
    }
  },
  [Symbol.for("nodejs.util.inspect.custom")]: {
    value(_depth, options, inspect) {
      return describeValues(this, inspect, options);
    }
  }
});
var releaseLocal = (function releaseLocal(local) {
  const key = typeof local === "object" && local !== null ? slotKeys.get(local) : undefined;
  if (key === undefined) {
    throw new TypeError(`releaseLocal() expects a Local or a LocalStack, got ${describe(local)}`);
  }
  currentContext().slots.delete(key);
});
var describe = (function describe(value) {
  if (value === null)
    return "null";
  if (typeof value !== "object")
    return typeof value;
  return value.constructor?.name ?? "an object";
});
// threads/local_proxy.ts
var FACTORY = Symbol("LocalProxy.factory");
var SELF = Symbol("LocalProxy.self");
var proxies = new WeakSet;
var wrappers = new WeakMap;
var wrapped = (function wrapped(obj, fn) {
  let byFunction = wrappers.get(obj);
  if (byFunction === undefined) {
    byFunction = new WeakMap;
    wrappers.set(obj, byFunction);
  }
  let wrapper = byFunction.get(fn);
  if (wrapper === undefined) {
    wrapper = new Proxy(fn, {
      apply(f, thisArg, args) {
        const onObject = thisArg === undefined || proxies.has(thisArg);
        return Reflect.apply(f, onObject ? obj : thisArg, args);
      }
    });
    byFunction.set(fn, wrapper);
  }
  return wrapper;
});
var resolve = (function resolve(target, action, prop) {
  const value = target[FACTORY]();
  if (value === null || value === undefined) {
    const what = prop === undefined ? "" : ` ${String(prop)}`;
    throw new TypeError(`LocalProxy cannot ${action}${what}: the factory returned ${value}`);
  }
  return Object(value);
});
var handler2 = {
  get(target, prop) {
    const obj = resolve(target, "get", prop);
    const value = obj[prop];
    if (prop === "toJSON" && value === undefined)
      return () => obj;
    return typeof value === "function" && prop !== "constructor" ? wrapped(obj, value) : value;
  },
  set(target, prop, value) {
    return Reflect.set(resolve(target, "set", prop), prop, value);
  },
  has(target, prop) {
    return prop in resolve(target, "test", prop);
  },
  deleteProperty(target, prop) {
    return Reflect.deleteProperty(resolve(target, "delete", prop), prop);
  },
  ownKeys(target) {
    return Reflect.ownKeys(resolve(target, "list the keys of"));
  },
  getOwnPropertyDescriptor(target, prop) {
    const desc = Reflect.getOwnPropertyDescriptor(resolve(target, "describe", prop), prop);
    if (desc !== undefined)
      desc.configurable = true;
    return desc;
  },
  defineProperty(target, prop, descriptor) {
    return Reflect.defineProperty(resolve(target, "define", prop), prop, descriptor);
  },
  getPrototypeOf(target) {
    return Reflect.getPrototypeOf(resolve(target, "get the prototype of"));
  },
  preventExtensions() {
    throw new TypeError("A LocalProxy cannot be made non-extensible (freeze the object it returns)");
  },
  apply(target, thisArg, args) {
    const fn = resolve(target, "call");
    if (typeof fn !== "function") {
      throw new TypeError(`LocalProxy cannot call its object: it is a ${typeof fn}, not a function`);
    }
    return Reflect.apply(fn, thisArg, args);
  },
  construct(target, args, newTarget) {
    const fn = resolve(target, "construct");
    if (typeof fn !== "function") {
      throw new TypeError(`LocalProxy cannot construct its object: it is a ${typeof fn}`);
    }
    return Reflect.construct(fn, args, newTarget === target[SELF] ? fn : newTarget);
  }
};
var LocalProxy = (function LocalProxy(factory) {
  if (new.target === undefined) {
    throw new TypeError("LocalProxy is a class: create one with `new LocalProxy(factory)`");
  }
  if (typeof factory !== "function") {
    throw new TypeError(`LocalProxy expects a factory function, got ${typeof factory}`);
  }
  const target = (function() {}).bind(null);
  target[FACTORY] = factory;
  const proxy = new Proxy(target, handler2);
  target[SELF] = proxy;
  proxies.add(proxy);
  return proxy;
});

// threads/local_stack.ts
class LocalStack {
  constructor() {
    slotKeys.set(this, this);
  }
  push(value) {
    const slots = (storage.get() ?? topContext).slots;
    const items = slots.get(this);
    if (items === undefined) {
      slots.set(this, [value]);
      return 1;
    }
    return items.push(value);
  }
  pop() {
    const slots = (storage.get() ?? topContext).slots;
    const items = slots.get(this);
    if (items === undefined)
      return;
    if (items.length <= 1) {
      slots.delete(this);
      return items[0];
    }
    return items.pop();
  }
  get top() {
    const items = (storage.get() ?? topContext).slots.get(this);
    return items === undefined ? undefined : items[items.length - 1];
  }
  get stack() {
    const items = (storage.get() ?? topContext).slots.get(this);
    return items === undefined ? [] : items.slice();
  }
  get length() {
    const items = (storage.get() ?? topContext).slots.get(this);
    return items === undefined ? 0 : items.length;
  }
  proxy() {
    return new LocalProxy(() => {
      const items = (storage.get() ?? topContext).slots.get(this);
      if (items === undefined || items.length === 0) {
        throw new ReferenceError("object unbound: the LocalStack is empty in this context; push() an item first");
      }
      return items[items.length - 1];
    });
  }
}
// threads/local_manager.ts
class LocalManager {
  locals;
  identFunc;
  constructor(locals, identFunc) {
    if (locals === undefined) {
      this.locals = [];
    } else if (Array.isArray(locals)) {
      locals.forEach((l, i) => check2(l, `locals[${i}]`));
      this.locals = locals;
    } else {
      check2(locals, "locals");
      this.locals = [locals];
    }
    if (identFunc !== undefined && typeof identFunc !== "function") {
      throw new TypeError(`LocalManager identFunc must be a function, got ${typeof identFunc}`);
    }
    this.identFunc = identFunc ?? getIdent;
  }
  getIdent() {
    return this.identFunc();
  }
  cleanup() {
    for (const local of this.locals)
      releaseLocal(local);
  }
  run(fn) {
    return runInNewContext((ctx) => {
      let result;
      try {
        result = fn();
      } catch (error) {
        this.#release(ctx);
        throw error;
      }
      if (result instanceof Promise) {
        return result.finally(() => this.#release(ctx));
      }
      this.#release(ctx);
      return result;
    });
  }
  middleware(handler) {
    if (typeof handler !== "function") {
      throw new TypeError(`middleware() expects a handler function, got ${typeof handler}`);
    }
    const run = this.run.bind(this);
    return (function(req, info) {
      return run(async () => await handler.call(this, req, info));
    });
  }
  #release(ctx) {
    for (const local of this.locals) {
      const key = slotKeys.get(local);
      if (key !== undefined)
        ctx.slots.delete(key);
    }
  }
}
var check2 = (function check2(value, what) {
  if (typeof value !== "object" || value === null || !slotKeys.has(value)) {
    throw new TypeError(`LocalManager ${what} must be a Local or a LocalStack`);
  }
});
// threads/socket_timeout.ts
var timeouts = contextVariable();
var defaultSocketTimeout = (function defaultSocketTimeout(ms, fn) {
  if (ms !== undefined && (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)) {
    throw new RangeError(`defaultSocketTimeout() needs a finite number of milliseconds >= 0 or undefined, got ${String(ms)}`);
  }
  if (typeof fn !== "function") {
    throw new TypeError(`defaultSocketTimeout() expects a function, got ${typeof fn}`);
  }
  return timeouts.run(ms, fn);
});
var getDefaultSocketTimeout = (function getDefaultSocketTimeout() {
  return timeouts.get();
});
// threads/bg_thread.ts
var g5 = globalThis;
var exitProcess = (function exitProcess(code) {
  if (g5.Deno && !g5.Bun)
    g5.Deno.exit(code);
  else
    g5.process.exit(code);
});
var insideBody = contextVariable();
var CRASH_REPORT_MS = 5000;
var nextTurn = (function nextTurn() {
  return new Promise((resolve) => g5.setImmediate(resolve));
});
var describeError = (function describeError(error) {
  if (error instanceof Error)
    return `${error.name}: ${error.message}`;
  try {
    return typeof error === "string" ? JSON.stringify(error) : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
});

class BgThread {
  name;
  exitOnCrash;
  #stopping = false;
  #alive = false;
  #inBody = false;
  #token = null;
  #done = Promise.resolve();
  constructor(name, options = {}) {
    if (typeof name === "object" && name !== null) {
      options = name;
      name = undefined;
    }
    this.name = name ?? options.name ?? new.target.name;
    this.exitOnCrash = options.exitOnCrash ?? true;
  }
  get isAlive() {
    return this.#alive;
  }
  start() {
    if (this.#alive) {
      throw new Error(`'${this.name}' is already running; stop() it before starting it again`);
    }
    this.#alive = true;
    this.#stopping = false;
    this.#done = runInNewContext(() => this.#loop());
  }
  stop() {
    this.#stopping = true;
    if (!this.#alive)
      return Promise.resolve();
    if (this.#inBody && insideBody.get() === this.#token)
      return Promise.resolve();
    return this.#done;
  }
  onCrash(message, error) {
    console.error(message);
    if (error instanceof Error && error.stack)
      console.error(error.stack);
  }
  async#loop() {
    try {
      while (!this.#stopping) {
        await nextTurn();
        if (this.#stopping)
          break;
        this.#inBody = true;
        const token = this.#token = {};
        try {
          await insideBody.run(token, () => this.body());
        } catch (error) {
          this.#inBody = false;
          await this.#crash(error);
          return;
        } finally {
          this.#inBody = false;
        }
      }
    } finally {
      this.#alive = false;
    }
  }
  async#crash(error) {
    let timer;
    try {
      await Promise.race([
        this.onCrash(`'${this.name}' crashed: ${describeError(error)}`, error),
        new Promise((resolve) => {
          timer = setTimeout(() => {
            console.error(`'${this.name}' onCrash did not finish within ${CRASH_REPORT_MS} ms`);
            resolve();
          }, CRASH_REPORT_MS);
        })
      ]);
    } catch (reportError) {
      console.error(`'${this.name}' onCrash failed: ${describeError(reportError)}`);
    } finally {
      clearTimeout(timer);
      if (this.exitOnCrash)
        exitProcess(1);
    }
  }
}
export {
  BgThread,
  DaemonContext,
  DaemonError,
  EX_CANTCREAT,
  EX_FAILURE,
  EX_OK,
  EX_UNAVAILABLE,
  EX_USAGE,
  FfiPermissionError,
  FfiSymbolError,
  HOT_AFTER,
  IS_MACOS,
  IS_WINDOWS,
  Local,
  LocalManager,
  LocalProxy,
  LocalStack,
  LockFailed,
  LookupError,
  OSError,
  Pidfile,
  PidfileError,
  SYMBOLS,
  SYSTEM,
  SecurityError,
  Signals,
  UnsupportedRuntimeError,
  addressOf,
  backend,
  bindSymbol,
  check,
  checkPrivileges,
  checkReturnedErrno,
  closeFd,
  closeOpenFds,
  createPidlock,
  cstr,
  currentIds,
  defaultSocketTimeout,
  detached,
  errno,
  errnoName,
  errnoNameOf,
  errnoNumber,
  errnoNumberOf,
  fdByPath,
  getDefaultSocketTimeout,
  getFdmax,
  getIdent,
  getSignal,
  getgroups,
  ignoreErrno,
  ignoreSignals,
  initgroups,
  isBun,
  isDeno,
  isatty,
  libc,
  lookupGroup,
  lookupUser,
  maybeDropPrivileges,
  nativeMemory,
  openFds,
  originalCommandLine,
  originalCommandLineBytes,
  parseGid,
  parseStartTime,
  parseUid,
  platform,
  platformFor,
  pointerAddress,
  pointerFromAddress,
  posixSpawn,
  processIsZombie,
  processStartTime,
  raiseErrno,
  readCString,
  releaseLocal,
  resetSignals,
  runtimeImplementation,
  sdNotify,
  setErrno,
  setMpProcessTitle,
  setPdeathsig,
  setProcessTitle,
  setgid,
  setgroups,
  setuid,
  signalName,
  signals,
  spawnCanCloseFrom,
  strerror
};
