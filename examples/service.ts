/**
 * A small HTTP service that uses the whole toolkit: it detaches as a daemon
 * (pidfile, logfile, umask, `ready: "manual"`), sets its process title, runs
 * a BgThread heartbeat, gives each request its own Local values through
 * LocalManager.middleware, and on SIGTERM stops the heartbeat and the server
 * gracefully and releases its pidfile.
 *
 *   deno run -A examples/service.ts DIR      bun examples/service.ts DIR
 *   node --disable-warning=ExperimentalWarning examples/service.ts DIR
 *
 * DIR gets service.pid, service.log and service.port. examples/tour.ts runs it.
 */
import process from "node:process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { detached, runtimeImplementation, setProcessTitle, signals } from "../mod.ts";
import { BgThread, getIdent, Local, LocalManager } from "../threads/mod.ts";

const dir = resolve(process.argv[2] ?? ".");

// Call detached() first: code before it runs in the launcher AND in the daemon.
const ctx = await detached({
  pidfile: join(dir, "service.pid"),
  logfile: join(dir, "service.log"),
  workdir: dir,
  umask: 0o022,
  ready: "manual",
  timeoutMs: 8000,
});

const log = (msg: string): void => {
  console.log(`${new Date().toISOString()} [${process.pid}] ${msg}`);
};
log(`daemon started on ${runtimeImplementation()}, cwd ${process.cwd()}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Logs a beat every 250 ms until stopped. */
class Heartbeat extends BgThread {
  beats = 0;
  override async body(): Promise<void> {
    this.beats++;
    if (this.beats === 1 || this.beats % 4 === 0) log(`heartbeat ${this.beats}`);
    await sleep(250);
  }
}

// Per-request values: each request runs in its own context.
const request = new Local<{ path?: string; startedAt?: number }>();
const manager = new LocalManager(request);

async function handle(req: Request): Promise<Response> {
  request.path = new URL(req.url).pathname;
  request.startedAt = Date.now();
  const ident = getIdent();
  await sleep(100); // overlap with the other request: the values must stay apart
  return Response.json({
    path: request.path,
    ident,
    identAfterAwait: getIdent(),
    pid: process.pid,
    tookMs: Date.now() - request.startedAt,
  });
}

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
let port: number;
let stopServer: () => Promise<void>;
if (g.Bun) {
  const server = g.Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: manager.middleware(handle) });
  port = server.port;
  stopServer = async () => {
    await server.stop();
  };
} else if (g.Deno) {
  const server = g.Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    manager.middleware(handle),
  );
  port = server.addr.port;
  stopServer = () => server.shutdown();
} else {
  // Node.js: node:http, each request in its own context through requestListener
  const server = createServer(manager.requestListener(async (req, res) => {
    const response = await handle(new Request(`http://127.0.0.1${req.url}`));
    res.writeHead(response.status, { "content-type": "application/json" });
    res.end(await response.text());
  }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  stopServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
}
writeFileSync(join(dir, "service.port"), `${port}\n`);

const heartbeat = new Heartbeat();
heartbeat.start();
setProcessTitle("posixly-service", `listening on 127.0.0.1:${port}`);

signals.set("TERM", async () => {
  log("SIGTERM: stopping the heartbeat and the server");
  await heartbeat.stop();
  await stopServer();
  ctx.close(); // releases the pidfile
  log(`stopped after ${heartbeat.beats} beats; pidfile released`);
  process.exit(0);
});

log(`listening on http://127.0.0.1:${port}/`);
ctx.notifyReady(); // the launcher exits 0 now; systemd (Type=notify) gets READY=1
