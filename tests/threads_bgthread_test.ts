import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { BgThread, getIdent, Local, LocalManager } from "../threads/mod.ts";
import { fixture, runScript } from "./_util.ts";
import { timeScale } from "./_platform.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves to "timeout" when `p` does not settle within `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

class Recorder extends BgThread {
  calls = 0;
  finished = 0;
  delay = 0;
  idents = new Set<number>();
  async body(): Promise<void> {
    this.calls++;
    this.idents.add(getIdent());
    if (this.delay > 0) await sleep(this.delay);
    this.finished++;
  }
}

describe("BgThread", () => {
  test("name defaults to the class name; options are kept", () => {
    assert.equal(new Recorder().name, "Recorder");
    assert.equal(new Recorder("svc").name, "svc");
    assert.equal(new Recorder({ name: "opt" }).name, "opt");
    assert.equal(new Recorder().exitOnCrash, true);
    assert.equal(new Recorder({ exitOnCrash: false }).exitOnCrash, false);
  });

  test("bad constructor arguments are TypeErrors that name the argument or option", () => {
    const cases: [() => unknown, RegExp][] = [
      [() => new Recorder(5 as never), /^BgThread name must be a string .*, got number 5$/],
      [() => new Recorder(null as never, null as never), /^BgThread name .*, got null$/],
      [() => new Recorder("svc", null as never), /^BgThread options must be an object, got null$/],
      [
        () => new Recorder("svc", "x" as never),
        /^BgThread options must be an object, got string "x"$/,
      ],
      [
        () => new Recorder({ exitOnCrash: "no" as never }),
        /^BgThread option exitOnCrash must be true or false, got string "no"$/,
      ],
      [() => new Recorder("svc", { exitOnCrash: 0 as never }), /exitOnCrash .*, got number 0$/],
      [
        () => new Recorder({ name: 5 as never }),
        /^BgThread option name must be a string, got number 5$/,
      ],
      [
        () => new Recorder({ exitOnCrsh: false } as never),
        /^unknown option "exitOnCrsh" for BgThread; known: name, exitOnCrash$/,
      ],
      [() => new Recorder({ name: "a" }, { name: "b" }), /options were given twice/],
    ];
    for (const [make, message] of cases) assert.throws(make, { name: "TypeError", message });
    // What is allowed: no options, a name, options, or both.
    assert.equal(new Recorder(undefined, { name: "opt" }).name, "opt");
    assert.equal(new Recorder("svc", { exitOnCrash: false }).exitOnCrash, false);
    assert.equal(new Recorder("svc", { name: "opt" }).name, "svc", "the argument wins");
  });

  test("start() while a stop() is pending says to await that stop()", async () => {
    const svc = new Recorder();
    svc.delay = 40;
    svc.start();
    while (svc.calls === 0) await sleep(1);
    const stopping = svc.stop();
    assert.equal(svc.isAlive, true, "the current body() is still running");
    assert.throws(() => svc.start(), {
      name: "Error",
      message: "'Recorder' is still stopping; await the pending stop() before starting it again",
    });
    await stopping;
    svc.start(); // once the stop() resolved, it starts again
    assert.equal(svc.isAlive, true);
    await svc.stop();
  });

  test("stop() on a service that never started resolves at once", async () => {
    const svc = new Recorder();
    assert.equal(svc.isAlive, false);
    assert.notEqual(await within(svc.stop(), 50), "timeout");
    assert.equal(svc.calls, 0);
  });

  test("stop() waits for the current body() and ends the loop", async () => {
    const svc = new Recorder();
    svc.delay = 40;
    svc.start();
    assert.equal(svc.isAlive, true);
    assert.throws(() => svc.start(), /already running/);
    while (svc.calls === 0) await sleep(1);
    assert.equal(svc.finished, 0, "body is still running");
    await svc.stop();
    assert.equal(svc.finished, svc.calls, "the current body() had finished");
    assert.equal(svc.isAlive, false);
    const calls = svc.calls;
    await sleep(60);
    assert.equal(svc.calls, calls, "no body() after stop() resolved");
    // It can be started again.
    svc.delay = 1;
    svc.start();
    while (svc.calls === calls) await sleep(1);
    await svc.stop();
    assert.equal(svc.isAlive, false);
  });

  test("stop() from inside body() resolves and the loop ends after it", async () => {
    let stopResult: unknown = "not called";
    class SelfStop extends BgThread {
      calls = 0;
      async body(): Promise<void> {
        this.calls++;
        stopResult = await within(this.stop(), 200);
      }
    }
    const svc = new SelfStop();
    svc.start();
    while (svc.isAlive) await sleep(1);
    assert.equal(stopResult, undefined);
    assert.equal(svc.calls, 1);
  });

  test("stop() from a nested context inside body() (LocalManager.run) resolves too", async () => {
    const manager = new LocalManager();
    let stopResult: unknown = "not called";
    class NestedStop extends BgThread {
      calls = 0;
      async body(): Promise<void> {
        this.calls++;
        await manager.run(async () => {
          stopResult = await within(this.stop(), 200);
        });
      }
    }
    const svc = new NestedStop();
    svc.start();
    while (svc.isAlive) await sleep(1);
    assert.equal(stopResult, undefined);
    assert.equal(svc.calls, 1);
  });

  test("the loop runs in its own context", async () => {
    const local = new Local<{ v?: string }>();
    local.v = "caller";
    let seen: unknown = "unset";
    class Peek extends BgThread {
      async body(): Promise<void> {
        seen = local.v;
        await sleep(1);
      }
    }
    const svc = new Recorder();
    svc.delay = 1;
    const peek = new Peek();
    svc.start();
    peek.start();
    while (svc.calls < 3 || seen === "unset") await sleep(1);
    await Promise.all([svc.stop(), peek.stop()]);
    assert.equal(seen, undefined);
    assert.equal(svc.idents.size, 1, "one context for the whole loop");
    assert.equal(svc.idents.has(getIdent()), false);
    delete local.v;
  });

  test("a synchronous body does not starve timers and I/O", async () => {
    const cap = 5000; // a loop that never yields ends itself after cap calls (~0.5 s)
    class Spin extends BgThread {
      calls = 0;
      body(): void {
        if (++this.calls >= cap) this.stop();
        const end = performance.now() + 0.1;
        while (performance.now() < end) { /* busy */ }
      }
    }
    const svc = new Spin();
    svc.start();
    try {
      // A timer runs while the loop spins (if timers starve, this wait ends only
      // once the loop has stopped itself at cap).
      while (svc.calls < 6) await sleep(1);
      const callsAtTimer = svc.calls;
      const aliveAtTimer = svc.isAlive;
      const text = await readFile(fileURLToPath(import.meta.url), "utf8");
      const aliveAfterIo = svc.isAlive;
      assert.ok(callsAtTimer > 5, `body ran ${callsAtTimer} times`);
      assert.ok(aliveAtTimer && callsAtTimer < cap, `timer waited for ${callsAtTimer} calls`);
      assert.ok(aliveAfterIo, "I/O completed while the loop was running");
      assert.ok(text.includes("does not starve"));
    } finally {
      await svc.stop();
    }
  });

  test("with exitOnCrash: false a crash calls onCrash and stops only the service", async () => {
    const reports: [string, unknown][] = [];
    const error = new RangeError("bad tick");
    class Fragile extends BgThread {
      calls = 0;
      body(): void {
        if (++this.calls === 2) throw error;
      }
      override onCrash(message: string, err: unknown): void {
        reports.push([message, err]);
      }
    }
    const svc = new Fragile("fragile", { exitOnCrash: false });
    svc.start();
    while (svc.isAlive) await sleep(1);
    assert.deepEqual(reports, [["'fragile' crashed: RangeError: bad tick", error]]);
    assert.equal(svc.calls, 2);
    await svc.stop();
  });

  test("a crash exits the process with status 1 after printing the message", () => {
    const r = runScript(fixture("threads_bgthread_crash.ts"), ["exit"]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^'Boom' crashed: TypeError: boom in body$/m);
    assert.match(r.stderr, /at Boom\.body|at body/, "the stack is printed");
    assert.doesNotMatch(r.stdout, /still alive/);
    const named = runScript(fixture("threads_bgthread_crash.ts"), ["named"]);
    assert.equal(named.status, 1);
    assert.match(named.stderr, /'poller' crashed: TypeError: boom in body/);
  });

  test("a crash with exitOnCrash: false leaves the process running", () => {
    const r = runScript(fixture("threads_bgthread_crash.ts"), ["noexit"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /'Boom' crashed: TypeError: boom in body/);
    assert.match(r.stdout, /stopped alive=false runs=3/);
  });
});

describe("BgThread: crash reports and stop() from timers", () => {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  test("an async onCrash finishes before the process exits", () => {
    const r = runScript(fixture("threads_bgthread_async_crash.ts"));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /REPORTED 'Boom' crashed: Error: kaput/);
  });

  test("stop() from a timer an earlier body() started waits for the loop to end", async () => {
    let aliveWhenResolved: boolean | undefined;
    class S extends BgThread {
      n = 0;
      async body(): Promise<void> {
        this.n++;
        if (this.n === 1) {
          setTimeout(async () => {
            await this.stop();
            aliveWhenResolved = this.isAlive;
          }, 5);
          return;
        }
        await sleep(100);
      }
    }
    const s = new S("s", { exitOnCrash: false });
    s.start();
    const until = Date.now() + 10_000;
    while (aliveWhenResolved === undefined && Date.now() < until) await sleep(5);
    await s.stop();
    assert.equal(aliveWhenResolved, false);
  });
});

describe("BgThread: stop() from onCrash, and its context at the end", () => {
  test("stop() called from onCrash resolves at once (it would wait for itself)", async () => {
    class Crashing extends BgThread {
      stopped: unknown = null;
      body(): void {
        throw new Error("boom");
      }
      override onCrash(): Promise<void> {
        return within(this.stop(), 1000).then((r) => {
          this.stopped = r;
        });
      }
    }
    const svc = new Crashing({ exitOnCrash: false });
    svc.start();
    const t0 = performance.now();
    while (svc.stopped === null && performance.now() - t0 < 3000) await sleep(5);
    assert.equal(
      svc.stopped,
      undefined,
      "stop() inside onCrash resolved (not 'timeout', not never)",
    );
    await svc.stop();
    assert.equal(svc.isAlive, false);
  });

  test("values set in body() are released when the loop ends (a timer left behind sees none)", async () => {
    const local = new Local<{ v?: string }>();
    let seen: unknown = "unset";
    class Leaving extends BgThread {
      body(): Promise<void> {
        local.v = "set in body";
        setTimeout(() => {
          seen = local.v;
        }, 30 * timeScale);
        return this.stop();
      }
    }
    const svc = new Leaving();
    svc.start();
    while (svc.isAlive) await sleep(1); // body() stops the service itself
    assert.equal(local.v, undefined, "the top level never had it");
    await sleep(60 * timeScale);
    assert.equal(seen, undefined);
  });
});
