/**
 * Platform detection and per-platform tables: the C library's file name,
 * struct layouts, constants, errno names and signal numbers.
 *
 * Only Linux glibc x86-64 is tested by this project's CI. The other tables
 * (Linux arm64, musl, macOS) are written from the platforms' headers so that
 * they are correct by construction, but they have not been run.
 *
 * @module
 */

/** Operating system families posixly knows. */
export type OsName = "linux" | "darwin" | "other";
/** CPU architectures posixly knows. */
export type ArchName = "x86_64" | "aarch64" | "other";
/** C library flavours posixly knows. */
export type LibcName = "glibc" | "musl" | "darwin" | "unknown";

/** Byte offsets and sizes of the C structs posixly reads or fills. */
export interface StructLayouts {
  /** `struct passwd`. */
  passwd: {
    size: number;
    name: number;
    uid: number;
    gid: number;
    gecos: number;
    dir: number;
    shell: number;
  };
  /** `struct group`. */
  group: { size: number; name: number; gid: number; mem: number };
  /** `struct sigaction` (the user-level one passed to sigaction(2)). */
  sigaction: {
    size: number;
    handler: number;
    mask: number;
    maskSize: number;
    flags: number;
  };
  /** `struct itimerval`: two `struct timeval`; each field is written as int64 sec + usec. */
  itimerval: {
    size: number;
    intervalSec: number;
    intervalUsec: number;
    valueSec: number;
    valueUsec: number;
    usecSize: 4 | 8;
  };
  /** `struct rlimit`: two rlim_t (64-bit on every supported platform). */
  rlimit: { size: number; cur: number; max: number };
  /** Opaque `posix_spawnattr_t` storage (bytes; a pointer on macOS). */
  spawnattrSize: number;
  /** Opaque `posix_spawn_file_actions_t` storage. */
  fileActionsSize: number;
  /**
   * `struct dirent64` (Linux): where the record's length (`d_reclen`, 16 bits)
   * and the name start; names are at most 255 bytes.
   */
  dirent: { reclen: number; name: number; nameMax: number };
  /** `sigset_t` size in bytes. */
  sigsetSize: number;
  /** `struct sockaddr_un`: family offset, path offset, path capacity, total size. */
  sockaddrUn: { size: number; family: number; familySize: 1 | 2; path: number; pathMax: number };
  /** `struct iovec`: size, iov_base (a pointer) and iov_len (size_t) offsets. */
  iovec: { size: number; base: number; len: number };
  /**
   * `struct msghdr` (for recvmsg(2)): size, the offsets of msg_iov,
   * msg_iovlen, msg_control and msg_controllen (pointers at msg_iov and
   * msg_control), and the widths of msg_iovlen and msg_controllen.
   */
  msghdr: {
    size: number;
    iov: number;
    iovlen: number;
    iovlenSize: 4 | 8;
    control: number;
    controllen: number;
    controllenSize: 4 | 8;
  };
  /**
   * `struct cmsghdr`: the offsets of cmsg_len, cmsg_level and cmsg_type,
   * cmsg_len's width, and where the data starts (`CMSG_LEN(0)`).
   */
  cmsghdr: { len: number; lenSize: 4 | 8; level: number; type: number; data: number };
  /**
   * `struct ucred` (Linux's SCM_CREDENTIALS data): size, the offsets of
   * pid, uid and gid, and the control buffer it needs
   * (`CMSG_SPACE(sizeof(struct ucred))`); -1 where there is none (macOS).
   */
  ucred: { size: number; pid: number; uid: number; gid: number; space: number };
  /** `struct stat` (as fstat/lstat fill it): size, st_dev, st_ino (u64), st_mode offsets and widths, st_uid (u32). */
  stat: {
    size: number;
    dev: number;
    devSize: 4 | 8;
    ino: number;
    mode: number;
    modeSize: 2 | 4;
    uid: number;
  };
}

/** Numeric constants whose values depend on the platform. */
export interface Constants {
  /** The C constant `O_RDONLY` on this platform (-1 where it does not exist). */
  O_RDONLY: number;
  /** The C constant `O_WRONLY` on this platform (-1 where it does not exist). */
  O_WRONLY: number;
  /** The C constant `O_RDWR` on this platform (-1 where it does not exist). */
  O_RDWR: number;
  /** The C constant `O_CREAT` on this platform (-1 where it does not exist). */
  O_CREAT: number;
  /** The C constant `O_EXCL` on this platform (-1 where it does not exist). */
  O_EXCL: number;
  /** The C constant `O_NOCTTY` on this platform (-1 where it does not exist). */
  O_NOCTTY: number;
  /** The C constant `O_TRUNC` on this platform (-1 where it does not exist). */
  O_TRUNC: number;
  /** The C constant `O_APPEND` on this platform (-1 where it does not exist). */
  O_APPEND: number;
  /** The C constant `O_NONBLOCK` on this platform (-1 where it does not exist). */
  O_NONBLOCK: number;
  /** The C constant `O_DIRECTORY` on this platform (-1 where it does not exist). */
  O_DIRECTORY: number;
  /** The C constant `O_NOFOLLOW` on this platform (-1 where it does not exist). */
  O_NOFOLLOW: number;
  /** The C constant `O_CLOEXEC` on this platform (-1 where it does not exist). */
  O_CLOEXEC: number;
  /** The C constant `LOCK_SH` on this platform (-1 where it does not exist). */
  LOCK_SH: number;
  /** The C constant `LOCK_EX` on this platform (-1 where it does not exist). */
  LOCK_EX: number;
  /** The C constant `LOCK_NB` on this platform (-1 where it does not exist). */
  LOCK_NB: number;
  /** The C constant `LOCK_UN` on this platform (-1 where it does not exist). */
  LOCK_UN: number;
  /** The C constant `RLIMIT_NOFILE` on this platform (-1 where it does not exist). */
  RLIMIT_NOFILE: number;
  /** The C constant `RLIM_INFINITY` on this platform (-1 where it does not exist). */
  RLIM_INFINITY: bigint;
  /** The C constant `_SC_OPEN_MAX` on this platform (-1 where it does not exist). */
  _SC_OPEN_MAX: number;
  /** The C constant `_SC_NGROUPS_MAX` on this platform (-1 where it does not exist). */
  _SC_NGROUPS_MAX: number;
  /** The C constant `_SC_GETPW_R_SIZE_MAX` on this platform (-1 where it does not exist). */
  _SC_GETPW_R_SIZE_MAX: number;
  /** The C constant `_SC_GETGR_R_SIZE_MAX` on this platform (-1 where it does not exist). */
  _SC_GETGR_R_SIZE_MAX: number;
  /** The C constant `SIG_DFL` on this platform (-1 where it does not exist). */
  SIG_DFL: number;
  /** The C constant `SIG_IGN` on this platform (-1 where it does not exist). */
  SIG_IGN: number;
  /** The C constant `SA_SIGINFO` on this platform (-1 where it does not exist). */
  SA_SIGINFO: number;
  /** The C constant `SA_RESTART` on this platform (-1 where it does not exist). */
  SA_RESTART: number;
  /** The C constant `SIG_BLOCK` on this platform (-1 where it does not exist). */
  SIG_BLOCK: number;
  /** The C constant `SIG_UNBLOCK` on this platform (-1 where it does not exist). */
  SIG_UNBLOCK: number;
  /** The C constant `SIG_SETMASK` on this platform (-1 where it does not exist). */
  SIG_SETMASK: number;
  /** The C constant `ITIMER_REAL` on this platform (-1 where it does not exist). */
  ITIMER_REAL: number;
  /** The C constant `PR_SET_PDEATHSIG` on this platform (-1 where it does not exist). */
  PR_SET_PDEATHSIG: number;
  /** The C constant `PR_GET_PDEATHSIG` on this platform (-1 where it does not exist). */
  PR_GET_PDEATHSIG: number;
  /** The C constant `PR_SET_NAME` on this platform (-1 where it does not exist). */
  PR_SET_NAME: number;
  /** The C constant `PR_GET_NAME` on this platform (-1 where it does not exist). */
  PR_GET_NAME: number;
  /** The C constant `PR_SET_CHILD_SUBREAPER` on this platform (-1 where it does not exist). */
  PR_SET_CHILD_SUBREAPER: number;
  /** The C constant `POSIX_SPAWN_RESETIDS` on this platform (-1 where it does not exist). */
  POSIX_SPAWN_RESETIDS: number;
  /** The C constant `POSIX_SPAWN_SETPGROUP` on this platform (-1 where it does not exist). */
  POSIX_SPAWN_SETPGROUP: number;
  /** The C constant `POSIX_SPAWN_SETSIGDEF` on this platform (-1 where it does not exist). */
  POSIX_SPAWN_SETSIGDEF: number;
  /** The C constant `POSIX_SPAWN_SETSIGMASK` on this platform (-1 where it does not exist). */
  POSIX_SPAWN_SETSIGMASK: number;
  /** The C constant `POSIX_SPAWN_SETSID` on this platform (-1 where it does not exist). */
  POSIX_SPAWN_SETSID: number;
  /** The C constant `AF_UNIX` on this platform (-1 where it does not exist). */
  AF_UNIX: number;
  /** The C constant `SOCK_DGRAM` on this platform (-1 where it does not exist). */
  SOCK_DGRAM: number;
  /** The C constant `SOCK_STREAM` on this platform (-1 where it does not exist). */
  SOCK_STREAM: number;
  /** The C constant `SOCK_CLOEXEC` on this platform (-1 where it does not exist). */
  SOCK_CLOEXEC: number;
  /** The C constant `SOL_SOCKET` on this platform (-1 where it does not exist). */
  SOL_SOCKET: number;
  /** The C constant `SO_PASSCRED` on this platform (-1 where it does not exist). */
  SO_PASSCRED: number;
  /** The C constant `SCM_CREDENTIALS` on this platform (-1 where it does not exist). */
  SCM_CREDENTIALS: number;
  /** The C constant `SCM_RIGHTS` on this platform (-1 where it does not exist). */
  SCM_RIGHTS: number;
  /** sendmsg(2) flag: EPIPE without SIGPIPE; 0 where the platform has none. */
  MSG_NOSIGNAL: number;
  /** recvmsg(2) flag: descriptors received are close-on-exec; 0 where the platform has none. */
  MSG_CMSG_CLOEXEC: number;
  /** The C constant `F_DUPFD` on this platform (-1 where it does not exist). */
  F_DUPFD: number;
  /** The C constant `F_GETFD` on this platform (-1 where it does not exist). */
  F_GETFD: number;
  /** The C constant `F_SETFD` on this platform (-1 where it does not exist). */
  F_SETFD: number;
  /** The C constant `F_GETFL` on this platform (-1 where it does not exist). */
  F_GETFL: number;
  /** The C constant `F_SETFL` on this platform (-1 where it does not exist). */
  F_SETFL: number;
  /** The C constant `FD_CLOEXEC` on this platform (-1 where it does not exist). */
  FD_CLOEXEC: number;
  /** The C constant `WNOHANG` on this platform (-1 where it does not exist). */
  WNOHANG: number;
  /** open(2) flag for an unnamed file in a directory; 0 where the platform has none. */
  O_TMPFILE: number;
  /** The C constant `AT_FDCWD` on this platform (-1 where it does not exist). */
  AT_FDCWD: number;
  /** linkat(2) flag: link the fd itself; 0 where the platform has none. */
  AT_EMPTY_PATH: number;
  /** The C constant `AT_SYMLINK_FOLLOW` on this platform (-1 where it does not exist). */
  AT_SYMLINK_FOLLOW: number;
  /** faccessat(2) flag: check with the effective ids, as execve and open do, not the real ones. */
  AT_EACCESS: number;
  /** The C constant `S_IFMT` on this platform (-1 where it does not exist). */
  S_IFMT: number;
  /** The C constant `S_IFREG` on this platform (-1 where it does not exist). */
  S_IFREG: number;
  /** The C constant `S_IFLNK` on this platform (-1 where it does not exist). */
  S_IFLNK: number;
  /** The C constant `S_IFCHR` on this platform (-1 where it does not exist). */
  S_IFCHR: number;
  /** The C constant `S_IFIFO` on this platform (-1 where it does not exist). */
  S_IFIFO: number;
  /** The C constant `S_IFSOCK` on this platform (-1 where it does not exist). */
  S_IFSOCK: number;
  /** The C constant `S_ISVTX` (sticky bit) on this platform (-1 where it does not exist). */
  S_ISVTX: number;
  /** The C constant `S_IWOTH` on this platform (-1 where it does not exist). */
  S_IWOTH: number;
  /** The C constant `POLLIN` (poll(2): data to read) on this platform (-1 where it does not exist). */
  POLLIN: number;
  /** The C constant `POLLOUT` (poll(2): room to write) on this platform (-1 where it does not exist). */
  POLLOUT: number;
}

/** Everything posixly needs to know about the platform it runs on. */
export interface Platform {
  /** The operating system. */
  os: OsName;
  /** The CPU architecture. */
  arch: ArchName;
  /** The C library (looked up on first read). */
  libc: LibcName;
  /** File name given to dlopen for the C library. */
  libraryName: string;
  /** Symbol that returns the address of the calling thread's errno. */
  errnoSymbol: "__errno_location" | "__error";
  /** Struct layouts. */
  layouts: StructLayouts;
  /** Numeric constants. */
  constants: Constants;
  /** errno number -> canonical name. */
  errnoNames: Readonly<Record<number, string>>;
  /** errno name (canonical or alias) -> number. */
  errnoNumbers: Readonly<Record<string, number>>;
  /** Signal name without "SIG" -> number (aliases included). */
  signalNumbers: Readonly<Record<string, number>>;
  /** Signal number -> canonical name without "SIG". */
  signalNames: Readonly<Record<number, string>>;
}

// errno numbers of the Linux kernel (glibc and musl use them as they are).
const LINUX_ERRNO: Readonly<Record<string, number>> = {
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
  // Aliases, after their canonical names (the first name of a number is its name).
  EWOULDBLOCK: 11,
  EDEADLOCK: 35,
  ENOTSUP: 95,
};

// errno numbers of macOS (<sys/errno.h>); 1-34 are the classic Unix ones.
const DARWIN_ERRNO = (): Readonly<Record<string, number>> => ({
  ...Object.fromEntries(
    Object.entries(LINUX_ERRNO).filter(([, n]) => n <= 34 && n !== 11),
  ),
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
  // Aliases, after their canonical names (the first name of a number is its name).
  EWOULDBLOCK: 35,
});

// Signal numbers. The first name given for a number is the canonical one.
const LINUX_SIGNALS: readonly (readonly [string, number])[] = [
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
  ["SYS", 31],
];
const DARWIN_SIGNALS = (): readonly (readonly [string, number])[] => [
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
  ["USR2", 31],
];

const LINUX_LAYOUTS: StructLayouts = {
  passwd: { size: 48, name: 0, uid: 16, gid: 20, gecos: 24, dir: 32, shell: 40 },
  group: { size: 32, name: 0, gid: 16, mem: 24 },
  sigaction: { size: 152, handler: 0, mask: 8, maskSize: 128, flags: 136 },
  itimerval: {
    size: 32,
    intervalSec: 0,
    intervalUsec: 8,
    valueSec: 16,
    valueUsec: 24,
    usecSize: 8,
  },
  rlimit: { size: 16, cur: 0, max: 8 },
  // glibc sizes; musl's posix_spawnattr_t is 336 too and its file actions 80.
  spawnattrSize: 336,
  fileActionsSize: 80,
  dirent: { reclen: 16, name: 19, nameMax: 256 },
  sigsetSize: 128,
  sockaddrUn: { size: 110, family: 0, familySize: 2, path: 2, pathMax: 108 },
  iovec: { size: 16, base: 0, len: 8 },
  // glibc's msg_iovlen, msg_controllen and cmsg_len are size_t, as the kernel's; musl's are a
  // 32-bit value then 32 bits of padding, which its recvmsg zeroes: on little-endian the same
  // 8 bytes (check_tables.ts accepts musl's width of 4).
  msghdr: {
    size: 56,
    iov: 16,
    iovlen: 24,
    iovlenSize: 8,
    control: 32,
    controllen: 40,
    controllenSize: 8,
  },
  cmsghdr: { len: 0, lenSize: 8, level: 8, type: 12, data: 16 },
  ucred: { size: 12, pid: 0, uid: 4, gid: 8, space: 32 },
  // x86-64: st_dev@0 st_ino@8 st_nlink@16 st_mode@24 st_uid@28 (probed); arm64 differs, see LINUX_AARCH64_STAT.
  stat: { size: 144, dev: 0, devSize: 8, ino: 8, mode: 24, modeSize: 4, uid: 28 },
};
// asm-generic struct stat (arm64): st_dev@0 st_ino@8 st_mode@16 st_nlink@20 st_uid@24, 128 bytes.
const LINUX_AARCH64_STAT = (): StructLayouts["stat"] => ({
  size: 128,
  dev: 0,
  devSize: 8,
  ino: 8,
  mode: 16,
  modeSize: 4,
  uid: 24,
});

const DARWIN_LAYOUTS = (): StructLayouts => ({
  // pw_name, pw_passwd, pw_uid, pw_gid, pw_change, pw_class, pw_gecos, pw_dir, pw_shell, pw_expire
  passwd: { size: 72, name: 0, uid: 16, gid: 20, gecos: 40, dir: 48, shell: 56 },
  group: { size: 32, name: 0, gid: 16, mem: 24 },
  // struct sigaction { union __sigaction_u; sigset_t sa_mask (u32); int sa_flags; }
  sigaction: { size: 16, handler: 0, mask: 8, maskSize: 4, flags: 12 },
  // struct timeval { time_t tv_sec; suseconds_t tv_usec (int32) } padded to 16 bytes
  itimerval: {
    size: 32,
    intervalSec: 0,
    intervalUsec: 8,
    valueSec: 16,
    valueUsec: 24,
    usecSize: 4,
  },
  rlimit: { size: 16, cur: 0, max: 8 },
  // both are pointers to storage that posix_spawnattr_init allocates
  spawnattrSize: 8,
  fileActionsSize: 8,
  // 64-bit-inode struct dirent (d_ino, d_seekoff, d_reclen, d_namlen, d_type, d_name)
  dirent: { reclen: 16, name: 21, nameMax: 1024 },
  sigsetSize: 4,
  sockaddrUn: { size: 106, family: 1, familySize: 1, path: 2, pathMax: 104 },
  iovec: { size: 16, base: 0, len: 8 },
  // struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; int msg_iovlen;
  //   void *msg_control; socklen_t msg_controllen; int msg_flags; }
  msghdr: {
    size: 48,
    iov: 16,
    iovlen: 24,
    iovlenSize: 4,
    control: 32,
    controllen: 40,
    controllenSize: 4,
  },
  // struct cmsghdr { socklen_t cmsg_len; int cmsg_level; int cmsg_type; }, data 32-bit aligned
  cmsghdr: { len: 0, lenSize: 4, level: 4, type: 8, data: 12 },
  // no struct ucred, no SCM_CREDENTIALS (macOS has LOCAL_PEERCRED and SCM_CREDS instead)
  ucred: { size: -1, pid: -1, uid: -1, gid: -1, space: -1 },
  // struct stat (64-bit inodes): st_dev i32@0, st_mode u16@4, st_nlink u16@6, st_ino u64@8, st_uid u32@16
  stat: { size: 144, dev: 0, devSize: 4, ino: 8, mode: 4, modeSize: 2, uid: 16 },
});

const LINUX_COMMON = {
  O_RDONLY: 0,
  O_WRONLY: 0o1,
  O_RDWR: 0o2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_CLOEXEC: 0o2000000,
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
  SA_RESTART: 0x10000000,
  SIG_BLOCK: 0,
  SIG_UNBLOCK: 1,
  SIG_SETMASK: 2,
  ITIMER_REAL: 0,
  PR_SET_PDEATHSIG: 1,
  PR_GET_PDEATHSIG: 2,
  PR_SET_NAME: 15,
  PR_GET_NAME: 16,
  PR_SET_CHILD_SUBREAPER: 36,
  POSIX_SPAWN_RESETIDS: 0x1,
  POSIX_SPAWN_SETPGROUP: 0x2,
  POSIX_SPAWN_SETSIGDEF: 0x4,
  POSIX_SPAWN_SETSIGMASK: 0x8,
  POSIX_SPAWN_SETSID: 0x80,
  AF_UNIX: 1,
  SOCK_DGRAM: 2,
  SOCK_STREAM: 1,
  SOCK_CLOEXEC: 0o2000000,
  SOL_SOCKET: 1,
  SO_PASSCRED: 16,
  SCM_CREDENTIALS: 2,
  SCM_RIGHTS: 1,
  MSG_NOSIGNAL: 0x4000,
  MSG_CMSG_CLOEXEC: 0x40000000,
  F_DUPFD: 0,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  FD_CLOEXEC: 1,
  WNOHANG: 1,
  AT_FDCWD: -100,
  AT_EMPTY_PATH: 0x1000,
  AT_SYMLINK_FOLLOW: 0x400,
  AT_EACCESS: 0x200,
  S_IFMT: 0o170000,
  S_IFREG: 0o100000,
  S_IFLNK: 0o120000,
  S_IFCHR: 0o020000,
  S_IFIFO: 0o010000,
  S_IFSOCK: 0o140000,
  S_ISVTX: 0o1000,
  S_IWOTH: 0o2,
  POLLIN: 1,
  POLLOUT: 4,
} as const;

const LINUX_X86_64: Constants = {
  ...LINUX_COMMON,
  O_DIRECTORY: 0o200000,
  O_NOFOLLOW: 0o400000,
  O_TMPFILE: 0o20200000,
};
// arm64 (and 32-bit arm) use different O_DIRECTORY / O_NOFOLLOW bits.
const LINUX_AARCH64 = (): Constants => ({
  ...LINUX_COMMON,
  O_DIRECTORY: 0o40000,
  O_NOFOLLOW: 0o100000,
  O_TMPFILE: 0o20040000,
});

const DARWIN = (): Constants => ({
  O_RDONLY: 0,
  O_WRONLY: 0x1,
  O_RDWR: 0x2,
  O_CREAT: 0x200,
  O_EXCL: 0x800,
  O_NOCTTY: 0x20000,
  O_TRUNC: 0x400,
  O_APPEND: 0x8,
  O_NONBLOCK: 0x4,
  O_DIRECTORY: 0x100000,
  O_NOFOLLOW: 0x100,
  O_CLOEXEC: 0x1000000,
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
  SA_SIGINFO: 0x40,
  SA_RESTART: 0x2,
  SIG_BLOCK: 1,
  SIG_UNBLOCK: 2,
  SIG_SETMASK: 3,
  ITIMER_REAL: 0,
  PR_SET_PDEATHSIG: -1,
  PR_GET_PDEATHSIG: -1,
  PR_SET_NAME: -1,
  PR_GET_NAME: -1,
  PR_SET_CHILD_SUBREAPER: -1,
  POSIX_SPAWN_RESETIDS: 0x1,
  POSIX_SPAWN_SETPGROUP: 0x2,
  POSIX_SPAWN_SETSIGDEF: 0x4,
  POSIX_SPAWN_SETSIGMASK: 0x8,
  POSIX_SPAWN_SETSID: 0x400,
  AF_UNIX: 1,
  SOCK_DGRAM: 2,
  SOCK_STREAM: 1,
  SOCK_CLOEXEC: 0,
  SOL_SOCKET: 0xffff,
  SO_PASSCRED: -1,
  SCM_CREDENTIALS: -1,
  SCM_RIGHTS: 1,
  MSG_NOSIGNAL: 0,
  MSG_CMSG_CLOEXEC: 0,
  F_DUPFD: 0,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  FD_CLOEXEC: 1,
  WNOHANG: 1,
  O_TMPFILE: 0,
  AT_FDCWD: -2,
  AT_EMPTY_PATH: 0,
  AT_SYMLINK_FOLLOW: 0x40,
  AT_EACCESS: 0x10,
  S_IFMT: 0o170000,
  S_IFREG: 0o100000,
  S_IFLNK: 0o120000,
  S_IFCHR: 0o020000,
  S_IFIFO: 0o010000,
  S_IFSOCK: 0o140000,
  S_ISVTX: 0o1000,
  S_IWOTH: 0o2,
  POLLIN: 1,
  POLLOUT: 4,
});

/**
 * The name of each number in a name -> number table (the first name given
 * for a number is its name), built on first use rather than at import. No
 * prototype, so that `Object.hasOwn` and `in` see only the table's own entries.
 */
function lazyNames<V extends string | number>(
  table: () => Readonly<Record<string, V>> | readonly (readonly [string, V])[],
): () => Record<V, string> {
  let names: Record<V, string> | undefined;
  return () => {
    if (names) return names;
    const t = table();
    const back = Object.create(null) as Record<V, string>;
    for (const [k, v] of Array.isArray(t) ? t : Object.entries(t)) {
      if (!(v in back)) back[v as V] = k;
    }
    return names = back;
  };
}

/** A name -> number record from pairs, built on first use; no prototype. */
function lazyRecord<V>(pairs: readonly (readonly [string, V])[]): () => Record<string, V> {
  let record: Record<string, V> | undefined;
  return () => record ??= Object.assign(Object.create(null), Object.fromEntries(pairs));
}

function detectOs(): OsName {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const os: string | undefined = g.Deno?.build?.os ?? g.process?.platform;
  if (os === "linux") return "linux";
  if (os === "darwin") return "darwin";
  return "other";
}

function detectArch(): ArchName {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const arch: string | undefined = g.Deno?.build?.arch ?? g.process?.arch;
  if (arch === "x86_64" || arch === "x64") return "x86_64";
  if (arch === "aarch64" || arch === "arm64") return "aarch64";
  return "other";
}

function detectLinuxLibc(arch: ArchName): LibcName {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  // Deno is built against glibc, or says it is not.
  if (g.Deno && !g.Bun) return g.Deno.build?.env === "musl" ? "musl" : "glibc";
  // Bun is built for each: its release names the build ("bun-linux-x64.zip",
  // "bun-linux-x64-musl.zip"), and that is the C library of this process.
  const release: unknown = g.Bun ? g.process?.release?.sourceUrl : undefined;
  if (typeof release === "string" && release.includes("/bun-linux-") && release.endsWith(".zip")) {
    return release.includes("-musl") ? "musl" : "glibc";
  }
  // Otherwise (Node.js, another Bun): a musl system has musl's dynamic loader and not glibc's.
  try {
    const { existsSync } = g.process.getBuiltinModule("node:fs");
    const arm = arch === "aarch64";
    const musl = `/lib/ld-musl-${arm ? "aarch64" : "x86_64"}.so.1`;
    const glibc = arm ? "/lib/ld-linux-aarch64.so.1" : "/lib64/ld-linux-x86-64.so.2";
    if (existsSync(musl) && !existsSync(glibc)) return "musl";
  } catch {
    // cannot look: assume glibc
  }
  return "glibc";
}

/**
 * The tables of a platform: those of the running one are
 * {@linkcode platform}; the others let a test check them on any machine.
 *
 * @example Another platform's tables
 * ```ts
 * import { platformFor } from "@posixly/posixly/ffi";
 * console.log(platformFor("darwin", "aarch64").errnoNumbers.EAGAIN); // 35
 * ```
 */
export function platformFor(os: OsName, arch: ArchName): Platform {
  if (os !== "linux" && os !== "darwin" && os !== "other") {
    throw new TypeError(`os must be "linux", "darwin" or "other", got ${JSON.stringify(os)}`);
  }
  if (arch !== "x86_64" && arch !== "aarch64" && arch !== "other") {
    throw new TypeError(
      `arch must be "x86_64", "aarch64" or "other", got ${JSON.stringify(arch)}`,
    );
  }
  return os === "darwin" ? darwinPlatform(arch) : linuxPlatform(os, arch);
}

/** The tables of macOS (libSystem), for either CPU. */
function darwinPlatform(arch: ArchName): Platform {
  const errnoNumbers = DARWIN_ERRNO();
  const signals = DARWIN_SIGNALS();
  const errnoNames = lazyNames(() => errnoNumbers);
  const signalNumbers = lazyRecord(signals);
  const signalNames = lazyNames(() => signals);
  return {
    os: "darwin",
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
    },
  };
}

/** The tables of Linux (and of an unknown OS, which gets Linux's), glibc or musl. */
function linuxPlatform(os: "linux" | "other", arch: ArchName): Platform {
  const errnoNames = lazyNames(() => LINUX_ERRNO);
  const signalNumbers = lazyRecord(LINUX_SIGNALS);
  const signalNames = lazyNames(() => LINUX_SIGNALS);
  // Which C library: looked up on first use, not at import.
  let libc: LibcName | undefined;
  const whichLibc = (): LibcName => libc ??= os === "linux" ? detectLinuxLibc(arch) : "unknown";
  return {
    os,
    arch,
    get libc(): LibcName {
      return whichLibc();
    },
    get libraryName(): string {
      return whichLibc() === "musl"
        ? `/lib/ld-musl-${arch === "aarch64" ? "aarch64" : "x86_64"}.so.1`
        : "libc.so.6";
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
    },
  };
}

/**
 * The platform this process runs on, with its tables.
 *
 * @example This machine's tables
 * ```ts
 * import { platform } from "@posixly/posixly/ffi";
 * console.log(platform.libraryName, platform.constants.O_NOFOLLOW);
 * ```
 */
export const platform: Platform = platformFor(detectOs(), detectArch());
