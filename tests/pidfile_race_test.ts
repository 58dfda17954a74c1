/**
 * Real processes of this runtime racing for one pidfile: from a clean start
 * and from stale, empty and garbage pidfiles, and with holders releasing
 * while others acquire. Every holder checks that it is alone (an O_EXCL
 * marker file) and the coordinator counts winners per trial.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fixture, LineWorker, scriptArgs } from "./_util.ts";
import { underQemuUser } from "./_platform.ts";

const RACE = fixture("pidfile_race.ts");
const WORKERS = underQemuUser ? 4 : 16; // each emulated Bun takes a core
/** Start-time jitters (ms), cycled over the trials: collisions at many phases. */
const JITTERS = [0, 0.05, 0.1, 0.2];

type State = "clean" | "stale" | "empty" | "garbage";

function deadPid(): number {
  return spawnSync("true").pid!;
}

function prepare(path: string, state: State, dead: number): void {
  if (existsSync(path)) unlinkSync(path);
  if (state === "stale") writeFileSync(path, `${dead}\n`);
  if (state === "empty") writeFileSync(path, "");
  if (state === "garbage") {
    writeFileSync(path, new Uint8Array([0x65, 0x69, 0xff, 0, 10, 0x2d, 0x31]));
  }
}

interface Tally {
  trials: number;
  doubleHolders: number;
  noHolder: number;
  errors: string[];
}

async function race(
  workers: LineWorker[],
  path: string,
  state: State,
  trials: number,
): Promise<Tally> {
  const tally: Tally = { trials, doubleHolders: 0, noHolder: 0, errors: [] };
  const dead = deadPid();
  for (let t = 0; t < trials; t++) {
    prepare(path, state, dead);
    // all wait for the same instant (plus a jitter of up to 0-0.2 ms), then race
    const at = performance.timeOrigin + performance.now() + WORKERS;
    const jitter = JITTERS[t % JITTERS.length];
    for (const w of workers) w.send(`go ${t} ${at} ${jitter}`);
    const replies = await Promise.all(workers.map((w) => w.next()));
    const won = replies.filter((r) => r.startsWith("won ") || r.startsWith("double ")).length;
    if (won > 1 || replies.some((r) => r.startsWith("double "))) tally.doubleHolders++;
    if (won === 0) tally.noHolder++;
    for (const r of replies) if (r.startsWith("error ")) tally.errors.push(r);
    for (const w of workers) w.send(`release ${t}`);
    await Promise.all(workers.map((w) => w.next()));
    assert.equal(existsSync(path), false, "a released pidfile is gone");
  }
  return tally;
}

async function startWorkers(path: string, tempFile: string): Promise<LineWorker[]> {
  const workers = Array.from(
    { length: WORKERS },
    () => new LineWorker(RACE, ["worker", path, tempFile]),
  );
  const ready = await Promise.all(workers.map((w) => w.next(120_000)));
  assert.deepEqual(new Set(ready), new Set(["ready"]));
  return workers;
}

/**
 * Each test starts its processes and runs its trials in seconds, more on a
 * loaded machine: above Bun's default of 5 s a test.
 */
const RACE_TIMEOUT_MS = 120_000;

describe(`pidfile race: ${WORKERS} processes contend for one path`, () => {
  for (
    const [tempFile, states, trials] of [
      ["auto", ["clean", "stale", "empty", "garbage"], 30],
      ["named", ["clean", "stale", "garbage"], 10],
    ] as const
  ) {
    test(`tempFile ${tempFile}: exactly one holder per trial from ${states.join(", ")}`, {
      timeout: RACE_TIMEOUT_MS,
    }, async () => {
      const dir = mkdtempSync(join(tmpdir(), "posixly-race-"));
      const path = join(dir, "race.pid");
      const workers = await startWorkers(path, tempFile);
      try {
        for (const state of states) {
          const tally = await race(workers, path, state, trials);
          assert.deepEqual(tally.errors, [], `${state}: worker errors`);
          assert.equal(tally.doubleHolders, 0, `${state}: trials with two or more holders`);
          assert.equal(tally.noHolder, 0, `${state}: trials where nobody got the lock`);
        }
      } finally {
        for (const w of workers) w.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test("holders releasing while others acquire: never two at once", {
    timeout: RACE_TIMEOUT_MS,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "posixly-churn-"));
    const path = join(dir, "churn.pid");
    const perProcess = 12;
    try {
      const results = await Promise.all(
        Array.from(
          { length: WORKERS },
          (_, i) =>
            new Promise<{ wins: number; doubles: number }>((resolve, reject) => {
              const args = ["churn", path, String(perProcess), i % 2 ? "named" : "auto"];
              const child = spawn(process.execPath, scriptArgs(RACE, args), {
                stdio: ["ignore", "pipe", "pipe"],
              });
              let out = "";
              let err = "";
              child.stdout!.on("data", (c) => (out += c));
              child.stderr!.on("data", (c) => (err += c));
              const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
              child.on("exit", (code) => {
                clearTimeout(timer);
                if (code !== 0) reject(new Error(`churn worker exited ${code}: ${err}`));
                else resolve(JSON.parse(out.trim()));
              });
            }),
        ),
      );
      for (const r of results) {
        assert.equal(r.wins, perProcess);
        assert.equal(r.doubles, 0);
      }
      assert.equal(existsSync(path), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
