/**
 * The `posixly` command with real programs: a shell service, a server on
 * 127.0.0.1, programs that exit at once, ignore TERM, never become ready or
 * speak sd_notify; as root and as another user. Every program started is
 * killed by its pid at the end.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { processStartTime } from "../platforms/process_start.ts";
import { signals } from "../platforms/signals.ts";
import { lookupUser } from "../platforms/users.ts";
import {
  alive,
  CLI,
  gone,
  pidIn,
  posixly,
  posixlyAs,
  posixlyAsync,
  procStatus,
  type Ran,
  removeSharedCopy,
  Scratch,
  sessionOf,
} from "./_cli_util.ts";
import { scriptArgs, scriptArgsWithoutFfi } from "./_runtime.ts";
import { canMountTmpfs, fillUp, fixture, isRoot, onSmallTmpfs, sleep, until } from "./_util.ts";
import { commandCycleUnderQemu, commandTooSlowUnderQemu } from "./_platform.ts";

const hasPython = spawnSync("python3", ["-c", "pass"]).status === 0;
const noPython = hasPython ? false : "needs python3";
if (!hasPython) console.warn("SKIPPING the posixly command's python3 programs: no python3");
const notRoot = isRoot ? false : "needs root (--user)";
if (!isRoot) console.warn("SKIPPING the posixly command's --user tests: not root");

/**
 * Each test starts and stops real processes, a cold start of the runtime each:
 * on a loaded machine that takes longer than bun test's default 5 s.
 */
const SLOW = { timeout: 120_000 };
/** Why the test needing a network namespace of its own (root, unshare(1), ip(8)) is skipped. */
const noNetworkNamespace = isRoot &&
    spawnSync("unshare", ["-n", "ip", "link", "set", "lo", "up"]).status === 0
  ? false
  : "needs root, unshare(1) and ip(8) for a network namespace";
const noTmpfs = canMountTmpfs ? false : "needs root allowed to mount a tmpfs";
if (noTmpfs) console.warn(`SKIPPING the full file system test: ${noTmpfs}`);
if (noNetworkNamespace) {
  console.warn(`SKIPPING the TCP self-connection test: ${noNetworkNamespace}`);
}

let s: Scratch;
before(() => {
  s = new Scratch();
});
after(() => {
  s.cleanup();
  removeSharedCopy();
});

/** Has the scratch's cleanup kill the process a message names ("pid N"), if it names one. */
function trackPidIn(message: string): void {
  const m = /pid (\d+)/.exec(message);
  if (m) s.track(Number(m[1]));
}

/** A copy of a fixture in the scratch directory (readable by any user). */
function program(name: string): string {
  const path = s.path(name);
  if (!existsSync(path)) copyFileSync(fixture(name), path);
  return path;
}

/** A port on `host` (127.0.0.1) that nothing listens on. */
function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Why the test of the FFI permission is skipped: Bun grants FFI to every program. */
const noFfiPermission = scriptArgsWithoutFfi(CLI) === null
  ? "Bun has no FFI permission to withhold"
  : false;
if (noFfiPermission) {
  console.warn(`SKIPPING the posixly command's FFI permission test: ${noFfiPermission}`);
}

/** Why the IPv6 readiness test is skipped: no ::1 to listen on. */
const noIPv6Loopback = spawnSync("python3", [
    "-c",
    "import socket; socket.socket(socket.AF_INET6).bind(('::1', 0))",
  ]).status === 0
  ? false
  : "needs python3 and an IPv6 loopback (::1)";
if (noIPv6Loopback) {
  console.warn(`SKIPPING the posixly command's IPv6 readiness test: ${noIPv6Loopback}`);
}

/** Runs `posixly ARGS...` with RLIMIT_NOFILE (soft and hard) set to `limit`. */
function posixlyWithNofile(limit: number, args: string[]): Ran {
  const r = spawnSync(
    "sh",
    ["-c", `ulimit -n ${limit} && exec "$@"`, "sh", process.execPath, ...scriptArgs(CLI, args)],
    { encoding: "utf8", timeout: 60_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Waits until `path` contains `text`. */
async function logSays(path: string, text: string, ms = 5000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const log = existsSync(path) ? readFileSync(path, "utf8") : "";
    if (log.includes(text) || Date.now() > until) return log;
    await sleep(20);
  }
}

/**
 * The path of a python3 that `user` can run (root's PATH may begin in a home
 * that only root enters), or null.
 */
function pythonFor(user: { uid: number; gid: number }): string | null {
  const as = { uid: user.uid, gid: user.gid, cwd: "/", encoding: "utf8" } as const;
  const path = spawnSync("sh", ["-c", "command -v python3"], as).stdout?.trim() ?? "";
  return path.startsWith("/") && spawnSync(path, ["-c", "pass"], as).status === 0 ? path : null;
}

/** A python3 that nobody can run (null when not root, or there is none). */
const nobodyPython = isRoot && hasPython ? pythonFor(lookupUser("nobody")) : null;
const noNobodyPython = nobodyPython !== null
  ? false
  : isRoot
  ? "needs a python3 that nobody can run"
  : "needs root (a process of another user)";
if (nobodyPython === null) {
  console.warn(`SKIPPING the posixly command's sd_notify tests with nobody: ${noNobodyPython}`);
}

/**
 * The inode of the `@posixly-notify-` socket that process `pid` holds, once
 * /proc/net/unix lists it; null when `pid` ends first or after `ms`.
 */
async function notifySocketOf(pid: number, ms = 30_000): Promise<string | null> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const inodes = new Set<string>();
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      return null; // it ended
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode) inodes.add(inode);
      } catch {
        // closed meanwhile
      }
    }
    for (const line of readFileSync("/proc/net/unix", "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (inodes.has(fields[6]) && fields[7]?.startsWith("@posixly-notify-")) return fields[6];
    }
    await sleep(20);
  }
  return null;
}

describe("posixly usage", () => {
  test("--help, COMMAND --help and --version print to stdout and exit 0", SLOW, () => {
    const top = posixly(["--help"]);
    assert.equal(top.status, 0);
    assert.match(top.stdout, /posixly start/);
    for (const command of ["start", "stop", "restart", "status", "signal", "run"]) {
      const r = posixly([command, "--help"]);
      assert.equal(r.status, 0, command);
      assert.match(r.stdout, new RegExp(`^posixly ${command}`), command);
    }
    const version = posixly(["--version"]);
    assert.equal(version.status, 0);
    const { version: expected } = JSON.parse(
      readFileSync(new URL("../deno.json", import.meta.url), "utf8"),
    );
    assert.equal(version.stdout.trim(), `posixly ${expected}`);
  });

  test("bad usage: the reason and the usage on stderr, status 2", SLOW, () => {
    const cases: [string[], RegExp][] = [
      [[], /no command given/],
      [["frobnicate"], /unknown command "frobnicate"/],
      [["start", "--", "sleep", "1"], /--pidfile is required/],
      [["start", "--pidfile", s.path("u.pid")], /no program given/],
      [["start", "--pidfile", s.path("u.pid"), "sleep"], /after --/],
      [["start", "--pidfile", s.path("u.pid"), "--umask", "99", "--", "sh"], /--umask.*"99"/],
      [["start", "--pidfile", s.path("u.pid"), "--ready", "fd:2", "--", "sh"], /fd:N.*"fd:2"/],
      [["start", "--pidfile", s.path("u.pid"), "--ready", "tcp:x", "--", "sh"], /--ready.*"tcp:x"/],
      [["start", "--pidfile", s.path("u.pid"), "--timeout", "soon", "--", "sh"], /--timeout/],
      [
        ["start", "--pidfile", s.path("u.pid"), "--grace", "60", "--timeout", "1", "--", "sh"],
        /--grace \(60 s\) must be shorter than --timeout \(1 s\)/,
      ],
      [["start", "--pidfile", s.path("u.pid"), "--env", "NOEQUALS", "--", "sh"], /--env.*NOEQUALS/],
      [["stop", "--pidfile", s.path("u.pid"), "--signal", "NOPE"], /unknown signal "NOPE"/],
      [["signal", "--pidfile", s.path("u.pid"), "SIGNOPE"], /unknown signal "SIGNOPE"/],
      [["status", "--pidfile", s.path("u.pid"), "--bogus"], /bogus/],
    ];
    for (const [args, reason] of cases) {
      const r = posixly(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, reason, args.join(" "));
      assert.match(r.stderr, /Usage:|posixly \w+ /, args.join(" "));
      assert.equal(r.stdout, "");
    }
  });

  test("a long value is quoted and cut in messages", SLOW, () => {
    const r = posixly([
      "start",
      "--pidfile",
      s.path("u.pid"),
      "--umask",
      "7".repeat(500),
      "--",
      "sh",
    ]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /\(500 characters\)/);
    assert.ok(r.stderr.split("\n")[0].length < 300);
    // What the user typed, in messages about options and in paths of C errors:
    // escaped (no line forged, no colour sent to the terminal) and bounded.
    const option = posixly(["start", "--bogus-\x1b[31m\nFAKE", "--pidfile", "x", "--", "sh"]);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /^posixly start: unknown option "--bogus-\\u001b\[31m\\nFAKE"/);
    const long = posixly(["start", `--${"b".repeat(5000)}`, "--pidfile", "x", "--", "sh"]);
    assert.ok(long.stderr.split("\n")[0].length < 1000, `${long.stderr.length} characters`);
    const path = posixly(["start", "--pidfile", "/nonexistent/a\nFAKE LINE", "--", "sh"]);
    assert.equal(path.status, 1);
    assert.doesNotMatch(path.stderr, /^FAKE LINE/m);
  });

  test("a long --user is quoted once, cut one way", SLOW, () => {
    const name = "u".repeat(200);
    const r = posixly(["start", "--pidfile", s.path("u.pid"), "--user", name, "--", "sh"]);
    assert.equal(r.status, 1);
    const line = r.stderr.split("\n")[0];
    assert.equal(line.match(/u{64,}/g)?.length, 1, line);
    assert.match(line, /^posixly start: --user "u{120}"\.\.\. \(200 characters\): no such user/);
  });

  test("a malformed --user or --group is bad usage naming that option; an unknown name fails", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const p = s.path("ids.pid");
    const cases: [ids: string[], status: number, first: string][] = [
      [
        ["--user", "root", "--group", "0x10"],
        2,
        `posixly start: --group: gid as a string must be decimal digits or a name, got "0x10"`,
      ],
      [
        ["--user", "root", "--group", "-1"],
        2,
        `posixly start: --group: gid must not be negative, got "-1"`,
      ],
      [
        ["--group", "1.5"],
        2,
        `posixly start: --group: gid as a string must be decimal digits or a name, got "1.5"`,
      ],
      [["--user", "-1"], 2, `posixly start: --user: uid must not be negative, got "-1"`],
      [
        ["--user", "1e3"],
        2,
        `posixly start: --user: uid as a string must be decimal digits or a name, got "1e3"`,
      ],
      [
        ["--user", "root", "--group", "posixly-no-such-group"],
        1,
        `posixly start: --group "posixly-no-such-group": no such group`,
      ],
    ];
    for (const [ids, status, first] of cases) {
      const r = posixly(["start", "--pidfile", p, ...ids, "--", "true"]);
      assert.equal(r.status, status, `${ids.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.split("\n")[0], first, ids.join(" "));
      if (status === 2) assert.match(r.stderr, /\n\nposixly start /, "the usage follows");
    }
    assert.ok(!existsSync(p), "no pidfile made");
  });

  test("without FFI permission: one line naming the flag; status 4, or 1 for stop and signal", {
    ...SLOW,
    skip: noFfiPermission,
  }, () => {
    const p = s.path("noffi.pid");
    const cases: [args: string[], status: number][] = [
      [["status", "--pidfile", p], 4],
      [["status", "--pidfile", p, "--json"], 4],
      [["start", "--pidfile", p, "--", "sleep", "60"], 4],
      [["run", "--", "true"], 4],
      [["stop", "--pidfile", p], 1],
      [["signal", "--pidfile", p, "HUP"], 1],
    ];
    for (const [args, status] of cases) {
      const r = spawnSync(process.execPath, scriptArgsWithoutFfi(CLI, args)!, {
        encoding: "utf8",
        timeout: 60_000,
      });
      trackPidIn(r.stdout);
      assert.equal(r.status, status, `${args.join(" ")}: ${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(`^posixly ${args[0]}: posixly needs FFI access .*--allow-ffi.*\n$`),
        args.join(" "),
      );
    }
    assert.ok(!existsSync(p), "no pidfile made");
  });

  test("parse errors in posixly's words, the same on every runtime", SLOW, () => {
    const p = s.path("u.pid");
    const hint = "(the program and its arguments go after --)";
    // The first line of stderr, exactly.
    const cases: [string[], string][] = [
      [["--bogus"], `posixly: unknown option "--bogus"`],
      [["stop", "--pidfile", p, "--bogus"], `posixly stop: unknown option "--bogus"`],
      [
        ["status", "--pidfile", p, "extra"],
        `posixly status: unexpected argument "extra": status takes only options`,
      ],
      [
        ["start", "--pidfile", p, "--bogus", "--", "sh"],
        `posixly start: unknown option "--bogus" ${hint}`,
      ],
      [["run", "--pidfile", p, "sh"], `posixly run: unexpected argument "sh" ${hint}`],
      [
        ["start", "--pidfile", p, "--timeout", "-1", "--", "sh"],
        `posixly start: --timeout: expected a number of seconds from 0.001 to 2147483, got "-1"`,
      ],
      [
        ["start", "--pidfile", p, "--umask", "-1", "--", "sh"],
        `posixly start: --umask: expected octal digits up to 777, got "-1"`,
      ],
      [
        ["stop", "--pidfile", p, "--signal", "-9"],
        `posixly stop: --signal: unknown signal "-9" (without the dash: 9)`,
      ],
      [
        ["signal", "--pidfile", p, "-HUP"],
        `posixly signal: unknown option "-HUP" ` +
        "(name the signal without a dash: posixly signal --pidfile PATH HUP)",
      ],
      [
        ["start", "--pidfile", "--logfile", "x", "--", "sh"],
        `posixly start: --pidfile needs a value, got the option "--logfile" ` +
        `(write --pidfile=VALUE for a value that begins with "-")`,
      ],
      [["stop", "--pidfile", p, "--timeout"], "posixly stop: --timeout needs a value"],
      [
        ["status", "--pidfile", p, "--json=yes"],
        `posixly status: --json takes no value, got "--json=yes"`,
      ],
    ];
    for (const [args, first] of cases) {
      const r = posixly(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.split("\n")[0], first, args.join(" "));
      assert.match(r.stderr, /\n\nposixly[ :]/, `${args.join(" ")}: the usage follows`);
      assert.equal(r.stdout, "");
    }
  });

  test("--timeout and --grace: the range, and why a value is out of it", SLOW, () => {
    const p = s.path("u.pid");
    const timeout = (value: string) =>
      posixly(["start", "--pidfile", p, "--timeout", value, "--", "sh"]);
    const cases: [string, string][] = [
      ["1e9", `--timeout: "1e9" is too long: at most 2147483 s (about 24.8 days)`],
      [
        "99999999999999",
        `--timeout: "99999999999999" is too long: at most 2147483 s (about 24.8 days)`,
      ],
      ["0.0001", `--timeout: "0.0001" is too short: at least 0.001 s`],
      ["0", `--timeout: "0" is too short: at least 0.001 s`],
      ["soon", `--timeout: expected a number of seconds from 0.001 to 2147483, got "soon"`],
    ];
    for (const [value, message] of cases) {
      const r = timeout(value);
      assert.equal(r.status, 2, `${value}: ${r.stderr}`);
      assert.equal(r.stderr.split("\n")[0], `posixly start: ${message}`);
    }
    const stop = posixly(["stop", "--pidfile", p, "--timeout", "0.0004"]);
    assert.equal(
      stop.stderr.split("\n")[0],
      `posixly stop: --timeout: "0.0004" is too short: at least 0.001 s (or 0)`,
    );
    // Accepted: the set-up checks come next, and a pidfile in no directory fails them (status 1).
    for (const value of [".5", "2147483", "1e3"]) {
      const r = posixly([
        "start",
        "--pidfile",
        s.path("no-such-dir/x.pid"),
        "--timeout",
        value,
        "--grace",
        "0",
        "--",
        "sh",
      ]);
      assert.equal(r.status, 1, `${value}: ${r.stderr}`);
      assert.match(r.stderr, /--pidfile/);
    }
    const grace = posixly(["start", "--pidfile", p, "--grace", "40", "--", "sh"]);
    assert.equal(grace.status, 2);
    assert.equal(
      grace.stderr.split("\n")[0],
      "posixly start: --grace (40 s) must be shorter than --timeout (its default, 30 s): " +
        "give a shorter --grace or a longer --timeout",
    );
  });

  test("a short --timeout without --grace halves the default grace", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("short.pid");
    const r = posixly(["start", "--pidfile", pidfile, "--timeout", "0.5", "--", "sleep", "60"]);
    s.trackPidfile(pidfile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /: still running after 0\.25 s$/m);
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test("every default --help states is docs/cli.md's and what the command does", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    /** An option's default as --help or docs/cli.md words it, to its first comma. */
    const cut = (text: string) => text.replace(/`/g, "").split(/[,;]/)[0].trim();
    const helpDefaults = (command: string) => {
      const help = posixly([command, "--help"]).stdout;
      return new Map(
        [...help.matchAll(/^ {2}(--[\w-]+)[^\n]*\(default:? ([^)\n]+)/gm)].map((
          m,
        ) => [m[1], cut(m[2])]),
      );
    };
    const docs = readFileSync(new URL("../docs/cli.md", import.meta.url), "utf8");
    /** The defaults of the options table under a command's heading in docs/cli.md. */
    const docsDefaults = (command: string) => {
      const section = docs.split(`### \`${command}\``)[1].split("\n### ")[0];
      return new Map(
        [...section.matchAll(/^\| `(--[\w-]+)[^|]*\|[^\n]*\| ([^|\n]*?) *\|$/gm)]
          .filter((m) => m[2] !== "")
          .map((m) => [m[1], cut(m[2])]),
      );
    };
    const start = helpDefaults("start");
    const stop = helpDefaults("stop");
    const run = helpDefaults("run");
    assert.deepEqual([...start.keys()], [
      "--logfile",
      "--chdir",
      "--umask",
      "--ready",
      "--grace",
      "--timeout",
    ]);
    assert.deepEqual([...stop.keys()], ["--signal", "--timeout"]);
    for (const [command, defaults] of [["start", start], ["stop", stop]] as const) {
      const documented = docsDefaults(command);
      for (const [option, value] of defaults) {
        assert.equal(documented.get(option), value, `${command} ${option}`);
      }
    }
    assert.equal(run.get("--logfile"), "posixly's own");
    assert.match(
      docs.replace(/\s+/g, " "),
      /without `--logfile` the program keeps posixly's own stdout and stderr/,
    );

    // What the commands do without these options, from a shell with another umask.
    const inShell = (args: string[]) =>
      spawnSync("sh", [
        "-c",
        'umask 077 && cd "$1" && shift && exec "$@"',
        "sh",
        s.dir,
        process.execPath,
        ...scriptArgs(CLI, args),
      ], { encoding: "utf8", timeout: 60_000 });
    const ran = inShell(["run", "--", "sh", "-c", "echo out; echo err >&2; umask; pwd"]);
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(
      ran.stdout,
      `out\n0${run.get("--umask")}\n${s.dir}\n`,
      "run: posixly's own stdout",
    );
    assert.equal(ran.stderr, "err\n", "run: posixly's own stderr");

    const pidfile = s.path("defaults.pid");
    const started = inShell(["start", "--pidfile", pidfile, "--", "sleep", "60"]);
    const pid = s.trackPidfile(pidfile);
    assert.equal(started.status, 0, started.stderr);
    assert.equal(start.get("--ready"), "exec");
    assert.match(
      started.stdout,
      new RegExp(`: still running after ${start.get("--grace")} s$`, "m"),
    );
    assert.equal(readlinkSync(`/proc/${pid}/fd/1`), start.get("--logfile"));
    assert.equal(procStatus(pid, "Umask"), `0${start.get("--umask")}`);
    assert.equal(start.get("--chdir"), "the current one");
    assert.equal(readlinkSync(`/proc/${pid}/cwd`), s.dir);
    const stopped = posixly(["stop", "--pidfile", pidfile]);
    assert.match(
      stopped.stdout,
      new RegExp(`stopped \\(pid ${pid}, SIG${stop.get("--signal")}\\)`),
    );
  });
});

describe("posixly start, status, signal, stop", () => {
  test("real-time signals by name: signal RTMIN+1, stop --signal RTMAX-1", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    // The numbers as the C library of this runtime counts them (the command's
    // own): bash traps them by number.
    const [n1, n2] = [signals.signum("RTMIN+1"), signals.signum("RTMAX-1")];
    const pidfile = s.path("rt.pid");
    const logfile = s.path("rt.log");
    const script = s.path("rt.sh");
    writeFileSync(
      script,
      `#!/bin/bash\ntrap 'echo got ${n1}' ${n1}\ntrap 'echo got ${n2}; exit 0' ${n2}\n` +
        "echo ready\nwhile :; do sleep 0.05; done\n",
    );
    chmodSync(script, 0o755);
    const r = posixly(["start", "--pidfile", pidfile, "--logfile", logfile, "--", script]);
    assert.equal(r.status, 0, r.stderr);
    const pid = s.trackPidfile(pidfile);
    await logSays(logfile, "ready");
    const sent = posixly(["signal", "--pidfile", pidfile, "rtmin+1"]);
    assert.equal(sent.status, 0, sent.stderr);
    assert.equal(sent.stdout.trim(), `sent SIGRTMIN+1 to pid ${pid}`);
    await logSays(logfile, `got ${n1}`);
    // Between the named signals and RTMIN: the C library's own, refused.
    const own = posixly(["signal", "--pidfile", pidfile, String(n1 - 2)]);
    assert.equal(own.status, 2);
    assert.match(own.stderr, new RegExp(`unknown signal "${n1 - 2}"`));
    const stopped = posixly(["stop", "--pidfile", pidfile, "--signal", "SIGRTMAX-1"]);
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.match(stopped.stdout, new RegExp(`stopped \\(pid ${pid}, SIGRTMAX-1\\)`));
    assert.match(readFileSync(logfile, "utf8"), new RegExp(`got ${n2}`));
    assert.ok(!alive(pid));
  });

  test(
    "a shell service: daemon set-up, the lock held by the program, HUP, stop",
    { ...SLOW, skip: commandCycleUnderQemu },
    async () => {
      const pidfile = s.path("svc.pid");
      const logfile = s.path("svc.log");
      const script = program("cli_service.sh");
      const r = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--logfile",
        logfile,
        "--chdir",
        s.dir,
        "--umask",
        "027",
        "--env",
        "FOO=bar baz",
        "--grace",
        "0.1",
        "--",
        script,
      ]);
      assert.equal(r.status, 0, r.stderr);
      const pid = s.trackPidfile(pidfile);
      assert.match(r.stdout, new RegExp(`pid ${pid}\\b`));
      assert.ok(alive(pid));
      // The pidfile holds the program's own pid: posixly execve'd it.
      assert.match(readFileSync(`/proc/${pid}/cmdline`, "utf8"), /cli_service\.sh/);
      assert.match(
        readFileSync(pidfile, "utf8"),
        new RegExp(`^${pid}\nstarttime=${processStartTime(pid)}\n`),
      );
      assert.equal(sessionOf(pid), pid, "its own session");
      assert.equal(procStatus(pid, "Umask"), "0027");
      assert.equal(readlinkSync(`/proc/${pid}/cwd`), s.dir);
      assert.equal(readlinkSync(`/proc/${pid}/fd/0`), "/dev/null");
      assert.equal(readlinkSync(`/proc/${pid}/fd/1`), logfile);
      assert.equal(readlinkSync(`/proc/${pid}/fd/2`), logfile);
      // The shell prints its line after its own short-lived descriptors (command
      // substitutions) are closed.
      const log = await logSays(logfile, "service");
      // Besides 0-2 only the lock, naming the pidfile's inode (and the shell's own script).
      const extra = spawnSync("ls", [`/proc/${pid}/fd`], { encoding: "utf8" }).stdout.split("\n")
        .filter(Boolean).map(Number).filter((fd) => fd > 2)
        .filter((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) !== script);
      assert.equal(extra.length, 1, `fds ${extra}`);
      assert.equal(statSync(`/proc/${pid}/fd/${extra[0]}`).ino, statSync(pidfile).ino);
      const locks = readFileSync("/proc/locks", "utf8");
      assert.match(
        locks,
        new RegExp(`FLOCK\\s+ADVISORY\\s+WRITE\\s+${pid}\\s+\\S+:${statSync(pidfile).ino}\\s`),
      );
      const ids = `${process.getuid!()}:${process.getgid!()}`;
      assert.match(log, new RegExp(`service ${pid} in ${s.dir} as ${ids} umask 0?027 FOO=bar baz`));
      // As it started (the shell blocks every signal while it forks its sleeps).
      assert.match(log, /^SigIgn:\s*0+$/m, "no signal left ignored");
      assert.match(log, /^SigBlk:\s*0+$/m, "no signal left blocked");

      const st = posixly(["status", "--pidfile", pidfile]);
      assert.equal(st.status, 0);
      assert.match(st.stdout, new RegExp(`running \\(pid ${pid}, up \\d+ s\\)`));
      const json = JSON.parse(posixly(["status", "--pidfile", pidfile, "--json"]).stdout);
      assert.equal(json.state, "running");
      assert.equal(json.pid, pid);
      assert.equal(json.pidfile, pidfile);
      assert.ok(Math.abs(Date.parse(json.startedAt) - Date.now()) < 60_000, json.startedAt);

      const again = posixly(["start", "--pidfile", pidfile, "--", script]);
      assert.equal(again.status, 0, "already running is success");
      assert.match(again.stdout, new RegExp(`already running \\(pid ${pid}`));

      const hup = posixly(["signal", "--pidfile", pidfile, "HUP"]);
      assert.equal(hup.status, 0, hup.stderr);
      assert.match(await logSays(logfile, "got HUP"), /got HUP/);

      const stopped = posixly(["stop", "--pidfile", pidfile]);
      assert.equal(stopped.status, 0, stopped.stderr);
      assert.match(stopped.stdout, new RegExp(`stopped \\(pid ${pid}, SIGTERM\\)`));
      assert.ok(!alive(pid));
      assert.ok(!existsSync(pidfile), "the pidfile is removed");
      assert.match(readFileSync(logfile, "utf8"), /got TERM/);

      const st2 = posixly(["status", "--pidfile", pidfile, "--json"]);
      assert.equal(st2.status, 3);
      assert.deepEqual(JSON.parse(st2.stdout), {
        state: "stopped",
        pid: null,
        pidfile,
        startedAt: null,
      });
      const stop2 = posixly(["stop", "--pidfile", pidfile]);
      assert.equal(stop2.status, 0);
      assert.match(stop2.stdout, /not running/);
      const sig2 = posixly(["signal", "--pidfile", pidfile, "1"]);
      assert.equal(sig2.status, 7);
    },
  );

  test(
    "a program killed behind posixly's back: status 1 (dead), stop cleans up",
    SLOW,
    async () => {
      const pidfile = s.path("dead.pid");
      assert.equal(
        posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]).status,
        0,
      );
      const pid = s.trackPidfile(pidfile);
      process.kill(pid, "SIGKILL");
      assert.ok(await gone(pid));
      const st = posixly(["status", "--pidfile", pidfile, "--json"]);
      assert.equal(st.status, 1);
      assert.equal(JSON.parse(st.stdout).state, "dead");
      assert.equal(JSON.parse(st.stdout).pid, pid);
      const stop = posixly(["stop", "--pidfile", pidfile]);
      assert.equal(stop.status, 0);
      assert.match(stop.stdout, /not running/);
      assert.ok(!existsSync(pidfile));
    },
  );

  test("racing starts on one pidfile start exactly one program", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    const pidfile = s.path("race.pid");
    // A duration no other process uses, to find every program that started.
    const marker = `60.${process.pid}${Date.now() % 100000}`;
    const runs = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          posixlyAsync(["start", "--pidfile", pidfile, "--grace", "0.2", "--", "sleep", marker]),
      ),
    );
    const pid = s.trackPidfile(pidfile);
    for (const r of runs) assert.equal(r.status, 0, r.stderr);
    assert.equal(
      runs.filter((r) => /^started/.test(r.stdout)).length,
      1,
      runs.map((r) => r.stdout).join(""),
    );
    const running = spawnSync("pgrep", ["-f", `^sleep ${marker}$`], { encoding: "utf8" }).stdout
      .split("\n").filter(Boolean);
    running.forEach((p) => s.track(Number(p)));
    assert.deepEqual(running.map(Number), [pid]);
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test(
    "a program that exits at once: status 1 with its exit status and last log lines",
    SLOW,
    () => {
      const pidfile = s.path("exit.pid");
      const logfile = s.path("exit.log");
      writeFileSync(logfile, "an old line\n");
      const r = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--logfile",
        logfile,
        // longer than the program takes to end, however slow the machine
        "--grace",
        "5",
        "--",
        "sh",
        "-c",
        "echo boom >&2; exit 3",
      ]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /exited with status 3 before it was ready/);
      assert.match(r.stderr, /boom/);
      assert.doesNotMatch(r.stderr, /an old line/, "only what this run wrote");
      assert.ok(!existsSync(pidfile), "no pidfile left behind");
      const killed = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--grace",
        "5",
        "--",
        "sh",
        "-c",
        "kill -KILL $$",
      ]);
      assert.equal(killed.status, 1);
      assert.match(killed.stderr, /was killed by SIGKILL/);
    },
  );

  test("a file that is not a pidfile is left alone by start, run, stop and status", SLOW, () => {
    const conf = s.path("app.conf"); // a mistyped --pidfile
    const text = "important = true\nline 2\n";
    writeFileSync(conf, text);
    const marker = `61.${process.pid}${Date.now() % 100000}`;
    const stop = posixly(["stop", "--pidfile", conf]);
    assert.equal(stop.status, 1, stop.stdout);
    assert.match(stop.stderr, /not a pidfile: expected a positive decimal pid/);
    const status = posixly(["status", "--pidfile", conf]);
    assert.equal(status.status, 4, status.stdout);
    for (const command of ["start", "run"]) {
      const r = posixly([command, "--pidfile", conf, "--", "sleep", marker]);
      assert.equal(r.status, 1, `${command}: ${r.stdout}`);
      assert.match(r.stderr, /cannot tell: not a pidfile/, command);
    }
    const started = spawnSync("pgrep", ["-f", `^sleep ${marker}$`], { encoding: "utf8" }).stdout;
    assert.equal(started, "", "no program was started");
    assert.equal(readFileSync(conf, "utf8"), text, "the file is untouched");
    // An empty file is a pidfile whose writer died before writing: removed.
    const empty = s.path("empty.pid");
    writeFileSync(empty, "");
    const r = posixly(["stop", "--pidfile", empty]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^not running \(the pidfile records no pid\)/);
    assert.ok(!existsSync(empty));
  });

  test("a pidfile on a full file system: start and run fail naming it; nothing runs or is left", {
    ...SLOW,
    skip: noTmpfs || commandCycleUnderQemu,
  }, async () => {
    const marker = `65.${process.pid}${Date.now() % 100000}`;
    await onSmallTmpfs((dir) => {
      fillUp(dir);
      const pidfile = join(dir, "app.pid");
      for (const command of ["start", "run"]) {
        const r = posixly([command, "--pidfile", pidfile, "--", "sleep", marker]);
        assert.equal(r.status, 1, `${command}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /--pidfile ".*app\.pid": .*ENOSPC: no space left on device/);
        assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
        assert.deepEqual(readdirSync(dir), ["filler"], `${command}: nothing left`);
      }
    });
    const started = spawnSync("pgrep", ["-f", `^sleep ${marker}$`], { encoding: "utf8" }).stdout;
    assert.equal(started, "", "no program was started");
  });

  test("a failed start leaves nothing running: what the program started is stopped too", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const marker = `62.${process.pid}${Date.now() % 100000}`;
    const leftovers = (): number[] =>
      spawnSync("pgrep", ["-f", `^sleep ${marker}`], { encoding: "utf8" }).stdout
        .split("\n").filter(Boolean).map(Number);
    try {
      // Never ready: the program and the child it started get TERM.
      const unready = posixly([
        "start",
        "--pidfile",
        s.path("unready.pid"),
        "--ready",
        "fd:3",
        "--timeout",
        "1",
        "--",
        "sh",
        "-c",
        `sleep ${marker}1 & exec sleep ${marker}2`,
      ]);
      assert.equal(unready.status, 1, unready.stdout);
      assert.deepEqual(leftovers(), []);
      assert.equal(posixly(["status", "--pidfile", s.path("unready.pid")]).status, 3);
      // Ended before ready, leaving a child behind: the child gets TERM.
      const ended = posixly([
        "start",
        "--pidfile",
        s.path("ended.pid"),
        "--grace",
        "5",
        "--",
        "sh",
        "-c",
        `sleep ${marker}3 & sleep 0.2; exit 3`,
      ]);
      assert.equal(ended.status, 1, ended.stdout);
      assert.match(
        ended.stderr,
        /exited with status 3 before it was ready; sent TERM to what it started/,
      );
      assert.deepEqual(leftovers(), []);
    } finally {
      for (const pid of leftovers()) s.track(pid);
    }
  });

  test("a FIFO is refused as logfile, with a reader or without (nothing hangs)", SLOW, () => {
    const marker = `63.${process.pid}${Date.now() % 100000}`;
    for (const withReader of [false, true]) {
      const fifo = s.path(`log${withReader}.fifo`);
      assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
      // A reader that ends at the first end-of-file, as `cat` or a logger would.
      const reader = withReader ? spawn("sh", ["-c", `cat "$1" > /dev/null`, "sh", fifo]) : null;
      try {
        const r = posixly(
          ["start", "--pidfile", s.path("fifo.pid"), "--logfile", fifo, "--", "sleep", marker],
          { timeout: 20_000 },
        );
        assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
        // One message: a FIFO with a reader is refused as well as one without.
        assert.equal(
          r.stderr.split("\n")[0],
          `posixly start: --logfile "${fifo}": must be a regular file or a character device ` +
            "(such as /dev/null)",
        );
      } finally {
        reader?.kill("SIGKILL");
      }
    }
    const started = spawnSync("pgrep", ["-f", `^sleep ${marker}$`], { encoding: "utf8" }).stdout;
    assert.equal(started, "", "no program was started");
  });

  test(
    "the last lines shown come from the logfile checked, not a link put in its place",
    SLOW,
    () => {
      const secret = s.path("secret");
      writeFileSync(secret, "SECRET-LINE\n");
      const logfile = s.path("replaced.log");
      const r = posixly([
        "start",
        "--pidfile",
        s.path("replaced.pid"),
        "--logfile",
        logfile,
        "--grace",
        "5",
        "--",
        "sh",
        "-c",
        'echo mine; rm -f "$1"; ln -s "$2" "$1"; exit 3',
        "sh",
        logfile,
        secret,
      ]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /exited with status 3 before it was ready/);
      assert.doesNotMatch(r.stderr, /SECRET-LINE/);
    },
  );

  test("in a directory whose name is not UTF-8: a message, not a stack trace", SLOW, () => {
    const inBadDir = (args: string[]) =>
      spawnSync("sh", [
        "-c",
        // "bad", the byte 0xFF, "dir": made by the shell (a runtime would encode it as UTF-8)
        'd=$(printf "%s/bad\\377dir" "$1") && mkdir -p "$d" && cd "$d" && shift && exec "$@"',
        "sh",
        s.dir,
        process.execPath,
        ...scriptArgs(CLI, args),
      ], { encoding: "utf8", timeout: 60_000 });
    const start = inBadDir(["start", "--pidfile", "bad.pid", "--", "sleep", "1"]);
    assert.equal(start.status, 1, start.stderr);
    assert.match(start.stderr, /^posixly start: the current directory's name is not valid UTF-8/);
    assert.doesNotMatch(start.stderr, /\n\s+at /, "no stack trace");
    // Without --chdir the program stays there: posixly need not name the directory.
    const run = inBadDir(["run", "--", "true"]);
    assert.equal(run.status, 0, run.stderr);
    const status = inBadDir(["status", "--pidfile", "relative.pid"]);
    assert.equal(status.status, 4, "status: cannot tell");
    assert.match(status.stderr, /not valid UTF-8: give absolute paths/);
  });

  test("output that cannot be written (/dev/full): no stack trace, the status is the result", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("full.pid");
    const full = openSync("/dev/full", "w");
    try {
      const withStdout = (args: string[], stdio: ["ignore", number | "pipe", number | "pipe"]) =>
        spawnSync(process.execPath, scriptArgs(CLI, args), {
          stdio,
          encoding: "utf8",
          timeout: 60_000,
        });
      const toFull = (args: string[]) => withStdout(args, ["ignore", full, "pipe"]);
      const started = toFull([
        "start",
        "--pidfile",
        pidfile,
        "--grace",
        "0.1",
        "--",
        "sleep",
        "60",
      ]);
      const pid = s.trackPidfile(pidfile);
      assert.equal(started.status, 0, started.stderr);
      assert.equal(started.stderr, "");
      assert.ok(alive(pid));
      const cases: [string[], number][] = [
        [["status", "--pidfile", pidfile], 0],
        [["status", "--pidfile", pidfile, "--json"], 0],
        [["signal", "--pidfile", pidfile, "CONT"], 0],
        [["stop", "--help"], 0],
        [["stop", "--pidfile", pidfile], 0],
        [["status", "--pidfile", pidfile], 3],
        [["stop", "--pidfile", pidfile], 0],
      ];
      for (const [args, status] of cases) {
        const r = toFull(args);
        assert.equal(r.status, status, `${args.join(" ")}: ${r.stderr}`);
        assert.equal(r.stderr, "", args.join(" "));
        if (args[0] === "stop" && args[1] !== "--help") assert.ok(!alive(pid), "stopped");
      }
      // Messages on a stderr that cannot be written: the status is still the command's.
      const bad = withStdout(["stop", "--bogus"], ["ignore", "pipe", full]);
      assert.equal(bad.status, 2, bad.stdout);
      const notRunning = withStdout(["signal", "--pidfile", pidfile, "HUP"], [
        "ignore",
        "pipe",
        full,
      ]);
      assert.equal(notRunning.status, 7, notRunning.stdout);
    } finally {
      closeSync(full);
    }
  });

  test("stop ends what the program started in its process group, and the lock with it", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    const pidfile = s.path("shell.pid");
    const marker = `64.${process.pid}${Date.now() % 100000}`;
    const children = (): number[] =>
      spawnSync("pgrep", ["-f", `^sleep ${marker}$`], { encoding: "utf8" }).stdout
        .split("\n").filter(Boolean).map(Number);
    try {
      // A shell that waits for its child, which inherits the pidfile's lock.
      const started = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--",
        "sh",
        "-c",
        `sleep ${marker}; true`,
      ]);
      assert.equal(started.status, 0, started.stderr);
      s.trackPidfile(pidfile);
      const until = Date.now() + 30_000;
      while (children().length === 0 && Date.now() < until) await sleep(20);
      assert.equal(children().length, 1);
      const stopped = posixly(["stop", "--pidfile", pidfile]);
      assert.equal(stopped.status, 0, stopped.stderr);
      assert.match(stopped.stdout, /^stopped \(pid \d+, SIGTERM; what it started got SIGTERM\)$/m);
      assert.deepEqual(children(), []);
      assert.equal(posixly(["status", "--pidfile", pidfile]).status, 3, "no pidfile left");
    } finally {
      for (const pid of children()) s.track(pid);
    }
  });

  test(
    "a logfile that is the pidfile, by name or by a hard link: bad usage, nothing made",
    SLOW,
    () => {
      // Taking the pidfile would put a new file in the logfile's place, and the
      // program's output would go to the old one, which no directory names.
      const pidfile = s.path("same.pid");
      for (const command of ["start", "run"]) {
        const r = posixly([
          command,
          "--pidfile",
          pidfile,
          "--logfile",
          pidfile,
          "--",
          "sleep",
          "30",
        ]);
        assert.equal(r.status, 2, r.stderr);
        assert.match(
          r.stderr,
          new RegExp(`--logfile "${pidfile}" is the pidfile: .* output would be lost`),
        );
        assert.ok(!existsSync(pidfile), `${command} made no file`);
      }
      const logfile = s.path("same.log");
      writeFileSync(logfile, "earlier output\n");
      linkSync(logfile, pidfile);
      const r = posixly(["start", "--pidfile", pidfile, "--logfile", logfile, "--", "sleep", "30"]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`--logfile "${logfile}" is the pidfile`));
      assert.equal(readFileSync(logfile, "utf8"), "earlier output\n", "the logfile as it was");
      assert.ok(existsSync(pidfile), "its other name left as it was");
    },
  );

  test("a program not found or not executable: status 5 naming it", SLOW, () => {
    const pidfile = s.path("nf.pid");
    const r = posixly(["start", "--pidfile", pidfile, "--", "posixly-no-such-program"]);
    assert.equal(r.status, 5);
    assert.match(r.stderr, /"posixly-no-such-program" not found/);
    const data = s.path("data.txt");
    writeFileSync(data, "not a program\n", { mode: 0o644 });
    const r2 = posixly(["start", "--pidfile", pidfile, "--", data]);
    assert.equal(r2.status, 5);
    assert.match(r2.stderr, new RegExp(`"${data}".*EACCES`));
    const r3 = posixly(["run", "--", s.dir]);
    assert.equal(r3.status, 5);
    assert.match(r3.stderr, /not a regular file/);
    assert.ok(!existsSync(pidfile));
  });

  test("foreground checks name what is at fault: chdir, logfile, user, pidfile", SLOW, () => {
    const pidfile = s.path("chk.pid");
    const nodir = s.path("no-such-dir");
    const r = posixly(["start", "--pidfile", pidfile, "--chdir", nodir, "--", "sleep", "1"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`--chdir "${nodir}": ENOENT`));
    const r2 = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--logfile",
      s.path("no-such-dir/x.log"),
      "--",
      "sleep",
      "1",
    ]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /--logfile ".*no-such-dir\/x\.log": ENOENT/);
    const r3 = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--user",
      "posixly-no-such-user",
      "--",
      "sleep",
      "1",
    ]);
    assert.equal(r3.status, 1);
    assert.match(r3.stderr, /--user "posixly-no-such-user": no such user/);
    const r4 = posixly(["start", "--pidfile", s.dir, "--", "sleep", "1"]);
    assert.equal(r4.status, 1);
    assert.match(r4.stderr, /--pidfile/);
    const target = s.path("not-a-log.txt");
    writeFileSync(target, "");
    symlinkSync(target, s.path("link.log"));
    const r6 = posixly(["run", "--logfile", s.path("link.log"), "--", "echo", "hi"]);
    assert.equal(r6.status, 1);
    assert.match(r6.stderr, /--logfile ".*link\.log": is a symbolic link/);
    assert.equal(readFileSync(target, "utf8"), "", "nothing written through the link");
    const r5 = posixly(["start", "--pidfile", s.path("no-such-dir/x.pid"), "--", "sleep", "1"]);
    assert.equal(r5.status, 1);
    assert.match(r5.stderr, /--pidfile ".*no-such-dir\/x\.pid": cannot create it: ENOENT/);
  });

  test("a program that never becomes ready: TERM after --timeout, status 1", {
    ...SLOW,
    skip: commandTooSlowUnderQemu,
  }, () => {
    const pidfile = s.path("never.pid");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--ready",
      "fd:3",
      "--timeout",
      "0.3",
      "--",
      "sleep",
      "60",
    ]);
    assert.equal(r.status, 1);
    // TERM was enough: no KILL 5 s later.
    assert.match(r.stderr, /was not ready within 0\.3 s \(--timeout\); sent it TERM\.?$/m);
    const pid = Number(/pid (\d+)/.exec(r.stderr)![1]);
    s.track(pid);
    assert.ok(!alive(pid), "stopped");
    assert.ok(!existsSync(pidfile));
  });

  test("Ctrl-C while start waits stops the unready program", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    const pidfile = s.path("interrupted.pid");
    const launcher = spawn(
      process.execPath,
      scriptArgs(CLI, ["start", "--pidfile", pidfile, "--ready", "fd:3", "--", "sleep", "60"]),
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    launcher.stderr!.on("data", (d) => (stderr += String(d)));
    const closed = new Promise<number | null>((r) => launcher.on("close", r));
    const until = Date.now() + 20_000;
    while (!existsSync(pidfile) && Date.now() < until) await sleep(10);
    const pid = s.trackPidfile(pidfile);
    const isSleep = (pid: number): boolean => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "latin1").startsWith("sleep\0");
      } catch {
        return false;
      }
    };
    // Until the set-up process has become the program (a SIGINT before that
    // interrupts the set-up instead: the same outcome, in other words).
    while (!isSleep(pid) && Date.now() < until) await sleep(10);
    await sleep(100);
    // process.kill, not launcher.kill: Deno's node:child_process then reports the
    // signal it sent as the way the child ended, whatever its exit status.
    process.kill(launcher.pid!, "SIGINT");
    assert.equal(await closed, 1);
    assert.match(
      stderr,
      new RegExp(
        `(SIGINT interrupted the wait for "sleep" \\(pid ${pid}\\)|` +
          `set-up process \\(pid ${pid}\\) was interrupted by SIGINT); sent it TERM`,
      ),
    );
    assert.ok(await gone(pid));
    assert.ok(!existsSync(pidfile));
  });

  test(
    "a program that ignores TERM: stop sends KILL after --timeout; --no-kill reports status 1",
    { ...SLOW, skip: commandCycleUnderQemu },
    () => {
      const pidfile = s.path("stubborn.pid");
      const start = [
        "start",
        "--pidfile",
        pidfile,
        "--grace",
        "0.2",
        "--",
        "sh",
        "-c",
        "trap '' TERM; exec sleep 60",
      ];
      assert.equal(posixly(start).status, 0);
      const pid = s.trackPidfile(pidfile);
      const soft = posixly(["stop", "--pidfile", pidfile, "--timeout", "0.2", "--no-kill"]);
      assert.equal(soft.status, 1);
      assert.match(soft.stderr, new RegExp(`still running \\(pid ${pid}\\)`));
      assert.ok(alive(pid));
      assert.ok(existsSync(pidfile));
      const hard = posixly(["stop", "--pidfile", pidfile, "--timeout", "0.2"]);
      assert.equal(hard.status, 0, hard.stderr);
      assert.match(hard.stdout, /SIGTERM and SIGKILL 0\.2 s later/);
      assert.ok(!alive(pid));
      assert.ok(!existsSync(pidfile));
    },
  );

  test(
    "stop and signal never touch a pid whose start time differs (a reused pid)",
    SLOW,
    async () => {
      const pidfile = s.path("reused.pid");
      const bystander = spawn("sleep", ["60"], { stdio: "ignore" });
      const pid = s.track(bystander.pid!);
      try {
        const start = processStartTime(pid)!;
        writeFileSync(pidfile, `${pid}\nstarttime=${start + 1}\n`);
        assert.equal(
          posixly(["status", "--pidfile", pidfile]).status,
          1,
          "dead: the pid was reused",
        );
        assert.equal(posixly(["signal", "--pidfile", pidfile, "TERM"]).status, 7);
        assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
        assert.ok(alive(pid), "the bystander lives");
        assert.ok(!existsSync(pidfile), "the stale pidfile is removed");
        // Another tool's pidfile with a live pid and no start time: cannot tell.
        writeFileSync(pidfile, `${pid}\n`);
        const st = posixly(["status", "--pidfile", pidfile]);
        assert.equal(st.status, 4);
        assert.match(st.stdout, /cannot tell/);
        assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 1);
        assert.equal(posixly(["signal", "--pidfile", pidfile, "TERM"]).status, 1);
        assert.ok(alive(pid), "the bystander lives");
        // A symbolic link at the pidfile's path: cannot tell (posixly follows no link there).
        rmSync(pidfile);
        symlinkSync(s.path("elsewhere.pid"), pidfile);
        const link = posixly(["status", "--pidfile", pidfile, "--json"]);
        assert.equal(link.status, 4);
        assert.equal(JSON.parse(link.stdout).state, "unknown");
        rmSync(pidfile);
        // A pidfile nobody holds with the right start time: that process may be signalled.
        writeFileSync(pidfile, `${pid}\nstarttime=${start}\n`);
        assert.equal(posixly(["status", "--pidfile", pidfile]).status, 0);
        assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
        assert.ok(await gone(pid));
      } finally {
        bystander.kill("SIGKILL");
      }
    },
  );

  test(
    "restart: a new program, the old one stopped",
    { ...SLOW, skip: commandCycleUnderQemu },
    () => {
      const pidfile = s.path("restart.pid");
      const args = ["--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"];
      const cold = posixly(["restart", ...args]);
      assert.equal(cold.status, 0, cold.stderr);
      assert.match(cold.stdout, /not running[^]*started "sleep"/, "restart of nothing starts it");
      const first = s.trackPidfile(pidfile);
      const r = posixly(["restart", ...args]);
      assert.equal(r.status, 0, r.stderr);
      const second = s.trackPidfile(pidfile);
      assert.notEqual(second, first);
      assert.ok(!alive(first));
      assert.ok(alive(second));
      assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
    },
  );
});

describe("posixly start --ready", () => {
  /** `start --ready tcp` of python3's http.server on 127.0.0.1:`port`, with NAME.pid and NAME.log. */
  const startHttpServer = (name: string, port: number) =>
    posixlyAsync([
      "start",
      "--pidfile",
      s.path(`${name}.pid`),
      "--logfile",
      s.path(`${name}.log`),
      "--chdir",
      s.dir,
      "--ready",
      `tcp:127.0.0.1:${port}`,
      "--timeout",
      "20",
      "--",
      "python3",
      "-m",
      "http.server",
      "--bind",
      "127.0.0.1",
      String(port),
    ]);

  test(
    "tcp:HOST:PORT: a server on 127.0.0.1 answers once start returns",
    { ...SLOW, skip: noPython || commandCycleUnderQemu },
    async () => {
      const pidfile = s.path("http.pid");
      const port = await freePort();
      const r = await startHttpServer("http", port);
      s.trackPidfile(pidfile);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`accepts connections on 127\\.0\\.0\\.1:${port}`));
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(res.status, 200);
      await res.text();
      assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
    },
  );

  test("tcp:HOST:PORT: a port something else listens on already fails start, starting nothing", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    // The squatter: a server of this process (the kernel accepts for it while it waits).
    const squatter = createServer((socket) => socket.destroy());
    const port = await new Promise<number>((resolve) => {
      squatter.listen(0, "127.0.0.1", () => resolve((squatter.address() as { port: number }).port));
    });
    const marker = `64.${process.pid}${Date.now() % 100000}`;
    const pidfile = s.path("squatted.pid");
    try {
      const r = await posixlyAsync([
        "start",
        "--pidfile",
        pidfile,
        "--ready",
        `tcp:127.0.0.1:${port}`,
        "--",
        "sleep",
        marker,
      ]);
      trackPidIn(r.stdout + r.stderr);
      s.trackPidfile(pidfile);
      assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
      assert.equal(
        r.stderr,
        `posixly start: --ready tcp:127.0.0.1:${port}: something else already listens on ` +
          `127.0.0.1:${port}, so whether the program is ready cannot be told; nothing was started\n`,
      );
      assert.ok(!existsSync(pidfile), "no pidfile");
      const started = spawnSync("pgrep", ["-f", `^sleep ${marker}$`], { encoding: "utf8" }).stdout;
      assert.equal(started, "", "no program was started");
    } finally {
      squatter.close();
    }
  });

  test("tcp:HOST:PORT: a second copy of a server on the same port is refused", {
    ...SLOW,
    skip: noPython || commandCycleUnderQemu,
  }, async () => {
    const port = await freePort();
    const startServer = (name: string) => startHttpServer(name, port);
    const first = await startServer("first-http");
    const pid = s.trackPidfile(s.path("first-http.pid"));
    assert.equal(first.status, 0, first.stderr);
    const second = await startServer("second-http");
    trackPidIn(second.stdout + second.stderr);
    s.trackPidfile(s.path("second-http.pid"));
    assert.equal(second.status, 1, `${second.stdout}${second.stderr}`);
    assert.match(
      second.stderr,
      new RegExp(`something else already listens on 127\\.0\\.0\\.1:${port}`),
    );
    assert.equal(second.stdout, "");
    assert.ok(!existsSync(s.path("second-http.pid")));
    assert.ok(alive(pid), "the first server runs on");
    const res = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(posixly(["stop", "--pidfile", s.path("first-http.pid")]).status, 0);
  });

  test("tcp:HOST:PORT: a probe that connects to itself is not the program listening", {
    ...SLOW,
    skip: noNetworkNamespace || commandCycleUnderQemu,
  }, () => {
    // In a network namespace of its own whose only local port is the one probed
    // (even, as Linux gives connect() even ports first), every probe's own port
    // is that port: with nothing listening, the kernel connects it to itself.
    const port = 40_000;
    const pidfile = s.path("self.pid");
    const r = spawnSync("unshare", [
      "-n",
      "sh",
      "-c",
      `ip link set lo up && echo "${port} ${
        port + 1
      }" > /proc/sys/net/ipv4/ip_local_port_range && exec "$@"`,
      "sh",
      process.execPath,
      ...scriptArgs(CLI, [
        "start",
        "--pidfile",
        pidfile,
        "--ready",
        `tcp:127.0.0.1:${port}`,
        "--timeout",
        "1",
        "--",
        "sleep",
        "60",
      ]),
    ], { encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
    trackPidIn(r.stdout + r.stderr);
    assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /was not ready within 1 s \(--timeout\); sent it TERM/);
  });

  test("notify: a python3 program speaking sd_notify", {
    ...SLOW,
    skip: noPython || commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("notify.pid");
    const logfile = s.path("notify.log");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--logfile",
      logfile,
      "--ready",
      "notify",
      "--timeout",
      "20",
      "--",
      "python3",
      program("cli_notify.py"),
      "0.2",
    ]);
    const pid = s.trackPidfile(pidfile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sent READY=1/);
    assert.ok(alive(pid));
    assert.match(readFileSync(logfile, "utf8"), /notifying/);
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test("notify: a program of this runtime using posixly's sdNotify", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("notify-ts.pid");
    const logfile = s.path("notify-ts.log");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--logfile",
      logfile,
      "--ready",
      "notify",
      "--timeout",
      "20",
      "--",
      process.execPath,
      ...scriptArgs(fixture("cli_notify_app.ts")),
    ]);
    s.trackPidfile(pidfile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(logfile, "utf8"), /notifying/);
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test("notify: a program that never sends READY=1 times out", SLOW, () => {
    const pidfile = s.path("notify-never.pid");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--ready",
      "notify",
      "--timeout",
      "0.3",
      "--",
      "sleep",
      "60",
    ]);
    trackPidIn(r.stderr); // before asserting: a failing test leaves nothing running
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not ready within 0\.3 s/);
  });

  test("notify: READY=1 from another user's process does not count", {
    ...SLOW,
    skip: noNobodyPython || commandCycleUnderQemu,
  }, async () => {
    // Any user can read the socket's name in /proc/net/unix: nobody sends
    // READY=1 to it all along, while the program itself never does.
    const nobody = lookupUser("nobody");
    const pidfile = s.path("notify-spoofed.pid");
    const count = s.path("notify-spoofed.count");
    writeFileSync(count, "0");
    chownSync(count, nobody.uid, nobody.gid);
    const launcher = spawn(
      process.execPath,
      scriptArgs(CLI, [
        "start",
        "--pidfile",
        pidfile,
        "--ready",
        "notify",
        "--timeout",
        "3",
        "--",
        "sh",
        "-c",
        "exec sleep 60",
      ]),
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    launcher.stdout!.on("data", (d) => (stdout += String(d)));
    launcher.stderr!.on("data", (d) => (stderr += String(d)));
    const status = new Promise<number | null>((resolve) => launcher.on("close", resolve));
    const inode = await notifySocketOf(launcher.pid!);
    const spoofer = inode === null ? null : spawn(
      nobodyPython!,
      [program("cli_notify_spoofer.py"), inode, count],
      { uid: nobody.uid, gid: nobody.gid, cwd: s.dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    let spooferErrors = "";
    spoofer?.stderr?.on("data", (d) => (spooferErrors += String(d)));
    const spooferDone = spoofer && new Promise((resolve) => spoofer.on("close", resolve));
    const r = { status: await status, stdout, stderr };
    // It ends when the socket is gone; the kill is for a launcher that failed otherwise.
    spoofer?.kill("SIGKILL");
    await spooferDone;
    trackPidIn(r.stderr); // before asserting: a failing test leaves nothing running
    s.trackPidfile(pidfile);
    assert.ok(inode !== null, `no notify socket seen: ${r.stderr}`);
    const sent = Number(readFileSync(count, "utf8"));
    assert.ok(sent > 0, `the spoofer delivered no READY=1: ${spooferErrors}`);
    assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /not ready within 3 s/);
  });

  /**
   * `start --ready notify OPTIONS -- sh -c ...`: the program runs `python`, a
   * child of its own, which says its pid and parent's and sends READY=1.
   * Checks that start reports ready, that a child sent it, and stops it.
   */
  function childSendsReady(name: string, python: string, options: string[]): void {
    const sendReady = [
      "import os, socket",
      "print('sender', os.getpid(), os.getppid(), flush=True)",
      "a = os.environ['NOTIFY_SOCKET']",
      "a = '\\0' + a[1:] if a.startswith('@') else a",
      "socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', a)",
    ].join("\n");
    const pidfile = s.path(`${name}.pid`);
    const logfile = s.path(`${name}.log`);
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--logfile",
      logfile,
      ...options,
      "--ready",
      "notify",
      "--timeout",
      "20",
      "--",
      "sh",
      "-c",
      '"$0" -c "$1"; exec sleep 60',
      python,
      sendReady,
    ]);
    trackPidIn(r.stderr); // before asserting: a failing test leaves nothing running
    const pid = s.trackPidfile(pidfile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sent READY=1/);
    const sender = /^sender (\d+) (\d+)$/m.exec(readFileSync(logfile, "utf8"));
    assert.ok(sender, "the child said nothing");
    assert.notEqual(Number(sender[1]), pid, "another pid than the program's");
    assert.equal(Number(sender[2]), pid, "a child of the program");
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  }

  test("notify: READY=1 from a child of the program (its uid, another pid) counts", {
    ...SLOW,
    skip: noPython || commandCycleUnderQemu,
  }, () => {
    // What systemd-notify run from a service's script does.
    childSendsReady("notify-child", "python3", []);
  });

  test("notify: with --user nobody, READY=1 from a process of nobody's counts", {
    ...SLOW,
    skip: noNobodyPython || commandCycleUnderQemu,
  }, () => {
    childSendsReady("notify-nobody", nobodyPython!, ["--user", "nobody"]);
  });

  test("notify: a program that changes its own uid before READY=1 still counts (its pid)", {
    ...SLOW,
    skip: notRoot || noPython || commandCycleUnderQemu,
  }, () => {
    const nobody = lookupUser("nobody");
    const pidfile = s.path("notify-setuid.pid");
    const program = [
      "import os, socket, time",
      `os.setgroups([]); os.setgid(${nobody.gid}); os.setuid(${nobody.uid})`,
      'address = "\\0" + os.environ["NOTIFY_SOCKET"][1:]',
      'socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", address)',
      "time.sleep(60)",
    ].join("\n");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--ready",
      "notify",
      "--timeout",
      "10",
      "--",
      "python3",
      "-c",
      program,
    ]);
    trackPidIn(r.stdout + r.stderr);
    const pid = s.trackPidfile(pidfile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sent READY=1/);
    assert.equal(procStatus(pid, "Uid").split(/\s+/)[0], String(nobody.uid), "it runs as nobody");
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test("tcp:HOST:PORT: a malformed HOST is bad usage; a name that does not resolve fails at once", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("tcpform.pid");
    const cases: [ready: string, why: RegExp][] = [
      ["tcp:[abc:80", /the \[ before an IPv6 address is not closed/],
      ["tcp:[]:80", /the brackets are empty/],
      ["tcp:[abc]:80", /"abc" in brackets is not an IPv6 address/],
      ["tcp:[127.0.0.1]:80", /"127\.0\.0\.1" in brackets is not an IPv6 address/],
      ["tcp::80", /HOST is empty/],
      ["tcp:::1:80", /an IPv6 address goes in brackets/],
      ["tcp:a/b:80", /"a\/b" is not a host name or an IPv4 address/],
      ["tcp:[::1]:0", /PORT must be a number from 1 to 65535, got "0"/],
      ["tcp:[::1]", /PORT is missing/],
    ];
    for (const [ready, why] of cases) {
      const r = posixly(["start", "--pidfile", pidfile, "--ready", ready, "--", "sleep", "60"]);
      trackPidIn(r.stdout);
      assert.equal(r.status, 2, `${ready}: ${r.stderr}`);
      assert.match(
        r.stderr.split("\n")[0],
        new RegExp(`^posixly start: --ready ${JSON.stringify(ready).replace(/[[\]]/g, "\\$&")}: `),
        ready,
      );
      assert.match(r.stderr, why, ready);
    }
    // RFC 6761: .invalid never resolves. The wait would only time out: start says why at once.
    const began = Date.now();
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--ready",
      "tcp:posixly-no-such-host.invalid:8080",
      "--timeout",
      "60",
      "--",
      "sleep",
      "60",
    ]);
    trackPidIn(r.stdout + r.stderr);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /^posixly start: --ready tcp:posixly-no-such-host\.invalid:8080: the host name "posixly-no-such-host\.invalid" does not resolve \(\w+\); nothing was started/,
    );
    assert.ok(Date.now() - began < 30_000, `it took ${Date.now() - began} ms`);
    assert.ok(!existsSync(pidfile), "nothing started");
    // restart finds it out before it stops the program that runs.
    const running = s.path("tcpform-running.pid");
    assert.equal(posixly(["start", "--pidfile", running, "--", "sleep", "60"]).status, 0);
    const pid = s.trackPidfile(running);
    const again = posixly([
      "restart",
      "--pidfile",
      running,
      "--ready",
      "tcp:posixly-no-such-host.invalid:8080",
      "--",
      "sleep",
      "60",
    ]);
    assert.equal(again.status, 1, again.stderr);
    assert.match(
      again.stderr,
      /^posixly restart: --ready tcp:posixly-no-such-host\.invalid:8080: /,
    );
    assert.equal(s.trackPidfile(running), pid);
    assert.ok(alive(pid), "the running program was left alone");
    assert.equal(posixly(["stop", "--pidfile", running]).status, 0);
  });

  test("tcp:[IPv6]:PORT: a server on ::1 is ready, and the message writes [::1]:PORT", {
    ...SLOW,
    skip: noPython || noIPv6Loopback || commandCycleUnderQemu,
  }, async () => {
    const pidfile = s.path("http6.pid");
    const port = await freePort("::1");
    const r = await posixlyAsync([
      "start",
      "--pidfile",
      pidfile,
      "--chdir",
      s.dir,
      "--ready",
      `tcp:[::1]:${port}`,
      "--timeout",
      "20",
      "--",
      "python3",
      "-m",
      "http.server",
      "--bind",
      "::1",
      String(port),
    ]);
    s.trackPidfile(pidfile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`accepts connections on \\[::1\\]:${port}\n`));
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test("fd:N at or over the limit of open files is bad usage naming it; the limit - 1 works", {
    ...SLOW,
    skip: noPython || commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("fdlimit.pid");
    const over = posixlyWithNofile(1024, [
      "start",
      "--pidfile",
      pidfile,
      "--ready",
      "fd:1024",
      "--",
      "sleep",
      "60",
    ]);
    trackPidIn(over.stdout);
    assert.equal(over.status, 2, over.stderr);
    assert.match(
      over.stderr,
      /^posixly start: --ready fd:1024: descriptor 1024 is not below this process's limit of open files \(RLIMIT_NOFILE 1024\): give fd:N with N from 3 to 1023\n/,
    );
    assert.ok(!existsSync(pidfile), "nothing started");
    const highest = posixlyWithNofile(1024, [
      "start",
      "--pidfile",
      pidfile,
      "--ready",
      "fd:1023",
      "--timeout",
      "20",
      "--",
      "python3",
      "-c",
      "import os, time; os.write(1023, b'\\n'); time.sleep(60)",
    ]);
    s.trackPidfile(pidfile);
    assert.equal(highest.status, 0, highest.stderr);
    assert.match(highest.stdout, /wrote a newline to descriptor 1023/);
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test("fd:N: a newline on descriptor N; closing it without one fails", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("fd.pid");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--ready",
      "fd:4",
      "--timeout",
      "10",
      "--",
      "sh",
      "-c",
      "sleep 0.1; echo >&4; exec sleep 60",
    ]);
    const pid = s.trackPidfile(pidfile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote a newline to descriptor 4/);
    assert.ok(existsSync(`/proc/${pid}/fd/4`), "it keeps descriptor 4");
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
    const closed = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--ready",
      "fd:4",
      "--timeout",
      "10",
      "--",
      "sh",
      "-c",
      "exec 4>&-; exec sleep 60",
    ]);
    trackPidIn(closed.stderr); // before asserting: a failing test leaves nothing running
    assert.equal(closed.status, 1);
    assert.match(closed.stderr, /closed descriptor 4 without a newline; sent it TERM/);
  });
});

describe("posixly run", () => {
  test(
    "execs the program in place: same pid, which holds the pidfile; its exit status",
    SLOW,
    () => {
      const pidfile = s.path("run.pid");
      const r = posixly([
        "run",
        "--pidfile",
        pidfile,
        "--env",
        "GREETING=hi",
        "--",
        "sh",
        "-c",
        `echo "$$ $(head -1 ${pidfile}) $GREETING $NOTIFY_SOCKET"; exit 7`,
      ], { env: { NOTIFY_SOCKET: "@posixly-test", GREETING: "from the caller" } });
      assert.equal(r.status, 7, r.stderr);
      const [self, inFile, greeting, notify] = r.stdout.trim().split(" ");
      assert.equal(self, inFile, "the program's pid is the pidfile's");
      assert.equal(greeting, "hi");
      assert.equal(notify, "@posixly-test", "NOTIFY_SOCKET passes through");
    },
  );

  test("--logfile takes stdout and stderr; a held pidfile fails with status 1", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("run2.pid");
    const logfile = s.path("run2.log");
    assert.equal(
      posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]).status,
      0,
    );
    const pid = s.trackPidfile(pidfile);
    const held = posixly(["run", "--pidfile", pidfile, "--logfile", logfile, "--", "true"]);
    assert.equal(held.status, 1);
    assert.match(held.stderr, new RegExp(`already running \\(pid ${pid}`));
    assert.equal(readFileSync(logfile, "utf8"), "", "the error went to the caller, not the log");
    const r = posixly(["run", "--logfile", logfile, "--", "sh", "-c", "echo out; echo err >&2"]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "");
    assert.equal(readFileSync(logfile, "utf8"), "out\nerr\n");
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test("socket-activation descriptors pass only when LISTEN_PID names the process", SLOW, () => {
    // fd 3 open (a pipe or a socket) in posixly's process; LISTEN_PID set by the shell that
    // becomes posixly ($$), or to another pid.
    const through = (listenPid: string) =>
      spawnSync("sh", [
        "-c",
        `LISTEN_FDS=1 LISTEN_PID=${listenPid} exec "$@"`,
        "sh",
        process.execPath,
        ...scriptArgs(CLI, ["run", "--", "sh", "-c", "readlink /proc/self/fd/3 || echo closed"]),
      ], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe", "pipe"], timeout: 60_000 });
    const own = through("$$");
    assert.equal(own.status, 0, own.stderr);
    assert.match(own.stdout, /^(pipe|socket):/, "its own: passed on");
    const other = through("1");
    assert.equal(other.status, 0, other.stderr);
    assert.match(other.stdout, /closed/, "another's: not passed on");
  });

  test("a signal ends the program as its own (run is the program)", SLOW, () => {
    const r = posixly(["run", "--", "sh", "-c", "kill -TERM $$"]);
    assert.equal(r.status, null);
    assert.equal(r.signal, "SIGTERM", "the program's own signal (a hang would end by SIGKILL)");
  });
});

/**
 * The command lines of the `_daemon` set-up processes that `launcher` spawns,
 * read again and again (a tight loop: the process lives for a cold start of
 * the runtime) until one has exec'd its program or the launcher ended.
 */
function setUpCommandLines(launcher: number): string[] {
  const seen: string[] = [];
  const until = Date.now() + 30_000;
  while (alive(launcher) && Date.now() < until) {
    let children: number[] = [];
    try {
      for (const task of readdirSync(`/proc/${launcher}/task`)) {
        const list = readFileSync(`/proc/${launcher}/task/${task}/children`, "latin1");
        children = children.concat(list.split(" ").filter(Boolean).map(Number));
      }
    } catch {
      continue; // the launcher ended meanwhile
    }
    for (const child of children) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${child}/cmdline`, "latin1");
      } catch {
        continue;
      }
      if (cmdline.includes("\0_daemon\0")) {
        s.track(child);
        if (!seen.includes(cmdline)) seen.push(cmdline);
      } else if (seen.length > 0) {
        return seen; // the set-up process exec'd the program
      }
    }
  }
  return seen;
}

/** Runs `posixly ARGS... a\xffb` (the last argument's bytes are not UTF-8: through the shell). */
function posixlyWithByteArgument(args: string[]): Ran {
  const r = spawnSync(
    "sh",
    ["-c", `exec "$@" "$(printf 'a\\377b')"`, "sh", process.execPath, ...scriptArgs(CLI, args)],
    { encoding: "utf8", timeout: 60_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("posixly start and run: the program's arguments", () => {
  test(
    "the set-up process's command line holds neither an --env value nor NOTIFY_SOCKET's name",
    { ...SLOW, skip: commandCycleUnderQemu },
    async () => {
      const pidfile = s.path("secret.pid");
      const socketFile = s.path("secret.socket");
      const secret = `s3cret-${process.pid}-${Date.now()}`;
      const launcher = spawn(
        process.execPath,
        scriptArgs(CLI, [
          "start",
          "--pidfile",
          pidfile,
          "--env",
          `SECRET=${secret}`,
          "--ready",
          "notify",
          "--timeout",
          "1",
          "--",
          "sh",
          "-c",
          'echo "$NOTIFY_SOCKET $SECRET" > "$0"; exec sleep 60',
          socketFile,
        ]),
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      launcher.stderr!.on("data", (d) => (stderr += String(d)));
      const closed = new Promise<number | null>((r) => launcher.on("close", r));
      const seen = setUpCommandLines(launcher.pid!);
      const code = await closed;
      trackPidIn(stderr); // before asserting: a failing test leaves nothing running
      assert.equal(code, 1, stderr);
      assert.match(stderr, /was not ready within 1 s/);
      const [socket, value] = readFileSync(socketFile, "utf8").trim().split(" ");
      assert.equal(value, secret, "the program has the secret");
      assert.match(socket, /^@./);
      assert.ok(seen.length > 0, "the set-up process was seen");
      for (const cmdline of seen) {
        assert.ok(!cmdline.includes(secret), cmdline.slice(0, 500));
        assert.ok(!cmdline.includes(socket.slice(1)), cmdline.slice(0, 500));
      }
    },
  );

  test(
    "start passes 30000 arguments (more than one argv element can hold)",
    { ...SLOW, skip: commandCycleUnderQemu },
    () => {
      const pidfile = s.path("many.pid");
      const countFile = s.path("many.count");
      const args = Array.from({ length: 30_000 }, (_, i) => String(i + 1));
      const r = posixly([
        "start",
        "--pidfile",
        pidfile,
        "--ready",
        "fd:3",
        "--",
        "sh",
        "-c",
        'echo "$# ${30000}" > "$0"; echo >&3; exec sleep 60',
        countFile,
        ...args,
      ]);
      assert.equal(r.status, 0, r.stderr.slice(0, 2000));
      s.trackPidfile(pidfile);
      assert.equal(readFileSync(countFile, "utf8"), "30000 30000\n");
      assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
    },
  );

  test(
    "an argument that is not UTF-8 reaches the program byte for byte, in start and in run",
    { ...SLOW, skip: commandCycleUnderQemu },
    () => {
      const pidfile = s.path("bytes.pid");
      const started = s.path("bytes.start");
      const ran = s.path("bytes.run");
      const write = 'printf %s "$1" > "$0"';
      const r = posixlyWithByteArgument([
        "start",
        "--pidfile",
        pidfile,
        "--ready",
        "fd:3",
        "--",
        "sh",
        "-c",
        `${write}; echo >&3; exec sleep 60`,
        started,
      ]);
      assert.equal(r.status, 0, r.stderr);
      s.trackPidfile(pidfile);
      assert.deepEqual([...readFileSync(started)], [0x61, 0xff, 0x62]);
      assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
      const run = posixlyWithByteArgument(["run", "--", "sh", "-c", write, ran]);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual([...readFileSync(ran)], [0x61, 0xff, 0x62]);
    },
  );
});

/** The pids of the `sleep MARKER` processes that run. */
function sleeping(marker: string): number[] {
  return spawnSync("pgrep", ["-f", `^sleep ${marker}$`], { encoding: "utf8" }).stdout
    .split("\n").filter(Boolean).map(Number);
}

/** A `sleep` duration no other process uses, to find the processes a test started. */
function newMarker(prefix: number): string {
  return `${prefix}.${process.pid}${Date.now() % 100000}`;
}

describe("posixly restart checks start's options before it stops anything", () => {
  test("a bad option fails as start fails, and the running program runs on", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("checked.pid");
    const marker = newMarker(65);
    const started = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", marker]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.trackPidfile(pidfile);
    const nodir = s.path("no-such-dir");
    const bad: [string[], number, RegExp][] = [
      [["--user", "posixly-no-such-user"], 1, /--user "posixly-no-such-user": no such user/],
      [["--logfile", `${nodir}/x.log`], 1, /--logfile ".*no-such-dir\/x\.log": ENOENT/],
      [["--chdir", nodir], 1, /--chdir ".*no-such-dir": ENOENT/],
    ];
    const tries = bad.map(([options, status, message]) => ({
      args: [...options, "--", "sleep", marker],
      status,
      message,
    }));
    tries.push({
      args: ["--", "posixly-no-such-program"],
      status: 5,
      message: /"posixly-no-such-program" not found/,
    });
    for (const { args, status, message } of tries) {
      const r = posixly(["restart", "--pidfile", pidfile, ...args]);
      assert.equal(r.status, status, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "", "nothing was stopped");
      assert.ok(alive(pid), `${args.join(" ")}: the program runs on`);
      assert.equal(pidIn(pidfile), pid);
    }
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test("as nobody, --user root: status 4, and its program runs on", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    const nobody = lookupUser("nobody");
    const home = s.path("nobody-restart");
    mkdirSync(home);
    chownSync(home, nobody.uid, nobody.gid);
    const pidfile = join(home, "own.pid");
    const args = ["--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"];
    const started = posixlyAs(nobody, home, ["start", ...args]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.trackPidfile(pidfile);
    const refused = posixlyAs(nobody, home, ["restart", "--user", "root", ...args]);
    assert.equal(refused.status, 4, refused.stdout);
    assert.match(refused.stderr, /--user "root" needs root privileges/);
    assert.ok(alive(pid), "the program runs on");
    assert.equal(posixlyAs(nobody, home, ["stop", "--pidfile", pidfile]).status, 0);
  });
});

describe("posixly and what an ended program left holding its pidfile", () => {
  /**
   * Starts a shell on `pidfile` that starts `child` (which runs `sleep
   * MARKER`) in the background and becomes `sleep 1`; waits until that
   * program has ended, leaving the sleep to hold the pidfile's lock.
   */
  async function leaveChild(
    pidfile: string,
    marker: string,
    child: string,
  ): Promise<{ pid: number; child: number }> {
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--grace",
      "0",
      "--",
      "sh",
      "-c",
      `${child} & exec sleep 1`,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const pid = s.trackPidfile(pidfile);
    assert.ok(await gone(pid, 30_000), "the program ended");
    const left = sleeping(marker);
    left.forEach((p) => s.track(p));
    assert.equal(left.length, 1, "its child runs on");
    return { pid, child: left[0] };
  }

  test("a child in its process group: status 1 names it, start refuses, stop stops it", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    const pidfile = s.path("left.pid");
    const marker = newMarker(66);
    const { pid, child } = await leaveChild(pidfile, marker, `sleep ${marker}`);
    const st = posixly(["status", "--pidfile", pidfile]);
    assert.equal(st.status, 1, st.stdout);
    assert.equal(
      st.stdout,
      `not running (pid ${pid} has ended, but what it started in its process group ` +
        `(pid ${child}) still holds "${pidfile}"): posixly stop --pidfile "${pidfile}" stops it\n`,
    );
    const json = JSON.parse(posixly(["status", "--pidfile", pidfile, "--json"]).stdout);
    assert.equal(json.state, "dead");
    assert.equal(json.pid, pid);
    const start = posixly(["start", "--pidfile", pidfile, "--", "sleep", marker]);
    assert.equal(start.status, 1, start.stdout);
    assert.match(start.stderr, /stop that first: posixly stop --pidfile "/);
    const hup = posixly(["signal", "--pidfile", pidfile, "HUP"]);
    assert.equal(hup.status, 7, hup.stderr);
    assert.match(hup.stderr, /SIGHUP not sent$/m);
    assert.deepEqual(sleeping(marker), [child], "nothing started, nothing signalled");
    const stop = posixly(["stop", "--pidfile", pidfile]);
    assert.equal(stop.status, 0, stop.stderr);
    assert.equal(
      stop.stdout,
      `stopped what pid ${pid} left running in its process group (SIGTERM)\n`,
    );
    assert.ok(await gone(child));
    assert.ok(!existsSync(pidfile), "the pidfile is removed");
  });

  test("restart stops what the ended program left, then starts it again", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    const pidfile = s.path("left-restart.pid");
    const marker = newMarker(67);
    const { pid, child } = await leaveChild(pidfile, marker, `sleep ${marker}`);
    const r = posixly(["restart", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^stopped what pid ${pid} left running`));
    assert.ok(await gone(child));
    const again = s.trackPidfile(pidfile);
    assert.ok(alive(again));
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });

  test("a holder outside its process group is never signalled: cannot tell", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    const pidfile = s.path("left-away.pid");
    const marker = newMarker(68);
    // setsid: the child leaves the program's session and process group.
    const { pid, child } = await leaveChild(pidfile, marker, `setsid sleep ${marker}`);
    try {
      const st = posixly(["status", "--pidfile", pidfile]);
      assert.equal(st.status, 4, st.stdout);
      assert.match(
        st.stdout,
        new RegExp(
          `^cannot tell: .*its lock is held by pid ${child}, outside the process group of ` +
            `pid ${pid}, which has ended: posixly does not signal it \\(see "ps -p ${child}"\\)$`,
          "m",
        ),
      );
      for (const command of [["stop"], ["signal", "TERM"], ["start", "--", "sleep", "1"]]) {
        const [name, ...rest] = command;
        const r = posixly([name, "--pidfile", pidfile, ...rest]);
        assert.equal(r.status, 1, `${name}: ${r.stdout}`);
        assert.match(r.stderr, new RegExp(`held by pid ${child}, outside`), name);
      }
      assert.ok(alive(child), "never signalled");
      assert.ok(existsSync(pidfile));
    } finally {
      process.kill(child, "SIGKILL");
    }
  });

  test("a live process that got the pid, holding the lock in its own group: cannot tell", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    const pidfile = s.path("reused.pid");
    const marker = newMarker(70);
    writeFileSync(pidfile, "");
    // Its own session and group, the pidfile's lock held: as if it had got the
    // pid of a program that ended, whose pidfile records another start time.
    const holder = spawn("setsid", [
      "sh",
      "-c",
      `exec 9<"$1"; flock -s 9; exec sleep ${marker}`,
      "sh",
      pidfile,
    ], { stdio: "ignore" });
    s.track(holder.pid!);
    try {
      assert.ok(await until(() => sleeping(marker).length === 1), "the holder runs");
      const [pid] = sleeping(marker);
      s.track(pid);
      const start = processStartTime(pid)!;
      writeFileSync(pidfile, `${pid}\nstarttime=${start - 1}\n`);
      const st = posixly(["status", "--pidfile", pidfile]);
      assert.equal(st.status, 4, st.stdout);
      assert.match(st.stdout, new RegExp(`pid ${pid} runs but started at another time`));
      for (const command of [["stop"], ["signal", "TERM"]]) {
        const [name, ...rest] = command;
        const r = posixly([name, "--pidfile", pidfile, ...rest]);
        assert.equal(r.status, 1, `${name}: ${r.stdout}`);
      }
      assert.ok(alive(pid), "never signalled");
      assert.ok(existsSync(pidfile));
    } finally {
      sleeping(marker).forEach((p) => process.kill(p, "SIGKILL"));
    }
  });

  test("a program that ended and is not reaped (a zombie) does not run", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, async () => {
    const pidfile = s.path("zombie.pid");
    const marker = newMarker(69);
    const state = (pid: number): string => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
        return stat[stat.lastIndexOf(")") + 2];
      } catch {
        return "";
      }
    };
    // `posixly run` in a session of its own, started in the background by a
    // shell that then becomes a `sleep`, which never waits for its children:
    // the program, a shell that leaves its child holding the pidfile and
    // exits, stays a zombie.
    const run = ["run", "--pidfile", pidfile, "--", "sh", "-c", `sleep ${marker} & exit 0`];
    const parent = spawn(
      "sh",
      ["-c", '"$@" & exec sleep 60', "sh", "setsid", process.execPath, ...scriptArgs(CLI, run)],
      { stdio: "ignore" },
    );
    s.track(parent.pid!);
    try {
      assert.ok(
        await until(() =>
          existsSync(pidfile) && state(pidIn(pidfile)) === "Z" && sleeping(marker).length === 1
        ),
        "the program is a zombie, its child runs",
      );
      const pid = pidIn(pidfile);
      const [child] = sleeping(marker);
      s.track(child);
      const st = posixly(["status", "--pidfile", pidfile]);
      assert.equal(st.status, 1, st.stdout);
      assert.match(st.stdout, new RegExp(`^not running \\(pid ${pid} has ended, but`));
      const hup = posixly(["signal", "--pidfile", pidfile, "HUP"]);
      assert.equal(hup.status, 7, hup.stdout);
      assert.doesNotMatch(hup.stdout, /sent/);
      const stop = posixly(["stop", "--pidfile", pidfile]);
      assert.equal(stop.status, 0, stop.stderr);
      assert.match(stop.stdout, new RegExp(`^stopped what pid ${pid} left running`));
      assert.ok(await gone(child));
      assert.ok(!existsSync(pidfile));
    } finally {
      process.kill(parent.pid!, "SIGKILL");
      sleeping(marker).forEach((p) => s.track(p));
    }
  });
});

describe("posixly's messages about pidfiles and stops say what to do", () => {
  test("an empty pidfile: status says that it records no pid", SLOW, () => {
    const empty = s.path("blank.pid");
    writeFileSync(empty, "");
    const st = posixly(["status", "--pidfile", empty]);
    assert.equal(st.status, 1);
    assert.equal(st.stdout, `not running (the pidfile "${empty}" records no pid)\n`);
  });

  test("a symbolic link or a directory as --pidfile: every command names it", SLOW, () => {
    const real = s.path("real.pid");
    writeFileSync(real, "");
    const link = s.path("link.pid");
    symlinkSync(real, link);
    const dir = s.path("pid-dir");
    mkdirSync(dir);
    const cases = [
      [link, "is a symbolic link; give the file's own path"],
      [dir, "is a directory"],
    ];
    for (const [path, what] of cases) {
      const message = `--pidfile "${path}" ${what}`;
      const st = posixly(["status", "--pidfile", path]);
      assert.equal(st.status, 4);
      assert.equal(st.stdout, `${message}\n`);
      const commands = [
        ["stop"],
        ["signal", "HUP"],
        ["start", "--", "sleep", "1"],
        ["run", "--", "true"],
      ];
      for (const [name, ...rest] of commands) {
        const r = posixly([name, "--pidfile", path, ...rest]);
        assert.equal(r.status, 1, `${name}: ${r.stdout}`);
        assert.equal(r.stderr, `posixly ${name}: ${message}\n`);
      }
    }
    assert.equal(readFileSync(real, "utf8"), "", "nothing written through the link");
  });

  test("another tool's pidfile (a live pid, no start time): stop and signal say how to check it", {
    ...SLOW,
  }, () => {
    const pidfile = s.path("bare.pid");
    const bystander = spawn("sleep", ["60"], { stdio: "ignore" });
    const pid = s.track(bystander.pid!);
    try {
      writeFileSync(pidfile, `${pid}\n`);
      for (const command of [["stop"], ["signal", "HUP"]]) {
        const r = posixly([command[0], "--pidfile", pidfile, ...command.slice(1)]);
        assert.equal(r.status, 1, r.stdout);
        assert.match(
          r.stderr,
          new RegExp(
            `it may be another process that got the same pid\\. If "ps -p ${pid}" shows your ` +
              `program, signal it yourself, or stop it \\("kill ${pid}"\\) and start it with ` +
              "posixly start, whose pidfile records its start time$",
            "m",
          ),
        );
      }
      assert.ok(alive(pid), "the bystander lives");
    } finally {
      bystander.kill("SIGKILL");
    }
  });

  test("stop --no-kill that fails: the command's name first, and how to send KILL", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("no-kill.pid");
    const started = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--grace",
      "0.2",
      "--",
      "sh",
      "-c",
      "trap '' TERM; exec sleep 60",
    ]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.trackPidfile(pidfile);
    const soft = posixly(["stop", "--pidfile", pidfile, "--timeout", "0.2", "--no-kill"]);
    assert.equal(soft.status, 1);
    assert.equal(
      soft.stderr,
      `posixly stop: still running (pid ${pid}) after SIGTERM; ` +
        "run stop without --no-kill to send SIGKILL\n",
    );
    assert.ok(alive(pid));
    assert.equal(posixly(["stop", "--pidfile", pidfile, "--timeout", "0.2"]).status, 0);
  });

  test("stop and signal of another user's program: whose it is, and who may stop it", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    const nobody = lookupUser("nobody");
    const home = s.path("nobody-stop");
    mkdirSync(home);
    chownSync(home, nobody.uid, nobody.gid);
    const pidfile = s.path("roots.pid");
    const started = posixly(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.trackPidfile(pidfile);
    for (const [command, signal] of [["stop", "SIGTERM"], ["signal", "SIGHUP"]]) {
      const args = command === "stop" ? [] : ["HUP"];
      const r = posixlyAs(nobody, home, [command, "--pidfile", pidfile, ...args]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(
        r.stderr,
        new RegExp(
          `^posixly ${command}: cannot send ${signal} to pid ${pid}: EPERM.*; pid ${pid} runs ` +
            `as another user \\(uid 0\\): run posixly ${command} as root or as that user$`,
          "m",
        ),
      );
    }
    assert.ok(alive(pid));
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });
});

describe("posixly as another user", () => {
  test("--user nobody: uid, primary group, supplementary groups; root keeps the pidfile", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, async () => {
    const nobody = lookupUser("nobody");
    const pidfile = s.path("nobody.pid");
    const logfile = s.path("nobody.log");
    const r = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--logfile",
      logfile,
      "--user",
      "nobody",
      "--chdir",
      s.dir,
      "--grace",
      "0.1",
      "--",
      program("cli_service.sh"),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const pid = s.trackPidfile(pidfile);
    assert.equal(procStatus(pid, "Uid"), Array(4).fill(nobody.uid).join("\t"));
    assert.equal(procStatus(pid, "Gid"), Array(4).fill(nobody.gid).join("\t"));
    const groups = spawnSync("id", ["-G", "nobody"], { encoding: "utf8" }).stdout.trim().split(" ")
      .map(Number);
    assert.deepEqual(
      procStatus(pid, "Groups").split(" ").filter(Boolean).map(Number).sort(),
      groups.sort(),
    );
    assert.equal(statSync(pidfile).uid, 0, "the pidfile is root's");
    assert.match(await logSays(logfile, "service"), new RegExp(`as ${nobody.uid}:${nobody.gid}`));
    assert.equal(posixly(["status", "--pidfile", pidfile]).status, 0);
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
    assert.ok(!existsSync(pidfile));
  });

  test(
    "run --user nobody: the program runs as nobody, with its groups",
    { ...SLOW, skip: notRoot },
    () => {
      const nobody = lookupUser("nobody");
      const r = posixly(["run", "--user", "nobody", "--chdir", s.dir, "--", "id"]);
      assert.equal(r.status, 0, r.stderr);
      const expected = spawnSync("id", ["nobody"], { encoding: "utf8" }).stdout;
      assert.equal(r.stdout, expected);
      assert.match(r.stdout, new RegExp(`^uid=${nobody.uid}\\b`));
    },
  );

  test("--group alone sets the group", { ...SLOW, skip: notRoot }, () => {
    const nobody = lookupUser("nobody");
    const r = posixly(["run", "--group", String(nobody.gid), "--", "sh", "-c", "id -g; id -G"]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), [String(nobody.gid), String(nobody.gid)]);
  });

  test("as nobody: its own daemon; --user root is refused with status 4", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    const nobody = lookupUser("nobody");
    const home = s.path("nobody-home");
    mkdirSync(home);
    chownSync(home, nobody.uid, nobody.gid);
    const pidfile = join(home, "own.pid");
    const r = posixlyAs(nobody, home, [
      "start",
      "--pidfile",
      pidfile,
      "--grace",
      "0",
      "--",
      "sleep",
      "60",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const pid = s.trackPidfile(pidfile);
    assert.equal(procStatus(pid, "Uid"), Array(4).fill(nobody.uid).join("\t"));
    assert.equal(posixlyAs(nobody, home, ["status", "--pidfile", pidfile]).status, 0);
    assert.equal(posixly(["status", "--pidfile", pidfile]).status, 0, "root sees it too");
    assert.equal(posixlyAs(nobody, home, ["stop", "--pidfile", pidfile]).status, 0);
    assert.ok(!alive(pid));
    const refused = posixlyAs(nobody, home, [
      "start",
      "--pidfile",
      pidfile,
      "--user",
      "root",
      "--",
      "sleep",
      "1",
    ]);
    assert.equal(refused.status, 4);
    assert.match(refused.stderr, /--user "root" needs root privileges \(posixly runs as uid \d+\)/);
    assert.ok(!existsSync(pidfile));
  });
});

/** A shell word for `text`, single-quoted. */
function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs `posixly ARGS...` with each "\xff" in them made the byte 0xFF, which
 * is not UTF-8: the shell makes it (a runtime would encode U+00FF as UTF-8).
 */
function posixlyWithByteFF(args: string[]): Ran {
  const words = args.map((arg) => arg.split("\xff").map(shellWord).join(`"$(printf '\\377')"`));
  const r = spawnSync(
    "sh",
    ["-c", `exec "$@" ${words.join(" ")}`, "sh", process.execPath, ...scriptArgs(CLI)],
    { encoding: "utf8", timeout: 60_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `name`'s entry in the user database as getent(1) prints it (through NSS, as posixly reads it). */
function passwdEntry(name: string): { name: string; home: string; shell: string } {
  const r = spawnSync("getent", ["passwd", name], { encoding: "utf8" });
  assert.equal(r.status, 0, `getent passwd ${name}`);
  const fields = r.stdout.trim().split(":");
  return { name: fields[0], home: fields[5], shell: fields[6] };
}

/** The HOME, USER, LOGNAME and SHELL lines of `env`'s output, sorted. */
function userVariables(envOutput: string): string[] {
  return envOutput.split("\n").filter((line) => /^(HOME|USER|LOGNAME|SHELL)=/.test(line)).sort();
}

describe("posixly set-up", () => {
  test("--umask is the program's and the logfile's, not the pidfile's (0644), in start and run", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const pidfile = s.path("umask.pid");
    const logfile = s.path("umask.log");
    const started = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--logfile",
      logfile,
      "--umask",
      "077",
      "--grace",
      "0",
      "--",
      "sleep",
      "60",
    ]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.trackPidfile(pidfile);
    assert.equal(procStatus(pid, "Umask"), "0077");
    assert.equal((statSync(pidfile).mode & 0o777).toString(8), "644");
    assert.equal((statSync(logfile).mode & 0o777).toString(8), "600");
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);

    const runPidfile = s.path("umask-run.pid");
    const runLog = s.path("umask-run.log");
    const ran = posixly([
      "run",
      "--pidfile",
      runPidfile,
      "--logfile",
      runLog,
      "--umask",
      "077",
      "--",
      "sh",
      "-c",
      'stat -c %a "$0"; umask',
      runPidfile,
    ]);
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(readFileSync(runLog, "utf8"), "644\n0077\n", "the pidfile's mode, the umask");
    assert.equal((statSync(runLog).mode & 0o777).toString(8), "600");
  });

  test("without --user the program gets the caller's HOME, USER, LOGNAME and SHELL", SLOW, () => {
    const caller = { HOME: "/caller/home", USER: "caller", LOGNAME: "caller", SHELL: "/caller/sh" };
    const r = posixly(["run", "--", "env"], { env: caller });
    assert.equal(r.status, 0, r.stderr);
    const expected = Object.entries(caller).map(([name, value]) => `${name}=${value}`);
    assert.deepEqual(userVariables(r.stdout), expected.sort());
  });

  test("a path option that is not UTF-8 is refused with status 2, naming it; no file is made", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    const dir = s.path("not-utf8");
    mkdirSync(dir);
    const bad = `${dir}/a\xffb`;
    const cases: [option: string, args: string[]][] = [
      ["--pidfile", ["start", "--pidfile", `${bad}.pid`, "--grace", "0", "--", "sleep", "60"]],
      ["--logfile", ["run", "--logfile", `${bad}.log`, "--", "true"]],
      ["--chdir", ["run", "--chdir", bad, "--", "true"]],
      ["--pidfile", ["status", "--pidfile", `${bad}.pid`]],
    ];
    for (const [option, args] of cases) {
      const r = posixlyWithByteFF(args);
      trackPidIn(r.stdout); // before asserting: a failing test leaves nothing running
      assert.equal(r.status, 2, `${args[0]} ${option}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(`^posixly ${args[0]}: ${option} ".*" is not valid UTF-8; posixly takes paths`),
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
    assert.deepEqual(readdirSync(dir), [], "no file made");
  });

  test(
    "a PROGRAM that is not UTF-8 is refused with status 2; the file it would read as is not run",
    {
      ...SLOW,
      skip: commandCycleUnderQemu,
    },
    () => {
      const dir = s.path("program-not-utf8");
      mkdirSync(dir);
      const ran = join(dir, "ran");
      // DIR/<0xFF> is the program given; DIR/<U+FFFD's bytes> is what the runtime
      // reads for it (another user could make it, in a directory open to all).
      const made = spawnSync("sh", [
        "-c",
        `cd "$1" && printf '#!/bin/sh\necho REAL\n' > "$(printf '\\377')" &&
       printf '#!/bin/sh\necho PLANTED >> "%s"\n' "$2" > "$(printf '\\357\\277\\275')" &&
       chmod 755 ./*`,
        "sh",
        dir,
        ran,
      ]);
      assert.equal(made.status, 0, String(made.stderr));
      const pidfile = s.path("program-not-utf8.pid");
      const cases: string[][] = [
        ["start", "--pidfile", pidfile, "--grace", "0", "--", `${dir}/\xff`],
        ["run", "--pidfile", pidfile, "--", `${dir}/\xff`, "arg"],
        ["run", "--env", `PATH=${dir}`, "--", "\xff"],
        ["restart", "--pidfile", pidfile, "--grace", "0", "--", `${dir}/\xff`],
      ];
      for (const args of cases) {
        const r = posixlyWithByteFF(args);
        trackPidIn(r.stdout);
        assert.equal(r.status, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
        assert.match(
          r.stderr,
          new RegExp(
            `^posixly ${
              args[0]
            }: the program ".*\uFFFD" is not valid UTF-8: posixly takes paths as UTF-8`,
          ),
        );
        assert.doesNotMatch(r.stdout, /PLANTED|REAL/);
      }
      // A PATH that is not UTF-8, in an --env entry, is refused as any such entry is.
      const path = posixlyWithByteFF([
        "run",
        "--env",
        `PATH=${dir}/\xff:/usr/bin:/bin`,
        "--",
        "true",
      ]);
      assert.equal(path.status, 2, path.stderr);
      assert.match(
        path.stderr,
        /^posixly run: --env "PATH=.*" is not valid UTF-8/,
      );
      assert.ok(!existsSync(ran), "the planted program did not run");
      assert.ok(!existsSync(pidfile), "no pidfile made");
      // Its arguments are any bytes: through a shell, the program itself runs.
      const shell = posixlyWithByteFF(["run", "--", "/bin/sh", "-c", 'exec "$0"', `${dir}/\xff`]);
      assert.equal(shell.status, 0, shell.stderr);
      assert.equal(shell.stdout, "REAL\n");
    },
  );
});

describe("posixly --user: environment, working directory, pidfile", () => {
  test("--user sets HOME, USER, LOGNAME and SHELL from the user's entry; --env wins", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    const nobody = passwdEntry("nobody");
    const caller = { HOME: "/caller/home", USER: "caller", LOGNAME: "caller", SHELL: "/caller/sh" };
    const expected = [
      `HOME=${nobody.home}`,
      `USER=${nobody.name}`,
      `LOGNAME=${nobody.name}`,
      `SHELL=${nobody.shell}`,
    ];
    const pidfile = s.path("user-env.pid");
    const logfile = s.path("user-env.log");
    const started = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--logfile",
      logfile,
      "--user",
      "nobody",
      "--chdir",
      s.dir,
      "--ready",
      "fd:3",
      "--",
      "sh",
      "-c",
      "env; echo >&3; exec sleep 60",
    ], { env: caller });
    assert.equal(started.status, 0, started.stderr);
    s.trackPidfile(pidfile);
    assert.deepEqual(userVariables(readFileSync(logfile, "utf8")), expected.sort(), "start");
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);

    const ran = posixly(
      ["run", "--user", "nobody", "--chdir", s.dir, "--env", "HOME=/x", "--", "env"],
      { env: caller },
    );
    assert.equal(ran.status, 0, ran.stderr);
    assert.deepEqual(userVariables(ran.stdout), ["HOME=/x", ...expected.slice(1)].sort(), "run");
  });

  test("--chdir is entered as the user: a directory it cannot enter fails, nothing is left", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    const closed = s.path("closed");
    mkdirSync(closed);
    chmodSync(closed, 0o700); // root's: nobody cannot enter it
    const pidfile = s.path("closed.pid");
    const marker = `65.${process.pid}${Date.now() % 100000}`;
    const sleeping = (): number[] =>
      spawnSync("pgrep", ["-f", `^sleep ${marker}$`], { encoding: "utf8" }).stdout
        .split("\n").filter(Boolean).map(Number);
    const started = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--user",
      "nobody",
      "--chdir",
      closed,
      "--grace",
      "0",
      "--",
      "sleep",
      marker,
    ]);
    trackPidIn(started.stdout);
    assert.equal(started.status, 1, started.stdout + started.stderr);
    const named = `--chdir ${JSON.stringify(closed)}: --user "nobody" cannot enter it: EACCES`;
    assert.ok(started.stderr.includes(named), started.stderr);
    assert.deepEqual(sleeping(), [], "nothing left running");
    assert.ok(!existsSync(pidfile), "no pidfile left");

    const ran = posixly(["run", "--user", "nobody", "--chdir", closed, "--", "true"]);
    assert.equal(ran.status, 1, ran.stdout + ran.stderr);
    assert.ok(ran.stderr.includes(named), ran.stderr);
  });

  test("with --umask 077 the pidfile is still 0644: another user's status works", {
    ...SLOW,
    skip: notRoot || commandCycleUnderQemu,
  }, () => {
    const nobody = lookupUser("nobody");
    const home = s.path("nobody-home-umask");
    mkdirSync(home);
    chownSync(home, nobody.uid, nobody.gid);
    const pidfile = s.path("umask-root.pid");
    const started = posixly([
      "start",
      "--pidfile",
      pidfile,
      "--umask",
      "077",
      "--grace",
      "0",
      "--",
      "sleep",
      "60",
    ]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.trackPidfile(pidfile);
    const status = posixlyAs(nobody, home, ["status", "--pidfile", pidfile]);
    assert.equal(status.status, 0, status.stdout + status.stderr);
    assert.match(status.stdout, new RegExp(`running \\(pid ${pid}\\b`));
    assert.equal(posixly(["stop", "--pidfile", pidfile]).status, 0);
  });
});

describe("examples/cli_demo.sh", () => {
  test("starts a server, asks its status, makes a request, restarts and stops it", {
    ...SLOW,
    skip: noPython || commandCycleUnderQemu,
  }, async () => {
    const runtime = [process.execPath, ...scriptArgs(CLI)].join(" ");
    const r = spawnSync(
      "sh",
      [fileURLToPath(new URL("../examples/cli_demo.sh", import.meta.url))],
      {
        encoding: "utf8",
        env: { ...process.env, POSIXLY: runtime, PORT: String(await freePort()) },
        timeout: 60_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /started "python3" \(pid \d+\): accepts connections/);
    assert.match(r.stdout, /"state":"running"/);
    assert.match(r.stdout, /HTTP 200/);
    assert.match(r.stdout, /stopped \(pid \d+, SIGTERM\)\nnot running/);
  });
});

describe("the bundle npm run build makes (dist/cli/main.js)", () => {
  test("starts (re-running the bundle for its set-up), tells the status and stops", {
    ...SLOW,
    skip: commandCycleUnderQemu,
  }, () => {
    // dist/ as `npm run build` makes it, built into the scratch directory.
    const out = s.path("bundle");
    const built = spawnSync(
      fileURLToPath(new URL("../node_modules/.bin/node", import.meta.url)),
      [fileURLToPath(new URL("../scripts/build.mjs", import.meta.url)), out],
      { encoding: "utf8", timeout: 120_000 },
    );
    assert.equal(built.status, 0, built.stdout + built.stderr);
    const bundled = (args: string[]) =>
      spawnSync(process.execPath, scriptArgs(join(out, "cli", "main.js"), args), {
        encoding: "utf8",
        timeout: 60_000,
      });
    const pidfile = s.path("bundled.pid");
    const started = bundled(["start", "--pidfile", pidfile, "--grace", "0", "--", "sleep", "60"]);
    assert.equal(started.status, 0, started.stderr);
    const pid = s.trackPidfile(pidfile);
    assert.match(readFileSync(`/proc/${pid}/cmdline`, "latin1"), /^sleep\0/);
    // Asked again and again, the answer stays "running": in Node.js, V8's own work
    // on the main thread once changed errno between flock(2) and its reading, and
    // about one status in ten said "cannot tell: ENOENT ... flock".
    for (let k = 0; k < 30; k++) {
      const again = bundled(["status", "--pidfile", pidfile, "--json"]);
      assert.equal(again.status, 0, `status number ${k + 1}: ${again.stdout}${again.stderr}`);
    }
    const status = bundled(["status", "--pidfile", pidfile, "--json"]);
    assert.equal(status.status, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).pid, pid);
    const stopped = bundled(["stop", "--pidfile", pidfile]);
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.match(stopped.stdout, new RegExp(`stopped \\(pid ${pid}, SIGTERM\\)`));
    assert.ok(!alive(pid));
    assert.ok(!existsSync(pidfile));
  });
});
