/**
 * The tour (`npm run demo`, `deno task demo`, `bun run demo`): starts
 * examples/service.ts as a real daemon in a temporary directory and shows
 * what a person would check, then stops it with SIGTERM and cleans up. It
 * never leaves a process behind: when a step fails it says which, kills the
 * daemon by its pid and exits non-zero.
 *
 *   deno run -A examples/tour.ts        bun examples/tour.ts
 *   node --disable-warning=ExperimentalWarning examples/tour.ts
 */
import process from "node:process";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { lookupUser, processIsZombie, runtimeImplementation } from "../mod.ts";

const t0 = performance.now();
// How this runtime runs a script with every permission: the service is started the same way.
const runtimeArgs = "Bun" in globalThis
  ? []
  : "Deno" in globalThis
  ? ["run", "-A"]
  : process.execArgv;
const service = fileURLToPath(new URL("./service.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "posixly-tour-"));
const pidfile = join(dir, "service.pid");
let daemonPid = 0;
let step = "start";

const ms = (): string => `${Math.round(performance.now() - t0)} ms`;
const say = (label: string, value: unknown): void => {
  console.log(`${label.padEnd(26)} ${value}`);
};
// A process that exited but is not reaped yet (a zombie) counts as gone.
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
  return !processIsZombie(pid);
};
const sleep = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));

function ourProcesses(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir) && alive(pid)) pids.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

async function tour(): Promise<void> {
  console.log(`posixly tour on ${runtimeImplementation()} in ${dir}\n`);

  step = "launch the daemon";
  const args = [...runtimeArgs, service, dir];
  // The service gives its daemon 8 s to get ready (timeoutMs), less than this limit.
  const launch = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 15_000 });
  say("launcher exit status", `${launch.status} (after ${ms()})`);
  if (launch.status !== 0) throw new Error(`launcher failed: ${launch.stderr.trim()}`);

  step = "read the pidfile";
  const pidText = readFileSync(pidfile, "utf8");
  daemonPid = Number(pidText.split("\n")[0]);
  say("pid from the pidfile", `${daemonPid} (${pidfile})`);
  if (!alive(daemonPid)) throw new Error(`no process ${daemonPid}`);

  step = "inspect the daemon";
  const title = spawnSync("ps", ["-o", "args=", "-p", String(daemonPid)], { encoding: "utf8" });
  say("title as ps shows it", (title.stdout || "(ps unavailable)").trim());
  const comm = readFileSync(`/proc/${daemonPid}/comm`, "utf8").trim();
  say("comm (ps -o comm)", comm);
  const stat = readFileSync(`/proc/${daemonPid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [ppid, , sid] = [Number(fields[1]), Number(fields[2]), Number(fields[3])];
  say("session id", `${sid} (${sid === daemonPid ? "its own session: detached" : "NOT detached"})`);
  say("parent pid", ppid);
  const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${daemonPid}/status`, "utf8"))![1]);
  say("owner", `${lookupUser(uid).name} (uid ${uid})`);
  const fds = spawnSync("ls", [`/proc/${daemonPid}/fd`], { encoding: "utf8" }).stdout.trim();
  say(
    "daemon's fds 0-2",
    ["0", "1", "2"].map((fd) => {
      const r = spawnSync("readlink", [`/proc/${daemonPid}/fd/${fd}`], { encoding: "utf8" });
      return `${fd}->${r.stdout.trim().replace(dir, "$DIR")}`;
    }).join(" ") + ` (open: ${fds.split(/\s+/).length})`,
  );

  step = "two concurrent requests";
  const port = Number(readFileSync(join(dir, "service.port"), "utf8"));
  const [a, b] = await Promise.all(
    ["/alpha", "/beta"].map(async (p) => {
      const res = await fetch(`http://127.0.0.1:${port}${p}`);
      return await res.json();
    }),
  );
  say("request /alpha", JSON.stringify(a));
  say("request /beta", JSON.stringify(b));
  if (a.path !== "/alpha" || b.path !== "/beta" || a.ident === b.ident) {
    throw new Error("requests were not isolated");
  }
  say("context ids", `${a.ident} and ${b.ident}: separate, each kept across its await`);

  step = "stop with SIGTERM";
  process.kill(daemonPid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while ((existsSync(pidfile) || alive(daemonPid)) && Date.now() < deadline) await sleep(10);
  if (existsSync(pidfile)) throw new Error("the pidfile is still there after SIGTERM");
  if (alive(daemonPid)) throw new Error(`process ${daemonPid} is still alive after SIGTERM`);
  say("after SIGTERM", `pidfile gone, process ${daemonPid} exited (${ms()})`);
  daemonPid = 0;

  step = "print the log";
  console.log(`\n--- service.log ---`);
  console.log(readFileSync(join(dir, "service.log"), "utf8").trimEnd().replaceAll(dir, "$DIR"));
  console.log(`---\n`);
}

let status = 0;
try {
  await tour();
  console.log(`tour finished in ${ms()}`);
} catch (e) {
  console.error(`\ntour FAILED at step "${step}": ${(e as Error).message}`);
  status = 1;
} finally {
  // Ours: the pid in the pidfile, and every process whose command line names our
  // directory (a daemon whose launcher was killed before the pidfile was written;
  // setProcessTitle changes the command line only after that).
  const leftovers = new Set(ourProcesses());
  try {
    const pid = Number(readFileSync(pidfile, "utf8").split("\n")[0]);
    if (pid > 0 && alive(pid)) leftovers.add(pid);
  } catch {
    // no pidfile
  }
  if (daemonPid > 0 && alive(daemonPid)) leftovers.add(daemonPid);
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
      console.error(`killed leftover process ${pid}`);
    } catch { /* already gone */ }
  }
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
