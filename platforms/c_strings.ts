/**
 * C string tables for `posix_spawn(3)` and `execve(2)` (internal): argv and
 * the environment as NUL-terminated strings in one buffer, with the
 * NULL-terminated table of their addresses, every string checked first.
 *
 * @module
 */
import { addressOf, cstr, quoteForMessage } from "../ffi/mod.ts";
import { quote as quoteValue } from "./quote.ts";

/** NUL-terminated strings in one buffer, and a NULL-terminated table of their addresses. */
export interface StringTable {
  readonly arena: Uint8Array;
  readonly table: BigUint64Array;
}

/** A table of C strings (each already NUL-terminated). */
export function stringTable(strings: readonly Uint8Array[]): StringTable {
  const size = strings.reduce((sum, s) => sum + s.length, 0);
  const arena = new Uint8Array(size || 1);
  const table = new BigUint64Array(strings.length + 1);
  const base = strings.length > 0 ? addressOf(arena) : 0n;
  let offset = 0;
  for (const [i, s] of strings.entries()) {
    arena.set(s, offset);
    table[i] = base + BigInt(offset);
    offset += s.length;
  }
  return { arena, table };
}

/**
 * argv as C strings: strings must be well-formed Unicode without NUL (else a
 * TypeError naming the entry); bytes are passed as they are, without NUL.
 * `args` must be an array without holes (a TypeError says so, not "Cannot
 * convert undefined or null to object" from deep inside).
 */
export function argvStrings(args: readonly (string | Uint8Array)[]): Uint8Array[] {
  if (!Array.isArray(args)) {
    throw new TypeError(`args must be an array of strings or bytes, got ${quoteValue(args)}`);
  }
  return Array.from(args, (arg: unknown, i) => {
    if (!Object.hasOwn(args, i)) {
      throw new TypeError(`args[${i}] is missing (a hole in a sparse array)`);
    }
    if (typeof arg === "string") return cstr(arg, `args[${i}]`);
    if (!(arg instanceof Uint8Array)) throw new TypeError(`args[${i}] must be a string or bytes`);
    if (arg.includes(0)) {
      throw new TypeError(`args[${i}] contains a NUL byte: ${quoteForMessage(String(arg))}`);
    }
    const s = new Uint8Array(arg.length + 1);
    s.set(arg);
    return s;
  });
}

/** The environment as `NAME=value` C strings, each checked like a path. */
export function envStrings(env: Readonly<Record<string, string | undefined>>): Uint8Array[] {
  const strings: Uint8Array[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name === "" || name.includes("=")) {
      throw new TypeError(`bad environment variable name: ${quoteForMessage(name)}`);
    }
    if (typeof value !== "string") {
      throw new TypeError(`environment variable ${quoteForMessage(name)} must be a string`);
    }
    strings.push(cstr(`${name}=${value}`, `environment variable ${quoteForMessage(name)}`));
  }
  return strings;
}

/** `s` as a C string (a TypeError naming `what` when it is not a string or has a NUL). */
export function cString(s: string, what: string): Uint8Array {
  if (typeof s !== "string") throw new TypeError(`${what} must be a string`);
  return cstr(s, what);
}
