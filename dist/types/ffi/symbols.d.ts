/**
 * The one table of C library symbols posixly binds, with the C prototype
 * beside each entry. Types are runtime-neutral:
 *
 * | type      | JS value passed / returned                                      |
 * |-----------|-----------------------------------------------------------------|
 * | `i16` `i32` `u32` | number                                                  |
 * | `i64` `u64` `isize` `usize` | number or bigint in, bigint out               |
 * | `buffer`  | a TypedArray / ArrayBuffer view (or null): the callee gets its address |
 * | `pointer` | an opaque {@linkcode Pointer} (see memory.ts)                   |
 * | `void`    | undefined                                                       |
 *
 * Symbols are bound one at a time on first use (see libc.ts), so the size of
 * this table costs nothing at import.
 *
 * @module
 */
/** Runtime-neutral FFI value types. */
export type NativeType = "i16" | "i32" | "u32" | "i64" | "u64" | "isize" | "usize" | "buffer" | "pointer" | "void";
/** One C function: its parameter and result types. */
export interface SymbolSpec {
    /** The parameters' types, in order. */
    readonly parameters: readonly NativeType[];
    /** The result's type. */
    readonly result: NativeType;
    /** The C symbol's name when it differs from the table key (one C function, two typings). */
    readonly name?: string;
    /** Optional symbols may be missing from the library (binding them returns null). */
    readonly optional?: boolean;
    /**
     * Run the call on one of the runtime's worker threads and return a promise
     * of its result, leaving the event loop free (Deno's `nonblocking`). Such a
     * symbol must be optional: where the runtime cannot do this (Bun) it binds
     * to null. errno is not readable after such a call (another thread's).
     */
    readonly nonblocking?: boolean;
}
/**
 * Every C function posixly calls.
 *
 * VARIADIC FUNCTIONS: `open`, `fcntl` and `prctl` are variadic in C. They are
 * declared here with fixed arguments, which matches the calling convention of
 * x86-64 and arm64 Linux (and x86-64 macOS), but NOT Apple arm64, where
 * variadic arguments go on the stack. Keep every such declaration in this
 * block; code that needs them on Apple arm64 must avoid them (posixly uses
 * node:fs for opening files there).
 */
export declare const SYMBOLS: {
    /** int open(const char *path, int flags, ... mode_t mode); */
    readonly open: {
        readonly parameters: readonly ["buffer", "i32", "u32"];
        readonly result: "i32";
    };
    /** int fcntl(int fd, int cmd, ... long arg); */
    readonly fcntl: {
        readonly parameters: readonly ["i32", "i32", "i64"];
        readonly result: "i32";
    };
    /** int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5); */
    readonly prctl: {
        readonly parameters: readonly ["i32", "u64", "u64", "u64", "u64"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** int prctl(int option, char *arg2, ...);  the same C function, for PR_SET_NAME / PR_GET_NAME */
    readonly prctl_buffer: {
        readonly name: "prctl";
        readonly parameters: readonly ["i32", "buffer", "u64", "u64", "u64"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** void *dlopen(const char *filename, int flags); */
    readonly dlopen: {
        readonly parameters: readonly ["pointer", "i32"];
        readonly result: "pointer";
        readonly optional: true;
    };
    /** void *dlsym(void *handle, const char *symbol); */
    readonly dlsym: {
        readonly parameters: readonly ["pointer", "pointer"];
        readonly result: "pointer";
        readonly optional: true;
    };
    /** int *__errno_location(void);  (glibc, musl) */
    readonly __errno_location: {
        readonly parameters: readonly [];
        readonly result: "pointer";
        readonly optional: true;
    };
    /** int *__error(void);  (macOS) */
    readonly __error: {
        readonly parameters: readonly [];
        readonly result: "pointer";
        readonly optional: true;
    };
    /** char *strerror(int errnum); */
    readonly strerror: {
        readonly parameters: readonly ["i32"];
        readonly result: "pointer";
    };
    /** pid_t getpid(void); */
    readonly getpid: {
        readonly parameters: readonly [];
        readonly result: "i32";
    };
    /** pid_t getppid(void); */
    readonly getppid: {
        readonly parameters: readonly [];
        readonly result: "i32";
    };
    /** int pidfd_open(pid_t pid, unsigned int flags);  (Linux >= 5.3, glibc >= 2.36; always close-on-exec) */
    readonly pidfd_open: {
        readonly parameters: readonly ["i32", "u32"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** pid_t getsid(pid_t pid); */
    readonly getsid: {
        readonly parameters: readonly ["i32"];
        readonly result: "i32";
    };
    /** pid_t setsid(void); */
    readonly setsid: {
        readonly parameters: readonly [];
        readonly result: "i32";
    };
    /** int kill(pid_t pid, int sig); */
    readonly kill: {
        readonly parameters: readonly ["i32", "i32"];
        readonly result: "i32";
    };
    /** mode_t umask(mode_t mask); */
    readonly umask: {
        readonly parameters: readonly ["u32"];
        readonly result: "u32";
    };
    /** int chdir(const char *path); */
    readonly chdir: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** long sysconf(int name); */
    readonly sysconf: {
        readonly parameters: readonly ["i32"];
        readonly result: "i64";
    };
    /** int getrlimit(int resource, struct rlimit *rlim); */
    readonly getrlimit: {
        readonly parameters: readonly ["i32", "buffer"];
        readonly result: "i32";
    };
    /** int setrlimit(int resource, const struct rlimit *rlim); */
    readonly setrlimit: {
        readonly parameters: readonly ["i32", "buffer"];
        readonly result: "i32";
    };
    /** pid_t waitpid(pid_t pid, int *wstatus, int options); */
    readonly waitpid: {
        readonly parameters: readonly ["i32", "buffer", "i32"];
        readonly result: "i32";
    };
    /** void *memcpy(void *dest, const void *src, size_t n);  (dest: a raw address) */
    readonly memcpy: {
        readonly parameters: readonly ["pointer", "buffer", "usize"];
        readonly result: "pointer";
    };
    /** int close(int fd); */
    readonly close: {
        readonly parameters: readonly ["i32"];
        readonly result: "i32";
    };
    /** int close_range(unsigned int first, unsigned int last, int flags);  (glibc >= 2.34) */
    readonly close_range: {
        readonly parameters: readonly ["u32", "u32", "i32"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** int dup2(int oldfd, int newfd); */
    readonly dup2: {
        readonly parameters: readonly ["i32", "i32"];
        readonly result: "i32";
    };
    /** int pipe2(int pipefd[2], int flags); */
    readonly pipe2: {
        readonly parameters: readonly ["buffer", "i32"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** int pipe(int pipefd[2]); */
    readonly pipe: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** ssize_t read(int fd, void *buf, size_t count); */
    readonly read: {
        readonly parameters: readonly ["i32", "buffer", "usize"];
        readonly result: "isize";
    };
    /** ssize_t write(int fd, const void *buf, size_t count); */
    readonly write: {
        readonly parameters: readonly ["i32", "buffer", "usize"];
        readonly result: "isize";
    };
    /** int fsync(int fd); */
    readonly fsync: {
        readonly parameters: readonly ["i32"];
        readonly result: "i32";
    };
    /** int ftruncate(int fd, off_t length); */
    readonly ftruncate: {
        readonly parameters: readonly ["i32", "i64"];
        readonly result: "i32";
    };
    /** int isatty(int fd); */
    readonly isatty: {
        readonly parameters: readonly ["i32"];
        readonly result: "i32";
    };
    /** int flock(int fd, int operation); */
    readonly flock: {
        readonly parameters: readonly ["i32", "i32"];
        readonly result: "i32";
    };
    /** DIR *opendir(const char *name); */
    readonly opendir: {
        readonly parameters: readonly ["buffer"];
        readonly result: "pointer";
    };
    /** struct dirent64 *readdir64(DIR *dirp);  (glibc, musl; layout in platform.layouts.dirent) */
    readonly readdir64: {
        readonly parameters: readonly ["pointer"];
        readonly result: "pointer";
        readonly optional: true;
    };
    /** int closedir(DIR *dirp); */
    readonly closedir: {
        readonly parameters: readonly ["pointer"];
        readonly result: "i32";
    };
    /** int link(const char *oldpath, const char *newpath); */
    readonly link: {
        readonly parameters: readonly ["buffer", "buffer"];
        readonly result: "i32";
    };
    /** int unlink(const char *path); */
    readonly unlink: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** uid_t getuid(void); */
    readonly getuid: {
        readonly parameters: readonly [];
        readonly result: "u32";
    };
    /** uid_t geteuid(void); */
    readonly geteuid: {
        readonly parameters: readonly [];
        readonly result: "u32";
    };
    /** gid_t getgid(void); */
    readonly getgid: {
        readonly parameters: readonly [];
        readonly result: "u32";
    };
    /** gid_t getegid(void); */
    readonly getegid: {
        readonly parameters: readonly [];
        readonly result: "u32";
    };
    /** int getresuid(uid_t *ruid, uid_t *euid, uid_t *suid);  (Linux) */
    readonly getresuid: {
        readonly parameters: readonly ["buffer", "buffer", "buffer"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** int getresgid(gid_t *rgid, gid_t *egid, gid_t *sgid);  (Linux) */
    readonly getresgid: {
        readonly parameters: readonly ["buffer", "buffer", "buffer"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** int setuid(uid_t uid);  (glibc wrapper: changes every thread) */
    readonly setuid: {
        readonly parameters: readonly ["u32"];
        readonly result: "i32";
    };
    /** int setgid(gid_t gid); */
    readonly setgid: {
        readonly parameters: readonly ["u32"];
        readonly result: "i32";
    };
    /** int seteuid(uid_t euid); */
    readonly seteuid: {
        readonly parameters: readonly ["u32"];
        readonly result: "i32";
    };
    /** int setegid(gid_t egid); */
    readonly setegid: {
        readonly parameters: readonly ["u32"];
        readonly result: "i32";
    };
    /** int getgroups(int size, gid_t list[]); */
    readonly getgroups: {
        readonly parameters: readonly ["i32", "buffer"];
        readonly result: "i32";
    };
    /** int setgroups(size_t size, const gid_t *list); */
    readonly setgroups: {
        readonly parameters: readonly ["usize", "buffer"];
        readonly result: "i32";
    };
    /** int initgroups(const char *user, gid_t group); */
    readonly initgroups: {
        readonly parameters: readonly ["buffer", "u32"];
        readonly result: "i32";
    };
    /** int getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t buflen, struct passwd **result); */
    readonly getpwnam_r: {
        readonly parameters: readonly ["buffer", "buffer", "buffer", "usize", "buffer"];
        readonly result: "i32";
    };
    /** int getpwuid_r(uid_t uid, struct passwd *pwd, char *buf, size_t buflen, struct passwd **result); */
    readonly getpwuid_r: {
        readonly parameters: readonly ["u32", "buffer", "buffer", "usize", "buffer"];
        readonly result: "i32";
    };
    /** int getgrnam_r(const char *name, struct group *grp, char *buf, size_t buflen, struct group **result); */
    readonly getgrnam_r: {
        readonly parameters: readonly ["buffer", "buffer", "buffer", "usize", "buffer"];
        readonly result: "i32";
    };
    /** int getgrgid_r(gid_t gid, struct group *grp, char *buf, size_t buflen, struct group **result); */
    readonly getgrgid_r: {
        readonly parameters: readonly ["u32", "buffer", "buffer", "usize", "buffer"];
        readonly result: "i32";
    };
    /** int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact); */
    readonly sigaction: {
        readonly parameters: readonly ["i32", "buffer", "buffer"];
        readonly result: "i32";
    };
    /** int sigemptyset(sigset_t *set); */
    readonly sigemptyset: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** int sigfillset(sigset_t *set); */
    readonly sigfillset: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** int sigprocmask(int how, const sigset_t *set, sigset_t *oldset); */
    readonly sigprocmask: {
        readonly parameters: readonly ["i32", "buffer", "buffer"];
        readonly result: "i32";
    };
    /** int setitimer(int which, const struct itimerval *new, struct itimerval *old); */
    readonly setitimer: {
        readonly parameters: readonly ["i32", "buffer", "buffer"];
        readonly result: "i32";
    };
    /** int getitimer(int which, struct itimerval *curr); */
    readonly getitimer: {
        readonly parameters: readonly ["i32", "buffer"];
        readonly result: "i32";
    };
    /** int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr, char *const argv[], char *const envp[]); */
    readonly posix_spawn: {
        readonly parameters: readonly ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"];
        readonly result: "i32";
    };
    /** int posix_spawnattr_init(posix_spawnattr_t *attr); */
    readonly posix_spawnattr_init: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** int posix_spawnattr_destroy(posix_spawnattr_t *attr); */
    readonly posix_spawnattr_destroy: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags); */
    readonly posix_spawnattr_setflags: {
        readonly parameters: readonly ["buffer", "i16"];
        readonly result: "i32";
    };
    /** int posix_spawnattr_setsigmask(posix_spawnattr_t *attr, const sigset_t *mask); */
    readonly posix_spawnattr_setsigmask: {
        readonly parameters: readonly ["buffer", "buffer"];
        readonly result: "i32";
    };
    /** int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr, const sigset_t *sigdefault); */
    readonly posix_spawnattr_setsigdefault: {
        readonly parameters: readonly ["buffer", "buffer"];
        readonly result: "i32";
    };
    /** int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa); */
    readonly posix_spawn_file_actions_init: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa); */
    readonly posix_spawn_file_actions_destroy: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path, int oflag, mode_t mode); */
    readonly posix_spawn_file_actions_addopen: {
        readonly parameters: readonly ["buffer", "i32", "buffer", "i32", "u32"];
        readonly result: "i32";
    };
    /** int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd); */
    readonly posix_spawn_file_actions_adddup2: {
        readonly parameters: readonly ["buffer", "i32", "i32"];
        readonly result: "i32";
    };
    /** int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd); */
    readonly posix_spawn_file_actions_addclose: {
        readonly parameters: readonly ["buffer", "i32"];
        readonly result: "i32";
    };
    /** int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa, int from);  (glibc >= 2.34) */
    readonly posix_spawn_file_actions_addclosefrom_np: {
        readonly parameters: readonly ["buffer", "i32"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** int poll(struct pollfd *fds, nfds_t nfds, int timeout);  off the main thread: a promise (Deno; null in Bun) */
    readonly poll_async: {
        readonly name: "poll";
        readonly parameters: readonly ["buffer", "u64", "i32"];
        readonly result: "i32";
        readonly optional: true;
        readonly nonblocking: true;
    };
    /** int poll(struct pollfd *fds, nfds_t nfds, int timeout); */
    readonly poll: {
        readonly parameters: readonly ["buffer", "u64", "i32"];
        readonly result: "i32";
    };
    /** char *getenv(const char *name); */
    readonly getenv: {
        readonly parameters: readonly ["buffer"];
        readonly result: "pointer";
    };
    /** int unsetenv(const char *name); */
    readonly unsetenv: {
        readonly parameters: readonly ["buffer"];
        readonly result: "i32";
    };
    /** off_t lseek(int fd, off_t offset, int whence); */
    readonly lseek: {
        readonly parameters: readonly ["i32", "i64", "i32"];
        readonly result: "i64";
    };
    /** int socket(int domain, int type, int protocol); */
    readonly socket: {
        readonly parameters: readonly ["i32", "i32", "i32"];
        readonly result: "i32";
    };
    /** ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t addrlen); */
    readonly sendto: {
        readonly parameters: readonly ["i32", "buffer", "usize", "i32", "buffer", "u32"];
        readonly result: "isize";
    };
    /** int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags); */
    readonly linkat: {
        readonly parameters: readonly ["i32", "buffer", "i32", "buffer", "i32"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** int fstat(int fd, struct stat *st);  (glibc >= 2.33 exports it; see platform.layouts.stat) */
    readonly fstat: {
        readonly parameters: readonly ["i32", "buffer"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** int stat(const char *path, struct stat *st);  (glibc >= 2.33 exports it) */
    readonly stat: {
        readonly parameters: readonly ["buffer", "buffer"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** int lstat(const char *path, struct stat *st);  (glibc >= 2.33 exports it) */
    readonly lstat: {
        readonly parameters: readonly ["buffer", "buffer"];
        readonly result: "i32";
        readonly optional: true;
    };
    /** ssize_t getrandom(void *buf, size_t buflen, unsigned int flags);  (glibc >= 2.25; not macOS) */
    readonly getrandom: {
        readonly parameters: readonly ["buffer", "usize", "u32"];
        readonly result: "isize";
        readonly optional: true;
    };
    /** char *getcwd(char *buf, size_t size);  (no read permission needed, unlike Deno.cwd) */
    readonly getcwd: {
        readonly parameters: readonly ["buffer", "usize"];
        readonly result: "pointer";
    };
};
/** Names of every symbol in {@linkcode SYMBOLS}. */
export type SymbolName = keyof typeof SYMBOLS;
