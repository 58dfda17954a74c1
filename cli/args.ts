/**
 * The command line of each subcommand, parsed with `parseArgs` from
 * `node:util` and checked into typed options. Everything after `--` is the
 * program and its arguments, passed on untouched.
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { platform } from "../ffi/mod.ts";
import { CliError, EXIT, printable, quote } from "./errors.ts";

/** When a started program counts as ready (`--ready`). */
export type Readiness =
  | { readonly kind: "exec" }
  | { readonly kind: "notify" }
  | { readonly kind: "fd"; readonly fd: number }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number };

/** What `run` sets up before it runs the program (and `start`'s daemon, too). */
export interface SetUpOptions {
  readonly pidfile: string | null;
  readonly logfile: string | null;
  readonly user: string | null;
  readonly group: string | null;
  readonly chdir: string | null;
  readonly umask: number;
  /** `--env` entries in order: a later one replaces an earlier one of the same name. */
  readonly env: readonly (readonly [string, string])[];
  /** PROGRAM and its arguments. */
  readonly command: readonly string[];
}

/** `start` (and `restart`). */
export interface StartOptions extends SetUpOptions {
  readonly pidfile: string;
  readonly ready: Readiness;
  readonly graceMs: number;
  readonly timeoutMs: number;
}

/** `stop`. */
export interface StopOptions {
  readonly pidfile: string;
  readonly signal: number;
  readonly timeoutMs: number;
  readonly kill: boolean;
}

/** `status`. */
export interface StatusOptions {
  readonly pidfile: string;
  readonly json: boolean;
}

/** `signal`. */
export interface SignalOptions {
  readonly pidfile: string;
  readonly signal: number;
}

const DEFAULT_UMASK = 0o022;
const MAX_MS = 2 ** 31 - 1;

const SET_UP: ParseArgsOptionsConfig = {
  pidfile: { type: "string" },
  logfile: { type: "string" },
  user: { type: "string" },
  group: { type: "string" },
  chdir: { type: "string" },
  umask: { type: "string" },
  env: { type: "string", multiple: true },
};

const START: ParseArgsOptionsConfig = {
  ...SET_UP,
  ready: { type: "string" },
  grace: { type: "string" },
  timeout: { type: "string" },
};

const HELP: ParseArgsOptionsConfig = { help: { type: "boolean", short: "h" } };

type Values = Record<string, string | boolean | string[] | undefined>;

/** Parsed options, or null when `--help` was asked for. */
function parse(
  command: string,
  argv: readonly string[],
  options: ParseArgsOptionsConfig,
  rest: "program" | "positionals",
): { values: Values; rest: string[] } | null {
  let head = [...argv];
  let program: string[] = [];
  if (rest === "program") {
    const dashes = argv.indexOf("--");
    if (dashes !== -1) {
      head = argv.slice(0, dashes);
      program = argv.slice(dashes + 1);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: head,
      options: { ...options, ...HELP },
      strict: true,
      allowPositionals: rest === "positionals",
    });
  } catch (e) {
    const hint = rest === "program" ? " (the program and its arguments go after --)" : "";
    throw new CliError(`${printable((e as Error).message)}${hint}`, EXIT.usage, command);
  }
  if (parsed.values.help) return null;
  return {
    values: parsed.values as Values,
    rest: rest === "program" ? program : parsed.positionals,
  };
}

/** The options whose value is a path, which posixly opens by the value's UTF-8. */
const PATHS: ReadonlySet<string> = new Set(["pidfile", "logfile", "chdir"]);

function text(values: Values, name: string): string | null {
  const v = values[name];
  if (typeof v !== "string") return null;
  if (v === "" || v.includes("\0")) {
    throw new CliError(`--${name}: expected a non-empty value, got ${quote(v)}`, EXIT.usage);
  }
  // The runtime decodes the command line as UTF-8, a byte that is not becoming
  // U+FFFD: such a path would name another file than the one typed.
  if (PATHS.has(name) && v.includes("\uFFFD")) {
    throw new CliError(
      `--${name} ${quote(v)} is not valid UTF-8; posixly takes paths as UTF-8`,
      EXIT.usage,
    );
  }
  return v;
}

function required(values: Values, name: string, command: string): string {
  const v = text(values, name);
  if (v === null) throw new CliError(`--${name} is required`, EXIT.usage, command);
  return v;
}

/** `SECONDS` (a decimal number, fractions allowed) in ms. */
function seconds(values: Values, name: string, fallbackMs: number, zeroAllowed: boolean): number {
  const v = text(values, name);
  if (v === null) return fallbackMs;
  const ms = /^\d+(\.\d+)?$/.test(v) ? Math.round(Number(v) * 1000) : NaN;
  if (!(ms >= (zeroAllowed ? 0 : 1)) || ms > MAX_MS) {
    throw new CliError(
      `--${name}: expected a number of seconds${zeroAllowed ? "" : " above 0"}, got ${quote(v)}`,
      EXIT.usage,
    );
  }
  return ms;
}

function umask(values: Values): number {
  const v = text(values, "umask");
  if (v === null) return DEFAULT_UMASK;
  const match = /^(?:0o)?([0-7]{1,4})$/.exec(v);
  const n = match ? parseInt(match[1], 8) : NaN;
  if (!(n <= 0o777)) {
    throw new CliError(`--umask: expected octal digits up to 777, got ${quote(v)}`, EXIT.usage);
  }
  return n;
}

function envEntries(values: Values): [string, string][] {
  return ((values.env ?? []) as string[]).map((entry) => {
    const eq = entry.indexOf("=");
    if (eq < 1 || entry.includes("\0")) {
      throw new CliError(`--env: expected NAME=VALUE, got ${quote(entry)}`, EXIT.usage);
    }
    return [entry.slice(0, eq), entry.slice(eq + 1)];
  });
}

function readiness(values: Values): Readiness {
  const v = text(values, "ready") ?? "exec";
  if (v === "exec" || v === "notify") return { kind: v };
  const fd = /^fd:(\d+)$/.exec(v);
  if (fd) {
    const n = Number(fd[1]);
    if (n >= 3 && n <= 1024) return { kind: "fd", fd: n };
    throw new CliError(`--ready: fd:N needs N from 3 to 1024, got ${quote(v)}`, EXIT.usage);
  }
  const tcp = /^tcp:(\[[^\]]+\]|[^:]+):(\d+)$/.exec(v);
  if (tcp) {
    const port = Number(tcp[2]);
    if (port >= 1 && port <= 65535) {
      return { kind: "tcp", host: tcp[1].replace(/^\[(.*)\]$/, "$1"), port };
    }
  }
  throw new CliError(
    `--ready: expected exec, notify, fd:N or tcp:HOST:PORT, got ${quote(v)}`,
    EXIT.usage,
  );
}

function setUp(values: Values, command: string[]): SetUpOptions {
  return {
    pidfile: text(values, "pidfile"),
    logfile: text(values, "logfile"),
    user: text(values, "user"),
    group: text(values, "group"),
    chdir: text(values, "chdir"),
    umask: umask(values),
    env: envEntries(values),
    command,
  };
}

function needProgram(command: string, program: string[]): string[] {
  if (program.length === 0 || program[0] === "") {
    throw new CliError("no program given: put it after --", EXIT.usage, command);
  }
  return program;
}

/**
 * A signal from a name (`HUP`, `SIGHUP`, `hup`) or a number (`1`), as this
 * platform numbers it.
 *
 * @param spec what the user wrote
 * @returns the signal's number
 * @throws {CliError} exit status 2 for an unknown signal
 *
 * @example Names and numbers
 * ```ts
 * import { parseSignal } from "./args.ts";
 * console.log(parseSignal("SIGHUP") === parseSignal("1")); // true on Linux
 * ```
 */
export function parseSignal(spec: string): number {
  const name = spec.toUpperCase().replace(/^SIG/, "");
  if (/^\d+$/.test(spec) && Object.hasOwn(platform.signalNames, Number(spec))) {
    return Number(spec);
  }
  if (Object.hasOwn(platform.signalNumbers, name)) return platform.signalNumbers[name];
  throw new CliError(`unknown signal ${quote(spec)}`, EXIT.usage);
}

/** `start`'s (and `restart`'s) options; null for `--help`. */
export function parseStart(command: string, argv: readonly string[]): StartOptions | null {
  const parsed = parse(command, argv, START, "program");
  if (!parsed) return null;
  const { values } = parsed;
  const ready = readiness(values);
  const graceMs = seconds(values, "grace", 500, true);
  const timeoutMs = seconds(values, "timeout", 30_000, false);
  if (ready.kind === "exec" && graceMs >= timeoutMs) {
    throw new CliError(
      `--grace (${graceMs / 1000} s) must be shorter than --timeout (${timeoutMs / 1000} s): ` +
        "the program could not count as started in time",
      EXIT.usage,
    );
  }
  return {
    ...setUp(values, needProgram(command, parsed.rest)),
    pidfile: required(values, "pidfile", command),
    ready,
    graceMs,
    timeoutMs,
  };
}

/** `run`'s options; null for `--help`. */
export function parseRun(argv: readonly string[]): SetUpOptions | null {
  const parsed = parse("run", argv, SET_UP, "program");
  return parsed && setUp(parsed.values, needProgram("run", parsed.rest));
}

/** `stop`'s options; null for `--help`. */
export function parseStop(argv: readonly string[]): StopOptions | null {
  const parsed = parse("stop", argv, {
    pidfile: { type: "string" },
    signal: { type: "string" },
    timeout: { type: "string" },
    "no-kill": { type: "boolean" },
  }, "program");
  if (!parsed) return null;
  if (parsed.rest.length > 0) throw new CliError("stop takes no program", EXIT.usage, "stop");
  const { values } = parsed;
  return {
    pidfile: required(values, "pidfile", "stop"),
    signal: parseSignal(text(values, "signal") ?? "TERM"),
    timeoutMs: seconds(values, "timeout", 10_000, true),
    kill: !values["no-kill"],
  };
}

/** `status`'s options; null for `--help`. */
export function parseStatus(argv: readonly string[]): StatusOptions | null {
  const parsed = parse("status", argv, {
    pidfile: { type: "string" },
    json: { type: "boolean" },
  }, "program");
  if (!parsed) return null;
  if (parsed.rest.length > 0) throw new CliError("status takes no program", EXIT.usage, "status");
  return { pidfile: required(parsed.values, "pidfile", "status"), json: !!parsed.values.json };
}

/** `signal`'s options; null for `--help`. */
export function parseSignalCommand(argv: readonly string[]): SignalOptions | null {
  const parsed = parse("signal", argv, { pidfile: { type: "string" } }, "positionals");
  if (!parsed) return null;
  if (parsed.rest.length !== 1) {
    throw new CliError("expected one SIGNAL (HUP, SIGHUP or a number)", EXIT.usage, "signal");
  }
  return {
    pidfile: required(parsed.values, "pidfile", "signal"),
    signal: parseSignal(parsed.rest[0]),
  };
}
