/**
 * The set-up that `run` does in its own process and `start` in its daemon
 * before the program replaces posixly (`execve`): the checks that can fail
 * first, then logfile, pidfile lock, user and groups, working directory,
 * umask, environment; the program keeps the pid, so the pidfile's lock,
 * passed on through its descriptor, is held by the program itself.
 *
 * @module
 */
import { check, cstr, libc, OSError, osError, platform } from "../ffi/mod.ts";
import { execve, prepareForExec } from "../platforms/exec.ts";
import { absolutePath, chdir, currentEnvironment, parentDir } from "../platforms/host.ts";
import { fdIdentity, type Identity, namesFile } from "../platforms/file_identity.ts";
import { LockFailed, Pidfile } from "../platforms/pidfile.ts";
import { maybeDropPrivileges, SecurityError } from "../platforms/privileges.ts";
import { LookupError, lookupUser, parseGid, parseUid, type UserInfo } from "../platforms/users.ts";
import type { SetUpOptions } from "./args.ts";
import { plantedFile } from "../platforms/daemon_logfile.ts";
import { asUser, denied } from "./as_user.ts";
import { CliError, EXIT, quote } from "./errors.ts";
import { checkProgramName, findProgram, programArgv } from "./program.ts";
import { describeLeftovers, findTarget, stopCommand } from "./target.ts";

/** The set-up, checked: absolute paths, the program found. */
export interface Plan {
  readonly pidfile: string | null;
  readonly logfile: string | null;
  readonly user: string | null;
  /** The uid the program runs as: `--user`'s, else posixly's own (effective) uid. */
  readonly uid: number;
  readonly group: string | null;
  /** `--chdir`'s directory; null: the program stays in posixly's current directory. */
  readonly chdir: string | null;
  readonly umask: number;
  /** The program's absolute path. */
  readonly program: string;
  /** Its argv: PROGRAM as given, then its arguments, as bytes (see `programArgv()`). */
  readonly args: readonly Uint8Array[];
  /**
   * What the program's environment changes from posixly's, in order: with
   * `--user`, the user's HOME, USER, LOGNAME and SHELL; then the `--env` entries.
   */
  readonly envChanges: readonly (readonly [string, string])[];
  /** The program's whole environment: posixly's with {@linkcode Plan.envChanges}. */
  readonly env: Readonly<Record<string, string>>;
  /** The logfile and where it ended before the program started (for showing its new lines). */
  readonly logStart: LogStart | null;
}

/** Which file the logfile was, and its size, before the program started. */
export interface LogStart {
  readonly size: number;
  readonly identity: Identity;
}

/**
 * The umask the pidfile is made with, whatever `--umask` says: mode 0644, so
 * that other users (a monitor, the program's own user) can read it for
 * `status`, `stop` and `signal`, as they read start-stop-daemon's.
 */
const PIDFILE_UMASK = 0o022;

/** The errnos for which `execve` means "not found or not executable" (status 5). */
const NOT_INSTALLED = new Set(["ENOENT", "EACCES", "ENOEXEC", "ENOTDIR", "ELOOP", "EISDIR"]);

/**
 * An environment with `entries` applied in order (a later entry of a name wins).
 *
 * @param entries NAME, VALUE pairs (see {@linkcode Plan.envChanges})
 * @param base the environment they change (default: this process's)
 */
export function programEnvironment(
  entries: readonly (readonly [string, string])[],
  base: Record<string, string> = currentEnvironment(),
): Record<string, string> {
  const env = { ...base };
  for (const [name, value] of entries) env[name] = value;
  return env;
}

/**
 * What `--user` sets in the program's environment, from the user's entry, as
 * systemd's `User=` does (and login(1)): not root's HOME for another user.
 */
function userEnvironment(user: UserInfo): [string, string][] {
  return [["HOME", user.home], ["USER", user.name], ["LOGNAME", user.name], ["SHELL", user.shell]];
}

/**
 * `--user`'s or `--group`'s value resolved by `resolve`: a malformed value
 * (`-1`, `0x10`, `1e3`) is bad usage (status 2), naming the option at fault;
 * a well-formed name or id that the database lacks fails with status 1.
 */
function resolveId<T>(option: "user" | "group", value: string, resolve: () => T): T {
  try {
    return resolve();
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) {
      throw new CliError(`--${option}: ${e.message}`, EXIT.usage);
    }
    if (!(e instanceof LookupError)) throw e;
    // The value once: the library's messages name it (quoted and cut their own way).
    throw new CliError(
      option === "group"
        ? `--group ${quote(value)}: no such group`
        : `--user ${quote(value)}: no such user (--user needs an entry in the user ` +
          "database, even as a uid: the user's groups and HOME come from it)",
    );
  }
}

/** The ids the program runs as: its uid, `--user`'s entry, and the gid when it changes. */
interface Ids {
  readonly uid: number;
  readonly user: UserInfo | null;
  readonly gid: number | null;
}

/**
 * Resolves the user and group, and refuses to change ids without root
 * (status 4).
 */
function checkIds(o: SetUpOptions): Ids {
  const user = o.user === null
    ? null
    : resolveId("user", o.user, () => lookupUser(parseUid(o.user!)));
  const gid = o.group === null
    ? user?.gid ?? null
    : resolveId("group", o.group, () => parseGid(o.group!));
  const euid = libc.geteuid();
  const uid = user?.uid ?? euid;
  if (euid === 0) return { uid, user, gid };
  if (uid !== euid || (gid !== null && gid !== libc.getegid())) {
    const asked = [o.user && `--user ${quote(o.user)}`, o.group && `--group ${quote(o.group)}`]
      .filter(Boolean).join(" ");
    throw new CliError(
      `${asked} needs root privileges (posixly runs as uid ${euid})`,
      EXIT.privilege,
    );
  }
  return { uid, user, gid };
}

/** Fails unless `dir` is a directory this process can open. */
function checkDirectory(dir: string): void {
  const c = platform.constants;
  const fd = libc.open(cstr(dir), c.O_RDONLY | c.O_DIRECTORY | c.O_CLOEXEC, 0);
  if (fd === -1) {
    throw new CliError(
      `--chdir ${quote(dir)}: ${osError("open", { path: dir }).message}`,
    );
  }
  libc.close(fd);
}

/**
 * The program's path, found as {@linkcode findProgram} does; when root
 * starts it as another user, found as that user, who must also be able to
 * enter `--chdir`'s directory (as the set-up does after the privilege drop,
 * like systemd's `WorkingDirectory=`). So what the user may not do fails
 * here, before anything is taken, and not after the drop, when the pidfile
 * could no longer be removed.
 */
function checkAsProgramUser(o: SetUpOptions, ids: Ids, dir: string | null, path?: string): string {
  const { user } = ids;
  if (user === null || user.uid === 0 || libc.geteuid() !== 0) {
    return findProgram(o.command[0], path);
  }
  const who = `--user ${quote(o.user!)}`;
  return asUser(user.uid, ids.gid ?? user.gid, () => {
    const X_OK = 1; // the same in every C library
    const refused = dir === null ? null : denied(dir, X_OK);
    if (refused !== null) {
      throw new CliError(`--chdir ${quote(dir!)}: ${who} cannot enter it: ${refused.message}`);
    }
    return findProgram(o.command[0], path, who);
  });
}

/** Fails unless a pidfile can be created at `path` (its directory exists and is writable). */
function checkPidfileDirectory(path: string): void {
  const W_OK_X_OK = 3; // the same in every C library
  const dir = parentDir(path);
  if (libc.access(cstr(dir), W_OK_X_OK) === -1) {
    const e = osError("access", { path: dir });
    throw new CliError(`--pidfile ${quote(path)}: cannot create it: ${e.message}`);
  }
}

/**
 * How the logfile is opened: for appending, created if need be, and never
 * through a symbolic link (posixly often runs as root: a link that another
 * user planted would have it append to any file).
 */
export function logfileFlags(): number {
  const c = platform.constants;
  return c.O_WRONLY | c.O_APPEND | c.O_CREAT | c.O_NOCTTY | c.O_NOFOLLOW;
}

/** `st_mode`'s type of a character device (the same on Linux and macOS). */
const S_IFCHR = 0o020000;

/** Why a FIFO, a socket or a block device is refused as the logfile. */
const NOT_A_LOGFILE = "must be a regular file or a character device (such as /dev/null)";

/**
 * Opens the logfile (created with `umask`): a regular file or a character
 * device (such as /dev/null), never a FIFO, whose open would wait for a
 * reader and whose reader the check's own open and close would end. Returns
 * its descriptor, blocking (as a program's output is), and what it is.
 */
export function openLogfile(path: string, umask: number): { fd: number; identity: Identity } {
  const c = platform.constants;
  const old = libc.umask(umask);
  const fd = libc.open(cstr(path), logfileFlags() | c.O_CLOEXEC | c.O_NONBLOCK, 0o666);
  const failure = fd === -1 ? osError("open", { path }) : null;
  libc.umask(old);
  if (failure) {
    const why = failure.code === "ELOOP"
      ? "is a symbolic link; give the file's own path"
      : failure.code === "ENXIO" // a FIFO nobody reads; one with a reader is refused below
      ? NOT_A_LOGFILE
      : failure.message;
    throw new CliError(`--logfile ${quote(path)}: ${why}`);
  }
  try {
    const identity: Identity = new Uint32Array(4);
    const kind = fdIdentity(fd, identity) & c.S_IFMT;
    if (kind !== c.S_IFREG && kind !== S_IFCHR) {
      throw new CliError(`--logfile ${quote(path)}: ${NOT_A_LOGFILE}`);
    }
    const planted = kind === c.S_IFREG ? plantedFile(path, fd) : null;
    if (planted !== null) throw new CliError(`--logfile ${quote(path)} ${planted}`);
    const flags = check(libc.fcntl(fd, c.F_GETFL, 0), "fcntl");
    check(libc.fcntl(fd, c.F_SETFL, flags & ~c.O_NONBLOCK), "fcntl");
    return { fd, identity };
  } catch (e) {
    libc.close(fd);
    throw e;
  }
}

/** The logfile's size and identity now, checking that it opens for appending. */
function logStartOf(path: string, umask: number): LogStart {
  const { fd, identity } = openLogfile(path, umask);
  const SEEK_END = 2;
  const size = Number(libc.lseek(fd, 0, SEEK_END));
  libc.close(fd);
  return { size: Math.max(0, size), identity };
}

/**
 * Checks everything that can fail before anything starts: that PROGRAM
 * is UTF-8 (bad usage, as for the paths of options), the user and
 * group (and the privilege to take them), the working directory, the
 * program (the last two as `--user`, see {@linkcode checkAsProgramUser}),
 * the logfile, the pidfile's directory. Whether a live process
 * holds the pidfile is the caller's to check (`start` then says "already
 * running" and succeeds, `run` fails).
 *
 * @param o the parsed options
 * @param baseEnv posixly's environment, which the program's is made from
 * (see {@linkcode Plan.envChanges})
 * @returns the plan, with absolute paths
 * @throws {CliError} with the status to exit with
 */
export function checkSetUp(o: SetUpOptions, baseEnv: Record<string, string>): Plan {
  const args = programArgv(o.command);
  checkProgramName(o.command[0], args[0]);
  const ids = checkIds(o);
  const { uid, user } = ids;
  const envChanges = [...(user === null ? [] : userEnvironment(user)), ...o.env];
  const env = programEnvironment(envChanges, baseEnv);
  const dir = o.chdir === null ? null : absolutePath(o.chdir);
  if (dir !== null) checkDirectory(dir);
  const program = checkAsProgramUser(o, ids, dir, env.PATH);
  const logfile = o.logfile === null ? null : absolutePath(o.logfile);
  const pidfile = o.pidfile === null ? null : absolutePath(o.pidfile);
  if (pidfile !== null) checkPidfileDirectory(pidfile);
  if (logfile !== null && logfile === pidfile) throw logfileIsPidfile(logfile);
  const logStart = logfile === null ? null : logStartOf(logfile, o.umask);
  // The same file by another name (a hard link, a linked directory).
  if (logStart !== null && pidfile !== null && namesFile(pidfile, logStart.identity)) {
    throw logfileIsPidfile(logfile!);
  }
  return {
    pidfile,
    logfile,
    user: o.user,
    uid,
    group: o.group,
    chdir: dir,
    umask: o.umask,
    program,
    args,
    envChanges,
    env,
    logStart,
  };
}

/**
 * A logfile that is the pidfile: the pidfile's lock puts its own file in
 * that place, and the program's output would go to the one it replaced,
 * which no directory names any more.
 */
function logfileIsPidfile(logfile: string): CliError {
  return new CliError(
    `--logfile ${quote(logfile)} is the pidfile: the pidfile would take its place, and the ` +
      "program's output would be lost",
    EXIT.usage,
  );
}

/** The message for a pidfile that a live process holds. */
function alreadyRunning(pidfile: string, pid: number | null): string {
  return `already running (pid ${pid ?? "unknown"}, pidfile ${quote(pidfile)})`;
}

/**
 * The pidfile is held by a live process: `run` fails with it (status 1),
 * while `start` says so and exits 0.
 */
export class AlreadyRunning extends CliError {
  /** The holder's pid, when known. */
  readonly pid: number | null;

  /**
   * Makes the error.
   *
   * @param pidfile the pidfile's path
   * @param pid the holder's pid
   */
  constructor(pidfile: string, pid: number | null) {
    super(alreadyRunning(pidfile, pid), EXIT.failed);
    this.name = "AlreadyRunning";
    this.pid = pid;
  }
}

/**
 * Fails unless a program may be started on the pidfile at `path`: with
 * {@linkcode AlreadyRunning} when a live program holds it, with a
 * {@linkcode CliError} when what an ended program started still holds it,
 * when it is not a pidfile, or when its pid cannot be told apart from a
 * reused one (the file is then left alone).
 *
 * @param path the pidfile's absolute path
 */
export function checkPidfileFree(path: string): void {
  const target = findTarget(path);
  if (target.state === "running") throw new AlreadyRunning(path, target.pid);
  if (target.state === "leftovers") {
    throw new CliError(
      `--pidfile ${quote(path)}: ${describeLeftovers(target, "it")}; ` +
        `stop that first: ${stopCommand(path)}`,
    );
  }
  if (target.state === "unusable") throw new CliError(target.message);
  if (target.state === "unknown") {
    throw new CliError(`--pidfile ${quote(path)}: cannot tell: ${target.why}`);
  }
}

/**
 * Takes the pidfile lock for this process (which becomes the program). Its
 * caller checked already that the pidfile is free ({@linkcode checkPidfileFree}:
 * `run` right before, `start`'s launcher before it sent its step); a process
 * that took the lock since makes the acquire fail.
 */
function takePidfile(path: string): Pidfile {
  try {
    // Read-only: PROGRAM inherits this descriptor, and must not be able to rewrite the
    // file through it to name another process for stop and signal.
    return new Pidfile(path, { lockDescriptor: "read-only" }).acquire();
  } catch (e) {
    if (!(e instanceof LockFailed)) throw e;
    if (e.pid !== null) throw new AlreadyRunning(path, e.pid);
    throw new CliError(`--pidfile ${quote(path)}: ${e.message}`);
  }
}

/** How {@linkcode execPlan} sets up output and what it passes on. */
export interface ExecOptions {
  /** Send stdout and stderr to the logfile here (`run`); `start`'s spawn did it already. */
  readonly redirectOutput: boolean;
  /** Descriptors the program inherits besides 0-2 and the pidfile lock. */
  readonly keepFds: readonly number[];
  /** Called right before `execve` (the daemon tells its launcher). */
  readonly beforeExec?: () => void;
}

/**
 * Sets this process up as planned and replaces it with the program. Returns
 * only by throwing a {@linkcode CliError} (the pidfile released again).
 *
 * @param plan from {@linkcode checkSetUp} (where the logfile ended is not
 *   needed), its pidfile found free by {@linkcode checkPidfileFree}
 * @param options output, inherited descriptors, a last hook
 */
export function execPlan(
  plan: Omit<Plan, "logStart" | "uid" | "envChanges">,
  options: ExecOptions,
): never {
  libc.umask(PIDFILE_UMASK); // --umask is the program's: set right before the execve
  // Opened now (with posixly's privileges), put in place last: until then the
  // errors go where the caller sees them.
  const log = options.redirectOutput && plan.logfile !== null
    ? openLogfile(plan.logfile, plan.umask).fd
    : -1;
  let lock: Pidfile | null = null;
  try {
    lock = plan.pidfile === null ? null : takePidfile(plan.pidfile);
    try {
      maybeDropPrivileges({ uid: plan.user, gid: plan.group });
    } catch (e) {
      if (e instanceof SecurityError || e instanceof OSError) {
        const status = e instanceof OSError && e.code === "EPERM" ? EXIT.privilege : EXIT.failed;
        throw new CliError(`cannot change to the user or group: ${e.message}`, status);
      }
      throw e;
    }
    // Entered as the user, as systemd's WorkingDirectory= is: a directory that the
    // user may not enter fails here, not in the program.
    if (plan.chdir !== null) chdir(plan.chdir);
    if (log !== -1) {
      libc.dup2(log, 1);
      libc.dup2(log, 2);
    }
    prepareForExec(lock ? [...options.keepFds, lock.fd] : options.keepFds);
    libc.umask(plan.umask);
    options.beforeExec?.();
    execve(plan.program, plan.args, plan.env);
  } catch (e) {
    lock?.release();
    if (log !== -1) libc.close(log);
    if (e instanceof CliError) throw e;
    if (e instanceof OSError && e.syscall === "execve") {
      const status = NOT_INSTALLED.has(e.code) ? EXIT.notInstalled : EXIT.failed;
      throw new CliError(`cannot run program ${quote(plan.program)}: ${e.message}`, status);
    }
    if (e instanceof OSError && e.syscall === "chdir") {
      const who = plan.user === null ? "" : `--user ${quote(plan.user)} cannot enter it: `;
      throw new CliError(`--chdir ${quote(plan.chdir!)}: ${who}${e.message}`);
    }
    throw e;
  }
}
