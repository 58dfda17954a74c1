import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { fixture, runScript, scriptArgs } from "./_util.ts";
import { runtime } from "./_runtime.ts";
import { originalCommandLine } from "../mod.ts";
import { titleNotSeen } from "./_platform.ts";

const hasProc = (() => {
  try {
    readFileSync("/proc/self/cmdline");
    return true;
  } catch {
    return false;
  }
})();
const skipNoProc = hasProc ? false : "needs /proc (Linux)";
const titleSeen = { skip: titleNotSeen };
if (!hasProc) console.log("proctitle tests skipped: no /proc on this system");

const EXTRA_ARGS = ["alpha", "β-arg", "--flag=1", ""];

interface Report {
  returned: string;
  pid: number;
  argv: string[];
  denoArgs: string[] | null;
  env: Record<string, string>;
  original: string[];
}

interface Seen {
  report: Report;
  cmdline: Buffer;
  comm: Buffer;
  taskComms: Buffer[];
  environ: Buffer;
  area: number;
  ps: { args: string; comm: string } | null;
}

/** Starts the fixture, lets it set the title, reads /proc/PID from outside, then kills it. */
function observe(params: unknown[], runtimeArgs?: string[]): Promise<Seen> {
  const argv = runtimeArgs ?? scriptArgs(fixture("proctitle_child.ts"), EXTRA_ARGS);
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, PROCTITLE_PARAMS: JSON.stringify(params) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (c) => (err += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child gave no report in time; stderr: ${err}`));
    }, 20_000);
    child.on("exit", (code, signal) => {
      if (!out.includes("\n")) reject(new Error(`child exited ${code ?? signal}: ${err}`));
    });
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      if (!out.includes("\n")) return;
      clearTimeout(timer);
      try {
        const report = JSON.parse(out.slice(0, out.indexOf("\n"))) as Report;
        const pid = child.pid!;
        const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const area = Number(BigInt(fields[46]) - BigInt(fields[45]));
        const taskComms = readdirSync(`/proc/${pid}/task`).map((t) =>
          readFileSync(`/proc/${pid}/task/${t}/comm`)
        );
        let ps: Seen["ps"] = null;
        try {
          ps = {
            args: execFileSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8" }),
            comm: execFileSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8" }),
          };
        } catch {
          ps = null;
        }
        resolve({
          report,
          cmdline: readFileSync(`/proc/${pid}/cmdline`),
          comm: readFileSync(`/proc/${pid}/comm`),
          taskComms,
          environ: readFileSync(`/proc/${pid}/environ`),
          area,
          ps,
        });
      } catch (e) {
        reject(e);
      } finally {
        child.kill("SIGKILL");
      }
    });
  });
}

/** Longest prefix of whole characters whose UTF-8 form fits in `max` bytes. */
function fitUtf8(text: string, max: number): Buffer {
  let out = "";
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > max) break;
    out += ch;
  }
  return Buffer.from(out);
}

function expectTitle(seen: Seen, title: string): void {
  const shown = fitUtf8(title, seen.area - 1);
  assert.deepEqual(
    seen.cmdline,
    Buffer.concat([shown, Buffer.from([0])]),
    `cmdline ${JSON.stringify(seen.cmdline.toString())}`,
  );
  assert.deepEqual(seen.comm, Buffer.concat([fitUtf8(title, 15), Buffer.from("\n")]));
}

function expectIntact(seen: Seen, params: unknown[]): void {
  const { report } = seen;
  // What the runtime reports as argv stays as it was given.
  assert.deepEqual(report.argv.slice(1), EXTRA_ARGS);
  assert.match(report.argv[0], /proctitle_child\.ts$/);
  if (runtime === "deno") assert.deepEqual(report.denoArgs, EXTRA_ARGS);
  // The environment: in the runtime and in the kernel's view from outside.
  assert.equal(report.env.PROCTITLE_PARAMS, JSON.stringify(params));
  const environ = seen.environ.toString().split("\0").filter((s) => s !== "");
  assert.ok(environ.includes(`PROCTITLE_PARAMS=${JSON.stringify(params)}`));
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined) assert.ok(environ.includes(`${k}=${v}`), `environ lost ${k}`);
  }
  // The original command line, as the kernel first saw it.
  assert.deepEqual(report.original, [
    process.execPath,
    ...scriptArgs(fixture("proctitle_child.ts"), EXTRA_ARGS),
  ]);
}

describe("setProcessTitle (child processes)", { skip: skipNoProc }, () => {
  test("cmdline, comm and ps show the title; argv and env are intact", titleSeen, async () => {
    const params = ["title", "celeryd", "-active-"];
    const seen = await observe(params);
    assert.equal(seen.report.returned, "[celeryd] -active-");
    expectTitle(seen, "[celeryd] -active-");
    assert.deepEqual(seen.cmdline, Buffer.from("[celeryd] -active-\0"));
    assert.deepEqual(seen.comm, Buffer.from("[celeryd] -acti\n"));
    expectIntact(seen, params);
    if (seen.ps === null) console.log("ps not available: ps -o args/comm not checked");
    else {
      assert.equal(seen.ps.args.trimEnd(), "[celeryd] -active-");
      assert.equal(seen.ps.comm.trimEnd(), "[celeryd] -acti");
    }
  });

  test("without info the title is [progname]", titleSeen, async () => {
    const seen = await observe(["title", "beat"]);
    assert.equal(seen.report.returned, "[beat]");
    assert.deepEqual(seen.cmdline, Buffer.from("[beat]\0"));
    assert.deepEqual(seen.comm, Buffer.from("[beat]\n"));
  });

  test("a title longer than the argv area is cut to it", titleSeen, async () => {
    // The area is the runtime's and the fixture's paths (the title comes in the
    // environment): longer the deeper the clone lies, so measured first.
    const { area } = await observe(["title", "x"]);
    const progname = "p".repeat(area + 100);
    const params = ["title", progname, "tail"];
    const seen = await observe(params);
    assert.equal(seen.report.returned, `[${progname}] tail`);
    assert.ok(seen.area > 10 && seen.area === area, `area ${seen.area}`);
    expectTitle(seen, `[${progname}] tail`);
    assert.equal(seen.cmdline.length, seen.area, "the whole area is used");
    expectIntact(seen, params);
  });

  test("non-ASCII titles are cut on UTF-8 boundaries (cmdline and comm)", titleSeen, async () => {
    // "[abc" + ✓✓✓ is 13 bytes: a 4th ✓ would end at byte 16, so comm has 3.
    const short = await observe(["title", "abc✓✓✓✓✓", "ünïcode"]);
    assert.equal(short.report.returned, "[abc✓✓✓✓✓] ünïcode");
    expectTitle(short, "[abc✓✓✓✓✓] ünïcode");
    assert.deepEqual(short.cmdline, Buffer.from("[abc✓✓✓✓✓] ünïcode\0"));
    assert.deepEqual(short.comm, Buffer.from("[abc✓✓✓\n"));
    // Long titles of 3-byte characters at three offsets: at least two of them
    // end the argv area in the middle of a character.
    let cut = 0;
    const { area } = await observe(["title", "x"]);
    for (const pad of ["", "a", "ab"]) {
      const progname = pad + "✓".repeat(Math.ceil(area / 3) + 10);
      const seen = await observe(["title", progname]);
      expectTitle(seen, `[${progname}]`);
      new TextDecoder("utf-8", { fatal: true }).decode(seen.cmdline);
      if (seen.cmdline.length < seen.area) cut++;
    }
    assert.ok(cut >= 2, `a character boundary was exercised ${cut} times`);
  });

  test("setMpProcessTitle names MainProcess and the hostname", titleSeen, async () => {
    const params = ["mp", "celeryd", "busy", "w1@host"];
    const seen = await observe(params);
    assert.equal(seen.report.returned, "[celeryd: w1@host:MainProcess] busy");
    expectTitle(seen, "[celeryd: w1@host:MainProcess] busy");
    expectIntact(seen, params);
    const plain = await observe(["mp", "celeryd"]);
    assert.equal(plain.report.returned, "[celeryd:MainProcess]");
    assert.deepEqual(plain.cmdline, Buffer.from("[celeryd:MainProcess]\0"));
  });

  test("setMpProcessTitle in a Worker uses the worker's name", titleSeen, async () => {
    const seen = await observe(["worker", "celeryd", "busy"]);
    assert.equal(seen.report.returned, "[celeryd:w-alpha] busy");
    assert.deepEqual(seen.cmdline, Buffer.from("[celeryd:w-alpha] busy\0"));
    // PR_SET_NAME names the calling thread: the worker's.
    const name = Buffer.from("[celeryd:w-alph\n");
    assert.ok(seen.taskComms.some((c) => c.equals(name)), seen.taskComms.join(","));
  });

  test("setMpProcessTitle in a Worker without a name says Worker in both runtimes", async () => {
    const seen = await observe(["unnamed-worker", "celeryd", "busy"]);
    assert.equal(seen.report.returned, "[celeryd:Worker] busy");
  });

  test(
    "Deno with only --allow-ffi: no read permission needed, original still read first",
    { skip: runtime === "deno" ? false : "Deno permissions only" },
    async () => {
      const script = fixture("proctitle_child.ts");
      const args = ["run", "--allow-ffi", "--allow-env", "--no-prompt", "--quiet", script, "x"];
      const seen = await observe(["title", "ffi-only", "ok"], args);
      assert.deepEqual(seen.cmdline, Buffer.from("[ffi-only] ok\0"));
      assert.deepEqual(seen.report.original, [process.execPath, ...args]);
    },
  );
});

describe("originalCommandLine", { skip: skipNoProc }, () => {
  test("is this process's /proc/self/cmdline, as a fresh copy", () => {
    const expected = readFileSync("/proc/self/cmdline", "utf8").split("\0").slice(0, -1);
    const got = originalCommandLine();
    assert.deepEqual(got, expected);
    got.push("changed");
    assert.deepEqual(originalCommandLine(), expected);
  });
});

describe("originalCommandLine after process.title", { skip: skipNoProc }, () => {
  test("gives the program's command line, or (Deno) says the title hid it", () => {
    const script = fixture("proctitle_set_first.ts");
    const args = ["one", "two words"];
    const r = runScript(script, args);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { commandLine?: string[]; error?: string };
    if (runtime === "deno") {
      // Deno writes the title over /proc/self/cmdline and does not report its flags.
      assert.match(
        report.error ?? "",
        /process title "title-set-first".*before setting process\.title/,
      );
    } else {
      // Bun leaves /proc/self/cmdline alone; Node's comes from process.execArgv and argv.
      assert.deepEqual(report.commandLine?.slice(-3), [script, ...args]);
      assert.equal(report.commandLine?.[0], process.execPath);
    }
  });
});

describe("argument checks", () => {
  test("bad arguments throw TypeError without changing anything", async () => {
    const { setProcessTitle, setMpProcessTitle } = await import("../mod.ts");
    const shown = () =>
      hasProc ? ["cmdline", "comm"].map((f) => readFileSync(`/proc/self/${f}`)) : [];
    const before = shown();
    const refused = (message: RegExp) => ({ name: "TypeError", message });
    assert.throws(
      () => setProcessTitle(42 as unknown as string),
      refused(/^progname must be a string, got number$/),
    );
    assert.throws(
      () => setProcessTitle("x", 42 as unknown as string),
      refused(/^info must be a string, got number$/),
    );
    assert.throws(
      () => setProcessTitle("a\0b"),
      refused(/^process title contains a NUL character/),
    );
    assert.throws(
      () => setMpProcessTitle("x", null, 5 as unknown as string),
      refused(/^hostname must be a string, got number$/),
    );
    assert.deepEqual(shown(), before);
  });

  test("a title that is not well-formed Unicode is a TypeError and changes nothing", {
    skip: skipNoProc,
  }, async () => {
    const { setProcessTitle, setMpProcessTitle } = await import("../mod.ts");
    const cmdline = readFileSync("/proc/self/cmdline");
    const comm = readFileSync("/proc/self/comm");
    const refused = (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /process title is not well-formed Unicode/);
      assert.ok(e.message.length < 200, `bounded: ${e.message.length} characters`);
      return true;
    };
    assert.throws(() => setProcessTitle("worker\uD800"), refused);
    assert.throws(() => setProcessTitle("worker", "x".repeat(10_000) + "\uDC00"), refused);
    assert.throws(() => setMpProcessTitle("worker", null, "host\uD800"), refused);
    assert.deepEqual(readFileSync("/proc/self/cmdline"), cmdline);
    assert.deepEqual(readFileSync("/proc/self/comm"), comm);
  });
});
