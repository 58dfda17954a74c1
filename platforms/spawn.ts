/**
 * A typed `posix_spawn(3)`: start a program with file actions (open, dup2,
 * close, close-from), a new session, default signal dispositions and a signal
 * mask, without forking the runtime (fork() kills Deno and Bun children).
 *
 * @module
 */
import { checkReturnedErrno, libc, platform, quoteForMessage } from "../ffi/mod.ts";
import { argvStrings, cString, envStrings, stringTable } from "./c_strings.ts";
import { currentEnvironment } from "./host.ts";
import { quote } from "./quote.ts";
import { openFds } from "./fds.ts";
import { rejectUnknownOptions } from "./options.ts";

const SPAWN_OPTIONS: readonly string[] = [
  "args",
  "env",
  "fileActions",
  "setsid",
  "defaultSignals",
  "signalMask",
];

/**
 * One file action, run in the child in order, between fork and exec.
 *
 * @example stdin from /dev/null, stderr onto stdout, nothing else inherited
 * ```ts
 * import type { SpawnFileAction } from "@posixly/posixly/platforms";
 * const actions: SpawnFileAction[] = [
 *   { open: 0, path: "/dev/null", flags: 0 },
 *   { dup2: [1, 2] },
 *   { closeFrom: 3 },
 * ];
 * console.log(actions.length);
 * ```
 */
export type SpawnFileAction =
  /** Open `path` on `fd` (`flags` are O_* constants; `mode` for O_CREAT, default 0o666). */
  | { readonly open: number; readonly path: string; readonly flags: number; readonly mode?: number }
  /** Duplicate `dup2[0]` onto `dup2[1]` (the copy is not close-on-exec, even for the same fd). */
  | { readonly dup2: readonly [number, number] }
  /** Close one fd (an fd that is not open is ignored). */
  | { readonly close: number }
  /** Close every fd from `closeFrom` up. */
  | { readonly closeFrom: number };

/**
 * Options for {@linkcode posixSpawn}.
 *
 * @example A session leader with default signal actions
 * ```ts
 * import type { PosixSpawnOptions } from "@posixly/posixly/platforms";
 * const options: PosixSpawnOptions = {
 *   args: ["sleep", "1"],
 *   setsid: true,
 *   defaultSignals: true,
 *   signalMask: [],
 * };
 * console.log(options.setsid);
 * ```
 */
export interface PosixSpawnOptions {
  /**
   * argv, including argv[0]; default `[path]`. An entry may be bytes, passed
   * as they are (an argument that is not UTF-8, as the kernel gave it).
   */
  readonly args?: readonly (string | Uint8Array)[];
  /**
   * The environment; default: this process's (in Deno without --allow-env, the
   * one the process started with, read through the C library).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** File actions, run in order in the child. */
  readonly fileActions?: readonly SpawnFileAction[];
  /** Make the child a session leader (`POSIX_SPAWN_SETSID`); true or false only. */
  readonly setsid?: boolean;
  /**
   * Signals reset to their default action in the child
   * (`POSIX_SPAWN_SETSIGDEF`): `true` for all, or a list of numbers.
   */
  readonly defaultSignals?: boolean | readonly number[];
  /** The child's blocked-signal mask (`POSIX_SPAWN_SETSIGMASK`); `[]` unblocks all. */
  readonly signalMask?: readonly number[];
}

/**
 * `fd` once checked to be an fd number; -0 comes back as 0 (the FFI of Deno
 * and Node refuses -0 as an integer argument).
 */
function checkedFd(fd: unknown, what: string): number {
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0 || fd > 0x7fffffff) {
    throw new TypeError(`${what} must be a non-negative integer fd, got ${quote(fd)}`);
  }
  return fd === 0 ? 0 : fd; // -0 === 0: this turns -0 into 0
}

function sigset(signals: boolean | readonly number[]): Uint8Array {
  const set = new Uint8Array(platform.layouts.sigsetSize);
  libc.sigemptyset(set);
  if (signals === false) return set;
  // Signals 1-64 (1-31 on macOS). Not sigfillset(): glibc leaves out its
  // internal signals 32 and 33, which its posix_spawn then sets to SIG_IGN in
  // the child, and an ignored signal stays ignored across exec.
  const max = Math.min(64, platform.layouts.sigsetSize * 8 - 1);
  const all: number[] = [];
  if (signals === true) { for (let sig = 1; sig <= max; sig++) all.push(sig); }
  for (const sig of signals === true ? all : signals) {
    if (!Number.isInteger(sig) || sig < 1 || sig > platform.layouts.sigsetSize * 8) {
      throw new RangeError(`not a signal number: ${String(sig).slice(0, 64)}`);
    }
    // sigaddset is a macro in some libcs: set the bit ourselves (bit sig-1, little-endian words).
    const bit = sig - 1;
    set[bit >> 3] |= 1 << (bit & 7);
  }
  return set;
}

/**
 * True when this C library can close a range of fds in a spawned child
 * (`posix_spawn_file_actions_addclosefrom_np`, glibc 2.34+). Without it,
 * `closeFrom` becomes one close action per fd open in this process.
 *
 * @example Ask whether closeFrom is one call
 * ```ts
 * import { spawnCanCloseFrom } from "@posixly/posixly/platforms";
 * console.log(spawnCanCloseFrom());
 * ```
 */
export function spawnCanCloseFrom(): boolean {
  return libc.posix_spawn_file_actions_addclosefrom_np !== null;
}

/**
 * Starts `path` with `posix_spawn(3)` and returns the child's pid. Failures,
 * including an exec failure in the child such as ENOENT, throw an OSError.
 * The child is not waited for. Options that are no object, an option it does
 * not know (say `fileAction`), a `setsid` that is not a boolean, or `args`
 * that is not an array or has a hole throw a TypeError before anything starts.
 *
 * @example Run a shell command in a new session
 * ```ts ignore
 * import { posixSpawn } from "@posixly/posixly/platforms";
 * import { constants } from "node:fs";
 * const pid = posixSpawn("/bin/sh", {
 *   args: ["sh", "-c", "echo hello"],
 *   fileActions: [{ open: 0, path: "/dev/null", flags: constants.O_RDONLY }],
 *   setsid: true,
 *   defaultSignals: true,
 *   signalMask: [],
 * });
 * console.log(pid);
 * ```
 */
export function posixSpawn(path: string, options: PosixSpawnOptions = {}): number {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`posixSpawn options must be an object, got ${quote(options)}`);
  }
  // A misspelt `fileAction` must not start a child with every fd inherited.
  rejectUnknownOptions(options, SPAWN_OPTIONS, "posixSpawn()");
  const file = cString(path, "path");
  const argv = stringTable(argvStrings(options.args ?? [path]));
  const envp = stringTable(envStrings(options.env ?? currentEnvironment()));

  // A string "false" is truthy: it must not start the child in a new session.
  if (options.setsid !== undefined && typeof options.setsid !== "boolean") {
    throw new TypeError(`posixSpawn() setsid must be true or false, got ${quote(options.setsid)}`);
  }
  let flags = 0;
  const c = platform.constants;
  if (options.setsid) flags |= c.POSIX_SPAWN_SETSID;
  const sigdef = options.defaultSignals ? sigset(options.defaultSignals) : null;
  if (sigdef) flags |= c.POSIX_SPAWN_SETSIGDEF;
  const sigmask = options.signalMask ? sigset(options.signalMask) : null;
  if (sigmask) flags |= c.POSIX_SPAWN_SETSIGMASK;

  // Opaque C structs: 8-byte aligned storage.
  const attr = new BigUint64Array(Math.ceil(platform.layouts.spawnattrSize / 8));
  const actions = new BigUint64Array(Math.ceil(platform.layouts.fileActionsSize / 8));
  const keepAlive: Uint8Array[] = [];
  checkReturnedErrno(libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
  try {
    checkReturnedErrno(
      libc.posix_spawn_file_actions_init(actions),
      "posix_spawn_file_actions_init",
    );
    try {
      checkReturnedErrno(libc.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");
      if (sigdef) {
        checkReturnedErrno(
          libc.posix_spawnattr_setsigdefault(attr, sigdef),
          "posix_spawnattr_setsigdefault",
        );
      }
      if (sigmask) {
        checkReturnedErrno(
          libc.posix_spawnattr_setsigmask(attr, sigmask),
          "posix_spawnattr_setsigmask",
        );
      }
      for (const action of options.fileActions ?? []) addAction(actions, action, keepAlive);
      const pid = new Int32Array(1);
      const rc = libc.posix_spawn(pid, file, actions, attr, argv.table, envp.table);
      checkReturnedErrno(rc, "posix_spawn", { path });
      // The tables and strings must stay alive until here.
      if (argv.arena.length + envp.arena.length + keepAlive.length < 0) throw new Error();
      return pid[0];
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
    }
  } finally {
    libc.posix_spawnattr_destroy(attr);
  }
}

function addAction(
  actions: BigUint64Array,
  action: SpawnFileAction,
  keepAlive: Uint8Array[],
): void {
  if (typeof action !== "object" || action === null) {
    throw new TypeError("file actions must be objects");
  }
  if ("open" in action) {
    const fd = checkedFd(action.open, "open");
    const p = cString(action.path, "open path");
    keepAlive.push(p);
    const mode = action.mode ?? 0o666;
    if (!Number.isInteger(action.flags)) {
      throw new TypeError(`open flags must be an integer, got ${quote(action.flags)}`);
    }
    if (action.flags < -0x80000000 || action.flags > 0x7fffffff) {
      throw new RangeError(`open flags must fit in a C int, got ${quote(action.flags)}`);
    }
    if (typeof mode !== "number") {
      throw new TypeError(`open mode must be a number, got ${quote(mode)}`);
    }
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
      throw new RangeError(`open mode must be from 0 to 0o7777, got ${quote(action.mode)}`);
    }
    // -0 + 0 is 0: the FFI refuses -0.
    checkReturnedErrno(
      libc.posix_spawn_file_actions_addopen(actions, fd, p, action.flags + 0, mode + 0),
      "posix_spawn_file_actions_addopen",
      { path: action.path },
    );
  } else if ("dup2" in action) {
    if (!Array.isArray(action.dup2) || action.dup2.length !== 2) {
      throw new TypeError(`dup2 must be a pair of fds [from, to], got ${quote(action.dup2)}`);
    }
    const from = checkedFd(action.dup2[0], "dup2 source");
    const to = checkedFd(action.dup2[1], "dup2 target");
    checkReturnedErrno(
      libc.posix_spawn_file_actions_adddup2(actions, from, to),
      "posix_spawn_file_actions_adddup2",
    );
  } else if ("close" in action) {
    const fd = checkedFd(action.close, "close");
    checkReturnedErrno(
      libc.posix_spawn_file_actions_addclose(actions, fd),
      "posix_spawn_file_actions_addclose",
    );
  } else if ("closeFrom" in action) {
    const from = checkedFd(action.closeFrom, "closeFrom");
    const closeFrom = libc.posix_spawn_file_actions_addclosefrom_np;
    if (closeFrom) {
      checkReturnedErrno(
        closeFrom(actions, from),
        "posix_spawn_file_actions_addclosefrom_np",
      );
    } else {
      for (const fd of openFds().filter((fd) => fd >= from)) {
        checkReturnedErrno(
          libc.posix_spawn_file_actions_addclose(actions, fd),
          "posix_spawn_file_actions_addclose",
        );
      }
    }
  } else {
    throw new TypeError(
      `unknown file action: ${quoteForMessage(JSON.stringify(action) ?? String(action))}`,
    );
  }
}
