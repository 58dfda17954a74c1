// The main job: examples/tour.ts starts examples/service.ts as a real daemon,
// checks it, stops it with SIGTERM and cleans up. Here it runs in the runtime
// that runs the suite, and nothing may be left behind.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { scriptArgs } from "./_runtime.ts";
import { titleNotSeen } from "./_platform.ts";
import { processIsZombie } from "../mod.ts";

describe("examples/tour.ts", () => {
  test("exits 0, shows a detached daemon and isolated requests, leaves nothing behind", () => {
    const tour = fileURLToPath(new URL("../examples/tour.ts", import.meta.url));
    const r = spawnSync(process.execPath, scriptArgs(tour), { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, `tour failed:\n${r.stdout}\n${r.stderr}`);
    const out = r.stdout;
    assert.match(out, /launcher exit status\s+0/);
    const pid = Number(/pid from the pidfile\s+(\d+)/.exec(out)?.[1]);
    assert.ok(pid > 0, out);
    if (titleNotSeen) console.log(`tour: the title is not checked: ${titleNotSeen}`);
    else {
      assert.match(out, /title as ps shows it\s+\[posixly-service\] listening on 127\.0\.0\.1:\d+/);
    }
    assert.match(out, new RegExp(`session id\\s+${pid} \\(its own session: detached\\)`));
    const alpha = JSON.parse(/request \/alpha\s+(\{.*\})/.exec(out)![1]);
    const beta = JSON.parse(/request \/beta\s+(\{.*\})/.exec(out)![1]);
    assert.equal(alpha.path, "/alpha");
    assert.equal(beta.path, "/beta");
    assert.notEqual(alpha.ident, beta.ident);
    assert.equal(alpha.ident, alpha.identAfterAwait);
    assert.match(out, /after SIGTERM\s+pidfile gone/);
    assert.match(out, /SIGTERM: stopping the heartbeat and the server/);
    assert.match(out, /tour finished in \d+ ms/);
    // nothing left: the daemon has exited (init may not have reaped it yet) and the
    // temporary directory is removed
    const gone = !existsSync(`/proc/${pid}`) || processIsZombie(pid);
    assert.ok(gone, `daemon ${pid} is still running`);
    const dir = /posixly tour on .* in (\S+)/.exec(out)![1];
    assert.equal(existsSync(dir), false, `${dir} was not removed`);
  });
});
