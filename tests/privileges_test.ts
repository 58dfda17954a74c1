import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { checkPrivileges, lookupGroup, lookupUser, SecurityError } from "../platforms/mod.ts";
import { scriptArgs } from "./_runtime.ts";
import { fixture, isRoot, runScript } from "./_util.ts";
import { ngroupsMax, programThreads } from "./_platform.ts";

const NEEDS_ROOT = "needs root: the child process drops from root to nobody";
const rootOnly = { skip: isRoot ? false : NEEDS_ROOT };
if (!isRoot) {
  console.error(`privileges_test: SKIPPING the privilege-dropping tests (${NEEDS_ROOT})`);
}

interface Outcome {
  ok: boolean;
  name?: string;
  message?: string;
  code?: string | null;
  value?: unknown;
}
interface Task {
  tid: number;
  uid: number[];
  gid: number[];
  groups: number[];
  groupCount: number;
}
interface Report {
  results: Outcome[];
  pid: number;
  uid: number[];
  gid: number[];
  groups: number[];
  groupCount: number;
  groupMax: number;
  tasks: Task[];
  setuid0: string;
  seteuid0: string;
}

/** Runs the operations in a child process (tests/fixtures/users_ops.ts) and parses its report. */
function inChild(ops: unknown[][], env: Record<string, string> = {}): Report & { stderr: string } {
  const r = runScript(fixture("users_ops.ts"), [JSON.stringify(ops)], { env });
  assert.equal(r.status, 0, `fixture failed (signal ${r.signal}):\n${r.stderr}\n${r.stdout}`);
  const line = r.stdout.trim().split("\n").pop()!;
  return { ...JSON.parse(line), stderr: r.stderr };
}

// The unprivileged user and its group as this machine defines them ("nogroup"
// on Debian, "nobody" elsewhere). Not as root the tests that use them are
// skipped: -1 then stands for "not looked up".
const nobody = isRoot ? lookupUser("nobody") : { uid: -1, gid: -1 };
const nogroup = isRoot ? lookupGroup(nobody.gid) : { name: "", gid: -1 };
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

/** Every thread of the runtime shows the same real/effective/saved/fs ids. */
function assertAllThreads(report: Report, uid: number, gid: number, groups: number[]): void {
  assert.ok(
    report.tasks.length > 1,
    `the runtime is multi-threaded (${report.tasks.length} tasks)`,
  );
  for (const t of programThreads(report.tasks, report.pid)) {
    assert.deepEqual(t.uid, [uid, uid, uid, uid], `thread ${t.tid} Uid:`);
    assert.deepEqual(t.gid, [gid, gid, gid, gid], `thread ${t.tid} Gid:`);
    assert.deepEqual(sorted(t.groups), sorted(groups), `thread ${t.tid} Groups:`);
  }
}

describe("maybeDropPrivileges", () => {
  test("root -> nobody: all ids, no group 0 left, no way back, on every thread", rootOnly, () => {
    const r = inChild([["drop", { uid: "nobody" }]]);
    assert.deepEqual(r.results, [{ ok: true, value: null }]);
    assert.deepEqual(r.uid, [nobody.uid, nobody.uid, nobody.uid], "real, effective, saved uid");
    assert.deepEqual(r.gid, [nobody.gid, nobody.gid, nobody.gid], "real, effective, saved gid");
    assert.ok(!r.groups.includes(0), `no group 0 left: ${r.groups}`);
    assert.ok(r.groups.includes(nobody.gid));
    assert.equal(r.setuid0, "EPERM");
    assert.equal(r.seteuid0, "EPERM");
    assertAllThreads(r, nobody.uid, nobody.gid, r.groups);
  });

  test("numbers work like names; an explicit gid 0 ('root') is honoured", rootOnly, () => {
    const r = inChild([["drop", { uid: nobody.uid, gid: "root" }]]);
    assert.deepEqual(r.results, [{ ok: true, value: null }]);
    assert.deepEqual(r.uid, [nobody.uid, nobody.uid, nobody.uid]);
    assert.deepEqual(r.gid, [0, 0, 0], `Celery would leave gid ${nobody.gid} here`);
    assert.equal(r.setuid0, "EPERM");
    assert.equal(r.seteuid0, "EPERM");
    assertAllThreads(r, nobody.uid, 0, r.groups);
  });

  test("only a gid: the group and the supplementary groups change, the uid stays", rootOnly, () => {
    const r = inChild([["drop", { gid: nogroup.name }]]);
    assert.deepEqual(r.results, [{ ok: true, value: null }]);
    assert.deepEqual(r.uid, [0, 0, 0]);
    assert.deepEqual(r.gid, [nogroup.gid, nogroup.gid, nogroup.gid]);
    assert.deepEqual(r.groups, [nogroup.gid], "Celery leaves root's supplementary groups");
    assertAllThreads(r, 0, nogroup.gid, [nogroup.gid]);
  });

  test("an explicit uid 'root' is honoured: the process stays root", rootOnly, () => {
    const r = inChild([["drop", { uid: "root" }], ["drop", {}], ["drop", { uid: null }]]);
    assert.deepEqual(r.results.map((x) => x.ok), [true, true, true]);
    assert.deepEqual(r.uid, [0, 0, 0]);
    assert.deepEqual(r.gid, [0, 0, 0]);
  });

  test(
    "a uid without a user entry works with a gid, and is a LookupError without",
    rootOnly,
    () => {
      const uid = 4_000_000_123;
      assert.throws(() => lookupUser(uid), { name: "LookupError" });
      const r = inChild([["drop", { uid }], ["drop", { uid, gid: nobody.gid }]]);
      assert.deepEqual(r.results[0], {
        ok: false,
        name: "LookupError",
        message: `User does not exist: ${uid}`,
        code: null,
      });
      assert.deepEqual(r.results[1], { ok: true, value: null });
      assert.deepEqual(r.uid, [uid, uid, uid]);
      assert.deepEqual(r.groups, [nobody.gid]);
      assert.equal(r.setuid0, "EPERM");
    },
  );

  test("once dropped: asking for the same ids does nothing; root again is EPERM", rootOnly, () => {
    const r = inChild([
      ["drop", { uid: "nobody" }],
      ["drop", { uid: "nobody" }],
      ["drop", { uid: nobody.uid, gid: nobody.gid }],
      ["drop", { gid: nobody.gid }],
      ["drop", { uid: "root" }],
      ["drop", { gid: 0 }],
    ]);
    assert.deepEqual(r.results.slice(0, 4).map((x) => x.ok), [true, true, true, true]);
    for (const x of r.results.slice(4)) {
      assert.equal(x.ok, false);
      assert.equal(x.name, "OSError");
      assert.equal(x.code, "EPERM");
    }
    assert.deepEqual(r.uid, [nobody.uid, nobody.uid, nobody.uid]);
  });

  test(
    "effective uid not 0 while the real uid is 0: SecurityError('contact support')",
    rootOnly,
    () => {
      const r = inChild([["seteuid", nobody.uid], ["drop", { uid: "nobody" }]]);
      assert.deepEqual(r.results[1], {
        ok: false,
        name: "SecurityError",
        message: "contact support",
        code: null,
      });
      assert.deepEqual(r.uid, [0, nobody.uid, 0], "nothing changed");
    },
  );

  test("bad or unknown ids throw before anything changes", rootOnly, () => {
    const r = inChild([
      ["drop", { uid: "posixly-no-such-user" }],
      ["drop", { uid: "nobody", gid: "posixly-no-such-group" }],
      ["drop", { uid: -1 }],
      ["drop", { gid: "1.5" }],
      ["drop", { uid: "" }],
    ]);
    assert.deepEqual(r.results.map((x) => [x.name, x.message]), [
      ["LookupError", 'User does not exist: "posixly-no-such-user"'],
      ["LookupError", 'Group does not exist: "posixly-no-such-group"'],
      ["RangeError", "uid must not be negative, got -1"],
      ["TypeError", 'gid as a string must be decimal digits or a name, got "1.5"'],
      ["TypeError", "uid must be a number or a user name, got an empty string"],
    ]);
    assert.deepEqual(r.uid, [0, 0, 0]);
    assert.deepEqual(r.gid, [0, 0, 0]);
  });
});

describe("maybeDropPrivileges: options", () => {
  test("an unknown option is a TypeError naming it, and nothing changes", rootOnly, () => {
    const r = inChild([
      ["drop", { user: "nobody" }],
      ["drop", { uid: "nobody", group: "nogroup", extra: 1 }],
      ["drop", null],
      ["drop", "nobody"],
    ]);
    assert.deepEqual(r.results.map((x) => [x.name, x.message]), [
      ["TypeError", 'unknown option "user" for maybeDropPrivileges(); known: uid, gid'],
      [
        "TypeError",
        'unknown options "group", "extra" for maybeDropPrivileges(); known: uid, gid',
      ],
      ["TypeError", "maybeDropPrivileges takes an object: { uid?, gid? }, got null"],
      ["TypeError", 'maybeDropPrivileges takes an object: { uid?, gid? }, got "nobody"'],
    ]);
    assert.deepEqual(r.uid, [0, 0, 0], "still root: the options were not ignored, but refused");
    assert.deepEqual(r.gid, [0, 0, 0]);
  });

  test("-0 as a uid or gid is 0 (the FFI refuses -0)", rootOnly, () => {
    const zero = { $: "-0" };
    const r = inChild([
      ["markers", [zero, { $: "hole" }, 5]],
      ["setgid", zero],
      ["setuid", zero],
      ["initgroups", zero, zero],
      ["drop", { uid: zero, gid: zero }],
      ["setgroups", [zero]],
    ]);
    assert.deepEqual(r.results[0], { ok: true, value: ["-0", "hole", 5] }, "the fixture got -0");
    assert.deepEqual(r.results.slice(1), Array(5).fill({ ok: true, value: null }));
    assert.deepEqual(r.uid, [0, 0, 0]);
    assert.deepEqual(r.gid, [0, 0, 0]);
    assert.deepEqual(r.groups, [0]);
  });
});

describe("setgid, initgroups, setuid, setgroups", () => {
  test("by name, in Celery's order, reach the same state as a drop", rootOnly, () => {
    const r = inChild([
      ["setgid", nogroup.name],
      ["initgroups", "nobody", nogroup.name],
      ["setuid", "nobody"],
      ["setuid", "posixly-no-such-user"],
    ]);
    assert.deepEqual(r.results.slice(0, 3).map((x) => x.ok), [true, true, true]);
    assert.equal(r.results[3].message, 'User does not exist: "posixly-no-such-user"');
    assert.deepEqual(r.uid, [nobody.uid, nobody.uid, nobody.uid]);
    assert.deepEqual(r.gid, [nogroup.gid, nogroup.gid, nogroup.gid]);
    assert.equal(r.setuid0, "EPERM");
    assertAllThreads(r, nobody.uid, nogroup.gid, r.groups);
  });

  test("initgroups gives a user whose name is not UTF-8 its own groups", {
    skip: !isRoot
      ? NEEDS_ROOT
      : spawnSync("unshare", ["-m", "true"]).status !== 0
      ? "needs unshare(1) and a private mount namespace (for its own /etc/passwd)"
      : false,
  }, () => {
    // A user "caf\xe9" (Latin-1, not UTF-8) in group 4343, in copies of
    // /etc/passwd and /etc/group mounted over the real ones in a private mount
    // namespace; id(1) there says which groups the C library gives it.
    const dir = mkdtempSync(join(tmpdir(), "posixly-names-"));
    try {
      const name = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
      const line = (...parts: (string | Buffer)[]): Buffer =>
        Buffer.concat([...parts.map((p) => Buffer.from(p)), Buffer.from("\n")]);
      writeFileSync(
        join(dir, "passwd"),
        Buffer.concat([
          readFileSync("/etc/passwd"),
          line(name, ":x:4242:4242::/nonexistent:/usr/sbin/nologin"),
        ]),
      );
      writeFileSync(
        join(dir, "group"),
        Buffer.concat([
          readFileSync("/etc/group"),
          line(name, ":x:4242:"),
          line("posixly-extra:x:4343:", name),
        ]),
      );
      const script = 'd=$1; shift; mount --bind "$d/passwd" /etc/passwd && ' +
        'mount --bind "$d/group" /etc/group && id -G 4242 && exec "$@"';
      const ops = JSON.stringify([["initgroups", 4242, 4242]]);
      const r = spawnSync(
        "unshare",
        [
          "-m",
          "sh",
          "-c",
          script,
          "sh",
          dir,
          process.execPath,
          ...scriptArgs(fixture("users_ops.ts"), [ops]),
        ],
        { encoding: "utf8", timeout: 30_000 },
      );
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split("\n");
      const expected = lines[0].split(" ").map(Number);
      assert.deepEqual(sorted(expected), [4242, 4343], "id -G 4242 in the namespace");
      const report = JSON.parse(lines.at(-1)!) as Report;
      assert.deepEqual(report.results, [{ ok: true, value: null }]);
      assert.deepEqual(sorted(report.groups), sorted(expected));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("setgroups takes names and ids; a list longer than NGROUPS_MAX is cut", rootOnly, () => {
    const max = ngroupsMax();
    assert.ok(max > 0);
    const r1 = inChild([["setgroupsRange", max + 5]]);
    assert.deepEqual(r1.results, [{ ok: true, value: null }]);
    assert.equal(r1.groupCount, max);
    assert.equal(r1.groupMax, max - 1, "the first NGROUPS_MAX were kept");
    for (const t of programThreads(r1.tasks, r1.pid)) {
      assert.equal(t.groupCount, max, `thread ${t.tid}`);
    }
    const r2 = inChild([["setgroups", [nogroup.name, 0, "root"]]]);
    assert.deepEqual(r2.results, [{ ok: true, value: null }]);
    assert.deepEqual(
      sorted(r2.groups),
      sorted([nogroup.gid, 0, 0]),
      "passed to the kernel as given",
    );
  });

  test(
    "setgroups refuses a hole or a bad entry, naming its index; the groups stay",
    rootOnly,
    () => {
      const hole = { $: "hole" };
      const r = inChild([
        ["setgroups", [nogroup.gid]],
        ["markers", [hole, 65534]],
        ["setgroups", [hole, 65534]],
        ["setgroups", [65534, hole, hole]],
        ["setgroups", [65534, 1.5]],
        ["setgroups", [-1]],
        ["setgroups", [0, null]],
        ["setgroups", [0, "posixly-no-such-group"]],
      ]);
      assert.deepEqual(r.results[0], { ok: true, value: null });
      assert.deepEqual(r.results[1].value, ["hole", 65534], "the fixture made a sparse array");
      assert.deepEqual(r.results.slice(2).map((x) => [x.name, x.message]), [
        [
          "TypeError",
          "groups[0] is missing (a hole in a sparse array): give a gid or a group name",
        ],
        [
          "TypeError",
          "groups[1] is missing (a hole in a sparse array): give a gid or a group name",
        ],
        ["RangeError", "groups[1] must be a whole number, got 1.5"],
        ["RangeError", "groups[0] must not be negative, got -1"],
        ["TypeError", "groups[1] must be a number or a group name, got null"],
        ["LookupError", 'Group does not exist: "posixly-no-such-group"'],
      ]);
      assert.deepEqual(r.groups, [nogroup.gid], "the groups set first are still there; no 0");
    },
  );

  test("EPERM is ignored only when the groups already are the requested ones", rootOnly, () => {
    const r = inChild([
      ["drop", { uid: "nobody" }],
      ["setgroups", [nobody.gid]],
      ["setgroups", [0]],
      ["setgroups", [nobody.gid, 0]],
    ]);
    assert.deepEqual(r.results[1], { ok: true, value: null });
    for (const x of r.results.slice(2)) {
      assert.deepEqual([x.name, x.code], ["OSError", "EPERM"]);
      assert.match(x.message!, /^EPERM: operation not permitted, setgroups$/);
    }
    assert.deepEqual(r.groups, [nobody.gid]);
  });
});

describe("checkPrivileges", () => {
  test("as root with pickle and without C_FORCE_ROOT: SecurityError", rootOnly, () => {
    for (const content of ["pickle", "application/x-python-serialize"]) {
      for (
        const env of [{}, { C_FORCE_ROOT: "" }, { C_FORCE_ROOT: "false" }, { C_FORCE_ROOT: "0" }]
      ) {
        assert.throws(() => checkPrivileges(["json", content], { env }), (e: unknown) => {
          assert.ok(e instanceof SecurityError);
          assert.equal(e.name, "SecurityError");
          assert.match(
            e.message,
            /superuser privileges when the\nworker accepts messages serialized with pickle/,
          );
          assert.match(e.message, /C_FORCE_ROOT/);
          assert.match(e.message, /User information: uid=0 euid=0 gid=\d+ egid=\d+/);
          return true;
        }, `${content} ${JSON.stringify(env)}`);
      }
    }
  });

  test("as root with C_FORCE_ROOT, or without pickle: a warning on stderr", rootOnly, () => {
    const warning = /SecurityWarning: You're running the worker with superuser privileges/;
    for (const value of ["1", "true", "yes", "YES"]) {
      const r = inChild([["checkPrivileges", ["pickle"]]], { C_FORCE_ROOT: value });
      assert.deepEqual(r.results, [{ ok: true, value: null }], value);
      assert.match(r.stderr, warning);
    }
    const plain = inChild([["checkPrivileges", ["json"]]], { C_FORCE_ROOT: "" });
    assert.deepEqual(plain.results, [{ ok: true, value: null }]);
    assert.match(plain.stderr, warning);
    // Celery's misspelt content type is not pickle: only a warning.
    const misspelt = inChild(
      [["checkPrivileges", ["application/group-python-serialize"]]],
      { C_FORCE_ROOT: "" },
    );
    assert.deepEqual(misspelt.results, [{ ok: true, value: null }]);
    assert.match(misspelt.stderr, warning);
    const refused = inChild([["checkPrivileges", ["pickle"]]], { C_FORCE_ROOT: "false" });
    assert.equal(refused.results[0].name, "SecurityError");
  });

  test("after dropping to nobody: pickle is accepted without a word", rootOnly, () => {
    const r = inChild([["drop", { uid: "nobody" }], ["checkPrivileges", ["pickle"]]], {
      C_FORCE_ROOT: "",
    });
    assert.deepEqual(r.results, [{ ok: true, value: null }, { ok: true, value: null }]);
    assert.doesNotMatch(r.stderr, /SecurityWarning/);
  });

  test("bad input is a TypeError naming the parameter or option", () => {
    const cases: [() => unknown, string][] = [
      [() => checkPrivileges(null as never), "got null"],
      [() => checkPrivileges(5 as never), "got 5"],
      [() => checkPrivileges({} as never), "got an object that is not iterable"],
    ];
    for (const [call, got] of cases) {
      assert.throws(call, {
        name: "TypeError",
        message: `acceptContent must be a content type or an iterable of them (["json"]), ${got}`,
      });
    }
    assert.throws(() => checkPrivileges(["json", 5] as never), {
      name: "TypeError",
      message: "acceptContent[1] must be a content type or serializer name (a string), got 5",
    });
    assert.throws(() => checkPrivileges(["pickle"], { env: {}, force: true } as never), {
      name: "TypeError",
      message: 'unknown option "force" for checkPrivileges(); known: env',
    });
    assert.throws(() => checkPrivileges(["pickle"], null as never), {
      name: "TypeError",
      message: "checkPrivileges options must be an object: { env? }, got null",
    });
    assert.throws(() => checkPrivileges(["pickle"], { env: "C_FORCE_ROOT=1" } as never), {
      name: "TypeError",
      message: 'env must be an object of environment variables, got "C_FORCE_ROOT=1"',
    });
    assert.throws(() => checkPrivileges(["pickle"], { env: { C_FORCE_ROOT: 1 } } as never), {
      name: "TypeError",
      message: "env.C_FORCE_ROOT must be a string, got 1",
    });
    // A string and any iterable of strings are taken.
    assert.doesNotThrow(() => checkPrivileges("json", { env: { C_FORCE_ROOT: "1" } }));
    assert.doesNotThrow(() => checkPrivileges(new Set(["json"]), { env: {} }));
  });
});
