/**
 * Context locals in a few lines: every "request" below runs in its own async
 * context, so concurrent requests never see each other's values.
 *
 *   deno run examples/locals.ts      bun examples/locals.ts
 */
import { getIdent, Local, LocalManager, LocalStack } from "../threads/mod.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const request = new Local<{ user?: string }>();
const spans = new LocalStack<string>();
const manager = new LocalManager([request, spans]);
const currentSpan = spans.proxy(); // always the top of the current context's stack

async function handle(user: string, delay: number): Promise<string> {
  request.user = user;
  spans.push(`handle(${user})`);
  await sleep(delay); // other requests run meanwhile
  spans.push("render");
  const line = `ctx ${getIdent()}: user=${request.user} span=${currentSpan.toString()} ` +
    `stack=${spans.stack.join(" > ")}`;
  spans.pop();
  return line;
}

request.user = "top-level";
const lines = await Promise.all([
  manager.run(() => handle("alice", 30)),
  manager.run(() => handle("bob", 10)),
  manager.run(() => handle("carol", 20)),
]);
for (const line of lines) console.log(line);
console.log(`top level ctx ${getIdent()}: user=${request.user} stack depth=${spans.length}`);
