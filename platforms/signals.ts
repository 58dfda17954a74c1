/**
 * Signals (Celery's `celery.platforms.signals`): names and numbers, JS
 * handlers, ignoring and resetting, alarms, and the parent-death signal.
 *
 * JS handlers run through the runtime's own signal listeners
 * (`Deno.addSignalListener` in Deno, `process.on("SIGUSR1", fn)` in Bun and
 * Node). `"ignore"` and `"default"` are set with `sigaction(2)`. Measured in
 * Deno 2.9, Bun 1.4 and Node 26: a C-level `SIG_IGN` or `SIG_DFL` overrides
 * the runtime's listeners; Deno installs its handler only once per signal, so
 * before a JS handler is set again the runtime's saved `struct sigaction` is
 * put back as it was (flags included: Deno uses `SA_SIGINFO`); Bun and Node
 * (libuv) install theirs again with a signal's first listener.
 *
 * @module
 */
import { check, libc, platform } from "../ffi/mod.ts";
import { quote } from "./quote.ts";
import { isRealtimeName, signalName, signalNumber } from "./signal_names.ts";
import { addSignalListener, removeSignalListener, settleRuntimeSignalHandlers } from "./host.ts";

export { signalName };

/** A JS signal handler; it gets the signal's number. */
export type SignalHandler = (signum: number) => void;

/** What a signal does: a JS handler, the default action, or nothing. */
export type SignalDisposition = SignalHandler | "default" | "ignore";

/** A signal given by name (`"TERM"`, `"SIGTERM"`) or number (15). */
export type SignalSpec = string | number;

/** Listeners other code added with `process.on` (every runtime lists them). */
function otherListeners(signal: string): ((...args: unknown[]) => void)[] {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  return typeof g.process?.listeners === "function" ? g.process.listeners(signal) : [];
}

/**
 * The runtime listener posixly keeps for a signal, and the JS handler it calls
 * (null while the signal is ignored: the listener stays, see {@linkcode Signals.set}).
 */
interface Listening {
  handler: SignalHandler | null;
  readonly listener: () => void;
}

/** Signal number -> posixly's listener for it. */
const installed = new Map<number, Listening>();
/** The runtime's own `struct sigaction`, saved when posixly replaced it with SIG_IGN / SIG_DFL. */
const savedRuntimeActions = new Map<number, Uint8Array>();

const UNCATCHABLE = new Set(["KILL", "STOP"]);
/**
 * Signals the kernel sends for a fault of the instruction that is running: a JS
 * listener runs later, from the event loop, so the instruction faults again as
 * soon as the runtime's C handler returns (Bun then spins forever).
 */
const SYNCHRONOUS_FAULTS = new Set(["SEGV", "BUS", "ILL", "FPE"]);

function isUppercaseName(name: string): boolean {
  return name.length > 0 && name === name.toUpperCase() && name !== name.toLowerCase();
}

function sigactionBuffer(): Uint8Array {
  return new Uint8Array(platform.layouts.sigaction.size);
}

function handlerOf(action: Uint8Array): bigint {
  const view = new DataView(action.buffer, action.byteOffset, action.byteLength);
  return view.getBigUint64(platform.layouts.sigaction.handler, true);
}

function isRuntimeHandler(handler: bigint): boolean {
  const { SIG_DFL, SIG_IGN } = platform.constants;
  return handler !== BigInt(SIG_DFL) && handler !== BigInt(SIG_IGN);
}

/** The current `struct sigaction` of a signal. */
function currentAction(signum: number): Uint8Array {
  const old = sigactionBuffer();
  check(libc.sigaction(signum, null, old), "sigaction");
  return old;
}

/** Sets SIG_IGN or SIG_DFL and keeps the runtime's handler it replaces. */
function setCDisposition(signum: number, handler: number): void {
  // Deno would put its own handler over this later (see settleRuntimeSignalHandlers).
  settleRuntimeSignalHandlers();
  const action = sigactionBuffer();
  const view = new DataView(action.buffer);
  view.setBigUint64(platform.layouts.sigaction.handler, BigInt(handler), true);
  const old = sigactionBuffer();
  check(libc.sigaction(signum, action, old), "sigaction");
  if (isRuntimeHandler(handlerOf(old))) savedRuntimeActions.set(signum, old);
}

function armTimer(seconds: number): number {
  const { itimerval } = platform.layouts;
  const buf = new Uint8Array(itimerval.size);
  const view = new DataView(buf.buffer);
  let sec = Math.floor(seconds);
  let usec = Math.round((seconds - sec) * 1e6);
  if (usec >= 1e6) {
    sec += 1;
    usec -= 1e6;
  }
  // A tiny positive delay must not round to 0, which would disarm the timer.
  if (seconds > 0 && sec === 0 && usec === 0) usec = 1;
  view.setBigInt64(itimerval.valueSec, BigInt(sec), true);
  if (itimerval.usecSize === 8) view.setBigInt64(itimerval.valueUsec, BigInt(usec), true);
  else view.setInt32(itimerval.valueUsec, usec, true);
  const old = new Uint8Array(itimerval.size);
  check(libc.setitimer(platform.constants.ITIMER_REAL, buf, old), "setitimer");
  const oldView = new DataView(old.buffer);
  const oldSec = Number(oldView.getBigInt64(itimerval.valueSec, true));
  const oldUsec = itimerval.usecSize === 8
    ? Number(oldView.getBigInt64(itimerval.valueUsec, true))
    : oldView.getInt32(itimerval.valueUsec, true);
  return oldSec + oldUsec / 1e6;
}

/**
 * Signal names, handlers and alarms, as Celery's `Signals`. Use the shared
 * {@linkcode signals} instance; every instance sees the same process-wide
 * state.
 *
 * @example Handle, ignore and reset signals
 * ```ts ignore
 * import { signals } from "@posixly/posixly";
 * signals.set("HUP", () => console.log("reload"));
 * signals.ignore("USR2");
 * signals.reset("HUP", "USR2");
 * ```
 */
export class Signals {
  /**
   * The number of a signal: numbers pass through; `"INT"` and `"SIGINT"`
   * both give 2. Real-time signals are named as bash and kill(1) name them,
   * from SIGRTMIN and SIGRTMAX of the C library in use (which keeps the
   * kernel's first few for itself, so the numbers differ between glibc and
   * musl): `"RTMIN"`, `"RTMIN+3"`, `"RTMAX-2"`, `"SIGRTMAX"`. A lowercase
   * name or a value that is neither a string nor an integer throws TypeError
   * (`signal name must be uppercase string.`, as Celery); an unknown name
   * throws a RangeError naming it.
   *
   * @example Number of a signal name
   * ```ts
   * import { signals } from "@posixly/posixly";
   * signals.signum("INT"); // 2
   * signals.signum("SIGTERM"); // 15
   * signals.signum(9); // 9
   * ```
   *
   * @example Number of a real-time signal
   * ```ts
   * import { signals } from "@posixly/posixly";
   * signals.signum("RTMIN+1"); // 35 with glibc, 36 with musl
   * ```
   */
  signum(name: SignalSpec): number {
    if (typeof name === "number" && Number.isInteger(name)) return name;
    if (typeof name !== "string" || !isUppercaseName(name)) {
      throw new TypeError("signal name must be uppercase string.");
    }
    const signum = signalNumber(name.startsWith("SIG") ? name.slice(3) : name);
    if (signum === null) throw new RangeError(`unknown signal name: ${quote(name)}`);
    return signum;
  }

  /**
   * True when the name (or number) is a signal of this platform. False for
   * unknown and lowercase names; never throws.
   *
   * @example Does this platform have the signal?
   * ```ts
   * import { signals } from "@posixly/posixly";
   * signals.supported("TERM"); // true
   * signals.supported("term"); // false
   * signals.supported("NOSUCH"); // false
   * ```
   */
  supported(name: SignalSpec): boolean {
    try {
      signalName(this.signum(name));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * What a signal does now: the JS handler set with {@linkcode Signals.set},
   * `"ignore"`, or `"default"`. It reads the C library's disposition, so a
   * signal the runtime ignores from the start (SIGPIPE in all three)
   * reports `"ignore"`. A listener added with `process.on` outside posixly is
   * returned as it is. A number that is no signal of this platform (0, 32,
   * 9999) throws a RangeError, as {@linkcode Signals.set} does.
   *
   * @example What a signal does now
   * ```ts
   * import { signals } from "@posixly/posixly";
   * signals.get("PIPE"); // "ignore" (the runtime ignores SIGPIPE)
   * ```
   */
  get(name: SignalSpec): SignalDisposition {
    const signum = this.signum(name);
    const short = signalName(signum); // validates the number, as set() does
    const handler = handlerOf(currentAction(signum));
    if (handler === BigInt(platform.constants.SIG_IGN)) return "ignore";
    if (handler === BigInt(platform.constants.SIG_DFL)) return "default";
    const ours = installed.get(signum)?.handler;
    if (ours) return ours;
    // The runtime's handler is installed: with no listener left, every
    // runtime applies the default action (measured; Node's own SIGINT and
    // SIGTERM handlers restore the terminal, then do).
    const others = otherListeners(`SIG${short}`);
    return others.length > 0 ? (others[0] as SignalHandler) : "default";
  }

  /**
   * Sets what a signal does: a JS handler (run by the runtime's signal
   * listener, called with the signal number), `"default"` or `"ignore"`.
   * A handler set here replaces the one set before through posixly.
   * SIGKILL and SIGSTOP throw a RangeError; so does a function for SIGSEGV,
   * SIGBUS, SIGILL or SIGFPE (a JS listener runs only after the faulting
   * instruction ran again: Bun would spin forever), for a real-time signal
   * (`RTMIN+1`: Deno, Bun and Node listen only for the named ones), and a
   * signal the runtime refuses to handle in JS. `"ignore"` and
   * `"default"` silence every listener of the signal, including ones added
   * with `process.on` elsewhere; in Deno those stay silent until a handler
   * is set here again. Switching is safe under a storm of the signal: posixly
   * keeps one runtime listener for it from the first handler until
   * `"default"` (it shows in `process.listeners`), so the signal never finds
   * no disposition and its default action.
   *
   * @example Handle SIGUSR1, then ignore it, then restore it
   * ```ts ignore
   * import { signals } from "@posixly/posixly";
   * signals.set("USR1", (n) => console.log("got", n));
   * signals.set("USR1", "ignore");
   * signals.set("USR1", "default");
   * ```
   */
  set(name: SignalSpec, handler: SignalDisposition): void {
    const { signum, short } = this.#checked(name, handler);
    // A signal must find a disposition at every moment, or its default action
    // ends the process. So posixly keeps one runtime listener per signal while
    // it switches between handlers and "ignore" (which is set in C, over the
    // listener), and removes it only for "default", after SIG_DFL is in place:
    // removing a signal's last listener makes Bun and Node reset it to SIG_DFL,
    // and Deno apply the default action.
    const current = installed.get(signum);
    if (handler === "ignore" || handler === "default") {
      const { SIG_IGN, SIG_DFL } = platform.constants;
      setCDisposition(signum, handler === "ignore" ? SIG_IGN : SIG_DFL);
      if (current === undefined) return;
      if (handler === "ignore") current.handler = null;
      else {
        installed.delete(signum);
        removeSignalListener(`SIG${short}`, current.listener);
      }
      return;
    }
    if (current !== undefined) current.handler = handler;
    else {
      const listening: Listening = {
        handler,
        listener: (): void => listening.handler?.(signum),
      };
      try {
        addSignalListener(`SIG${short}`, listening.listener);
      } catch (e) {
        throw new RangeError(
          `this runtime cannot run a JS handler for SIG${short}: ${(e as Error)?.message ?? e}`,
          { cause: e },
        );
      }
      installed.set(signum, listening);
    }
    const saved = savedRuntimeActions.get(signum);
    if (saved !== undefined && !isRuntimeHandler(handlerOf(currentAction(signum)))) {
      // Put the runtime's own handler back exactly as it was (flags included).
      check(libc.sigaction(signum, saved, null), "sigaction");
    }
  }

  /**
   * The signal's number and name once `name` and `handler` are checked as
   * {@linkcode Signals.set} needs them; throws before anything changes.
   */
  #checked(name: SignalSpec, handler: unknown): { signum: number; short: string } {
    const signum = this.signum(name);
    const short = signalName(signum);
    if (handler !== "default" && handler !== "ignore" && typeof handler !== "function") {
      throw new TypeError(
        `signal handler must be a function, "default" or "ignore", got ${quote(handler)}`,
      );
    }
    if (UNCATCHABLE.has(short)) {
      throw new RangeError(`SIG${short} cannot be caught or ignored; its action is fixed`);
    }
    if (typeof handler === "function" && isRealtimeName(short)) {
      throw new RangeError(
        `SIG${short} is a real-time signal: no runtime lets a program listen for one in JS ` +
          `(use "default" or "ignore")`,
      );
    }
    if (typeof handler === "function" && SYNCHRONOUS_FAULTS.has(short)) {
      throw new RangeError(
        `SIG${short} reports a fault of the running code: a JS handler would run only ` +
          `after it faulted again (use "default" or "ignore")`,
      );
    }
    return { signum, short };
  }

  /**
   * Sets each pair, once every pair is checked: a bad one throws with no
   * signal changed, not after the ones before it were set.
   */
  #setAll(pairs: readonly (readonly [SignalSpec, SignalDisposition])[]): void {
    for (const [name, handler] of pairs) this.#checked(name, handler);
    for (const [name, handler] of pairs) this.set(name, handler);
  }

  /**
   * Ignores each signal (`SIG_IGN`). Every name is checked first: an unknown
   * one throws with no signal changed.
   *
   * @example Ignore signals
   * ```ts ignore
   * import { signals } from "@posixly/posixly";
   * signals.ignore("HUP", "USR1");
   * ```
   */
  ignore(...names: SignalSpec[]): void {
    this.#setAll(names.map((name) => [name, "ignore"] as const));
  }

  /**
   * Restores the default action of each signal (`SIG_DFL`). Every name is
   * checked first: an unknown one throws with no signal changed.
   *
   * @example Restore the default action
   * ```ts ignore
   * import { signals } from "@posixly/posixly";
   * signals.reset("HUP", "USR1");
   * ```
   */
  reset(...names: SignalSpec[]): void {
    this.#setAll(names.map((name) => [name, "default"] as const));
  }

  /**
   * Sets several signals at once, from an object or from pairs. Every pair
   * is checked first: a bad name or handler throws with no signal changed,
   * and so does an entry that is not a `[signal, handler]` pair.
   *
   * @example Set several signals
   * ```ts ignore
   * import { signals } from "@posixly/posixly";
   * signals.update({ TERM: () => console.log("term"), HUP: "ignore" });
   * signals.update([["TERM", "default"], ["HUP", "default"]]);
   * ```
   */
  update(
    map:
      | Readonly<Record<string, SignalDisposition>>
      | Iterable<readonly [SignalSpec, SignalDisposition]>,
  ): void {
    if (map === null || typeof map !== "object") {
      throw new TypeError("signals.update() takes an object or an iterable of pairs");
    }
    const entries: unknown[] = Symbol.iterator in map
      ? [...(map as Iterable<unknown>)]
      : Object.entries(map as Record<string, SignalDisposition>);
    this.#setAll(entries.map((entry, i) => {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new TypeError(
          `signals.update() entry ${i} must be a [signal, handler] pair, got ${quote(entry)}`,
        );
      }
      return entry as [SignalSpec, SignalDisposition];
    }));
  }

  /**
   * Schedules SIGALRM after `seconds` (fractions allowed), with
   * `setitimer(ITIMER_REAL)`; 0 cancels a pending alarm. Without a handler
   * the default action of SIGALRM ends the process.
   *
   * @throws {TypeError} when `seconds` is not a number (`"1"` too).
   * @throws {RangeError} when `seconds` is not from 0 to 2**53 - 1 (NaN included).
   *
   * @example An alarm in a quarter second
   * ```ts ignore
   * import { signals } from "@posixly/posixly";
   * signals.set("ALRM", () => console.log("time is up"));
   * signals.armAlarm(0.25);
   * ```
   */
  armAlarm(seconds: number): void {
    if (typeof seconds !== "number") {
      throw new TypeError(
        `alarm seconds must be a number, got ${typeof seconds} ${quote(seconds)}`,
      );
    }
    // Above 2**53 - 1 seconds, a number no longer counts whole seconds.
    if (!(seconds >= 0 && seconds <= Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`alarm seconds must be from 0 to 2**53 - 1, got ${quote(seconds)}`);
    }
    armTimer(seconds);
  }

  /**
   * Cancels a pending alarm; returns the seconds it still had to run (0 when
   * none was pending).
   *
   * @example Cancel an alarm
   * ```ts ignore
   * import { signals } from "@posixly/posixly";
   * signals.armAlarm(10);
   * signals.resetAlarm(); // about 10
   * ```
   */
  resetAlarm(): number {
    return armTimer(0);
  }
}

/**
 * The process's signals (Celery's `platforms.signals`).
 *
 * @example Set signals on the shared instance
 * ```ts ignore
 * import { signals } from "@posixly/posixly";
 * signals.update({ HUP: "ignore", USR1: (n) => console.log("USR1", n) });
 * ```
 */
export const signals: Signals = new Signals();

/**
 * The number of a signal name (Celery's `get_signal`); see {@linkcode Signals.signum}.
 *
 * @example Number of a signal name
 * ```ts
 * import { getSignal } from "@posixly/posixly";
 * getSignal("TERM"); // 15
 * ```
 */
export function getSignal(name: SignalSpec): number {
  return signals.signum(name);
}

/**
 * Restores the default action of each signal (Celery's `reset_signal`).
 * Every name is checked first: an unknown one throws with no signal changed.
 *
 * @example Restore default actions
 * ```ts ignore
 * import { resetSignals } from "@posixly/posixly";
 * resetSignals("HUP", "TERM");
 * ```
 */
export function resetSignals(...names: SignalSpec[]): void {
  signals.reset(...names);
}

/**
 * Ignores each signal (Celery's `ignore_signal`). Every name is checked
 * first: an unknown one throws with no signal changed.
 *
 * @example Ignore SIGHUP
 * ```ts ignore
 * import { ignoreSignals } from "@posixly/posixly";
 * ignoreSignals("HUP");
 * ```
 */
export function ignoreSignals(...names: SignalSpec[]): void {
  signals.ignore(...names);
}

/**
 * Asks the kernel to send this process `name` when its parent dies
 * (`prctl(PR_SET_PDEATHSIG)`, Linux). Unlike Celery, which always sends
 * KILL, the signal given is the one sent. Returns true when it was set, false
 * where the platform has no such feature. 0 clears it. The setting is lost
 * on exec of a set-user-ID program, and a parent that already died before
 * the call sends nothing: check `process.ppid` afterwards if that matters.
 *
 * @example Be told when the parent dies
 * ```ts ignore
 * import { setPdeathsig } from "@posixly/posixly";
 * setPdeathsig("TERM"); // true on Linux
 * ```
 */
export function setPdeathsig(name: SignalSpec): boolean {
  const signum = signals.signum(name);
  if (signum !== 0) signalName(signum); // validates the number
  if (platform.os !== "linux") return false;
  const prctl = libc.prctl;
  if (prctl === null) return false;
  check(prctl(platform.constants.PR_SET_PDEATHSIG, BigInt(signum), 0n, 0n, 0n), "prctl");
  return true;
}
