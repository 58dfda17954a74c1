/**
 * Pidfile locks with posixly: take one, see a second taker refused with
 * Celery's message and exit code, inspect it, release it, and scope one with
 * `using`. Exits by itself and leaves nothing behind.
 *
 *   deno run --allow-ffi examples/pidlock.ts
 *   bun examples/pidlock.ts
 */
import process from "node:process";
import { createPidlock, LockFailed, Pidfile } from "../mod.ts";

const path = `/tmp/posixly-example-${process.pid}.pid`;

// Taken, complete and flock-ed; released at exit if nothing else does it.
const lock = createPidlock(path);
console.log(`locked ${lock.path} (pid ${lock.readPid()})`);
console.log("inspect():", new Pidfile(path).inspect());

// A second taker (here: the same process) is refused.
try {
  createPidlock(path);
} catch (e) {
  if (!(e instanceof LockFailed)) throw e;
  console.log(`refused, exit code ${e.exitCode}, holder ${e.pid}:\n${e.message}`);
}

lock.release();
console.log(`released; a file at the path: ${lock.isLocked()}`);

{
  using scoped = new Pidfile(path).acquire();
  console.log(`in a block with \`using\`: held = ${scoped.held}`);
}
console.log(`after the block: ${new Pidfile(path).inspect().status}`);
