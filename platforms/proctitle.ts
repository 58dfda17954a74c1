/**
 * Process titles (Celery's `set_process_title` and `set_mp_process_title`),
 * and the program's original command line.
 *
 * On Linux the title replaces the original argv area of the process (found
 * in `/proc/self/stat`), which is what `/proc/PID/cmdline` and `ps -o args`
 * show, and its first 15 bytes become the thread name (`prctl(PR_SET_NAME)`,
 * `/proc/PID/comm`, `ps -o comm`). This works the same in Deno, Bun and Node; what
 * the runtime reports as argv (`process.argv`, `Deno.args`) and the
 * environment stay as they were.
 *
 * @module
 */
import { check, cstr, libc, platform, pointerFromAddress, quoteForMessage } from "../ffi/mod.ts";
import { readFileWithLibc } from "./libc_file.ts";
import { execPath, isMainThread, scriptArgs } from "./host.ts";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;

let original: string[] | undefined;
/** The same, as the kernel's bytes; null where it came from the runtime (no /proc). */
let originalBytes: Uint8Array[] | null = null;
/** Why the command line cannot be known, when a title hid it before the snapshot. */
let hidden: string | undefined;
let argvArea: { start: bigint; length: number } | null | undefined;

/** NUL-terminated arguments (the last NUL may be missing). */
function splitCmdline(bytes: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let nul = bytes.indexOf(0); nul !== -1; nul = bytes.indexOf(0, start)) {
    parts.push(bytes.slice(start, nul));
    start = nul + 1;
  }
  if (start < bytes.length) parts.push(bytes.slice(start));
  return parts;
}

/**
 * Takes the snapshot once: the kernel's bytes where /proc has them (kept as
 * bytes, so that an argument that is not UTF-8 can be passed on exactly, and
 * decoded only when text is asked for), else the runtime's view.
 */
function takeSnapshot(): void {
  if (original !== undefined || originalBytes !== null || hidden !== undefined) return;
  let parts: Uint8Array[] = [];
  try {
    if (platform.os === "linux") parts = splitCmdline(readFileWithLibc("/proc/self/cmdline"));
  } catch {
    // the runtime's view below
  }
  if (parts.length === 0) original = runtimeCommandLine();
  else if (!isTitle(parts)) originalBytes = parts;
  else if (g.Deno && !g.Bun) hidden = new TextDecoder().decode(parts[0]);
  else original = runtimeCommandLine(); // Node keeps its flags in process.execArgv
}

/**
 * Whether the argv area holds a title instead of a command line: Node's and
 * Deno's `process.title` setters write the title over the whole area and fill
 * the rest with NULs, which reads as empty arguments. A runtime's command line
 * always has something after its first argument (the script, or a flag).
 */
function isTitle(parts: Uint8Array[]): boolean {
  return parts.length > 1 && parts.slice(1).every((part) => part.length === 0);
}

/** Throws when a title set before the snapshot hid the command line. */
function assertKnown(): void {
  if (hidden === undefined) return;
  throw new Error(
    `cannot read this program's command line: /proc/self/cmdline holds the process title ` +
      `${quoteForMessage(hidden)}, set (through process.title) before posixly read it; ` +
      "call detached() or originalCommandLine() before setting process.title",
  );
}

function snapshot(): string[] {
  takeSnapshot();
  assertKnown();
  if (original === undefined) {
    const decoder = new TextDecoder();
    original = originalBytes!.map((part) => decoder.decode(part));
  }
  return original;
}

function runtimeCommandLine(): string[] {
  const args = scriptArgs();
  if (g.Deno && !g.Bun) {
    const main = String(g.Deno.mainModule ?? "");
    const script = main.startsWith("file:") ? decodeURIComponent(new URL(main).pathname) : main;
    return [execPath(), "run", script, ...args].filter((a) => a !== "");
  }
  const proc = g.process;
  return [execPath(), ...(proc?.execArgv ?? []), proc?.argv?.[1] ?? "", ...args].filter((a) =>
    a !== ""
  );
}

/**
 * The program's command line as the kernel first saw it, read from
 * `/proc/self/cmdline` once, before posixly changes the process title, then
 * cached. It keeps the runtime's own flags (`["deno", "run", "-A",
 * "main.ts", ...]`), so it can re-run the same program. The snapshot is taken
 * on the first call here or to {@linkcode setProcessTitle} (importing posixly
 * reads nothing). Node's and Deno's `process.title` setters write over the
 * original: when one ran first, Node's command line comes from the runtime
 * (`[execPath, ...execArgv, ...argv]`, as without /proc), and in Deno, which
 * does not report its flags, this throws an Error that says so; call this
 * (or `detached()`) before setting `process.title`.
 * Without /proc (macOS) it is a best effort from the runtime:
 * `[execPath, ...execArgv, ...argv]` in Bun and Node, and `[execPath, "run", ...argv]`
 * in Deno, which loses Deno's permission flags. Returns a new array.
 *
 * @example Re-run the same program
 * ```ts
 * import { originalCommandLine } from "@posixly/posixly";
 * const [program, ...args] = originalCommandLine();
 * console.log(program, args);
 * ```
 */
export function originalCommandLine(): string[] {
  return [...snapshot()];
}

/**
 * {@linkcode originalCommandLine} as the kernel's bytes, one array per
 * argument, so that an argument that is not UTF-8 can be passed on exactly
 * (the strings have U+FFFD there). Where the command line came from the
 * runtime (no /proc), the strings encoded as UTF-8. Returns new arrays.
 *
 * @example Pass the arguments on byte for byte
 * ```ts
 * import { originalCommandLineBytes } from "@posixly/posixly";
 * const [, ...args] = originalCommandLineBytes();
 * console.log(args.length);
 * ```
 */
export function originalCommandLineBytes(): Uint8Array[] {
  takeSnapshot();
  assertKnown();
  if (originalBytes) return originalBytes.map((part) => part.slice());
  const encoder = new TextEncoder();
  return original!.map((arg) => encoder.encode(arg));
}

/** The argv area from /proc/self/stat (fields 48 arg_start, 49 arg_end). */
function findArgvArea(): { start: bigint; length: number } | null {
  if (argvArea !== undefined) return argvArea;
  argvArea = null;
  if (platform.os !== "linux") return argvArea;
  let stat: string;
  try {
    stat = new TextDecoder().decode(readFileWithLibc("/proc/self/stat"));
  } catch {
    return argvArea;
  }
  // Fields after the command name, which is in parentheses and may contain ") ".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
  // fields[0] is field 3 (state).
  const start = BigInt(fields[48 - 3] ?? "0");
  const end = BigInt(fields[49 - 3] ?? "0");
  if (start > 0n && end > start) argvArea = { start, length: Number(end - start) };
  return argvArea;
}

/** The longest prefix of `bytes` not longer than `max` that does not cut a UTF-8 character. */
function utf8Prefix(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  // Back off from continuation bytes (10xxxxxx) to the start of the character.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** Writes the title's UTF-8 bytes (without a NUL) over the argv area; false when there is none. */
function writeTitle(title: Uint8Array): boolean {
  const area = findArgvArea();
  if (area === null || area.length < 2) return false;
  const bytes = utf8Prefix(title, area.length - 1);
  const buf = new Uint8Array(area.length);
  buf.set(bytes);
  // The title is NUL-terminated and the rest is NUL. When the title is
  // shorter than the area, its last byte is made non-NUL: the kernel then
  // reads /proc/PID/cmdline as one string up to its first NUL, so it shows
  // exactly `title\0`, like a process whose only argument is the title.
  if (bytes.length < area.length - 1) buf[area.length - 1] = 0x20;
  libc.memcpy(pointerFromAddress(area.start), buf, BigInt(buf.length));
  return true;
}

function setThreadName(title: Uint8Array): void {
  const prctl = libc.prctl_buffer;
  if (prctl === null) return;
  const bytes = utf8Prefix(title, 15);
  const name = new Uint8Array(bytes.length + 1);
  name.set(bytes);
  check(prctl(platform.constants.PR_SET_NAME, name, 0n, 0n, 0n), "prctl");
}

function setRuntimeTitle(title: string): void {
  try {
    if (g.process) g.process.title = title;
  } catch {
    // the runtime cannot change it: nothing else to try
  }
}

/**
 * Sets the process title to `"[progname]"` or `"[progname] info"` (Celery's
 * format) and returns it.
 *
 * Linux: the title is what other processes see in `/proc/PID/cmdline` and
 * `ps -o args` (cut on a UTF-8 boundary to the size of the original command
 * line, usually 40-100 bytes), and its first 15 bytes what `/proc/PID/comm`
 * and `ps -o comm` show. Called in a Worker, the 15-byte name is the
 * worker's thread name. The original command line stays available from
 * {@linkcode originalCommandLine}.
 *
 * Without /proc (macOS and other systems) it sets `process.title`, which
 * changes what the runtime can change there (possibly nothing), and never
 * throws.
 *
 * @example Show a worker's state in ps
 * ```ts ignore
 * import { setProcessTitle } from "@posixly/posixly";
 * setProcessTitle("celeryd", "-active-"); // "[celeryd] -active-"
 * ```
 */
export function setProcessTitle(progname: string, info?: string | null): string {
  if (typeof progname !== "string") {
    throw new TypeError(`progname must be a string, got ${typeof progname}`);
  }
  if (info !== undefined && info !== null && typeof info !== "string") {
    throw new TypeError(`info must be a string, got ${typeof info}`);
  }
  const title = info ? `[${progname}] ${info}` : `[${progname}]`;
  // A TypeError for a NUL or a lone surrogate (U+FFFD would stand in for it).
  const encoded = cstr(title, "process title");
  if (platform.os !== "linux") {
    setRuntimeTitle(title);
    return title;
  }
  const bytes = encoded.subarray(0, encoded.length - 1);
  takeSnapshot(); // the snapshot must come before the first change
  if (!writeTitle(bytes)) setRuntimeTitle(title);
  setThreadName(bytes);
  return title;
}

/** The name of the current "process" as Celery reports it: the main thread or a Worker. */
function currentProcessName(): string {
  if (isMainThread()) return "MainProcess";
  // Deno: the Worker's global `name`; Bun and Node: node:worker_threads'
  // threadName, which Node sets to "WorkerThread" when the Worker has no name.
  if (typeof g.name === "string" && g.name !== "") return g.name;
  const wt = g.Deno && !g.Bun ? undefined : g.process?.getBuiltinModule?.("node:worker_threads");
  const named = typeof wt?.threadName === "string" && !["", "WorkerThread"].includes(wt.threadName);
  if (named) return wt.threadName;
  // Not a thread id: Deno has none, and an unnamed Worker must read the same everywhere.
  return "Worker";
}

/**
 * Sets a title naming the current "process" (Celery's
 * `set_mp_process_title`): `"[progname:MainProcess]"` in the main thread,
 * the Worker's name (its `name` option, else `Worker`) in a Worker, with
 * `progname: hostname` first when a hostname is given, and ` info` last. Returns the
 * title; see {@linkcode setProcessTitle} for where it shows.
 *
 * @example Name the main process and its host
 * ```ts ignore
 * import { setMpProcessTitle } from "@posixly/posixly";
 * setMpProcessTitle("celeryd", "busy", "w1@host"); // "[celeryd: w1@host:MainProcess] busy"
 * ```
 */
export function setMpProcessTitle(
  progname: string,
  info?: string | null,
  hostname?: string | null,
): string {
  if (typeof progname !== "string") {
    throw new TypeError(`progname must be a string, got ${typeof progname}`);
  }
  if (hostname !== undefined && hostname !== null && typeof hostname !== "string") {
    throw new TypeError(`hostname must be a string, got ${typeof hostname}`);
  }
  const prefix = hostname ? `${progname}: ${hostname}` : progname;
  return setProcessTitle(`${prefix}:${currentProcessName()}`, info);
}
