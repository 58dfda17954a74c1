/**
 * The checks `start` and `run` make as `--user` when root runs them: the
 * program must be one that user may execute, found in the PATH directories
 * that user may search, and `--chdir` one that user may enter. They fail in
 * the foreground, before anything is taken: a `run` no longer leaves its
 * pidfile behind when the user cannot execute PROGRAM. Root-only; real
 * processes, files and users (nobody).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { posixly, Scratch } from "./_cli_util.ts";
import { isRoot } from "./_util.ts";
import { commandCycleUnderQemu } from "./_platform.ts";

/** Each test runs the command, a cold start of the runtime each, more than once. */
const SLOW = { timeout: 120_000 };

const notRoot = isRoot ? false : "needs root (--user)";
if (notRoot) console.warn("SKIPPING the checks made as --user: not root");

let s: Scratch;
before(() => {
  s = new Scratch();
});
after(() => s.cleanup());

/** A directory only root may enter, holding an executable script `name` that prints `says`. */
function rootOnlyScript(dir: string, name: string, says: string): string {
  mkdirSync(dir);
  const script = `${dir}/${name}`;
  writeFileSync(script, `#!/bin/sh\necho ${says}\n`, { mode: 0o755 });
  chmodSync(dir, 0o700);
  return script;
}

describe("start and run check the program as --user", () => {
  test("a program --user may not execute: status 5 in the foreground, no pidfile left", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    const script = rootOnlyScript(s.path("closed"), "app", "ran");
    for (const command of ["run", "start"]) {
      const pidfile = s.path(`closed-${command}.pid`);
      const r = posixly([command, "--pidfile", pidfile, "--user", "nobody", "--", script]);
      assert.equal(r.status, 5, `${command}: ${r.stdout}${r.stderr}`);
      assert.ok(
        r.stderr.includes(
          `cannot run program ${JSON.stringify(script)} as --user "nobody": EACCES`,
        ),
        `${command}: ${r.stderr}`,
      );
      assert.ok(!existsSync(pidfile), `${command}: no pidfile left`);
      assert.equal(posixly(["status", "--pidfile", pidfile]).status, 3, command);
    }
    // Root itself may run it.
    const ran = posixly(["run", "--", script]);
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(ran.stdout, "ran\n");
  });

  test("PATH is searched as --user: a directory it cannot search is passed over", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    rootOnlyScript(s.path("closed-bin"), "hello", "root");
    const open = s.path("open-bin");
    mkdirSync(open);
    writeFileSync(`${open}/hello`, "#!/bin/sh\necho everyone\n", { mode: 0o755 });
    const PATH = `${s.path("closed-bin")}:${open}:/usr/bin:/bin`;
    const asNobody = posixly(["run", "--user", "nobody", "--", "hello"], { env: { PATH } });
    assert.equal(asNobody.status, 0, asNobody.stderr);
    assert.equal(asNobody.stdout, "everyone\n", "the first hello nobody may run");
    const asRoot = posixly(["run", "--", "hello"], { env: { PATH } });
    assert.equal(asRoot.stdout, "root\n", "root's own search finds the first");

    const onlyClosed = `${s.path("closed-bin")}:/usr/bin:/bin`;
    const r = posixly(["run", "--user", "nobody", "--", "hello"], { env: { PATH: onlyClosed } });
    assert.equal(r.status, 5, r.stderr);
    assert.ok(
      r.stderr.includes(`program "hello" not found (or not executable as --user "nobody")`),
      r.stderr,
    );
  });

  test("--chdir that --user cannot enter: start fails in the foreground (status 1)", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    const closed = s.path("closed-dir");
    mkdirSync(closed);
    chmodSync(closed, 0o700);
    const pidfile = s.path("closed-dir.pid");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--user",
      "nobody",
      "--chdir",
      closed,
      "--",
      "true",
    ]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.ok(
      r.stderr.includes(
        `--chdir ${JSON.stringify(closed)}: --user "nobody" cannot enter it: EACCES`,
      ),
      r.stderr,
    );
    // Found in the foreground, by the checks: the set-up process, had it been started,
    // would have failed after the privilege drop ("start failed: ...").
    assert.ok(r.stderr.startsWith(`posixly start: --chdir `), r.stderr);
    assert.ok(!existsSync(pidfile), "no pidfile left");
  });
});
