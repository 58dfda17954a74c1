import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fixture, runScript, scriptArgs, sleep, startScript } from "./_util.ts";
import { cLibrary, signalFloodCrashesQemu, timeScale, underQemuUser } from "./_platform.ts";
import { getSignal, setPdeathsig, signalName, Signals, signals } from "../mod.ts";

/** Line-oriented access to a child's stdout. */
function lines(child: ChildProcess): { next(timeoutMs?: number): Promise<string> } {
  const queue: string[] = [];
  const waiters: ((s: string) => void)[] = [];
  let buffered = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buffered += chunk;
    let i: number;
    while ((i = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else queue.push(line);
    }
  });
  return {
    next(timeoutMs = 10_000): Promise<string> {
      const line = queue.shift();
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no line from child in time")), timeoutMs);
        waiters.push((s) => {
          clearTimeout(timer);
          resolve(s);
        });
      });
    },
  };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
}

async function startDriver(): Promise<{
  child: ChildProcess;
  send(cmd: string): Promise<string>;
  next(timeoutMs?: number): Promise<string>;
  kill(sig: string): Promise<void>;
}> {
  const child = spawn(process.execPath, scriptArgs(fixture("signals_driver.ts")), {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const out = lines(child);
  assert.equal(await out.next(), "ready");
  return {
    child,
    next: out.next,
    async send(cmd: string): Promise<string> {
      child.stdin!.write(`${cmd}\n`);
      return await out.next();
    },
    async kill(sig: string): Promise<void> {
      process.kill(child.pid!, sig);
      await sleep(150);
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// This platform's own signal numbers, as the runtime knows them.
const { SIGCHLD, SIGHUP, SIGINT, SIGKILL, SIGTERM, SIGUSR1, SIGUSR2 } = constants.signals;

describe("signal names", () => {
  test("signum: numbers pass through, with or without SIG prefix", () => {
    assert.equal(signals.signum(SIGKILL), SIGKILL);
    assert.equal(signals.signum(0), 0);
    assert.equal(signals.signum("INT"), SIGINT);
    assert.equal(signals.signum("SIGINT"), SIGINT);
    assert.equal(signals.signum("TERM"), SIGTERM);
    assert.equal(signals.signum("USR1"), SIGUSR1);
    assert.equal(getSignal("SIGHUP"), SIGHUP);
  });

  test("signum agrees with the runtime on every signal both name", () => {
    let compared = 0;
    for (const [name, n] of Object.entries(constants.signals)) {
      if (!signals.supported(name)) continue; // e.g. Deno's SIGUNUSED, which posixly does not name
      assert.equal(signals.signum(name), n, name);
      assert.equal(signals.signum(name.slice(3)), n, name);
      compared++;
    }
    assert.ok(compared >= 30, `${compared} signals compared`);
  });

  test("signum: lowercase or non-string throws Celery's TypeError", () => {
    for (const bad of ["int", "sigint", "Int", "", 1.5, null, undefined, {}, 2n]) {
      assert.throws(
        () => signals.signum(bad as unknown as string),
        { name: "TypeError", message: "signal name must be uppercase string." },
        String(bad),
      );
    }
  });

  test("signum: an unknown name throws an error naming it", () => {
    assert.throws(() => signals.signum("NOSUCH"), /unknown signal name: "NOSUCH"/);
    assert.throws(() => signals.signum("SIGNOSUCH"), /"SIGNOSUCH"/);
    assert.throws(() => signals.signum("SIG"), /"SIG"/);
  });

  test("supported never throws", () => {
    assert.equal(signals.supported("TERM"), true);
    assert.equal(signals.supported("SIGCHLD"), true);
    assert.equal(signals.supported(SIGTERM), true);
    assert.equal(signals.supported("int"), false);
    assert.equal(signals.supported("NOSUCH"), false);
    assert.equal(signals.supported(1000), false);
    assert.equal(signals.supported(null as unknown as string), false);
  });

  test("signalName gives deterministic canonical names", () => {
    assert.equal(signalName(SIGTERM), "TERM");
    assert.equal(signalName(SIGCHLD), "CHLD");
    assert.equal(signalName(signals.signum("CLD")), "CHLD");
    assert.equal(signalName(signals.signum("IOT")), "ABRT");
    assert.equal(signalName(signals.signum("POLL")), "IO");
    assert.throws(() => signalName(1000), RangeError);
    assert.throws(() => signalName(1.5), RangeError);
  });

  test("KILL and STOP cannot be set; bad handlers and alarms throw before changing anything", () => {
    const watched = ["KILL", "STOP", "SEGV", "BUS", "ILL", "FPE", "USR2"];
    const before = watched.map((name) => signals.get(name));
    for (const name of ["KILL", "SIGSTOP", SIGKILL]) {
      for (const h of ["ignore", "default", () => {}] as const) {
        assert.throws(() => signals.set(name, h), /cannot be caught or ignored/);
      }
    }
    // A fault signal's JS handler would run only after the instruction faulted again.
    for (const name of ["SEGV", "BUS", "ILL", "FPE"]) {
      assert.throws(() => signals.set(name, () => {}), /fault of the running code/);
    }
    assert.throws(() => signals.set("USR2", 42 as unknown as "ignore"), TypeError);
    assert.throws(() => signals.set("nosuch", "ignore"), TypeError);
    assert.throws(() => signals.armAlarm(-1), RangeError);
    assert.throws(() => signals.armAlarm(Number.NaN), RangeError);
    // Too long for whole seconds: refused, and the pending alarm stays as it was
    // (setitimer took 2**64 as 0 and cancelled it).
    signals.armAlarm(1000);
    try {
      assert.throws(
        () => signals.armAlarm(2 ** 64),
        /from 0 to 2\*\*53 - 1, got 18446744073709552000/,
      );
    } finally {
      const left = signals.resetAlarm();
      assert.ok(left > 999 && left <= 1000, `the alarm of 1000 s was kept: ${left} s left`);
    }
    assert.throws(() => signals.update(null as unknown as Record<string, "ignore">), TypeError);
    assert.throws(() => setPdeathsig("term"), TypeError);
    // Every refused call left the dispositions as they were (get reads them
    // back with sigaction; a new Signals reads the process's, not its own).
    assert.deepEqual(watched.map((name) => new Signals().get(name)), before);
  });

  test("get, set, ignore and reset refuse a number that is no signal alike: RangeError", () => {
    // 32 is one of glibc's internal real-time signals: not in the table, as 0, -1 and 9999.
    for (const n of [9999, 0, -0, -1, 32]) {
      const calls: [string, () => unknown][] = [
        ["get", () => signals.get(n)],
        ["set", () => signals.set(n, "default")],
        ["ignore", () => signals.ignore(n)],
        ["reset", () => signals.reset(n)],
      ];
      for (const [method, call] of calls) {
        assert.throws(call, {
          name: "RangeError",
          message: `unknown signal number: ${n === 0 ? 0 : n}`,
        }, `${method}(${n})`);
      }
    }
    assert.equal(signals.supported(32), false);
  });

  test("armAlarm takes a number: a string is a TypeError quoting it", () => {
    for (const [bad, shown] of [["1", '"1"'], [null, "null"], [1n, "1"]] as const) {
      assert.throws(() => signals.armAlarm(bad as never), {
        name: "TypeError",
        message: `alarm seconds must be a number, got ${typeof bad} ${shown}`,
      });
    }
    assert.throws(() => signals.armAlarm(-1), {
      name: "RangeError",
      message: "alarm seconds must be from 0 to 2**53 - 1, got -1",
    });
    assert.equal(signals.resetAlarm(), 0, "no alarm was armed");
  });

  test("get returns a listener other code added with process.on, in every runtime", () => {
    // Not SIGUSR2: the processes of `node --test` listen on it for diagnostic reports.
    const fn = (): void => {};
    process.on("SIGWINCH", fn);
    try {
      assert.equal(signals.get("WINCH"), fn);
    } finally {
      process.off("SIGWINCH", fn);
    }
    assert.equal(signals.get("WINCH"), "default");
  });

  test("get reports the runtime's SIGPIPE as ignored", () => {
    assert.equal(signals.get("PIPE"), "ignore");
  });
});

describe("signal dispositions (child processes)", () => {
  test("ignored USR1 is survived; after reset USR1 kills with the default action", async () => {
    const d = await startDriver();
    assert.equal(await d.send("get USR1"), "get USR1 default");
    assert.equal(await d.send("ignore USR1"), "ok");
    assert.equal(await d.send("get USR1"), "get USR1 ignore");
    await d.kill("SIGUSR1");
    assert.ok(alive(d.child.pid!), "child survived an ignored SIGUSR1");
    assert.equal(await d.send("get USR1"), "get USR1 ignore");
    assert.equal(await d.send("default USR1"), "ok");
    assert.equal(await d.send("get USR1"), "get USR1 default");
    process.kill(d.child.pid!, "SIGUSR1");
    const r = await exited(d.child);
    assert.deepEqual(r, { code: null, signal: "SIGUSR1" });
  });

  test("a JS handler runs, and runs again when set after ignore and after reset", async () => {
    const d = await startDriver();
    assert.equal(await d.send("handler USR1"), "ok");
    assert.equal(await d.send("get USR1"), "get USR1 handler");
    await d.kill("SIGUSR1");
    assert.equal(await d.next(), `signal USR1 ${SIGUSR1}`);

    assert.equal(await d.send("ignore USR1"), "ok");
    await d.kill("SIGUSR1"); // ignored: no output
    assert.equal(await d.send("handler USR1"), "ok");
    assert.equal(await d.send("get USR1"), "get USR1 handler");
    await d.kill("SIGUSR1");
    assert.equal(await d.next(), `signal USR1 ${SIGUSR1}`);

    assert.equal(await d.send("default USR1"), "ok");
    assert.equal(await d.send("handler USR1"), "ok");
    await d.kill("SIGUSR1");
    assert.equal(await d.next(), `signal USR1 ${SIGUSR1}`);

    // A handler set before any ignore, on a signal never handled before.
    assert.equal(await d.send("ignore USR2"), "ok");
    assert.equal(await d.send("handler USR2"), "ok");
    await d.kill("SIGUSR2");
    assert.equal(await d.next(), `signal USR2 ${SIGUSR2}`);

    d.child.stdin!.write("exit\n");
    assert.deepEqual(await exited(d.child), { code: 0, signal: null });
  });

  test("signals ignored at start stay ignored after the runtime's own start-up", () => {
    // Deno 2.9.2+ put their handlers over SIG_IGN 500 ms after start: the child died of SIGHUP.
    const r = runScript(fixture("signals_ignore_early.ts"));
    assert.equal(r.signal, null, `killed by ${r.signal}`);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      survived: ["HUP", "INT", "TERM", "USR1"],
      dispositions: ["ignore", "ignore", "ignore", "ignore"],
    });
  });

  test("SIGKILL is refused in the child too and the child keeps running", async () => {
    const d = await startDriver();
    assert.match(await d.send("ignore KILL"), /^error RangeError: SIGKILL cannot be caught/);
    assert.match(await d.send("handler STOP"), /^error RangeError: SIGSTOP cannot be caught/);
    assert.match(await d.send("handler int"), /^error TypeError: signal name must be uppercase/);
    d.child.stdin!.write("exit\n");
    assert.deepEqual(await exited(d.child), { code: 0, signal: null });
  });
});

describe("real-time signals", () => {
  // The platform's own bounds: the kernel's last signal is the width of the
  // signal masks in /proc/self/status (64 on Linux), the named signals end
  // where the runtime's table does (SIGSYS, 31 on Linux), and the C library
  // keeps a few above that for itself (glibc 32-33, musl 32-34).
  const kernelMax = readFileSync("/proc/self/status", "utf8").match(/^SigBlk:\s*([0-9a-f]+)$/m)![1]
    .length * 4;
  const lastNamed = Math.max(...Object.values(constants.signals));
  const rtmin = signals.signum("RTMIN");
  const rtmax = signals.signum("RTMAX");

  test("RTMIN and RTMAX are the C library's: above the named signals, up to the kernel's last", () => {
    assert.equal(rtmax, kernelMax);
    assert.ok(rtmin > lastNamed + 1 && rtmin <= lastNamed + 4, `SIGRTMIN ${rtmin}`);
    assert.equal(signals.signum("SIGRTMIN"), rtmin);
    assert.equal(getSignal("SIGRTMAX"), rtmax);
  });

  test("RTMIN+N and RTMAX-N name every one, and signalName names each back", () => {
    for (let n = rtmin; n <= rtmax; n++) {
      assert.equal(signals.signum(`RTMIN+${n - rtmin}`), n);
      assert.equal(signals.signum(`SIGRTMAX-${rtmax - n}`), n);
      assert.equal(signals.signum(signalName(n)), n, signalName(n));
      assert.equal(signals.supported(n), true);
    }
    // Named from the nearer end, as bash and kill(1) do.
    assert.equal(signalName(rtmin + 1), "RTMIN+1");
    assert.equal(signalName(rtmax - 1), "RTMAX-1");
  });

  test("bash's kill -l names them the same where it shares this C library (glibc)", {
    skip: cLibrary().name !== "glibc" ? `bash uses glibc, this runtime ${cLibrary().name}` : false,
  }, () => {
    const numbers = Array.from({ length: rtmax - rtmin + 1 }, (_, i) => rtmin + i);
    const r = spawnSync("bash", ["-c", `kill -l ${numbers.join(" ")}; kill -l RTMIN RTMAX`], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const expected = [...numbers.map((n) => signalName(n)), String(rtmin), String(rtmax)];
    assert.deepEqual(r.stdout.trim().split("\n"), expected);
  });

  test("names past either end, and the C library's own signals, are unknown", () => {
    for (const name of ["RTMIN-1", "RTMAX+1", `RTMIN+${rtmax - rtmin + 1}`, "RTMIN+", "RTMINX"]) {
      assert.throws(() => signals.signum(name), /unknown signal name/, name);
      assert.equal(signals.supported(name), false, name);
    }
    assert.throws(() => signals.signum("rtmin"), TypeError);
    for (let n = lastNamed + 1; n < rtmin; n++) {
      assert.throws(() => signalName(n), /unknown signal number/, String(n));
    }
    assert.throws(() => signalName(rtmax + 1), /unknown signal number/);
  });

  test("a JS handler is refused before anything changes; ignore and default work", {
    skip: underQemuUser
      ? "qemu-user handles every signal itself: /proc shows its dispositions, not the program's"
      : false,
  }, async () => {
    assert.throws(() => signals.set("RTMIN+1", () => {}), /real-time signal: no runtime lets/);
    assert.equal(signals.get("RTMIN+1"), "default");
    // The kernel's view of the child's dispositions: bit n-1 of the SigIgn
    // (ignored) and SigCgt (caught) masks in /proc/PID/status.
    const disposition = (pid: number, n: number): string => {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const has = (mask: string): boolean =>
        ((BigInt(`0x${status.match(new RegExp(`^${mask}:\\s*([0-9a-f]+)$`, "m"))![1]}`) >>
          BigInt(n - 1)) & 1n) === 1n;
      return has("SigIgn") ? "ignored" : has("SigCgt") ? "caught" : "default";
    };
    const n = rtmin + 1;
    const d = await startDriver();
    assert.equal(disposition(d.child.pid!, n), "default");
    assert.equal(await d.send("ignore RTMIN+1"), "ok");
    assert.equal(await d.send("get RTMIN+1"), "get RTMIN+1 ignore");
    assert.equal(disposition(d.child.pid!, n), "ignored");
    // Sent with kill(1): Deno's process.kill refuses the number (EINVAL).
    const r = spawnSync("kill", [`-${n}`, String(d.child.pid!)], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    await sleep(150);
    assert.ok(alive(d.child.pid!), "child survived an ignored SIGRTMIN+1");
    assert.equal(await d.send("default RTMIN+1"), "ok");
    assert.equal(await d.send("get RTMIN+1"), "get RTMIN+1 default");
    assert.equal(disposition(d.child.pid!, n), "default");
    // Not killed with it: Node's and Bun's child_process report such a death
    // as "exit 0", and Deno's throws from its own code.
    d.child.stdin!.write("exit\n");
    assert.deepEqual(await exited(d.child), { code: 0, signal: null });
  });
});

describe("alarms (child processes)", () => {
  test("armAlarm(0.05) fires the ALRM handler once, about 50 ms later", () => {
    const r = runScript(fixture("signals_alarm.ts"), ["0.05"]);
    assert.equal(r.status, 0, r.stderr);
    const { fired } = JSON.parse(r.stdout) as { fired: number[] };
    assert.equal(fired.length, 1, r.stdout);
    console.log(`alarm latency: armed 50 ms, handler ran at ${fired[0].toFixed(2)} ms`);
    assert.ok(fired[0] >= 49, `fired early: ${fired[0]} ms`);
    // Not a whole second (alarm(2) rounds up to seconds): setitimer's precision.
    assert.ok(fired[0] < 900 * timeScale, `fired late: ${fired[0]} ms`);
  });

  test("resetAlarm cancels and returns the time that was left", () => {
    const r = runScript(fixture("signals_alarm.ts"), ["0.2", "cancel"]);
    assert.equal(r.status, 0, r.stderr);
    const { fired, remaining } = JSON.parse(r.stdout) as { fired: number[]; remaining: number };
    assert.deepEqual(fired, []);
    // Cancelled right after arming: almost all of it (a stalled machine may eat some).
    assert.ok(remaining > 0 && remaining <= 0.2, `remaining ${remaining}`);
  });

  test("an alarm without a handler ends the process with SIGALRM", () => {
    const r = runScript(fixture("signals_alarm.ts"), ["0.05", "nohandler"]);
    assert.equal(r.signal, "SIGALRM", `status ${r.status} ${r.stderr}`);
  });
});

describe("setPdeathsig (child and grandchild)", () => {
  async function orphan(mode: string): Promise<{ dir: string; grandchild: number }> {
    const dir = mkdtempSync(join(tmpdir(), "posixly-pdeath-"));
    const parent = startScript(fixture("signals_pdeath_parent.ts"), [dir, mode]);
    const line = await lines(parent).next(25_000);
    const m = /^grandchild (\d+)$/.exec(line);
    assert.ok(m, line);
    const ready = readFileSync(join(dir, "ready"), "utf8");
    assert.equal(ready, `${m[1]} ${mode !== "none"}`);
    parent.kill("SIGKILL");
    await exited(parent);
    return { dir, grandchild: Number(m[1]) };
  }

  async function waitFile(path: string, ms: number): Promise<string | null> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      try {
        // the writer creates the file, then fills it: wait for the contents
        const text = readFileSync(path, "utf8");
        if (text !== "") return text;
      } catch {
        // not there yet
      }
      await sleep(20);
    }
    return null;
  }

  test("the grandchild gets the signal it asked for (TERM) when its parent dies", async () => {
    const { dir, grandchild } = await orphan("TERM");
    try {
      const got = await waitFile(join(dir, "got-term"), 5_000);
      assert.ok(got !== null, "the grandchild never got SIGTERM");
      assert.match(got, new RegExp(`^${SIGTERM} ppid=\\d+$`));
    } finally {
      if (alive(grandchild)) process.kill(grandchild, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("control: without setPdeathsig the grandchild gets nothing", async () => {
    const { dir, grandchild } = await orphan("none");
    try {
      assert.equal(await waitFile(join(dir, "got-term"), 500), null);
      assert.ok(alive(grandchild), "the grandchild died without being asked to");
    } finally {
      if (alive(grandchild)) process.kill(grandchild, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** How long a storm lasts at most once the child switches. */
const STORM_MS = 20_000;

describe("signals.set under a storm of the signal", () => {
  for (const mode of ["handlers", "ignore"]) {
    const what = mode === "handlers" ? "between two handlers" : "between a handler and ignore";
    test(`switching ${what} never lets the default action kill the process`, {
      skip: signalFloodCrashesQemu,
    }, async () => {
      const child = spawn(process.execPath, scriptArgs(fixture("signals_storm.ts"), [mode]), {
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr!.setEncoding("utf8");
      child.stderr!.on("data", (chunk: string) => (stderr += chunk));
      const out = lines(child);
      let flooder: ChildProcess | undefined;
      try {
        assert.equal(await out.next(30_000), "ready", stderr);
        // A sibling sends SIGUSR1 as fast as it can until it fails (the child is gone).
        flooder = spawn("sh", ["-c", `while kill -USR1 ${child.pid}; do :; done`], {
          stdio: "ignore",
        });
        // The storm has reached the child before it starts switching.
        assert.equal(await out.next(30_000), "flooded", stderr);
        child.stdin!.write("go\n");
        // A storm from another core can keep the child's main thread in signal handlers
        // (a live-lock, seen once in Deno in a CI run): the storm then ends after
        // STORM_MS, and the child must still end on its own, never killed by the signal.
        const timers: ReturnType<typeof setTimeout>[] = [];
        const status = await new Promise<Awaited<ReturnType<typeof exited>> | null>((resolve) => {
          timers.push(setTimeout(() => flooder?.kill("SIGKILL"), STORM_MS));
          timers.push(setTimeout(() => resolve(null), STORM_MS + 30_000));
          exited(child).then(resolve);
        }).finally(() => timers.forEach(clearTimeout));
        assert.notEqual(status, null, `the child still runs 30 s after the storm; ${stderr}`);
        assert.deepEqual(status, { code: 0, signal: null }, `killed while switching; ${stderr}`);
        const done = /^done (\d+) \d+$/.exec(await out.next());
        assert.ok(done, "the child did not report");
        // It switched under the storm: at least 2 rounds of 100 pairs of switches (400),
        // which the child runs whatever the time; all 200 rounds (40,000) when 5 s suffice.
        assert.ok(Number(done[1]) >= 400, `only ${done[1]} switches`);
      } finally {
        // It stops by itself once the child is gone (and Node may have reaped it already).
        if (flooder && flooder.exitCode === null && flooder.signalCode === null) {
          flooder.kill("SIGKILL");
        }
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
    });
  }
});

describe("signals: hostile input", () => {
  test("a 1 MB signal name or handler is quoted in the error as a bounded prefix", () => {
    const huge = "X".repeat(1 << 20);
    for (
      const call of [
        () => signals.signum(huge),
        () => signals.signum(`SIG${huge}`),
        () => signals.set("USR1", huge as unknown as "ignore"),
        () => signalName(huge as unknown as number),
      ]
    ) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof RangeError || e instanceof TypeError, String(e).slice(0, 100));
        assert.ok(e.message.length < 300, `a ${e.message.length}-character message`);
        assert.match(e.message, /XXXX"?…\(\d+ characters\)/);
        return true;
      });
    }
  });
});
