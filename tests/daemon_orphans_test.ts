/**
 * A failed `detached()` start leaves nothing the daemon started running,
 * also what left its process group (setsid): the launcher, a child
 * subreaper, adopts those orphans and stops them. Linux only (macOS has no
 * subreaper). Real processes; every pid a test learns is killed at the end.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { alive, gone, Scratch } from "./_cli_util.ts";
import { fixture, runScript } from "./_util.ts";
import { noSubreaper, timeScale } from "./_platform.ts";
import type { AppOptions } from "./fixtures/daemon_app_options.ts";

const APP = fixture("daemon_app.ts");
const SLOW = { timeout: 120_000 };
if (noSubreaper) console.warn(`SKIPPING daemon_orphans_test: ${noSubreaper}`);

let s: Scratch;
before(() => {
  s = new Scratch();
});
after(() => s.cleanup());

/** The pids, one a line, in the file `path` (none when there is no file). */
function pidsIn(path: string): number[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter(Boolean).map(Number);
}

/**
 * Runs tests/fixtures/daemon_app.ts with `options` in a directory of its own
 * to its launcher's exit. Every pid it logs (the launcher and the daemon in
 * DIR/pids, the children in DIR/children and DIR/sessions) is killed at the
 * end of the file, if it still runs.
 */
function launch(name: string, options: AppOptions) {
  const dir = s.path(name);
  mkdirSync(dir);
  const r = runScript(APP, [JSON.stringify({ dir, ...options })], { timeout: 60_000 });
  const logged = (file: string) => pidsIn(join(dir, file)).map((pid) => s.track(pid));
  const [, daemon] = logged("pids");
  return { r, daemon, children: logged("children"), sessions: logged("sessions") };
}

describe("detached(): a failed start stops what the daemon started outside its group", {
  skip: noSubreaper,
}, () => {
  test("a daemon that throws before ready: its setsid children and theirs are stopped", {
    ...SLOW,
  }, async () => {
    const { r, daemon, children, sessions } = launch("throws", {
      detached: { ready: "manual", timeoutMs: 30_000 },
      leaderChildFirst: true,
      sessionChildrenBeforeReady: true,
      throwBeforeReady: true,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(sessions.length, 3, "the daemon started its three processes");
    // The launcher's own child, from before detached(), and the daemon's.
    const [launchersChild, daemonsChild] = children;
    const named = new RegExp(
      `the daemon \\(pid ${daemon}\\) exited with code 1 before it was ready; also sent SIGTERM ` +
        "to pids ([\\d, ]+), which it started outside its process group\\.",
    ).exec(r.stderr);
    assert.ok(named, r.stderr);
    const stopped = named[1].split(", ").map(Number).sort((a, b) => a - b);
    assert.deepEqual(stopped, [daemonsChild, ...sessions].sort((a, b) => a - b));
    for (const pid of [daemonsChild, ...sessions]) {
      assert.ok(await gone(pid, 1000), `pid ${pid} was stopped`);
    }
    assert.ok(alive(launchersChild), "the launcher's own child is left alone");
  });

  test("a daemon not ready in time: the orphans its stop makes are stopped too", {
    ...SLOW,
  }, async () => {
    // The daemon's cold start and its children fit in the timeout.
    const timeoutMs = 5000 * Math.min(timeScale, 3);
    const { r, daemon, sessions } = launch("timeout", {
      detached: { ready: "manual", timeoutMs },
      sessionChildrenBeforeReady: true,
      neverReady: true,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(sessions.length, 3, "the daemon started its three processes");
    const named = new RegExp(
      `the daemon \\(pid ${daemon}\\) was not ready within ${timeoutMs} ms; sent it SIGTERM; ` +
        "also sent SIGTERM to pids ([\\d, ]+), which it started outside its process group\\.",
    ).exec(r.stderr);
    assert.ok(named, r.stderr);
    // The session leader's sleep is orphaned only when the leader is stopped.
    assert.deepEqual(
      named[1].split(", ").map(Number).sort((a, b) => a - b),
      [...sessions].sort((a, b) => a - b),
    );
    for (const pid of sessions) assert.ok(await gone(pid, 1000), `pid ${pid} was stopped`);
  });

  test(
    "an orphan started in the daemon's own clock tick is stopped; a child of the launcher's, not",
    {
      ...SLOW,
    },
    () => {
      // A start time counts clock ticks; processes started within one tick are
      // told apart by the order of their pids. The fixture starts its own child,
      // then the daemon, whose child it adopts; most runs put all three in one
      // tick, and every run must stop the orphan and leave the launcher's child.
      let sameTick = 0;
      for (let run = 0; run < 20 && sameTick < 3; run++) {
        const r = runScript(fixture("orphans_same_tick.ts"), [], { timeout: 30_000 });
        assert.equal(r.status, 0, r.stderr);
        const { pids, starts, stopped, ownRuns } = JSON.parse(r.stdout.trim().split("\n").pop()!);
        s.track(pids.orphan);
        assert.deepEqual(stopped.terminated, [pids.orphan], JSON.stringify({ pids, starts }));
        assert.ok(ownRuns, `the launcher's own child ${pids.own} was left running`);
        if (starts.own === starts.daemon && starts.orphan === starts.daemon) sameTick++;
      }
      assert.ok(sameTick > 0, "no run started all three in one clock tick");
    },
  );
});
