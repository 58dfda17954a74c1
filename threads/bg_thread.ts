/**
 * {@linkcode BgThread}: a background service that calls `body()` in a loop
 * (Celery's `bgThread`), as an async loop in its own context.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Context, storage } from "./context.ts";
import { quoted, shown } from "./quote.ts";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;

// Deno.exit in Deno: its `process` global would load much of Deno's Node
// compatibility layer, which threads/ otherwise does not need.
function exitProcess(code: number): void {
  if (g.Deno && !g.Bun) g.Deno.exit(code);
  else g.process.exit(code);
}

/** The token of the body() call the current async context runs in (nested contexts included). */
const insideBody = new AsyncLocalStorage<object>();

/** How long a crashed service's async `onCrash` may take before the exit. */
const CRASH_REPORT_MS = 5000;

/**
 * Options of a {@linkcode BgThread}.
 *
 * @example Usage
 * ```ts
 * import type { BgThreadOptions } from "@posixly/posixly/threads";
 *
 * const options: BgThreadOptions = { name: "poller", exitOnCrash: false };
 * ```
 */
export interface BgThreadOptions {
  /** The service name (default: the class name). */
  name?: string;
  /**
   * Whether a crash exits the process with status 1 after `onCrash`
   * (default `true`, Celery's contract). With `false` only the service stops.
   */
  exitOnCrash?: boolean;
}

const OPTION_NAMES: readonly string[] = ["name", "exitOnCrash"];

/** Throws a TypeError naming the keys of `options` that are no option (five at most). */
function rejectUnknownOptions(options: object): void {
  const unknown = Object.keys(options).filter((key) => !OPTION_NAMES.includes(key));
  if (unknown.length === 0) return;
  const names = unknown.slice(0, 5).map((key) => quoted(key)).join(", ");
  const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : "";
  throw new TypeError(
    `unknown option${unknown.length > 1 ? "s" : ""} ${names}${more} for BgThread; ` +
      `known: ${OPTION_NAMES.join(", ")}`,
  );
}

/**
 * The constructor's arguments as options: `(name, options)`, `(options)` or
 * `(name)`; a TypeError names the argument or option that is wrong.
 */
function constructorOptions(name: unknown, options: unknown): BgThreadOptions {
  if (name !== null && typeof name === "object") {
    if (options !== undefined) {
      throw new TypeError(
        "BgThread takes (name, options) or (options): the options were given twice",
      );
    }
    return constructorOptions(undefined, name);
  }
  if (name !== undefined && typeof name !== "string") {
    throw new TypeError(`BgThread name must be a string or an options object, got ${shown(name)}`);
  }
  if (options === undefined) return { name };
  if (options === null || typeof options !== "object") {
    throw new TypeError(`BgThread options must be an object, got ${shown(options)}`);
  }
  rejectUnknownOptions(options);
  const given = options as BgThreadOptions;
  if (given.name !== undefined && typeof given.name !== "string") {
    throw new TypeError(`BgThread option name must be a string, got ${shown(given.name)}`);
  }
  if (given.exitOnCrash !== undefined && typeof given.exitOnCrash !== "boolean") {
    throw new TypeError(
      `BgThread option exitOnCrash must be true or false, got ${shown(given.exitOnCrash)}`,
    );
  }
  return { name: name ?? given.name, exitOnCrash: given.exitOnCrash };
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * What a crash message says of `error`. Never throws: a `name` or `message`
 * getter that throws, or a revoked Proxy, must not keep onCrash from being called.
 */
function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return typeof error === "string" ? JSON.stringify(error) : String(error);
  } catch {
    try {
      return Object.prototype.toString.call(error);
    } catch {
      return "(a value that cannot be shown)";
    }
  }
}

/** The stack of `error` when it is an Error that has one, else `undefined`; never throws. */
function stackOf(error: unknown): string | undefined {
  try {
    return error instanceof Error && typeof error.stack === "string" ? error.stack : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A background service: {@linkcode BgThread.body} is called in a loop from
 * {@linkcode BgThread.start} until {@linkcode BgThread.stop}. The loop runs in
 * its own async context (its own `getIdent()`) and yields to the event loop
 * between iterations, so even a synchronous body cannot starve timers and
 * I/O. When `body()` throws or rejects, {@linkcode BgThread.onCrash} is called
 * with `'NAME' crashed: ERROR`, then the process exits with status 1 unless
 * the service was built with `{ exitOnCrash: false }`.
 *
 * Unlike Celery's thread (a daemon thread, which Python does not wait for at
 * exit), a running service keeps the process alive while its `body()` waits
 * on a timer or I/O, as any pending timer does: `stop()` it, or end the
 * process with `Deno.exit()` / `process.exit()`.
 *
 * @example Usage
 * ```ts
 * import { BgThread } from "@posixly/posixly/threads";
 *
 * class Heartbeat extends BgThread {
 *   beats = 0;
 *   async body(): Promise<void> {
 *     this.beats++;
 *     await new Promise((r) => setTimeout(r, 10));
 *   }
 * }
 *
 * const hb = new Heartbeat();
 * hb.start();
 * await new Promise((r) => setTimeout(r, 50));
 * await hb.stop();
 * console.log(hb.beats > 0, hb.isAlive); // true false
 * ```
 */
export abstract class BgThread {
  /** The service name used in crash messages. */
  readonly name: string;
  /** Whether a crash exits the process (see {@linkcode BgThreadOptions}). */
  readonly exitOnCrash: boolean;
  #stopping = false;
  #alive = false;
  #inBody = false;
  #token: object | null = null;
  #done: Promise<void> = Promise.resolve();

  /**
   * Creates a stopped service.
   *
   * @example Usage
   * ```ts
   * import { BgThread } from "@posixly/posixly/threads";
   *
   * class Noop extends BgThread {
   *   body(): void {}
   * }
   * new Noop("noop", { exitOnCrash: false });
   * ```
   *
   * @param name The name (or the options); default: the class name.
   * @param options Options; `options.name` is used when `name` is not given.
   * @throws {TypeError} When `name` is not a string, `options` not an object,
   * an option unknown or of the wrong type (`exitOnCrash: "no"`).
   */
  constructor(name?: string | BgThreadOptions, options?: BgThreadOptions) {
    const checked = constructorOptions(name, options);
    this.name = checked.name ?? new.target.name;
    this.exitOnCrash = checked.exitOnCrash ?? true;
  }

  /**
   * One iteration of the service; called in a loop until
   * {@linkcode BgThread.stop}. It should wait for something (a timer, I/O)
   * when there is nothing to do.
   *
   * @example Usage
   * ```ts
   * import { BgThread } from "@posixly/posixly/threads";
   *
   * class Tick extends BgThread {
   *   async body(): Promise<void> {
   *     await new Promise((r) => setTimeout(r, 1000));
   *   }
   * }
   * ```
   */
  abstract body(): void | Promise<void>;

  /**
   * Whether the loop is running (from {@linkcode BgThread.start} until the
   * loop has ended).
   *
   * @example Usage
   * ```ts ignore
   * service.isAlive; // false before start()
   * ```
   *
   * @returns `true` while the loop runs.
   */
  get isAlive(): boolean {
    return this.#alive;
  }

  /**
   * Starts the loop in a fresh async context; the first `body()` runs on a
   * later turn of the event loop.
   *
   * @example Usage
   * ```ts ignore
   * service.start();
   * ```
   *
   * @throws {TypeError} When `body` is not a function (a subclass without
   * one, from JavaScript): the first call would crash the service and, by
   * default, exit the process.
   * @throws {Error} When the service is already running, or still stopping
   * (await the pending `stop()` first).
   */
  start(): void {
    if (typeof this.body !== "function") {
      throw new TypeError(
        `'${this.name}' has no body() to run: body is ${shown(this.body)}, not a function`,
      );
    }
    if (this.#alive && this.#stopping) {
      throw new Error(
        `'${this.name}' is still stopping; await the pending stop() before starting it again`,
      );
    }
    if (this.#alive) {
      throw new Error(`'${this.name}' is already running; stop() it before starting it again`);
    }
    this.#alive = true;
    this.#stopping = false;
    this.#done = storage.run(new Context(), () => this.#loop());
  }

  /**
   * Asks the loop to stop. The promise resolves once the current `body()`
   * has finished and the loop has ended; at once when the service is not
   * running. Called from inside `body()` it also resolves at once (awaiting
   * the end of the loop there would never finish); the loop then ends when
   * that `body()` returns.
   *
   * @example Usage
   * ```ts ignore
   * await service.stop();
   * ```
   *
   * @returns A promise that resolves when the loop has ended.
   */
  stop(): Promise<void> {
    this.#stopping = true;
    if (!this.#alive) return Promise.resolve();
    // From inside body() -- also from a nested context (LocalManager.run, middleware) --
    // waiting for the loop would wait for ourselves.
    if (this.#inBody && insideBody.getStore() === this.#token) return Promise.resolve();
    return this.#done;
  }

  /**
   * Reports a crash of `body()`. The default prints `message` and the
   * error's stack to stderr. Override it to report elsewhere; unless the
   * service was built with `{ exitOnCrash: false }` the process exits with
   * status 1 after it returns (or throws); an async one is awaited first, for
   * at most 5 s.
   *
   * @example Usage
   * ```ts
   * import { BgThread } from "@posixly/posixly/threads";
   *
   * class Quiet extends BgThread {
   *   body(): void {}
   *   override onCrash(message: string, _error: unknown): void {
   *     console.error(`[quiet] ${message}`);
   *   }
   * }
   * ```
   *
   * @param message `'NAME' crashed: ERROR`.
   * @param error What `body()` threw.
   */
  onCrash(message: string, error: unknown): void | Promise<void> {
    console.error(message);
    const stack = stackOf(error);
    if (stack) console.error(stack);
  }

  async #loop(): Promise<void> {
    try {
      while (!this.#stopping) {
        await nextTurn();
        if (this.#stopping) break;
        this.#inBody = true;
        // Each body() call has its own token: a timer that an earlier call left
        // behind is not "inside body()" for stop().
        const token = (this.#token = {});
        try {
          await insideBody.run(token, () => this.body());
        } catch (error) {
          // onCrash is part of this call: a stop() from it must not wait for the loop.
          await insideBody.run(token, () => this.#crash(error));
          return;
        } finally {
          this.#inBody = false;
        }
      }
    } finally {
      this.#alive = false;
      // The service's context ends with its loop: a timer body() left behind sees no values.
      storage.getStore()?.release();
    }
  }

  async #crash(error: unknown): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        this.onCrash(`'${this.name}' crashed: ${describeError(error)}`, error),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            console.error(`'${this.name}' onCrash did not finish within ${CRASH_REPORT_MS} ms`);
            resolve();
          }, CRASH_REPORT_MS);
        }),
      ]);
    } catch (reportError) {
      console.error(`'${this.name}' onCrash failed: ${describeError(reportError)}`);
    } finally {
      clearTimeout(timer);
      if (this.exitOnCrash) exitProcess(1);
    }
  }
}
