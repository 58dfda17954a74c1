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
    group: {
        size: number;
        name: number;
        gid: number;
        mem: number;
    };
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
    rlimit: {
        size: number;
        cur: number;
        max: number;
    };
    /** Opaque `posix_spawnattr_t` storage (bytes; a pointer on macOS). */
    spawnattrSize: number;
    /** Opaque `posix_spawn_file_actions_t` storage. */
    fileActionsSize: number;
    /** `struct dirent64` (Linux): where the name starts; names are at most 255 bytes. */
    dirent: {
        name: number;
        nameMax: number;
    };
    /** `sigset_t` size in bytes. */
    sigsetSize: number;
    /** `struct sockaddr_un`: family offset, path offset, path capacity, total size. */
    sockaddrUn: {
        size: number;
        family: number;
        familySize: 1 | 2;
        path: number;
        pathMax: number;
    };
    /** `struct stat` (as fstat/lstat fill it): size, st_dev, st_ino (u64), st_mode offsets and widths. */
    stat: {
        size: number;
        dev: number;
        devSize: 4 | 8;
        ino: number;
        mode: number;
        modeSize: 2 | 4;
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
    /** The C constant `SOCK_CLOEXEC` on this platform (-1 where it does not exist). */
    SOCK_CLOEXEC: number;
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
    /** The C constant `RTLD_LAZY` (dlopen) on this platform (-1 where it does not exist). */
    RTLD_LAZY: number;
    /** open(2) flag for an unnamed file in a directory; 0 where the platform has none. */
    O_TMPFILE: number;
    /** The C constant `AT_FDCWD` on this platform (-1 where it does not exist). */
    AT_FDCWD: number;
    /** linkat(2) flag: link the fd itself; 0 where the platform has none. */
    AT_EMPTY_PATH: number;
    /** The C constant `AT_SYMLINK_FOLLOW` on this platform (-1 where it does not exist). */
    AT_SYMLINK_FOLLOW: number;
    /** The C constant `S_IFMT` on this platform (-1 where it does not exist). */
    S_IFMT: number;
    /** The C constant `S_IFREG` on this platform (-1 where it does not exist). */
    S_IFREG: number;
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
/**
 * The tables of a platform: those of the running one are
 * {@linkcode platform}; the others let a test check them on any machine.
 *
 * @example
 * ```ts
 * import { platformFor } from "@posixly/posixly/ffi";
 * console.log(platformFor("darwin", "aarch64").errnoNumbers.EAGAIN); // 35
 * ```
 */
export declare function platformFor(os: OsName, arch: ArchName): Platform;
/**
 * The platform this process runs on, with its tables.
 *
 * @example
 * ```ts
 * import { platform } from "@posixly/posixly/ffi";
 * console.log(platform.libraryName, platform.constants.O_NOFOLLOW);
 * ```
 */
export declare const platform: Platform;
