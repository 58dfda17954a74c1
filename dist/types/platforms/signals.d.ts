/** A JS signal handler; it gets the signal's number. */
export type SignalHandler = (signum: number) => void;
/** What a signal does: a JS handler, the default action, or nothing. */
export type SignalDisposition = SignalHandler | "default" | "ignore";
/** A signal given by name (`"TERM"`, `"SIGTERM"`) or number (15). */
export type SignalSpec = string | number;
/**
 * The canonical name of a signal number, without the `SIG` prefix: `"TERM"`
 * for 15. Aliases never come back (`CHLD`, not `CLD`; `ABRT`, not `IOT`;
 * `IO`, not `POLL`). An unknown number throws a RangeError.
 *
 * @example
 * ```ts
 * import { signalName } from "@posixly/posixly";
 * signalName(15); // "TERM"
 * signalName(17); // "CHLD" on Linux
 * ```
 */
export declare function signalName(signum: number): string;
/**
 * Signal names, handlers and alarms, as Celery's `Signals`. Use the shared
 * {@linkcode signals} instance; every instance sees the same process-wide
 * state.
 *
 * @example
 * ```ts
 * import { signals } from "@posixly/posixly";
 * signals.set("HUP", () => console.log("reload"));
 * signals.ignore("USR2");
 * signals.reset("HUP", "USR2");
 * ```
 */
export declare class Signals {
    /**
     * The number of a signal: numbers pass through; `"INT"` and `"SIGINT"`
     * both give 2. A lowercase name or a value that is neither a string nor an
     * integer throws TypeError (`signal name must be uppercase string.`, as
     * Celery); an unknown name throws a RangeError naming it.
     *
     * @example
     * ```ts
     * import { signals } from "@posixly/posixly";
     * signals.signum("INT"); // 2
     * signals.signum("SIGTERM"); // 15
     * signals.signum(9); // 9
     * ```
     */
    signum(name: SignalSpec): number;
    /**
     * True when the name (or number) is a signal of this platform. False for
     * unknown and lowercase names; never throws.
     *
     * @example
     * ```ts
     * import { signals } from "@posixly/posixly";
     * signals.supported("TERM"); // true
     * signals.supported("term"); // false
     * signals.supported("NOSUCH"); // false
     * ```
     */
    supported(name: SignalSpec): boolean;
    /**
     * What a signal does now: the JS handler set with {@linkcode Signals.set},
     * `"ignore"`, or `"default"`. It reads the C library's disposition, so a
     * signal the runtime ignores from the start (SIGPIPE in Deno and Bun)
     * reports `"ignore"`. A listener added with `process.on` outside posixly is
     * returned as it is.
     *
     * @example
     * ```ts
     * import { signals } from "@posixly/posixly";
     * signals.get("PIPE"); // "ignore" (the runtime ignores SIGPIPE)
     * ```
     */
    get(name: SignalSpec): SignalDisposition;
    /**
     * Sets what a signal does: a JS handler (run by the runtime's signal
     * listener, called with the signal number), `"default"` or `"ignore"`.
     * A handler set here replaces the one set before through posixly.
     * SIGKILL and SIGSTOP throw a RangeError; so does a function for SIGSEGV,
     * SIGBUS, SIGILL or SIGFPE (a JS listener runs only after the faulting
     * instruction ran again: Bun would spin forever), and a signal the runtime
     * refuses to handle in JS. `"ignore"` and
     * `"default"` silence every listener of the signal, including ones added
     * with `process.on` elsewhere; in Deno those stay silent until a handler
     * is set here again.
     *
     * @example
     * ```ts
     * import { signals } from "@posixly/posixly";
     * signals.set("USR1", (n) => console.log("got", n));
     * signals.set("USR1", "ignore");
     * signals.set("USR1", "default");
     * ```
     */
    set(name: SignalSpec, handler: SignalDisposition): void;
    /**
     * Ignores each signal (`SIG_IGN`).
     *
     * @example
     * ```ts
     * import { signals } from "@posixly/posixly";
     * signals.ignore("HUP", "USR1");
     * ```
     */
    ignore(...names: SignalSpec[]): void;
    /**
     * Restores the default action of each signal (`SIG_DFL`).
     *
     * @example
     * ```ts
     * import { signals } from "@posixly/posixly";
     * signals.reset("HUP", "USR1");
     * ```
     */
    reset(...names: SignalSpec[]): void;
    /**
     * Sets several signals at once, from an object or from pairs.
     *
     * @example
     * ```ts
     * import { signals } from "@posixly/posixly";
     * signals.update({ TERM: () => console.log("term"), HUP: "ignore" });
     * signals.update([["TERM", "default"], ["HUP", "default"]]);
     * ```
     */
    update(map: Readonly<Record<string, SignalDisposition>> | Iterable<readonly [SignalSpec, SignalDisposition]>): void;
    /**
     * Schedules SIGALRM after `seconds` (fractions allowed), with
     * `setitimer(ITIMER_REAL)`; 0 cancels a pending alarm. Without a handler
     * the default action of SIGALRM ends the process.
     *
     * @example
     * ```ts
     * import { signals } from "@posixly/posixly";
     * signals.set("ALRM", () => console.log("time is up"));
     * signals.armAlarm(0.25);
     * ```
     */
    armAlarm(seconds: number): void;
    /**
     * Cancels a pending alarm; returns the seconds it still had to run (0 when
     * none was pending).
     *
     * @example
     * ```ts
     * import { signals } from "@posixly/posixly";
     * signals.armAlarm(10);
     * signals.resetAlarm(); // about 10
     * ```
     */
    resetAlarm(): number;
}
/**
 * The process's signals (Celery's `platforms.signals`).
 *
 * @example
 * ```ts
 * import { signals } from "@posixly/posixly";
 * signals.update({ HUP: "ignore", USR1: (n) => console.log("USR1", n) });
 * ```
 */
export declare const signals: Signals;
/**
 * The number of a signal name (Celery's `get_signal`); see {@linkcode Signals.signum}.
 *
 * @example
 * ```ts
 * import { getSignal } from "@posixly/posixly";
 * getSignal("TERM"); // 15
 * ```
 */
export declare function getSignal(name: SignalSpec): number;
/**
 * Restores the default action of each signal (Celery's `reset_signals`).
 *
 * @example
 * ```ts
 * import { resetSignals } from "@posixly/posixly";
 * resetSignals("HUP", "TERM");
 * ```
 */
export declare function resetSignals(...names: SignalSpec[]): void;
/**
 * Ignores each signal (Celery's `ignore_signals`).
 *
 * @example
 * ```ts
 * import { ignoreSignals } from "@posixly/posixly";
 * ignoreSignals("HUP");
 * ```
 */
export declare function ignoreSignals(...names: SignalSpec[]): void;
/**
 * Asks the kernel to send this process `name` when its parent dies
 * (`prctl(PR_SET_PDEATHSIG)`, Linux). Unlike Celery, which always sends
 * KILL, the signal given is the one sent. Returns true when it was set, false
 * where the platform has no such feature. 0 clears it. The setting is lost
 * on exec of a set-user-ID program, and a parent that already died before
 * the call sends nothing: check `process.ppid` afterwards if that matters.
 *
 * @example
 * ```ts
 * import { setPdeathsig } from "@posixly/posixly";
 * setPdeathsig("TERM"); // true on Linux
 * ```
 */
export declare function setPdeathsig(name: SignalSpec): boolean;
