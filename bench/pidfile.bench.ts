/**
 * One Pidfile acquire() + release() per iteration, on tmpfs (/dev/shm) and on
 * /tmp (a disk file system here), in a fresh directory each. Celery 5.2.6's
 * figures come from bench/pidfile_celery.py under the same names.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Pidfile } from "../platforms/mod.ts";
import { measure, report } from "./_harness.ts";

const dirs: string[] = [];
for (const base of ["/dev/shm", "/tmp"]) {
  const dir = mkdtempSync(join(base, "posixly-pidfile-bench-"));
  dirs.push(dir);
  const lock = new Pidfile(join(dir, "bench.pid"));
  measure(`Pidfile acquire+release ${base}`, () => {
    lock.acquire();
    lock.release();
  });
}
try {
  await report("pidfile");
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
