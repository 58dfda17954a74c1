/**
 * A failed `posixly start` leaves nothing the program started running, also
 * what left its process group (setsid) without holding the pidfile's lock:
 * posixly, a child subreaper, adopts those orphans and stops them. Linux
 * only (macOS has no subreaper). Real processes; every pid a test learns is
 * killed at the end.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { gone, posixly, Scratch } from "./_cli_util.ts";
import { commandCycleUnderQemu, noSubreaper } from "./_platform.ts";

/** Each test runs the command, two cold starts of the runtime. */
const SLOW = { timeout: 120_000 };
const noBash = spawnSync("bash", ["-c", "true"]).status === 0 ? false : "needs bash";
if (noSubreaper || noBash) console.warn(`SKIPPING cli_orphans_test: ${noSubreaper || noBash}`);

let s: Scratch;
before(() => {
  s = new Scratch();
});
after(() => s.cleanup());

/**
 * Shell code that starts `sleep 1000` in a session of its own, without the
 * program's descriptors but stdio (the pidfile's lock among them: it is no
 * lock holder; bash, as dash cannot close a descriptor above 9), writes its
 * pid to `pidFile` and waits until it is there.
 */
function startSessionSleep(pidFile: string): string {
  const closeFds =
    'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done';
  return `setsid bash -c '${closeFds}; echo $$ >${pidFile}; exec sleep 1000' 2>/dev/null & ` +
    `until [ -s ${pidFile} ]; do sleep 0.01; done; `;
}

/** The pid in `path`, tracked for the cleanup; 0 when there is none. */
function trackedPid(path: string): number {
  return existsSync(path) ? s.track(Number(readFileSync(path, "utf8"))) : 0;
}

/** A stop of a process outside the group, and not of a lock holder. */
const namesOrphan = (pid: number): RegExp =>
  new RegExp(`; sent TERM to pid ${pid}, which it started outside its process group[.\\n]`);

describe("posixly start: a failure stops what the program started outside its group", {
  skip: noSubreaper || noBash || commandCycleUnderQemu,
}, () => {
  test("a program that exits before it is ready: its setsid child is stopped", SLOW, async () => {
    const pidfile = s.path("exits.pid");
    const left = s.path("exits.left");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--grace",
      "0.5",
      "--",
      "sh",
      "-c",
      `${startSessionSleep(left)}exit 3`,
    ]);
    const pid = trackedPid(left);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(pid > 0, "the program started its child");
    assert.match(r.stderr, /exited with status 3 before it was ready; sent TERM to pid/);
    assert.match(r.stderr, namesOrphan(pid));
    assert.ok(await gone(pid, 1000), "the orphan was stopped");
    assert.ok(!existsSync(pidfile), "the pidfile was removed");
  });

  test("a program not ready in time: the child its stop orphans is stopped", SLOW, async () => {
    const pidfile = s.path("unready.pid");
    const left = s.path("unready.left");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--ready",
      "fd:9",
      "--timeout",
      "2",
      "--",
      "sh",
      "-c",
      `${startSessionSleep(left)}exec sleep 1000`,
    ]);
    const pid = trackedPid(left);
    s.trackPidfile(pidfile);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(pid > 0, "the program started its child");
    assert.match(
      r.stderr,
      /was not ready within 2 s \(--timeout\); sent it TERM; sent TERM to pid/,
    );
    assert.match(r.stderr, namesOrphan(pid));
    assert.ok(await gone(pid, 1000), "the orphan was stopped");
  });
});
