/**
 * closeOpenFds() with 64 fds open, at the highest RLIMIT_NOFILE this process
 * may set (1,048,576 when the hard limit allows it). Timed by hand: each
 * round opens 64 fds, then times one closeOpenFds() call, and checks that
 * they were closed.
 *
 * The fds are on /dev/zero, not /dev/null: in Node.js, closeOpenFds keeps
 * every fd on /dev/null above 2, as it cannot tell libuv's reserve fd from
 * the others.
 */
import { openSync } from "node:fs";
import { check, libc, platform } from "../ffi/mod.ts";
import { closeOpenFds, getFdmax, openFds } from "../platforms/mod.ts";
import { record, report } from "./_harness.ts";

const WANT = 1_048_576;
const { RLIMIT_NOFILE } = platform.constants;
const lim = new BigUint64Array(2);
check(libc.getrlimit(RLIMIT_NOFILE, lim), "getrlimit");
if (libc.setrlimit(RLIMIT_NOFILE, new BigUint64Array([BigInt(WANT), BigInt(WANT)])) !== 0) {
  // Raising the hard limit needs CAP_SYS_RESOURCE: use the hard limit we have.
  check(libc.setrlimit(RLIMIT_NOFILE, new BigUint64Array([lim[1], lim[1]])), "setrlimit");
}
const limit = getFdmax(0);
const keep = openFds();
const samples: number[] = [];
for (let round = 0; round < 300; round++) {
  for (let i = 0; i < 64; i++) openSync("/dev/zero", "r");
  const t0 = performance.now();
  closeOpenFds(keep);
  samples.push((performance.now() - t0) * 1e6);
  const left = openFds().filter((fd) => !keep.includes(fd));
  if (left.length) throw new Error(`closeOpenFds left fds ${left.join(", ")} open`);
}
samples.sort((a, b) => a - b);
const median = samples[samples.length >> 1];
record(`closeOpenFds`, median, "ns");
record(`fd limit during closeOpenFds`, limit, "count");
if (limit < WANT) {
  console.log(
    `BENCH_NOTE closeOpenFds ran at RLIMIT_NOFILE ${limit}, not ${WANT}: this machine's hard limit is ${limit} and raising it needs CAP_SYS_RESOURCE, which the sandbox withholds. close_range(2) does not look at the limit, so the figure does not depend on it; Celery's loop does.`,
  );
}
await report("fds");
