/**
 * Signals with posixly: a JS handler, ignoring, an alarm with fractional
 * seconds, and signal names. Exits by itself.
 *
 *   deno run --allow-ffi examples/signals.ts
 *   bun examples/signals.ts
 *   node --disable-warning=ExperimentalWarning examples/signals.ts
 */
import process from "node:process";
import { signalName, signals } from "../mod.ts";

console.log(`TERM is ${signals.signum("TERM")}, 17 is ${signalName(17)}`);
console.log(`SIGPIPE is now: ${signals.get("PIPE")}`);

// A JS handler, then a signal sent to ourselves.
// (A signal listener does not keep Node's event loop alive: the timer does.)
const gotUsr1 = new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no SIGUSR1 within 5 s")), 5000);
  signals.set("USR1", (n) => {
    console.log(`handler ran for SIG${signalName(n)} (${n})`);
    clearTimeout(timer);
    resolve();
  });
});
process.kill(process.pid, "SIGUSR1");
await gotUsr1;

// Ignored: the process survives a signal whose default action would end it.
signals.ignore("USR1");
process.kill(process.pid, "SIGUSR1");
await new Promise((r) => setTimeout(r, 50));
console.log(`USR1 ignored and survived; get("USR1") is ${JSON.stringify(signals.get("USR1"))}`);

// An alarm in 0.1 s.
const started = performance.now();
await new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no SIGALRM within 5 s")), 5000);
  signals.set("ALRM", () => {
    console.log(`alarm after ${(performance.now() - started).toFixed(1)} ms`);
    clearTimeout(timer);
    resolve();
  });
  signals.armAlarm(0.1);
});

signals.reset("USR1", "ALRM");
console.log("handlers reset; done");
