/**
 * {@linkcode LocalStack}: a stack with a separate content in every async
 * context.
 *
 * @module
 */
import { registerSlot, Slot } from "./context.ts";
import { LocalProxy } from "./local_proxy.ts";

const newItems = (): never[] => [];

/**
 * A stack whose content is separate in every async context (Celery's
 * `LocalStack`). Popping the last item releases the context's storage.
 *
 * @example Usage
 * ```ts
 * import { LocalStack } from "@posixly/posixly/threads";
 *
 * const requests = new LocalStack<{ id: number }>();
 * requests.push({ id: 1 });
 * const current = requests.proxy();
 * console.log(current.id); // 1
 * requests.pop();
 * console.log(requests.top); // undefined
 * ```
 *
 * @typeParam T The type of the items.
 */
export class LocalStack<T> {
  readonly #items = new Slot<T[]>();

  /**
   * Creates a stack that is empty in every context.
   *
   * @example Usage
   * ```ts
   * import { LocalStack } from "@posixly/posixly/threads";
   *
   * const stack = new LocalStack<string>();
   * ```
   */
  constructor() {
    registerSlot(this, this.#items);
  }

  /**
   * Pushes `value` on the current context's stack.
   *
   * @example Usage
   * ```ts
   * import { LocalStack } from "@posixly/posixly/threads";
   *
   * const stack = new LocalStack<string>();
   * stack.push("a"); // 1
   * ```
   *
   * @param value The item to push.
   * @returns The new length of the current context's stack.
   */
  push(value: T): number {
    return this.#items.getOrInit(newItems).push(value);
  }

  /**
   * Removes and returns the top item of the current context's stack.
   * Removing the last item releases the context's storage.
   *
   * @example Usage
   * ```ts
   * import { LocalStack } from "@posixly/posixly/threads";
   *
   * const stack = new LocalStack<string>();
   * stack.push("a");
   * stack.pop(); // "a"
   * stack.pop(); // undefined
   * ```
   *
   * @returns The removed item, or `undefined` when the stack is empty.
   */
  pop(): T | undefined {
    const items = this.#items.get();
    if (items === undefined) return undefined;
    if (items.length <= 1) {
      this.#items.set(undefined);
      return items[0];
    }
    return items.pop();
  }

  /**
   * The top item of the current context's stack, `undefined` when empty.
   *
   * @example Usage
   * ```ts
   * import { LocalStack } from "@posixly/posixly/threads";
   *
   * const stack = new LocalStack<number>();
   * stack.push(1);
   * stack.push(2);
   * stack.top; // 2
   * ```
   *
   * @returns The top item or `undefined`.
   */
  get top(): T | undefined {
    const items = this.#items.get();
    return items === undefined ? undefined : items[items.length - 1];
  }

  /**
   * A copy of the current context's stack, bottom first.
   *
   * @example Usage
   * ```ts
   * import { LocalStack } from "@posixly/posixly/threads";
   *
   * const stack = new LocalStack<number>();
   * stack.push(1);
   * stack.push(2);
   * stack.stack; // [1, 2]
   * ```
   *
   * @returns A new array with the items.
   */
  get stack(): T[] {
    const items = this.#items.get();
    return items === undefined ? [] : items.slice();
  }

  /**
   * The number of items on the current context's stack.
   *
   * @example Usage
   * ```ts
   * import { LocalStack } from "@posixly/posixly/threads";
   *
   * const stack = new LocalStack<number>();
   * stack.push(1);
   * stack.length; // 1
   * ```
   *
   * @returns The stack length.
   */
  get length(): number {
    const items = this.#items.get();
    return items === undefined ? 0 : items.length;
  }

  /**
   * Returns a {@linkcode LocalProxy} to {@linkcode LocalStack.top}: every use
   * of it acts on the top item of the stack of the context it is used in.
   * Using it while that stack is empty throws a `ReferenceError`
   * (`object unbound`).
   *
   * @example Usage
   * ```ts
   * import { LocalStack } from "@posixly/posixly/threads";
   *
   * const stack = new LocalStack<{ name: string }>();
   * const current = stack.proxy();
   * stack.push({ name: "a" });
   * current.name; // "a"
   * ```
   *
   * @returns A proxy to the top item.
   */
  proxy(): LocalProxy<T> {
    return new LocalProxy<T>(() => {
      const items = this.#items.get();
      if (items === undefined || items.length === 0) {
        throw new ReferenceError(
          "object unbound: the LocalStack is empty in this context; push() an item first",
        );
      }
      return items[items.length - 1];
    });
  }
}
