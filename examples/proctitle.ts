/**
 * Sets the process title and shows what other processes see. Exits by itself.
 *
 *   deno run -A examples/proctitle.ts
 *   bun examples/proctitle.ts
 *
 * -A is only for printing /proc/self/* (Deno lets node:fs read it only with
 * --allow-all); setting the title needs only --allow-ffi, and then the
 * example prints "/proc is not readable here".
 */
import { readFileSync } from "node:fs";
import { originalCommandLine, setMpProcessTitle, setProcessTitle } from "../mod.ts";

const show = (what: string): void => {
  try {
    const cmdline = readFileSync("/proc/self/cmdline", "utf8");
    const comm = readFileSync("/proc/self/comm", "utf8");
    console.log(
      `${what}:\n  cmdline ${JSON.stringify(cmdline)}\n  comm    ${JSON.stringify(comm)}`,
    );
  } catch {
    console.log(`${what}: /proc is not readable here`);
  }
};

show("before");
console.log(`returned ${JSON.stringify(setProcessTitle("example", "-active-"))}`);
show("after setProcessTitle");
console.log(`returned ${JSON.stringify(setMpProcessTitle("celeryd", "busy", "w1@host"))}`);
show("after setMpProcessTitle");
console.log(`original command line: ${JSON.stringify(originalCommandLine())}`);
