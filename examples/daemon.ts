/**
 * Daemonize: detach from the terminal, log to a file, hold a pidfile, tell
 * the launcher (and systemd, under Type=notify) when start-up is done, and
 * stop cleanly on SIGTERM.
 *
 *   deno run --allow-ffi examples/daemon.ts     bun examples/daemon.ts
 *   cat /tmp/posixly-example.log
 *   kill $(head -1 /tmp/posixly-example.pid)
 *
 * Run it twice: the second launcher exits 73, the pidfile being held.
 */
import process from "node:process";
import { detached } from "../mod.ts";

// First: everything above this line runs in both the launcher and the daemon.
const ctx = await detached({
  pidfile: "/tmp/posixly-example.pid",
  logfile: "/tmp/posixly-example.log",
  ready: "manual",
});

// Now this is the daemon: stdout and stderr go to the logfile.
console.log(`daemon ${process.pid} started at ${new Date().toISOString()}`);
// ... bind ports, open databases ...
ctx.notifyReady(); // the launcher exits 0 now
ctx.notify({ status: "ticking" }); // systemd STATUS= (does nothing outside systemd)

const timer = setInterval(
  () => console.log(`still running at ${new Date().toISOString()}`),
  10_000,
);
process.on("SIGTERM", () => {
  console.log("SIGTERM: stopping");
  clearInterval(timer);
  ctx.close(); // removes the pidfile
  process.exit(0);
});
