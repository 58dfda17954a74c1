#!/usr/bin/env node
// `npm run bench`: runs every benchmark in Deno, Bun and Node.js, and celery
// 5.2.6's counterpart where Debian's python3-celery is installed, then writes
// BENCHMARKS.md with the figures side by side and as ratios. A benchmark that
// fails in one runtime is a note under the table; the others still run.
//
//   node scripts/bench.mjs            all benchmarks
//   node scripts/bench.mjs --quick    fewer trials and rounds (for a fast look)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const quick = process.argv.includes("--quick");

// Which python has celery: Debian's /usr/bin/python3 (the PATH one may be another).
function findPython() {
  for (const py of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(py, ["-c", "import celery; print(celery.__version__)"], {
      encoding: "utf8",
    });
    if (r.status === 0) return { py, version: r.stdout.trim() };
  }
  return null;
}
const python = findPython();

/** figures[area][name][runtime] = { value, unit } */
const figures = {};
const commands = [];
const notes = [];

function collect(stdout) {
  for (const line of stdout.split("\n")) {
    if (line.startsWith("BENCH_NOTE ") && !notes.includes(line.slice(11))) {
      notes.push(line.slice(11));
    }
    if (!line.startsWith("BENCH_JSON ")) continue;
    const { area, runtime, figures: f } = JSON.parse(line.slice(11));
    for (const [name, fig] of Object.entries(f)) {
      ((figures[area] ??= {})[name] ??= {})[runtime] = fig;
    }
  }
}

function run(label, cmd, args, timeoutMs = 15 * 60_000) {
  const shown = [
    cmd === process.execPath ? "node" : cmd.replace(root + "/", ""),
    ...args.map((a) => a.replace(root + "/", "")),
  ].join(" ");
  process.stdout.write(`-- ${label}: ${shown}\n`);
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (r.status !== 0) {
    notes.push(
      `\`${shown}\` failed (status ${r.status}${r.signal ? `, ${r.signal}` : ""}): ${
        (r.error?.message ?? r.stderr ?? "").trim().split("\n").slice(-3).join(" / ")
      }`,
    );
    process.stdout.write(r.stderr ?? "");
  }
  collect(r.stdout ?? "");
  commands.push(shown);
}

// bench/import_cost.ts times dist/mod.js, what JSR serves: built from the sources first.
run("build", process.execPath, [join("scripts", "build.mjs")]);

const benchDir = join(root, "bench");
const tsBenches = readdirSync(benchDir).filter((f) => f.endsWith(".bench.ts")).sort();
const scripts = readdirSync(benchDir).filter((f) =>
  /^[a-z_]+\.ts$/.test(f) && !f.startsWith("_") && !f.endsWith(".bench.ts")
).sort();
const pyBenches = readdirSync(benchDir).filter((f) => f.endsWith("_celery.py")).sort();

for (const f of tsBenches) {
  const extra = quick ? ["--quick"] : [];
  run(`deno ${f}`, bin("deno"), ["run", "-A", "--quiet", join("bench", f), ...extra]);
  run(`bun ${f}`, bin("bun"), [join("bench", f), ...extra]);
  // node:ffi prints an ExperimentalWarning when it loads: the flag hides it.
  run(`node ${f}`, bin("node"), [
    "--disable-warning=ExperimentalWarning",
    join("bench", f),
    ...extra,
  ]);
}
// Stand-alone scripts (start-up timings) drive the three runtimes themselves.
for (const f of scripts) {
  run(f, bin("deno"), ["run", "-A", "--quiet", join("bench", f), ...(quick ? ["--quick"] : [])]);
}
// C programs (the floor under a benchmark): compiled and run when a C compiler is here.
const cBenches = readdirSync(benchDir).filter((f) => f.endsWith(".c")).sort();
const cc = ["cc", "gcc", "clang"].find((c) => spawnSync(c, ["--version"]).status === 0);
if (cc) {
  const out = mkdtempSync(join(tmpdir(), "posixly-bench-c-"));
  try {
    for (const f of cBenches) {
      const exe = join(out, f.replace(/\.c$/, ""));
      run(`${cc} -O2 -o ${exe} bench/${f}`, cc, ["-O2", "-o", exe, join("bench", f)]);
      run(`${exe} (bench/${f})`, exe, []);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
} else if (cBenches.length) {
  notes.push(`no C compiler: ${cBenches.join(", ")} not run (they give the C floor under a row).`);
}
if (python) {
  for (const f of pyBenches) run(f, python.py, [join("bench", f), ...(quick ? ["--quick"] : [])]);
} else {
  notes.push(
    "celery is not installed (`apt-get install python3-celery`): the Celery column is empty.",
  );
}

const goals = {
  "ffi/getpid via ffi/ / raw binding": "<= 1.2x (Node: 1.3x)",
  "fds/closeOpenFds": "< 5 ms at RLIMIT_NOFILE 1,048,576",
  "import/import posixly (dist/mod.js, published)": "<= 5 ms",
  "threads/Local get": "<= 60 ns",
  "threads/Local set": "<= 100 ns",
  "threads/LocalStack push+pop": "<= 150 ns",
  "threads/LocalManager.run / als.run": "<= 1.3x",
  "threads/middleware / als.run": "<= 1.3x",
  "users/parseUid by name": "<= Celery",
  "users/parseUid by number": "< 200 ns",
  "pidfile/Pidfile acquire+release /dev/shm": "<= Celery / 2",
  "pidfile/race double holders clean": "0",
  "pidfile/race double holders stale": "0",
  "pidfile/race double holders empty": "0",
  "pidfile/race double holders garbage": "0",
  "daemon/detach to ready minus cold start": "<= 10 ms",
};

// Figures made of two others of the same runtime: the ratios the goals are set on.
const derived = [
  ["ffi", "getpid via ffi/ / raw binding", "getpid via ffi/", "getpid raw binding"],
];
for (const [area, name, over, under] of derived) {
  const rows = figures[area];
  if (!rows?.[over] || !rows[under]) continue;
  for (const rt of Object.keys(rows[over])) {
    const a = rows[over][rt];
    const b = rows[under][rt];
    if (a && b && a.unit === b.unit && b.value) {
      (rows[name] ??= {})[rt] = { value: a.value / b.value, unit: "x" };
    }
  }
}

function fmt(fig) {
  if (!fig) return "—";
  const { value, unit } = fig;
  if (unit === "ns") {
    if (value >= 1e6) return `${(value / 1e6).toFixed(2)} ms`;
    if (value >= 1e3) return `${(value / 1e3).toFixed(2)} us`;
    return `${value.toFixed(1)} ns`;
  }
  if (unit === "count") return String(Math.round(value));
  if (unit === "x") return `${value.toFixed(2)}x`;
  return `${Number(value.toFixed(3))} ${unit}`;
}
function ratio(a, b) {
  if (!a || !b || a.unit !== b.unit || !b.value || a.unit === "count" || a.unit === "x") {
    return "—";
  }
  return `${(a.value / b.value).toFixed(2)}x`;
}

const RUNTIMES = [["deno", "Deno"], ["bun", "Bun"], ["node", "Node"]];
const version = (cmd, args) =>
  (spawnSync(bin(cmd), args, { encoding: "utf8" }).stdout ?? "").trim().split("\n")[0];
const lines = [];
lines.push("# posixly benchmarks", "");
lines.push(
  "Made by `npm run bench` (`node scripts/bench.mjs" + (quick ? " --quick" : "") +
    `\`) on ${new Date().toISOString().slice(0, 10)}:`,
);
lines.push(
  `Linux ${release()}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ` +
    `Deno ${version("deno", ["--version"]).split(" ")[1]}, ` +
    `Bun ${version("bun", ["--version"])}, ` +
    `Node.js ${version("node", ["--version"]).replace(/^v/, "")}, ` +
    (python ? `celery ${python.version} (${python.py})` : "celery not installed") + ".",
  "",
);
lines.push(
  "Timings are means per call from mitata unless the row says otherwise. All figures come " +
    "from this one run; the second table gives each runtime's figure as a ratio to " +
    "Celery's (below 1 is faster).",
  "",
);
lines.push("| area | benchmark | Deno | Bun | Node | Celery | goal |");
lines.push("|---|---|---|---|---|---|---|");
const compared = [];
for (const area of Object.keys(figures).sort()) {
  for (const [name, byRt] of Object.entries(figures[area])) {
    const goal = goals[`${area}/${name}`] ?? "";
    const cells = RUNTIMES.map(([rt]) => fmt(byRt[rt]));
    lines.push(`| ${area} | ${name} | ${cells.join(" | ")} | ${fmt(byRt.celery)} | ${goal} |`);
    const ratios = RUNTIMES.map(([rt]) => ratio(byRt[rt], byRt.celery));
    if (ratios.some((r) => r !== "—")) compared.push([area, name, ratios]);
  }
}
lines.push("", "## Against Celery", "");
lines.push(`| area | benchmark | ${RUNTIMES.map(([, n]) => `${n} / Celery`).join(" | ")} |`);
lines.push(`|---|---|${RUNTIMES.map(() => "---").join("|")}|`);
for (const [area, name, ratios] of compared) {
  lines.push(`| ${area} | ${name} | ${ratios.join(" | ")} |`);
}
lines.push(
  "",
  "## Commands",
  "",
  "Each row above came from one of these, run from the repository root:",
  "",
);
for (const c of commands) lines.push(`- \`${c}\``);
if (notes.length) {
  lines.push("", "## Notes", "");
  for (const n of notes) lines.push(`- ${n}`);
}
writeFileSync(join(root, "BENCHMARKS.md"), lines.join("\n") + "\n");
console.log(lines.join("\n"));
