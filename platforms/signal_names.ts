/**
 * Signal names and numbers, real-time signals included: the small part of
 * signals.ts that the posixly command needs too (internal; signals.ts
 * re-exports {@linkcode signalName}).
 *
 * @module
 */
import { libc, platform } from "../ffi/mod.ts";
import { quote } from "./quote.ts";

/**
 * The real-time signals of the C library in use, SIGRTMIN to SIGRTMAX (the
 * C library keeps the kernel's first few for itself: glibc 32 and 33, musl
 * 32 to 34), or null where it has none (macOS).
 */
function realtimeSignals(): { min: number; max: number } | null {
  const min = libc.__libc_current_sigrtmin;
  const max = libc.__libc_current_sigrtmax;
  return min && max ? { min: min(), max: max() } : null;
}

/** `RTMIN`, `RTMIN+3`, `RTMAX-2`, `RTMAX` (without `SIG`), as kill(1) and bash name them. */
const REALTIME_NAME = /^RT(?:MIN(?:\+(\d{1,3}))?|MAX(?:-(\d{1,3}))?)$/;

/** The number of a real-time signal's name (without `SIG`), or null when it names none here. */
function realtimeNumber(short: string): number | null {
  const match = REALTIME_NAME.exec(short);
  const rt = match ? realtimeSignals() : null;
  if (!match || !rt) return null;
  const n = match[0].startsWith("RTMIN")
    ? rt.min + Number(match[1] ?? 0)
    : rt.max - Number(match[2] ?? 0);
  return n >= rt.min && n <= rt.max ? n : null;
}

/** The name of real-time signal `signum` (`RTMIN+3`), or null when it is none. */
function realtimeName(signum: number): string | null {
  const rt = realtimeSignals();
  if (!rt || signum < rt.min || signum > rt.max) return null;
  if (signum === rt.min) return "RTMIN";
  if (signum === rt.max) return "RTMAX";
  // Counted from the nearer end, as bash's and kill(1)'s names are.
  return signum - rt.min <= (rt.max - rt.min) / 2
    ? `RTMIN+${signum - rt.min}`
    : `RTMAX-${rt.max - signum}`;
}

/**
 * The canonical name of a signal number, without the `SIG` prefix: `"TERM"`
 * for 15. Aliases never come back (`CHLD`, not `CLD`; `ABRT`, not `IOT`;
 * `IO`, not `POLL`). A real-time signal is named from the nearer of
 * SIGRTMIN and SIGRTMAX of the C library in use, as bash and kill(1) name
 * it: `"RTMIN"`, `"RTMIN+1"`, ..., `"RTMAX-1"`, `"RTMAX"`. An unknown number
 * throws a RangeError.
 *
 * @example Name a signal number
 * ```ts
 * import { signalName } from "@posixly/posixly";
 * signalName(15); // "TERM"
 * signalName(17); // "CHLD" on Linux
 * ```
 *
 * @example Name a real-time signal
 * ```ts
 * import { signalName, signals } from "@posixly/posixly";
 * signalName(signals.signum("RTMIN+2")); // "RTMIN+2" (36 with glibc, 37 with musl)
 * ```
 */
export function signalName(signum: number): string {
  if (typeof signum !== "number") {
    throw new TypeError(
      `signalName takes a signal number, got ${typeof signum} ${quote(signum)}` +
        " (signals.signum() turns names into numbers)",
    );
  }
  const name = !Number.isInteger(signum)
    ? null
    : Object.hasOwn(platform.signalNames, signum)
    ? platform.signalNames[signum]
    : realtimeName(signum);
  if (name === null) throw new RangeError(`unknown signal number: ${quote(signum)}`);
  return name;
}

/**
 * The number of a signal name without `SIG` (`"HUP"`, `"RTMIN+1"`), or null
 * when it names no signal of this platform.
 *
 * @example Number of a name
 * ```ts ignore
 * signalNumber("TERM"); // 15
 * ```
 */
export function signalNumber(short: string): number | null {
  return Object.hasOwn(platform.signalNumbers, short)
    ? platform.signalNumbers[short]
    : realtimeNumber(short);
}

/**
 * Whether a name without `SIG` is of a real-time signal's form (`RTMIN+1`).
 *
 * @example A real-time name
 * ```ts ignore
 * isRealtimeName("RTMAX-2"); // true
 * ```
 */
export function isRealtimeName(short: string): boolean {
  return REALTIME_NAME.test(short);
}

/**
 * A signal for a message: `"SIGTERM"`, `"SIGRTMIN+1"`, or `"signal 99"`
 * for a number that is no signal of this platform.
 *
 * @example Shown in a message
 * ```ts ignore
 * describeSignal(15); // "SIGTERM"
 * ```
 */
export function describeSignal(signum: number): string {
  try {
    return `SIG${signalName(signum)}`;
  } catch {
    return `signal ${signum}`;
  }
}
