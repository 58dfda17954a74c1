/**
 * The command line of each subcommand, parsed with `parseArgs` from
 * `node:util` and checked into typed options. Everything after `--` is the
 * program and its arguments, passed on untouched.
 *
 * `node:util` is loaded when a command line is parsed, not with this module
 * (see builtin.ts): `start` starts posixly's set-up process before it parses
 * its own (see set_up_process.ts).
 *
 * @module
 */
import type { parseArgs, ParseArgsOptionsConfig } from "node:util";
import { signalName, signalNumber as signalNumberOf } from "../platforms/signal_names.ts";
import { builtin } from "./builtin.ts";
import { CliError, EXIT, quote } from "./errors.ts";

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
/** `start`'s `--timeout`. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** `--grace`'s default, and at most half of `--timeout` (a shorter `--timeout` halves it). */
const DEFAULT_GRACE_MS = 500;
/**
 * The longest `--timeout` or `--grace`: timers take at most 2^31-1 ms, and
 * 2147483 s (about 24.8 days) is the most whole seconds within that.
 */
const MAX_SECONDS = 2147483;

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

/**
 * What a command takes besides its options: a program after `--` (start,
 * restart, run), arguments of its own (signal), or nothing (stop, status).
 */
type Rest = "program" | "positionals" | "nothing";

const PROGRAM_HINT = " (the program and its arguments go after --)";

/** One of parseArgs' tokens (`tokens: true`). */
type Token = NonNullable<ReturnType<typeof parseArgs>["tokens"]>[number];

/**
 * Checks one of parseArgs' tokens, and says what is wrong in posixly's
 * words, the same on every runtime: an unknown option, an option without
 * its value or with one it does not take, an argument the command does not
 * take. parseArgs runs with `strict: false`, so that a value beginning with
 * "-" reaches the option's own check when it is one (`--timeout -1`,
 * `--signal -9`) and is named as a missing value when it is another option.
 *
 * @param args what parseArgs parsed (a token's `index` points into it)
 */
function checkToken(
  command: string,
  token: Token,
  args: readonly string[],
  options: ParseArgsOptionsConfig,
  rest: Rest,
): void {
  const hint = rest === "program" ? PROGRAM_HINT : "";
  if (token.kind === "option-terminator") return; // only `signal` keeps its --
  if (token.kind === "positional") {
    if (rest === "positionals") return;
    const what = `unexpected argument ${quote(token.value)}`;
    throw new CliError(
      rest === "program" ? `${what}${hint}` : `${what}: ${command} takes only options`,
      EXIT.usage,
      command,
    );
  }
  const { name, value } = token;
  const option = name === "help" ? HELP.help : Object.hasOwn(options, name) ? options[name] : null;
  if (option === null) throw unknownOption(command, args[token.index], rest, hint);
  if (option.type === "boolean") {
    if (value === undefined) return;
    throw new CliError(
      `--${name} takes no value, got ${quote(args[token.index])}`,
      EXIT.usage,
      command,
    );
  }
  if (value === undefined) throw new CliError(`--${name} needs a value`, EXIT.usage, command);
  if (!token.inlineValue && value.startsWith("-") && value !== "-" && !dashedValue(name, value)) {
    throw new CliError(
      `--${name} needs a value, got the option ${quote(value)} ` +
        `(write --${name}=VALUE for a value that begins with "-")`,
      EXIT.usage,
      command,
    );
  }
}

/**
 * Whether a value that begins with "-" is one: a negative number (`--timeout
 * -1`, which the option's check refuses in its own words), or for `--signal`
 * a signal as kill(1) writes it (`-9`, `-HUP`).
 */
function dashedValue(name: string, value: string): boolean {
  return /^-[\d.]/.test(value) || (name === "signal" && isSignal(value.slice(1)));
}

/** The error for an unknown option; for `signal -HUP`, how to name the signal. */
function unknownOption(command: string, arg: string, rest: Rest, hint: string): CliError {
  let why = hint;
  if (rest === "positionals" && /^-\w+$/.test(arg) && isSignal(arg.slice(1))) {
    why = ` (name the signal without a dash: posixly ${command} --pidfile PATH ${arg.slice(1)})`;
  }
  return new CliError(`unknown option ${quote(arg)}${why}`, EXIT.usage, command);
}

/**
 * Refuses an option that takes one value given twice (`--pidfile a
 * --pidfile b`): parseArgs keeps the last, silently, so `stop` would stop
 * another program than the one the first names. `--env` may repeat, and so
 * may a flag (`--no-kill --no-kill` says nothing else).
 */
function refuseRepeated(
  command: string,
  tokens: readonly Token[],
  options: ParseArgsOptionsConfig,
) {
  const seen = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== "option" || !Object.hasOwn(options, token.name)) continue;
    const option = options[token.name];
    if (option.type !== "string" || option.multiple) continue;
    const value = token.value ?? "";
    const first = seen.get(token.name);
    if (first !== undefined) {
      throw new CliError(
        `--${token.name} is given twice (${quote(first)} and ${quote(value)}): give it once`,
        EXIT.usage,
        command,
      );
    }
    seen.set(token.name, value);
  }
}

/** Parsed options, or null when `--help` was asked for. */
async function parse(
  command: string,
  argv: readonly string[],
  options: ParseArgsOptionsConfig,
  rest: Rest,
): Promise<{ values: Values; rest: string[] } | null> {
  const { parseArgs } = await builtin("node:util", () => import("node:util"));
  let head = [...argv];
  let program: string[] = [];
  if (rest !== "positionals") {
    const dashes = argv.indexOf("--");
    if (dashes !== -1) {
      head = argv.slice(0, dashes);
      program = argv.slice(dashes + 1);
    }
  }
  const { values, positionals, tokens } = parseArgs({
    args: head,
    options: { ...options, ...HELP },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) checkToken(command, token, head, options, rest);
  refuseRepeated(command, tokens, options);
  if (values.help) return null;
  return { values: values as Values, rest: rest === "positionals" ? positionals : program };
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

/**
 * `SECONDS` in ms: a decimal number (`30`, `0.5`, `.5`, `1e3`) from 0 or
 * 0.001 (a millisecond) up to {@linkcode MAX_SECONDS}.
 */
function seconds(values: Values, name: string, fallbackMs: number, zeroAllowed: boolean): number {
  const v = text(values, name);
  if (v === null) return fallbackMs;
  const least = zeroAllowed ? "0" : "0.001";
  const n = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v) ? Number(v) : NaN;
  if (Number.isNaN(n)) {
    throw new CliError(
      `--${name}: expected a number of seconds from ${least} to ${MAX_SECONDS}, got ${quote(v)}`,
      EXIT.usage,
    );
  }
  if (n > MAX_SECONDS) {
    throw new CliError(
      `--${name}: ${quote(v)} is too long: at most ${MAX_SECONDS} s (about 24.8 days)`,
      EXIT.usage,
    );
  }
  const ms = Math.round(n * 1000);
  if (ms === 0 && !(zeroAllowed && n === 0)) {
    throw new CliError(
      `--${name}: ${quote(v)} is too short: at least 0.001 s${zeroAllowed ? " (or 0)" : ""}`,
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
    // The runtime decodes the command line as UTF-8, a byte that is not
    // becoming U+FFFD: the program would get those three bytes instead.
    if (entry.includes("\uFFFD")) {
      throw new CliError(
        `--env ${quote(entry)} is not valid UTF-8: the program would get U+FFFD in place of ` +
          "its bytes; pass it through env(1), whose arguments reach it as they are: " +
          "-- env NAME=VALUE PROGRAM ARG...",
        EXIT.usage,
      );
    }
    return [entry.slice(0, eq), entry.slice(eq + 1)];
  });
}

const READY_FORMS = "exec, notify, fd:N or tcp:HOST:PORT";

function readiness(values: Values): Readiness {
  const v = text(values, "ready") ?? "exec";
  if (v === "exec" || v === "notify") return { kind: v };
  const fd = /^fd:(\d+)$/.exec(v);
  if (fd) {
    const n = Number(fd[1]);
    if (n >= 3 && n <= 1024) return { kind: "fd", fd: n };
    throw new CliError(`--ready: fd:N needs N from 3 to 1024, got ${quote(v)}`, EXIT.usage);
  }
  if (v.startsWith("tcp:")) return tcpReadiness(v);
  throw new CliError(`--ready: expected ${READY_FORMS}, got ${quote(v)}`, EXIT.usage);
}

/**
 * `tcp:HOST:PORT`, HOST a name, an IPv4 address or an IPv6 address in
 * brackets (`tcp:[::1]:8080`; a zone too: `tcp:[fe80::1%eth0]:8080`).
 * Whether a name resolves is found later (`checkReadinessFree` in ready.ts).
 */
function tcpReadiness(v: string): Readiness {
  const bad = (why: string): CliError =>
    new CliError(`--ready ${quote(v)}: ${why} (expected tcp:HOST:PORT)`, EXIT.usage);
  const rest = v.slice("tcp:".length);
  let host: string;
  let afterHost: string;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close === -1) throw bad("the [ before an IPv6 address is not closed with ]");
    host = rest.slice(1, close);
    if (!isIPv6(host)) {
      throw bad(
        host === ""
          ? "the brackets are empty: they hold an IPv6 address, as in tcp:[::1]:8080"
          : `${quote(host)} in brackets is not an IPv6 address`,
      );
    }
    afterHost = rest.slice(close + 1);
  } else {
    const colon = rest.lastIndexOf(":");
    host = colon === -1 ? rest : rest.slice(0, colon);
    afterHost = colon === -1 ? "" : rest.slice(colon);
    if (host === "") throw bad("HOST is empty");
    if (host.includes(":")) throw bad("an IPv6 address goes in brackets, as in tcp:[::1]:8080");
    if (!/^[\w.-]+$/.test(host)) {
      throw bad(`${quote(host)} is not a host name or an IPv4 address`);
    }
  }
  if (afterHost === "" || afterHost === ":") throw bad("PORT is missing after HOST");
  if (!afterHost.startsWith(":")) throw bad(`${quote(afterHost)} after HOST is not :PORT`);
  const port = /^:(\d+)$/.exec(afterHost);
  const n = port === null ? NaN : Number(port[1]);
  if (!(n >= 1 && n <= 65535)) {
    throw bad(`PORT must be a number from 1 to 65535, got ${quote(afterHost.slice(1))}`);
  }
  return { kind: "tcp", host, port: n };
}

/** Whether `host` is an IPv6 address (with a zone: `fe80::1%eth0`), as URLs take one in brackets. */
function isIPv6(host: string): boolean {
  const [address, zone, ...more] = host.split("%");
  if (more.length > 0 || (zone !== undefined && !/^[\w.-]+$/.test(zone))) return false;
  try {
    new URL(`http://[${address}]/`);
    return address.includes(":");
  } catch {
    return false;
  }
}

/**
 * HOST:PORT as `tcp:` writes it: an IPv6 address in brackets (`[::1]:8080`).
 *
 * @param host the host of a `tcp` {@linkcode Readiness}
 * @param port its port
 * @returns the address to show in messages
 *
 * @example An IPv6 address
 * ```ts
 * import { tcpAddress } from "./args.ts";
 * console.log(tcpAddress("::1", 8080)); // "[::1]:8080"
 * ```
 */
export function tcpAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
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
 * @param option the option that gave it (`--signal`), named in the message
 * @returns the signal's number
 * @throws {CliError} exit status 2 for an unknown signal
 *
 * @example Names and numbers
 * ```ts
 * import { parseSignal } from "./args.ts";
 * console.log(parseSignal("SIGHUP") === parseSignal("1")); // true on Linux
 * ```
 */
export function parseSignal(spec: string, option?: string): number {
  const n = signalNumber(spec);
  if (n !== null) return n;
  const undashed = spec.slice(1);
  const hint = spec.startsWith("-") && signalNumber(undashed) !== null
    ? ` (without the dash: ${undashed})`
    : "";
  const what = `unknown signal ${quote(spec)}${hint}`;
  throw new CliError(option === undefined ? what : `${option}: ${what}`, EXIT.usage);
}

/** A signal's number from its name or number, or null for none. */
function signalNumber(spec: string): number | null {
  if (!/^\d+$/.test(spec)) return signalNumberOf(spec.toUpperCase().replace(/^SIG/, ""));
  try {
    signalName(Number(spec)); // a signal of this platform
    return Number(spec);
  } catch {
    return null;
  }
}

/** Whether `spec` names a signal (`HUP`, `SIGHUP`, `hup`, `1`). */
function isSignal(spec: string): boolean {
  return signalNumber(spec) !== null;
}

/** `start`'s (and `restart`'s) options; null for `--help`. */
export async function parseStart(
  command: string,
  argv: readonly string[],
): Promise<StartOptions | null> {
  const parsed = await parse(command, argv, START, "program");
  if (!parsed) return null;
  const { values } = parsed;
  const ready = readiness(values);
  const timeoutMs = seconds(values, "timeout", DEFAULT_TIMEOUT_MS, false);
  // A --timeout under 1 s, given without --grace, halves the grace: it must be shorter.
  const graceMs = seconds(
    values,
    "grace",
    Math.min(DEFAULT_GRACE_MS, Math.floor(timeoutMs / 2)),
    true,
  );
  if (ready.kind === "exec" && graceMs >= timeoutMs) {
    const timeout = `${values.timeout === undefined ? "its default, " : ""}${timeoutMs / 1000} s`;
    throw new CliError(
      `--grace (${graceMs / 1000} s) must be shorter than --timeout (${timeout}): ` +
        "give a shorter --grace or a longer --timeout",
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
export async function parseRun(argv: readonly string[]): Promise<SetUpOptions | null> {
  const parsed = await parse("run", argv, SET_UP, "program");
  return parsed && setUp(parsed.values, needProgram("run", parsed.rest));
}

/** `stop`'s options; null for `--help`. */
export async function parseStop(argv: readonly string[]): Promise<StopOptions | null> {
  const parsed = await parse("stop", argv, {
    pidfile: { type: "string" },
    signal: { type: "string" },
    timeout: { type: "string" },
    "no-kill": { type: "boolean" },
  }, "nothing");
  if (!parsed) return null;
  if (parsed.rest.length > 0) throw new CliError("stop takes no program", EXIT.usage, "stop");
  const { values } = parsed;
  return {
    pidfile: required(values, "pidfile", "stop"),
    signal: parseSignal(text(values, "signal") ?? "TERM", "--signal"),
    timeoutMs: seconds(values, "timeout", 10_000, true),
    kill: !values["no-kill"],
  };
}

/** `status`'s options; null for `--help`. */
export async function parseStatus(argv: readonly string[]): Promise<StatusOptions | null> {
  const parsed = await parse("status", argv, {
    pidfile: { type: "string" },
    json: { type: "boolean" },
  }, "nothing");
  if (!parsed) return null;
  if (parsed.rest.length > 0) throw new CliError("status takes no program", EXIT.usage, "status");
  return { pidfile: required(parsed.values, "pidfile", "status"), json: !!parsed.values.json };
}

/** `signal`'s options; null for `--help`. */
export async function parseSignalCommand(argv: readonly string[]): Promise<SignalOptions | null> {
  const parsed = await parse("signal", argv, { pidfile: { type: "string" } }, "positionals");
  if (!parsed) return null;
  if (parsed.rest.length !== 1) {
    throw new CliError("expected one SIGNAL (HUP, SIGHUP or a number)", EXIT.usage, "signal");
  }
  return {
    pidfile: required(parsed.values, "pidfile", "signal"),
    signal: parseSignal(parsed.rest[0]),
  };
}
