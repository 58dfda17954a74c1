/**
 * {@linkcode LocalManager}: releases a set of locals, runs code in fresh
 * contexts and wraps request handlers (fetch-style and `node:http`) so that
 * each request gets its own.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Context, slotOf, storage } from "./context.ts";
import { getIdent } from "./ident.ts";
import { type Local, releaseLocal } from "./local.ts";
import type { LocalStack } from "./local_stack.ts";
import { shown } from "./quote.ts";

/** The prototypes of `function*` and `async function*` functions, which run() refuses. */
const GeneratorFunction: unknown = Object.getPrototypeOf(function* () {});
const AsyncGeneratorFunction: unknown = Object.getPrototypeOf(async function* () {});

/** What generator objects inherit from: those of `function*` and of `async function*` calls. */
const generatorPrototypes: readonly object[] = [GeneratorFunction, AsyncGeneratorFunction].map(
  (kind) => (kind as { prototype: object }).prototype,
);
const { isPrototypeOf } = Object.prototype;

/** True for a generator object (what calling a `function*` or `async function*` returns). */
function isGenerator(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    generatorPrototypes.some((prototype) => isPrototypeOf.call(prototype, value));
}

/**
 * A {@linkcode Local} or a {@linkcode LocalStack}: what a
 * {@linkcode LocalManager} manages.
 *
 * @example Usage
 * ```ts
 * import { Local, type LocalLike, LocalStack } from "@posixly/posixly/threads";
 *
 * const all: LocalLike[] = [new Local(), new LocalStack<number>()];
 * ```
 */
export type LocalLike = Local<object> | LocalStack<unknown>;

/**
 * A fetch-style request handler, as taken by `Deno.serve` and by the `fetch`
 * option of `Bun.serve`.
 *
 * @example Usage
 * ```ts
 * import type { FetchHandler } from "@posixly/posixly/threads";
 *
 * const hello: FetchHandler<unknown> = () => new Response("hello");
 * ```
 *
 * @typeParam I The second argument (Deno's `ServeHandlerInfo`, Bun's `Server`).
 */
export type FetchHandler<I> = (req: Request, info: I) => Response | Promise<Response>;

/**
 * A `node:http` request listener, as taken by `http.createServer` and the
 * `"request"` event.
 *
 * @example Usage
 * ```ts
 * import type { RequestListener } from "@posixly/posixly/threads";
 *
 * const hello: RequestListener = (_req, res) => {
 *   res.end("hello");
 * };
 * ```
 *
 * @typeParam Req The request type (`http.IncomingMessage` or a subclass).
 * @typeParam Res The response type (`http.ServerResponse` or a subclass).
 */
export type RequestListener<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse<Req> = ServerResponse<Req>,
> = (req: Req, res: Res) => void | Promise<void>;

/**
 * Manages a set of locals (Celery's `LocalManager`): releases them in the
 * current context, runs functions in fresh contexts that are cleaned up after
 * them, and wraps HTTP handlers so that each request runs in its own context.
 * A context made by {@linkcode LocalManager.run}, `middleware` or
 * `requestListener` belongs to that one call: when the call is done, every
 * value set in it is released, in any Local or LocalStack, managed or not.
 *
 * @example Usage
 * ```ts
 * import { Local, LocalManager } from "@posixly/posixly/threads";
 *
 * const local = new Local<{ user?: string }>();
 * const manager = new LocalManager(local);
 * // Deno.serve({ port: 8000 }, manager.middleware((req) => {
 * //   local.user = req.headers.get("x-user") ?? "anonymous";
 * //   return new Response(local.user);
 * // }));
 * await manager.run(async () => {
 *   local.user = "alice";
 * });
 * ```
 */
export class LocalManager {
  /**
   * The managed locals. You may push more to it later; when an array was
   * given to the constructor, this is that same array.
   */
  readonly locals: LocalLike[];
  /** The function {@linkcode LocalManager.getIdent} returns the result of. */
  readonly identFunc: () => number;

  /**
   * Creates a manager.
   *
   * @example Usage
   * ```ts
   * import { Local, LocalManager, LocalStack } from "@posixly/posixly/threads";
   *
   * const manager = new LocalManager([new Local(), new LocalStack<number>()]);
   * ```
   *
   * @param locals A Local, a LocalStack or an array of them (default: none).
   * @param identFunc What {@linkcode LocalManager.getIdent} returns (default:
   * {@linkcode getIdent}). Values are always keyed by async context.
   * @throws {TypeError} When `locals` holds something else.
   */
  constructor(locals?: LocalLike | LocalLike[], identFunc?: () => number) {
    if (locals === undefined) {
      this.locals = [];
    } else if (Array.isArray(locals)) {
      // An index loop, not forEach: a hole in a sparse array is checked too.
      for (let i = 0; i < locals.length; i++) check(locals[i], `locals[${i}]`);
      this.locals = locals;
    } else {
      check(locals, "locals");
      this.locals = [locals];
    }
    if (identFunc !== undefined && typeof identFunc !== "function") {
      throw new TypeError(`LocalManager identFunc must be a function, got ${typeof identFunc}`);
    }
    this.identFunc = identFunc ?? getIdent;
  }

  /**
   * Returns the ident of the current context (through `identFunc`).
   *
   * @example Usage
   * ```ts
   * import { LocalManager } from "@posixly/posixly/threads";
   *
   * new LocalManager().getIdent(); // e.g. 1
   * ```
   *
   * @returns The ident.
   */
  getIdent(): number {
    return this.identFunc();
  }

  /**
   * Releases all managed locals in the current context.
   *
   * @example Usage
   * ```ts
   * import { Local, LocalManager } from "@posixly/posixly/threads";
   *
   * const local = new Local<{ n?: number }>();
   * const manager = new LocalManager(local);
   * local.n = 1;
   * manager.cleanup();
   * local.n; // undefined
   * ```
   */
  cleanup(): void {
    for (const local of this.locals) releaseLocal(local);
  }

  /**
   * Runs `fn` in a fresh context (its own {@linkcode getIdent}, no values in
   * any Local) and releases every value set in that context afterwards: when
   * `fn` returns, throws, or, if it returns a promise (or another thenable,
   * whose `then` runs in that context), once that settles (before the code
   * awaiting it resumes). A timer that `fn` left behind
   * still runs in that context, and sees no values there.
   *
   * @example Usage
   * ```ts
   * import { Local, LocalManager } from "@posixly/posixly/threads";
   *
   * const local = new Local<{ n?: number }>();
   * const manager = new LocalManager(local);
   * const n = await manager.run(async () => {
   *   local.n = 42;
   *   await new Promise((r) => setTimeout(r, 1));
   *   return local.n;
   * });
   * console.log(n); // 42
   * ```
   *
   * @typeParam R The result type of `fn`.
   * @param fn The function to run.
   * @returns What `fn` returns (a promise settling like `fn`'s, after cleanup).
   * @throws {TypeError} When `fn` is not a function, is a generator
   * function (`function*`, `async function*`), or returns a generator: its
   * body would run later, where the generator is iterated, outside the fresh
   * context.
   */
  run<R>(fn: () => R): R {
    if (typeof fn !== "function") {
      throw new TypeError(`run() expects a function, got ${typeof fn}`);
    }
    const result = storage.run(new Context(), callAndRelease, fn);
    // A generator, from a generator function or made and returned by fn
    // (run(() => gen())): its body has not run yet, and would run wherever it is
    // iterated, outside this context, which is already released.
    if (!(result instanceof Promise) && isGenerator(result)) {
      const kind: unknown = Object.getPrototypeOf(fn);
      throw new TypeError(
        (kind === GeneratorFunction || kind === AsyncGeneratorFunction
          ? "run() cannot run a generator function"
          : "run()'s function returned a generator") +
          ": its body would run where it is iterated, outside run()'s context; " +
          "iterate it inside run() (run(async () => { for await ... }))",
      );
    }
    return result;
  }

  /**
   * Wraps a fetch-style handler so that each call runs in a fresh context
   * and the values set in it are released once its response is ready (also
   * when it throws). One line with either runtime:
   * `Deno.serve(opts, manager.middleware(handler))` or
   * `Bun.serve({ ...opts, fetch: manager.middleware(handler) })`.
   * Neither server gives requests their own context by itself.
   *
   * @example Usage
   * ```ts ignore
   * import { Local, LocalManager } from "@posixly/posixly/threads";
   *
   * const local = new Local<{ user?: string }>();
   * const manager = new LocalManager(local);
   * Deno.serve({ port: 8000 }, manager.middleware(async (req) => {
   *   local.user = req.headers.get("x-user") ?? "anonymous";
   *   await new Promise((r) => setTimeout(r, 10));
   *   return new Response(`hello ${local.user}`);
   * }));
   * ```
   *
   * @typeParam I The handler's second argument type.
   * @param handler The handler to wrap.
   * @returns The wrapped handler.
   * @throws {TypeError} When `handler` is not a function.
   */
  middleware<I>(handler: FetchHandler<I>): (req: Request, info: I) => Promise<Response> {
    if (typeof handler !== "function") {
      throw new TypeError(`middleware() expects a handler function, got ${typeof handler}`);
    }
    // A plain function: Bun.serve calls fetch with the server as `this` (this.upgrade(req)).
    return function (this: unknown, req: Request, info: I) {
      try {
        // A promise passes through Promise.resolve as it is.
        return Promise.resolve(
          storage.run(new Context(), callAndRelease, handler, this, req, info),
        );
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }

  /**
   * Wraps a `node:http` request listener so that each request runs in a
   * fresh context and the values set in it are released when the response
   * has been sent (`"finish"`) or the connection closed first (`"close"`),
   * after that event's listeners: an access log on `res.on("finish")` still
   * sees them. When the listener throws, or the promise it returns rejects,
   * they are released then: it will send no response. The listeners of the
   * request and the response (`req.on("data")`, `"end"`) run in that context
   * too. For `http.createServer` in Node, Deno and Bun.
   *
   * @example Usage
   * ```ts
   * import { createServer } from "node:http";
   * import { Local, LocalManager } from "@posixly/posixly/threads";
   *
   * const local = new Local<{ user?: string }>();
   * const manager = new LocalManager(local);
   * const server = createServer(manager.requestListener(async (req, res) => {
   *   local.user = req.headers["x-user"]?.toString() ?? "anonymous";
   *   await new Promise((r) => setTimeout(r, 10));
   *   res.end(`hello ${local.user}`);
   * }));
   * server.listen(0, "127.0.0.1", () => server.close());
   * ```
   *
   * @typeParam Req The request type (`http.IncomingMessage`).
   * @typeParam Res The response type (`http.ServerResponse`).
   * @param listener The request listener to wrap.
   * @returns The wrapped listener.
   * @throws {TypeError} When `listener` is not a function.
   */
  requestListener<
    Req extends IncomingMessage = IncomingMessage,
    Res extends ServerResponse<Req> = ServerResponse<Req>,
  >(listener: RequestListener<Req, Res>): RequestListener<Req, Res> {
    if (typeof listener !== "function") {
      throw new TypeError(`requestListener() expects a listener function, got ${typeof listener}`);
    }
    return function (this: unknown, req: Req, res: Res) {
      const context = new Context();
      // An emitter calls its listeners in the context it emits from (in Node and
      // Bun, the server's): the request's and the response's run in the request's.
      runListenersIn(req, context, false);
      runListenersIn(res, context, true);
      return storage.run(
        context,
        callReleasingOnThrow,
        context,
        () => listener.call(this, req, res),
      );
    };
  }
}

/**
 * Calls `fn` (with `thisArg` and the arguments of a fetch handler, if any) in
 * the context that `LocalManager.run` or `middleware` made for it, and
 * releases that context once `fn` is done: when it returns or throws, or when
 * the promise it returns settles. The release is a reaction to that very
 * promise, so it runs before whoever awaits the result resumes.
 */
function callAndRelease<A, B, R>(
  fn: (this: unknown, a: A, b: B) => R,
  thisArg?: unknown,
  a?: A,
  b?: B,
): R {
  let result: R;
  try {
    result = fn.call(thisArg, a as A, b as B);
  } catch (error) {
    storage.getStore()!.release();
    throw error;
  }
  if (result instanceof Promise) return result.then(releasedValue, releasedError) as R;
  // Another thenable (a query builder, another library's promise): its then()
  // runs now, in this context, and the values stay until it settles.
  if (isThenable(result)) {
    return Promise.resolve(result).then(releasedValue, releasedError) as R;
  }
  storage.getStore()!.release();
  return result;
}

/**
 * Calls a request listener, and releases its context at once if it throws or
 * its promise rejects: no response is coming from it then, and the values it
 * set would otherwise stay until the client gave up on the connection.
 */
function callReleasingOnThrow<R>(context: Context, call: () => R): R {
  let result: R;
  try {
    result = call();
  } catch (error) {
    context.release();
    throw error;
  }
  if (!isThenable(result)) return result;
  return Promise.resolve(result).then(undefined, (error: unknown) => {
    context.release();
    throw error;
  }) as R;
}

/** True for an object or function with a `then` method (reading `then` once). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  try {
    return typeof (value as { then?: unknown }).then === "function";
  } catch {
    return false; // a `then` getter that throws: a plain value, as await would find out
  }
}

// Promise reactions run in the context they were registered in: the call's own.
function releasedValue<T>(value: T): T {
  storage.getStore()!.release();
  return value;
}

function releasedError(error: unknown): never {
  storage.getStore()!.release();
  throw error;
}

/** The context an emitter's listeners run in, and the contexts its end releases. */
interface EmitterContexts {
  current: Context;
  readonly released: Context[];
}

/** The emitters whose `emit` {@linkcode runListenersIn} has wrapped. */
const wrapped = new WeakMap<object, EmitterContexts>();

/**
 * Makes `emitter` call its listeners in `context` (its own `emit`, wrapped
 * once: a listener wrapped by two managers runs its request's listeners in
 * the inner, newest context, as its own code does). With `release`, the
 * context is released after the listeners of `"finish"` (an access log sees
 * the request's values) or, when the connection closed first, of `"close"`.
 */
function runListenersIn(
  emitter: { emit(event: string | symbol, ...args: unknown[]): boolean },
  context: Context,
  release: boolean,
): void {
  let contexts = wrapped.get(emitter);
  if (contexts === undefined) {
    const state: EmitterContexts = { current: context, released: [] };
    const emit = emitter.emit;
    emitter.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
      try {
        return storage.run(state.current, () => emit.call(this, event, ...args));
      } finally {
        if (event === "finish" || event === "close") {
          for (const done of state.released) done.release();
        }
      }
    };
    wrapped.set(emitter, state);
    contexts = state;
  }
  contexts.current = context;
  if (release) contexts.released.push(context);
}

function check(value: unknown, what: string): void {
  if (slotOf(value) === undefined) {
    throw new TypeError(
      `LocalManager ${what} must be a Local or a LocalStack, got ${shown(value)}`,
    );
  }
}
