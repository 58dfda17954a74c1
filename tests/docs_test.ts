// The documentation keeps its promises: every relative link in README.md and
// docs/*.md names a file (and a heading, when it has an anchor), and every
// ```ts block is type-checked by one `deno check` over all of them. Blocks
// fenced ```ts run are also run, in this runtime, and must exit 0; blocks
// fenced ```ts ignore (side effects: spawning, setuid, exiting, servers) are
// left alone. Imports of "@posixly/posixly" (and "jsr:@posixly/posixly",
// and their sub-paths) are pointed at this checkout's sources.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { alive, gone } from "./_cli_util.ts";
import { isBun, sleep } from "./_util.ts";

const isDeno = "Deno" in globalThis && !isBun;
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const docs = [
  "README.md",
  ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) =>
    `docs/${f}`
  ),
];

/** Entry points a block may import, by the specifier a user writes. */
const entries: Record<string, string> = {
  "@posixly/posixly": "mod.ts",
  "@posixly/posixly/platforms": "platforms/mod.ts",
  "@posixly/posixly/threads": "threads/mod.ts",
  "@posixly/posixly/ffi": "ffi/mod.ts",
  "@posixly/posixly/cli": "cli/main.ts",
};

interface Block {
  doc: string;
  line: number;
  info: string;
  code: string;
}

/** The fenced code blocks of a Markdown text, with their info strings. */
function codeBlocks(doc: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(`{3,}|~{3,})\s*(.*)$/);
    if (!open) continue;
    const fence = open[1];
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith(fence); i++) body.push(lines[i]);
    blocks.push({ doc, line: start + 1, info: open[2].trim(), code: body.join("\n") });
  }
  return blocks;
}

/** A block's code with its imports of posixly pointed at this checkout's sources. */
function pointedAtSources(code: string): string {
  return code.replace(
    /(["'])(?:jsr:)?(@posixly\/posixly(?:\/[a-z]+)?)\1/g,
    (whole, quote: string, specifier: string) => {
      const entry = entries[specifier];
      if (entry === undefined) return whole; // deno check reports it
      return quote + pathToFileURL(join(root, entry)).href + quote;
    },
  );
}

/** The argv that runs a TypeScript file in this runtime, with every permission. */
function runArgs(file: string): string[] {
  return isBun
    ? [file]
    : isDeno
    ? ["run", "--quiet", "--no-check", "-A", file]
    : ["--disable-warning=ExperimentalWarning", file];
}

/** Markdown text without its fenced code blocks (links in code are not links). */
function prose(text: string): string {
  return text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's anchors for the headings of a Markdown text (code in a heading keeps its text). */
function headingsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const withoutBlocks = text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const m of withoutBlocks.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = m[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return result;
}

describe("documentation", () => {
  for (const doc of docs) {
    test(`${doc}: every relative link resolves`, () => {
      const text = readFileSync(join(root, doc), "utf8");
      const broken: string[] = [];
      for (const m of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
        const [path, anchor] = target.split("#", 2);
        const file = path === "" ? join(root, doc) : resolve(dirname(join(root, doc)), path);
        if (!existsSync(file)) {
          broken.push(`${target} (no file ${relative(root, file)})`);
          continue;
        }
        if (anchor !== undefined && file.endsWith(".md")) {
          if (!headingsOf(readFileSync(file, "utf8")).has(anchor)) {
            broken.push(`${target} (no heading #${anchor} in ${relative(root, file)})`);
          }
        }
      }
      assert.deepEqual(broken, [], `${doc} has broken links`);
    });
  }

  test("the README shows install, a first daemon and the locals example in its first 80 lines", () => {
    const first = readFileSync(join(root, "README.md"), "utf8").split("\n").slice(0, 80).join("\n");
    assert.match(first, /deno add jsr:@posixly\/posixly/);
    assert.match(first, /bunx jsr add @posixly\/posixly/);
    assert.match(first, /npx jsr add @posixly\/posixly/);
    assert.match(first, /await detached\(\{[\s\S]*pidfile:[\s\S]*logfile:[\s\S]*uid:/);
    assert.match(first, /\.middleware\(/);
  });

  test("every ```ts block type-checks, and the ```ts run blocks run", { timeout: 180_000 }, () => {
    const blocks = docs.flatMap((doc) => codeBlocks(doc, readFileSync(join(root, doc), "utf8")));
    const ts = blocks.filter((b) =>
      /^(ts|typescript)\b/.test(b.info) && !/\bignore\b/.test(b.info)
    );
    assert.ok(ts.length >= 10, `only ${ts.length} checked TypeScript blocks in ${docs}`);
    const dir = mkdtempSync(join(tmpdir(), "posixly-docs-"));
    try {
      const files = ts.map((b, i) => {
        const name = `${b.doc.replace(/\W+/g, "_")}_${b.line}_${i}.ts`;
        const code = pointedAtSources(b.code);
        // A module of its own even when the block imports nothing.
        writeFileSync(join(dir, name), `${code}\nexport {};\n`);
        return { block: b, name };
      });
      const deno = join(root, "node_modules", ".bin", "deno");
      const check = spawnSync(
        deno,
        ["check", "--quiet", "--config", join(root, "deno.json"), ...files.map((f) => f.name)],
        { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 150_000 },
      );
      const where = files.map((f) => `${f.name} = ${f.block.doc}:${f.block.line}`).join("\n");
      assert.equal(check.status, 0, `deno check failed:\n${check.stdout}${check.stderr}\n${where}`);

      for (const { block, name } of files.filter((f) => /\brun\b/.test(f.block.info))) {
        const r = spawnSync(process.execPath, runArgs(name), {
          cwd: dir,
          encoding: "utf8",
          timeout: 30_000,
        });
        assert.equal(
          r.status,
          0,
          `${block.doc}:${block.line} exited ${r.status}:\n${r.stdout}${r.stderr}`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    "the README's first daemon runs on after its launcher exits 0; a second launch exits 73",
    { timeout: 120_000 },
    async () => {
      const readme = readFileSync(join(root, "README.md"), "utf8");
      const block = codeBlocks("README.md", readme).find((b) =>
        /^ts\b/.test(b.info) && b.code.includes("await detached(")
      );
      assert.ok(block, "the README has a first daemon");
      const dir = mkdtempSync(join(tmpdir(), "posixly-readme-"));
      const pidfile = join(dir, "myapp.pid");
      const logfile = join(dir, "myapp.log");
      // Its pidfile and logfile in a scratch directory, and no user to become.
      const code = pointedAtSources(block.code)
        .replace(`"/run/myapp/myapp.pid"`, JSON.stringify(pidfile))
        .replace(`"/var/log/myapp.log"`, JSON.stringify(logfile))
        .replace(/^ *uid: .*\n/m, "");
      assert.ok(code.includes(pidfile) && code.includes(logfile) && !/\buid:/.test(code), code);
      const script = join(dir, "myapp.ts");
      writeFileSync(script, code);
      const launch = () =>
        spawnSync(process.execPath, runArgs(script), {
          cwd: dir,
          encoding: "utf8",
          timeout: 60_000,
        });
      let pid = 0;
      try {
        const log = () => (existsSync(logfile) ? readFileSync(logfile, "utf8") : "");
        const first = launch();
        assert.equal(first.status, 0, `${first.stdout}${first.stderr}`);
        await sleep(1000);
        assert.ok(existsSync(pidfile), `the daemon ended, its pidfile removed; its log:\n${log()}`);
        pid = Number(readFileSync(pidfile, "utf8").split("\n")[0]);
        assert.ok(alive(pid), `the daemon ${pid} ended; its log:\n${log()}`);
        assert.match(log(), new RegExp(`daemon ${pid} started`));
        const second = launch();
        assert.equal(second.status, 73, `${second.stdout}${second.stderr}`);
        process.kill(pid, "SIGTERM");
        assert.ok(await gone(pid), "TERM ends it");
        assert.ok(!existsSync(pidfile), "its pidfile is removed");
      } finally {
        if (pid > 0 && alive(pid)) process.kill(pid, "SIGKILL");
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
