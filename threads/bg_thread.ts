/**
 * {@linkcode BgThread}: a background service that calls `body()` in a loop
 * (Celery's `bgThread`), as an async loop in its own context.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Context, storage } from "./context.ts";

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

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return typeof error === "string" ? JSON.stringify(error) : String(error);
  } catch {
    return Object.prototype.toString.call(error);
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
   */
  constructor(name?: string | BgThreadOptions, options: BgThreadOptions = {}) {
    if (typeof name === "object" && name !== null) {
      options = name;
      name = undefined;
    }
    this.name = name ?? options.name ?? new.target.name;
    this.exitOnCrash = options.exitOnCrash ?? true;
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
   * @throws {Error} When the service is already running.
   */
  start(): void {
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
    if (error instanceof Error && error.stack) console.error(error.stack);
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
