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
 * Each backend (backend_*.ts) maps these to its runtime's names and values.
 * Symbols are bound one at a time on first use (see libc.ts).
 *
 * @module
 */

/** Runtime-neutral FFI value types. */
export type NativeType =
  | "i16"
  | "i32"
  | "u32"
  | "i64"
  | "u64"
  | "isize"
  | "usize"
  | "buffer"
  | "pointer"
  | "void";

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
 * block. posixly does not handle Apple arm64's convention for them yet
 * (docs/platforms.md: macOS has never been run).
 */
export const SYMBOLS = {
  // ---- variadic (see the note above) ----
  /** int open(const char *path, int flags, ... mode_t mode); */
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  /** int fcntl(int fd, int cmd, ... long arg); */
  fcntl: { parameters: ["i32", "i32", "i64"], result: "i32" },
  /** int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5); */
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32", optional: true },
  /** int prctl(int option, char *arg2, ...);  the same C function, for PR_SET_NAME / PR_GET_NAME */
  prctl_buffer: {
    name: "prctl",
    parameters: ["i32", "buffer", "u64", "u64", "u64"],
    result: "i32",
    optional: true,
  },
  // ---- errno ----
  /** int *__errno_location(void);  (glibc, musl) */
  __errno_location: { parameters: [], result: "pointer", optional: true },
  /** int *__error(void);  (macOS) */
  __error: { parameters: [], result: "pointer", optional: true },
  /** char *strerror(int errnum); */
  strerror: { parameters: ["i32"], result: "pointer" },

  // ---- process ----
  /** pid_t getpid(void); */
  getpid: { parameters: [], result: "i32" },
  /** pid_t getppid(void); */
  getppid: { parameters: [], result: "i32" },
  /** pid_t getpgid(pid_t pid); */
  getpgid: { parameters: ["i32"], result: "i32" },
  /** int pidfd_open(pid_t pid, unsigned int flags);  (Linux >= 5.3, glibc >= 2.36; always close-on-exec) */
  pidfd_open: { parameters: ["i32", "u32"], result: "i32", optional: true },
  /** int pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags);  (Linux >= 5.1, glibc >= 2.36) */
  pidfd_send_signal: {
    parameters: ["i32", "i32", "pointer", "u32"],
    result: "i32",
    optional: true,
  },
  /** pid_t getsid(pid_t pid); */
  getsid: { parameters: ["i32"], result: "i32" },
  /** pid_t setsid(void); */
  setsid: { parameters: [], result: "i32" },
  /** int kill(pid_t pid, int sig); */
  kill: { parameters: ["i32", "i32"], result: "i32" },
  /** mode_t umask(mode_t mask); */
  umask: { parameters: ["u32"], result: "u32" },
  /** int chdir(const char *path); */
  chdir: { parameters: ["buffer"], result: "i32" },
  /** long sysconf(int name); */
  sysconf: { parameters: ["i32"], result: "i64" },
  /** int getrlimit(int resource, struct rlimit *rlim); */
  getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  /** int setrlimit(int resource, const struct rlimit *rlim); */
  setrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  /** int execve(const char *path, char *const argv[], char *const envp[]);  (returns only on failure) */
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  /** int access(const char *path, int mode); */
  access: { parameters: ["buffer", "i32"], result: "i32" },
  /** int faccessat(int dirfd, const char *path, int mode, int flags); */
  faccessat: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32" },
  /** pid_t waitpid(pid_t pid, int *wstatus, int options); */
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  /** void *memcpy(void *dest, const void *src, size_t n);  (dest: a raw address) */
  memcpy: { parameters: ["pointer", "buffer", "usize"], result: "pointer" },

  // ---- file descriptors ----
  /** int close(int fd); */
  close: { parameters: ["i32"], result: "i32" },
  /** int close_range(unsigned int first, unsigned int last, int flags);  (glibc >= 2.34) */
  close_range: { parameters: ["u32", "u32", "i32"], result: "i32", optional: true },
  /** int dup2(int oldfd, int newfd); */
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  /** int pipe2(int pipefd[2], int flags); */
  pipe2: { parameters: ["buffer", "i32"], result: "i32", optional: true },
  /** int pipe(int pipefd[2]); */
  pipe: { parameters: ["buffer"], result: "i32" },
  /** ssize_t read(int fd, void *buf, size_t count); */
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** ssize_t write(int fd, const void *buf, size_t count); */
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** int fsync(int fd); */
  fsync: { parameters: ["i32"], result: "i32" },
  /** int ftruncate(int fd, off_t length); */
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  /** int isatty(int fd); */
  isatty: { parameters: ["i32"], result: "i32" },
  /** int flock(int fd, int operation); */
  flock: { parameters: ["i32", "i32"], result: "i32" },
  /** DIR *opendir(const char *name); */
  opendir: { parameters: ["buffer"], result: "pointer" },
  /** struct dirent64 *readdir64(DIR *dirp);  (glibc, musl; layout in platform.layouts.dirent) */
  readdir64: { parameters: ["pointer"], result: "pointer", optional: true },
  /** int closedir(DIR *dirp); */
  closedir: { parameters: ["pointer"], result: "i32" },
  /** int link(const char *oldpath, const char *newpath); */
  link: { parameters: ["buffer", "buffer"], result: "i32" },
  /** int unlink(const char *path); */
  unlink: { parameters: ["buffer"], result: "i32" },

  // ---- users and groups ----
  /** uid_t getuid(void); */
  getuid: { parameters: [], result: "u32" },
  /** uid_t geteuid(void); */
  geteuid: { parameters: [], result: "u32" },
  /** gid_t getgid(void); */
  getgid: { parameters: [], result: "u32" },
  /** gid_t getegid(void); */
  getegid: { parameters: [], result: "u32" },
  /** int getresuid(uid_t *ruid, uid_t *euid, uid_t *suid);  (Linux) */
  getresuid: { parameters: ["buffer", "buffer", "buffer"], result: "i32", optional: true },
  /** int getresgid(gid_t *rgid, gid_t *egid, gid_t *sgid);  (Linux) */
  getresgid: { parameters: ["buffer", "buffer", "buffer"], result: "i32", optional: true },
  /** int setuid(uid_t uid);  (glibc wrapper: changes every thread) */
  setuid: { parameters: ["u32"], result: "i32" },
  /** int setgid(gid_t gid); */
  setgid: { parameters: ["u32"], result: "i32" },
  /** int seteuid(uid_t euid); */
  seteuid: { parameters: ["u32"], result: "i32" },
  /** int setegid(gid_t egid); */
  setegid: { parameters: ["u32"], result: "i32" },
  /** int getgroups(int size, gid_t list[]); */
  getgroups: { parameters: ["i32", "buffer"], result: "i32" },
  /** int setgroups(size_t size, const gid_t *list); */
  setgroups: { parameters: ["usize", "buffer"], result: "i32" },
  /** int initgroups(const char *user, gid_t group); */
  initgroups: { parameters: ["buffer", "u32"], result: "i32" },
  /** int getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t buflen, struct passwd **result); */
  getpwnam_r: { parameters: ["buffer", "buffer", "buffer", "usize", "buffer"], result: "i32" },
  /** int getpwuid_r(uid_t uid, struct passwd *pwd, char *buf, size_t buflen, struct passwd **result); */
  getpwuid_r: { parameters: ["u32", "buffer", "buffer", "usize", "buffer"], result: "i32" },
  /** int getgrnam_r(const char *name, struct group *grp, char *buf, size_t buflen, struct group **result); */
  getgrnam_r: { parameters: ["buffer", "buffer", "buffer", "usize", "buffer"], result: "i32" },
  /** int getgrgid_r(gid_t gid, struct group *grp, char *buf, size_t buflen, struct group **result); */
  getgrgid_r: { parameters: ["u32", "buffer", "buffer", "usize", "buffer"], result: "i32" },

  // ---- signals and timers ----
  /** int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact); */
  sigaction: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** int sigemptyset(sigset_t *set); */
  sigemptyset: { parameters: ["buffer"], result: "i32" },
  /** int sigfillset(sigset_t *set); */
  sigfillset: { parameters: ["buffer"], result: "i32" },
  /** int __libc_current_sigrtmin(void);  (glibc, musl: SIGRTMIN, after the signals the C library keeps for itself) */
  __libc_current_sigrtmin: { parameters: [], result: "i32", optional: true },
  /** int __libc_current_sigrtmax(void);  (glibc, musl: SIGRTMAX) */
  __libc_current_sigrtmax: { parameters: [], result: "i32", optional: true },
  /** int sigprocmask(int how, const sigset_t *set, sigset_t *oldset); */
  sigprocmask: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** int setitimer(int which, const struct itimerval *new, struct itimerval *old); */
  setitimer: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** int getitimer(int which, struct itimerval *curr); */
  getitimer: { parameters: ["i32", "buffer"], result: "i32" },

  // ---- spawning ----
  /** int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr, char *const argv[], char *const envp[]); */
  posix_spawn: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  /** int posix_spawnattr_init(posix_spawnattr_t *attr); */
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawnattr_destroy(posix_spawnattr_t *attr); */
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags); */
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  /** int posix_spawnattr_setsigmask(posix_spawnattr_t *attr, const sigset_t *mask); */
  posix_spawnattr_setsigmask: { parameters: ["buffer", "buffer"], result: "i32" },
  /** int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr, const sigset_t *sigdefault); */
  posix_spawnattr_setsigdefault: { parameters: ["buffer", "buffer"], result: "i32" },
  /** int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa); */
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa); */
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  /** int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path, int oflag, mode_t mode); */
  posix_spawn_file_actions_addopen: {
    parameters: ["buffer", "i32", "buffer", "i32", "u32"],
    result: "i32",
  },
  /** int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd); */
  posix_spawn_file_actions_adddup2: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  /** int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd); */
  posix_spawn_file_actions_addclose: { parameters: ["buffer", "i32"], result: "i32" },
  /** int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa, int from);  (glibc >= 2.34) */
  posix_spawn_file_actions_addclosefrom_np: {
    parameters: ["buffer", "i32"],
    result: "i32",
    optional: true,
  },

  // ---- daemon (platforms/daemon.ts) ----
  /** int poll(struct pollfd *fds, nfds_t nfds, int timeout);  off the main thread: a promise (Deno; null in Bun) */
  poll_async: {
    name: "poll",
    parameters: ["buffer", "u64", "i32"],
    result: "i32",
    optional: true,
    nonblocking: true,
  },
  /** int poll(struct pollfd *fds, nfds_t nfds, int timeout); */
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  /** char *getenv(const char *name); */
  getenv: { parameters: ["buffer"], result: "pointer" },
  /** int unsetenv(const char *name); */
  unsetenv: { parameters: ["buffer"], result: "i32" },
  /** off_t lseek(int fd, off_t offset, int whence); */
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },

  // ---- sockets (systemd notify, start --ready notify) ----
  /** int socket(int domain, int type, int protocol); */
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  /** int bind(int fd, const struct sockaddr *addr, socklen_t addrlen); */
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  /** ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t addrlen); */
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  /** int setsockopt(int fd, int level, int name, const void *value, socklen_t length); */
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  /** ssize_t recvmsg(int fd, struct msghdr *msg, int flags);  (layouts in platform.layouts.msghdr) */
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  /** ssize_t sendmsg(int fd, const struct msghdr *msg, int flags); */
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  /** int socketpair(int domain, int type, int protocol, int sv[2]); */
  socketpair: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },

  // ---- pidfiles ----
  /** int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags); */
  linkat: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "i32", optional: true },
  /** int fstat(int fd, struct stat *st);  (glibc >= 2.33 exports it; see platform.layouts.stat) */
  fstat: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  /** int stat(const char *path, struct stat *st);  (glibc >= 2.33 exports it) */
  stat: { parameters: ["buffer", "buffer"], result: "i32", optional: true },
  /** int lstat(const char *path, struct stat *st);  (glibc >= 2.33 exports it) */
  lstat: { parameters: ["buffer", "buffer"], result: "i32", optional: true },
  /** char *getcwd(char *buf, size_t size);  (no read permission needed, unlike Deno.cwd) */
  getcwd: { parameters: ["buffer", "usize"], result: "pointer" },
} as const satisfies Record<string, SymbolSpec>;

/** Names of every symbol in {@linkcode SYMBOLS}. */
export type SymbolName = keyof typeof SYMBOLS;
