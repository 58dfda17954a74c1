import { type Local } from "./local.d.ts";
import type { LocalStack } from "./local_stack.d.ts";
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
 * Manages a set of locals (Celery's `LocalManager`): releases them in the
 * current context, runs functions in fresh contexts and cleans up after them,
 * and wraps HTTP handlers so that each request runs in its own context.
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
export declare class LocalManager {
    #private;
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
    constructor(locals?: LocalLike | LocalLike[], identFunc?: () => number);
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
    getIdent(): number;
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
    cleanup(): void;
    /**
     * Runs `fn` in a fresh context (its own {@linkcode getIdent}, no values in
     * any Local) and releases the managed locals in that context afterwards:
     * when `fn` returns, throws, or, if it returns a promise, once that settles.
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
     */
    run<R>(fn: () => R): R;
    /**
     * Wraps a fetch-style handler so that each call runs in a fresh context
     * and the managed locals are released once its response is ready (also
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
     */
    middleware<I>(handler: FetchHandler<I>): (req: Request, info: I) => Promise<Response>;
}
