import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import {
  getgroups,
  type GroupInfo,
  LookupError,
  lookupGroup,
  lookupUser,
  parseGid,
  parseUid,
} from "../platforms/mod.ts";
import { isRoot } from "./_util.ts";
import { underQemuUser } from "./_platform.ts";

if (!isRoot) {
  console.error("users_test: SKIPPING the many-members group test (needs root to edit /etc/group)");
}

/** `getent DB KEY` split into fields: an oracle that does not go through posixly. */
function getent(db: "passwd" | "group", key: string | number): string[] | null {
  const run = () =>
    spawnSync("getent", [db, String(key)], {
      encoding: "utf8",
      timeout: 30_000,
      killSignal: "SIGKILL",
    });
  let r = run();
  // Under qemu-user, a child can hang between its fork and its exec (in the emulator, a lock
  // another thread held at the fork; seen once in a Bun arm64 run): killed after 30 s, it is
  // started once more. A getent that ran and failed is not.
  if (underQemuUser && r.status === null && r.signal === "SIGKILL") r = run();
  if (r.status === 2) return null; // not found
  assert.equal(r.status, 0, `getent ${db} ${key}: ${r.stderr}`);
  return r.stdout.trimEnd().split(":");
}

describe("lookupUser", () => {
  test("root and nobody, by name and by uid, agree with getent", () => {
    for (const name of ["root", "nobody"]) {
      const [pwName, , uid, gid, , home, shell] = getent("passwd", name)!;
      const expected = { name: pwName, uid: Number(uid), gid: Number(gid), home, shell };
      assert.deepEqual(lookupUser(name), expected);
      assert.deepEqual(lookupUser(Number(uid)), expected);
      assert.deepEqual(lookupUser(` ${uid} `), expected, "a string of digits is a uid");
    }
    assert.equal(lookupUser(0).name, "root");
  });

  test("a missing user throws LookupError 'User does not exist: NAME'", () => {
    const name = `posixly-no-such-user-${process.pid}`;
    assert.equal(getent("passwd", name), null);
    assert.throws(() => lookupUser(name), (e: unknown) => {
      assert.ok(e instanceof LookupError);
      assert.ok(e instanceof Error);
      assert.equal(e.name, "LookupError");
      assert.equal(e.message, `User does not exist: "${name}"`);
      assert.equal(e.kind, "user");
      assert.equal(e.key, name);
      return true;
    });
    const uid = 4_000_000_000 + (process.pid % 1000);
    assert.equal(getent("passwd", uid), null);
    assert.throws(() => lookupUser(uid), {
      name: "LookupError",
      message: `User does not exist: ${uid}`,
    });
  });
});

describe("lookupGroup", () => {
  test("root and nogroup, by name and by gid, agree with getent", () => {
    const nobodyGid = lookupUser("nobody").gid;
    for (const key of ["root", nobodyGid]) {
      const [name, , gid, members] = getent("group", key)!;
      const expected: GroupInfo = {
        name,
        gid: Number(gid),
        members: members === "" ? [] : members.split(","),
      };
      assert.deepEqual(lookupGroup(name), expected);
      assert.deepEqual(lookupGroup(Number(gid)), expected);
    }
  });

  test("a missing group throws LookupError 'Group does not exist: NAME'", () => {
    const name = `posixly-no-such-group-${process.pid}`;
    assert.equal(getent("group", name), null);
    assert.throws(() => lookupGroup(name), (e: unknown) => {
      assert.ok(e instanceof LookupError);
      assert.equal(e.message, `Group does not exist: "${name}"`);
      assert.equal(e.kind, "group");
      return true;
    });
    assert.throws(() => parseGid(name), {
      name: "LookupError",
      message: `Group does not exist: "${name}"`,
    });
  });

  test(
    "a group with thousands of members (buffer grows on ERANGE), by name and by gid",
    { skip: isRoot ? false : "needs root: the test adds a group to /etc/group" },
    () => {
      const count = 5000;
      const members = Array.from(
        { length: count },
        (_, i) => `posixlymember${String(i).padStart(5, "0")}`,
      );
      withTemporaryGroup(members, (name, gid) => {
        const oracle = getent("group", name);
        assert.ok(oracle, "getent sees the temporary group: /etc/group is what NSS reads");
        assert.equal(oracle[3].split(",").length, count);
        const byName = lookupGroup(name);
        assert.equal(byName.name, name);
        assert.equal(byName.gid, gid);
        assert.deepEqual(byName.members, members);
        assert.deepEqual(lookupGroup(gid), byName);
        assert.equal(parseGid(name), gid);
      });
    },
  );
});

/** Adds `NAME:x:GID:members` to /etc/group for the duration of `fn`, and always removes it. */
function withTemporaryGroup(members: string[], fn: (name: string, gid: number) => void): void {
  const prefix = "posixly_test_group_";
  removeGroupLines((line) => {
    // Lines left by a crashed run: remove those whose process is gone.
    const m = line.match(new RegExp(`^${prefix}(\\d+):`));
    return m !== null && !isAlive(Number(m[1]));
  });
  const name = `${prefix}${process.pid}`;
  let gid = 3_900_000_000 + process.pid;
  while (getent("group", gid) !== null) gid++;
  const before = readFileSync("/etc/group", "utf8");
  const line = `${name}:x:${gid}:${members.join(",")}\n`;
  writeGroupFile(before + (before.endsWith("\n") || before === "" ? "" : "\n") + line);
  try {
    fn(name, gid);
  } finally {
    removeGroupLines((l) => l.startsWith(`${name}:`));
    assert.equal(getent("group", name), null, "the temporary group is gone again");
    assert.equal(readFileSync("/etc/group", "utf8"), before, "/etc/group is as it was");
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

function removeGroupLines(drop: (line: string) => boolean): void {
  const text = readFileSync("/etc/group", "utf8");
  const lines = text.split("\n");
  const kept = lines.filter((l) => !drop(l));
  if (kept.length !== lines.length) writeGroupFile(kept.join("\n"));
}

/** Replaces /etc/group atomically (same owner and mode), or in place where rename fails. */
function writeGroupFile(text: string): void {
  const st = statSync("/etc/group");
  const tmp = `/etc/.group.posixly-${process.pid}`;
  writeFileSync(tmp, text);
  chmodSync(tmp, st.mode & 0o7777);
  chownSync(tmp, st.uid, st.gid);
  try {
    renameSync(tmp, "/etc/group");
  } catch {
    // e.g. /etc/group is a bind mount (EBUSY): write it in place instead.
    unlinkSync(tmp);
    writeFileSync("/etc/group", text);
  }
}

describe("parseUid and parseGid", () => {
  test("numbers and strings of decimal digits come back as numbers", () => {
    for (const [parse, name] of [[parseUid, "uid"], [parseGid, "gid"]] as const) {
      assert.equal(parse(0), 0, name);
      assert.equal(parse(65534), 65534);
      assert.equal(parse(4294967294), 4294967294);
      assert.equal(parse("65534"), 65534);
      assert.equal(parse(" 42\n"), 42, "surrounding whitespace is allowed");
      assert.equal(parse("007"), 7);
    }
  });

  test("-0 is 0 (the FFI of Deno and Node refuses -0)", () => {
    for (const [parse, name] of [[parseUid, "parseUid"], [parseGid, "parseGid"]] as const) {
      assert.ok(Object.is(parse(-0), 0), `${name}(-0) is +0`);
    }
    assert.equal(lookupUser(-0).name, "root");
    assert.equal(lookupGroup(-0).name, "root");
    // "-0" as a string is not decimal digits: refused, as "+5" is.
    assert.throws(() => parseUid("-0"), {
      name: "TypeError",
      message: 'uid as a string must be decimal digits or a name, got "-0"',
    });
  });

  test("names are looked up", () => {
    assert.equal(parseUid("root"), 0);
    assert.equal(parseUid("nobody"), Number(getent("passwd", "nobody")![2]));
    assert.equal(parseGid("root"), 0);
    const nobodyGroup = getent("group", lookupUser("nobody").gid)!;
    assert.equal(parseGid(nobodyGroup[0]), Number(nobodyGroup[2]));
    const name = `posixly-no-such-user-${process.pid}`;
    assert.throws(() => parseUid(name), {
      name: "LookupError",
      message: `User does not exist: "${name}"`,
    });
  });

  test("bad input throws a TypeError or RangeError that says what was wrong", () => {
    const cases: [unknown, ErrorConstructor, RegExp][] = [
      [-1, RangeError, /uid must not be negative, got -1/],
      ["-1", RangeError, /uid must not be negative, got "-1"/],
      [" -5 ", RangeError, /must not be negative/],
      [1.5, RangeError, /uid must be a whole number, got 1\.5/],
      [NaN, RangeError, /whole number, got NaN/],
      [Infinity, RangeError, /whole number, got Infinity/],
      ["1.5", TypeError, /uid as a string must be decimal digits or a name, got "1\.5"/],
      ["0x10", TypeError, /decimal digits or a name, got "0x10"/],
      ["1e3", TypeError, /decimal digits or a name, got "1e3"/],
      ["+5", TypeError, /decimal digits or a name, got "\+5"/],
      [4294967295, RangeError, /uid must be at most 4294967294/],
      ["4294967295", RangeError, /uid must be at most 4294967294/],
      [2 ** 53, RangeError, /at most 4294967294/],
      ["", TypeError, /uid must be a number or a user name, got an empty string/],
      ["   ", TypeError, /got an empty string/],
      [null, TypeError, /uid must be a number or a user name, got null/],
      [undefined, TypeError, /got undefined/],
      [10n, TypeError, /got bigint/],
      [{}, TypeError, /got object/],
      ["no\0body", TypeError, /NUL/],
    ];
    for (const [input, type, message] of cases) {
      assert.throws(() => parseUid(input as string), (e: unknown) => {
        assert.ok(e instanceof type, `${String(input)}: ${(e as Error).name}`);
        assert.match((e as Error).message, message);
        return true;
      }, `parseUid(${JSON.stringify(String(input))})`);
      assert.throws(() => lookupUser(input as string), type);
      assert.throws(() => parseGid(input as string), type);
      assert.throws(() => lookupGroup(input as string), type);
    }
    assert.throws(() => parseGid(-1), { name: "RangeError", message: /gid must not be negative/ });
    assert.throws(() => parseGid(""), { message: /gid must be a number or a group name/ });
  });
});

describe("getgroups", () => {
  test("agrees with the Groups: line of /proc/self/status", () => {
    const line = readFileSync("/proc/self/status", "utf8").match(/^Groups:(.*)$/m)![1];
    const expected = line.trim().split(/\s+/).filter((x) => x !== "").map(Number);
    assert.deepEqual(getgroups().sort((a, b) => a - b), expected.sort((a, b) => a - b));
  });
});

describe("hostile names", () => {
  const huge = "u".repeat(1 << 20);

  test("a name is always quoted in a LookupError: a newline or escape shows as one", () => {
    for (const name of ["root\n", "posixly\u001b[31m", " posixly-no-such-user-\t"]) {
      assert.throws(() => parseUid(name), (e) => {
        assert.ok(e instanceof LookupError, String(e));
        assert.equal(e.message, `User does not exist: ${JSON.stringify(name)}`);
        for (const raw of ["\n", "\t", "\u001b"]) assert.ok(!e.message.includes(raw), e.message);
        assert.equal(e.key, name, "the key is the name as given");
        return true;
      });
      assert.throws(() => lookupGroup(name), {
        name: "LookupError",
        message: `Group does not exist: ${JSON.stringify(name)}`,
      });
    }
    assert.equal(new LookupError("group", 4242).message, "Group does not exist: 4242");
  });

  test("a 1 MB name is quoted in the error as a bounded prefix and its length", () => {
    const calls: [string, () => unknown][] = [
      ["lookupUser", () => lookupUser(huge)],
      ["parseUid", () => parseUid(huge)],
      ["lookupGroup", () => lookupGroup(huge)],
      ["parseGid", () => parseGid(huge)],
    ];
    for (const [name, call] of calls) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof LookupError, `${name}: ${String(e).slice(0, 100)}`);
        assert.ok(e.message.length < 200, `${name}: a ${e.message.length}-character message`);
        assert.ok(e.message.includes(`"${"u".repeat(64)}"…(${1 << 20} characters)`), name);
        assert.equal(e.key, huge, `${name}: the key keeps the whole name`);
        return true;
      });
    }
    // A numeric-looking string is rejected as a number, not looked up as a
    // name, and quoted bounded as well: "-1...1" (a negative id) and "0x1...1"
    // (not decimal; 200 characters: from 16^256 up, Number() gives Infinity
    // and the string is looked up as a name).
    assert.throws(() => parseUid(`-${"1".repeat(299)}`), {
      name: "RangeError",
      message: new RegExp(
        `^uid must not be negative, got "-${"1".repeat(63)}"…\\(300 characters\\)$`,
      ),
    });
    assert.throws(() => parseUid(`0x${"1".repeat(198)}`), {
      name: "TypeError",
      message: new RegExp(
        `^uid as a string must be decimal digits or a name, got "0x${
          "1".repeat(62)
        }"…\\(200 characters\\)$`,
      ),
    });
  });

  test("a name that is not well-formed Unicode is a TypeError before it reaches C", () => {
    // A lone surrogate would be encoded as U+FFFD and name the user "px\uFFFD".
    for (const bad of ["px\uD800", "\uDC00", "a\uD800b"]) {
      for (
        const [name, call] of [
          ["parseUid", () => parseUid(bad)],
          ["parseGid", () => parseGid(bad)],
          ["lookupUser", () => lookupUser(bad)],
          ["lookupGroup", () => lookupGroup(bad)],
        ] as const
      ) {
        assert.throws(call, (e) => {
          assert.ok(e instanceof TypeError, `${name}(${JSON.stringify(bad)}): ${String(e)}`);
          assert.match(e.message, /not well-formed Unicode/);
          assert.ok(e.message.includes(JSON.stringify(bad)), e.message);
          return true;
        });
      }
    }
  });
});
