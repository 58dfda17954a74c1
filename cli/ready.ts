/**
 * How `start` learns that its program is ready (`--ready`), and the wait for
 * it: the program ends first, it becomes ready, or the time is up.
 *
 * - `exec`: it is still running `--grace` after its execve;
 * - `notify`: it sends `READY=1` to `$NOTIFY_SOCKET`, a datagram socket the
 *   launcher binds in Linux's abstract namespace under a random name (the
 *   sd_notify protocol); only messages whose sender the kernel names as the
 *   program itself, root or the program's uid count, as any local user can
 *   read the name;
 * - `fd:N`: it writes a newline to its descriptor N, a pipe to the launcher
 *   (s6's notification-fd);
 * - `tcp:HOST:PORT`: a TCP connection to HOST:PORT succeeds.
 *
 * @module
 */
import type { Socket } from "node:net";
import { libc, platform } from "../ffi/mod.ts";
import { builtin } from "./builtin.ts";
import { type Datagram, openNotifySocket } from "./notify_socket.ts";
import { getFdmax } from "../platforms/fds.ts";
import { type Readiness, tcpAddress } from "./args.ts";
import { CliError, EXIT, quote } from "./errors.ts";
import {
  cloexecPipe,
  interruption,
  pollFdsListening,
  readSome,
  reapChild,
  setNonBlocking,
} from "./wait.ts";

/** The program being waited for: a child of the launcher. */
export interface Child {
  readonly pid: number;
  /** Its pidfd, or -1. */
  readonly pidfd: number;
}

/** How a wait ended. */
export type Outcome =
  | { readonly kind: "ready" }
  | { readonly kind: "exited"; readonly status: number }
  | { readonly kind: "timeout" }
  | { readonly kind: "never"; readonly why: string }
  | { readonly kind: "interrupted"; readonly signal: string };

/** The launcher's end of a readiness channel. */
export interface Channel {
  /** A descriptor of the launcher's to give the program under another number, or null. */
  readonly passOn: { readonly from: number; readonly to: number } | null;
  /** Environment variables the program gets. */
  readonly env: readonly (readonly [string, string])[];
  /** Closes what the child must hold alone (after the spawn). */
  afterSpawn(): void;
  /** Waits until the program is ready or ends, at most until `deadline` (performance.now()). */
  wait(child: Child, deadline: number): Promise<Outcome>;
}

const decoder = new TextDecoder();

/** What ends a wait other than readiness: the program exited, posixly was interrupted, or time ran out. */
function whyWaitEnds(child: Child, deadline: number): Outcome | null {
  const status = reapChild(child.pid);
  if (status !== null) return { kind: "exited", status };
  const signal = interruption();
  if (signal !== null) return { kind: "interrupted", signal };
  if (deadline - performance.now() <= 0) return { kind: "timeout" };
  return null;
}

/**
 * Waits on `fd` and the child: `look` says whether what arrived makes it
 * ready (or never ready); until then the child's end, or the deadline.
 */
async function waitOn(
  child: Child,
  deadline: number,
  fd: number | null,
  look: () => Outcome | null,
): Promise<Outcome> {
  for (;;) {
    const seen = look();
    if (seen) return seen;
    const ended = whyWaitEnds(child, deadline);
    if (ended) return ended;
    const left = deadline - performance.now();
    const fds = [fd ?? -1, child.pidfd].filter((n) => n >= 0);
    await pollFdsListening(fds, left, child.pidfd >= 0);
  }
}

/** `exec`: the program still runs `graceMs` after its execve. */
function execChannel(graceMs: number): Channel {
  return {
    passOn: null,
    env: [],
    afterSpawn(): void {},
    async wait(child, deadline): Promise<Outcome> {
      const until = Math.min(deadline, performance.now() + graceMs);
      const outcome = await waitOn(child, until, null, () => null);
      return outcome.kind === "timeout" ? { kind: "ready" } : outcome;
    },
  };
}

/** `fd:N`: a pipe whose write end the program gets as descriptor N. */
function fdChannel(target: number): Channel {
  const [readEnd, writeEnd] = cloexecPipe();
  setNonBlocking(readEnd);
  const buf = new Uint8Array(512);
  return {
    passOn: { from: writeEnd, to: target },
    env: [],
    afterSpawn(): void {
      libc.close(writeEnd);
    },
    async wait(child, deadline): Promise<Outcome> {
      let closed = false;
      let outcome = await waitOn(child, deadline, readEnd, () => {
        const got = readSome(readEnd, buf);
        if (got === "eof") {
          closed = true;
          return { kind: "never", why: `closed descriptor ${target} without a newline` };
        }
        return got !== null && got.includes(10) ? { kind: "ready" } : null;
      });
      libc.close(readEnd);
      if (closed) {
        // It ended (then say how), or it will never say it is ready.
        const end = await waitOn(child, performance.now() + 100, null, () => null);
        if (end.kind === "exited") outcome = end;
      }
      return outcome;
    },
  };
}

/** How many sd_notify messages `notify` reads before it looks at the program and the clock again. */
const RECEIVE_BATCH = 64;

/**
 * `notify`: a datagram socket for sd_notify messages, named by NOTIFY_SOCKET.
 *
 * Its name is no secret: any local user can read bound abstract names in
 * /proc/net/unix. So the socket has SO_PASSCRED, the kernel attaches each
 * sender's pid and uid, and only messages from the program's own pid, from
 * root or from `uid` (the program's) count; others, and any without
 * credentials, are dropped. The
 * uid is the boundary because a process of the program's uid could ptrace
 * the program anyway; it keeps helpers that a program's script runs, such
 * as systemd-notify, working (systemd's NotifyAccess=main would refuse them).
 *
 * @param uid the uid the program runs as
 */
function notifyChannel(uid: number): Channel {
  const socket = openNotifySocket();
  // The program's own pid too: it may have changed its uid itself. No other
  // process can have that pid: the program is the launcher's unreaped child.
  const trusted = (got: Datagram, child: Child): boolean =>
    got.sender !== null &&
    (got.sender.pid === child.pid || got.sender.uid === 0 || got.sender.uid === uid);
  return {
    passOn: null,
    env: [["NOTIFY_SOCKET", socket.address]],
    afterSpawn(): void {},
    async wait(child, deadline): Promise<Outcome> {
      const outcome = await waitOn(child, deadline, socket.fd, () => {
        // A bounded batch: a flood of messages cannot keep the wait past its deadline.
        for (let i = 0; i < RECEIVE_BATCH; i++) {
          const got = socket.receive();
          if (got === null) break;
          if (!trusted(got, child)) continue;
          if (decoder.decode(got.data).split("\n").includes("READY=1")) return { kind: "ready" };
        }
        return null;
      });
      libc.close(socket.fd);
      return outcome;
    },
  };
}

/** One TCP connection attempt: true when it connects within `ms`. */
async function connects(host: string, port: number, ms: number): Promise<boolean> {
  const net = await builtin("node:net", () => import("node:net"));
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    // With nothing listening on a local port, the kernel may pick that same
    // port as the probe's own and connect it to itself (a TCP simultaneous
    // open): a connection to the probe, not to the program.
    socket.once("connect", () => done(!connectedToItself(socket)));
    socket.once("error", () => done(false));
  });
}

/** Whether a connected socket's two ends are one address and port: itself. */
function connectedToItself(socket: Socket): boolean {
  return socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress;
}

/** How long to wait between TCP connection attempts. */
const TCP_RETRY_MS = 20;

/** `tcp:HOST:PORT`: a connection succeeds. */
function tcpChannel(host: string, port: number): Channel {
  return {
    passOn: null,
    env: [],
    afterSpawn(): void {},
    async wait(child, deadline): Promise<Outcome> {
      for (;;) {
        const ended = whyWaitEnds(child, deadline);
        if (ended) return ended;
        const left = deadline - performance.now();
        if (await connects(host, port, Math.min(left, 1000))) {
          // The program may have ended meanwhile: then whatever answered is not the program.
          const status = reapChild(child.pid);
          return status === null ? { kind: "ready" } : { kind: "exited", status };
        }
        await new Promise((r) => setTimeout(r, Math.min(TCP_RETRY_MS, left)));
      }
    },
  };
}

/**
 * Fails when `--ready tcp`'s HOST does not resolve: the wait could only time
 * out. `restart` asks before it stops the running program.
 *
 * @param ready the parsed `--ready`
 * @throws {CliError} exit status 1, naming HOST
 */
export async function checkReadinessResolves(ready: Readiness): Promise<void> {
  if (ready.kind !== "tcp") return;
  const where = tcpAddress(ready.host, ready.port);
  const { lookup } = await builtin("node:dns/promises", () => import("node:dns/promises"));
  try {
    await lookup(ready.host);
  } catch (e) {
    // ENOTFOUND, or EAI_AGAIN (no answer from DNS now): either way the wait
    // could only time out, so say why now.
    const code = (e as { code?: unknown }).code;
    throw new CliError(
      `--ready tcp:${where}: the host name ${quote(ready.host)} does not resolve` +
        `${typeof code === "string" ? ` (${code})` : ""}; nothing was started`,
    );
  }
}

/**
 * Fails when `--ready tcp`'s HOST does not resolve, or something already
 * accepts connections on HOST:PORT before the program starts: its
 * connections would be taken for the program's readiness (a program that
 * cannot bind the port, EADDRINUSE, would be reported ready).
 *
 * @param ready the parsed `--ready`
 * @throws {CliError} exit status 1, naming HOST or HOST:PORT
 */
export async function checkReadinessFree(ready: Readiness): Promise<void> {
  if (ready.kind !== "tcp") return;
  await checkReadinessResolves(ready);
  const where = tcpAddress(ready.host, ready.port);
  if (await connects(ready.host, ready.port, 1000)) {
    throw new CliError(
      `--ready tcp:${where}: something else already listens on ${where}, so whether the ` +
        "program is ready cannot be told; nothing was started",
    );
  }
}

/**
 * Fails when this system cannot wait for `ready`: `notify` needs Linux, and
 * `fd:N` a descriptor N below this process's limit of open files
 * (RLIMIT_NOFILE), which the program's set-up process inherits.
 *
 * @param ready the parsed `--ready`
 * @throws {CliError} naming `--ready` (status 2 for an `fd:N` over the limit)
 */
export function checkReadiness(ready: Readiness): void {
  if (ready.kind === "notify" && platform.os !== "linux") {
    throw new CliError("--ready notify needs Linux (an abstract unix socket)");
  }
  if (ready.kind === "fd") {
    const limit = getFdmax();
    if (limit !== null && ready.fd >= limit) {
      throw new CliError(
        `--ready fd:${ready.fd}: descriptor ${ready.fd} is not below this process's limit ` +
          `of open files (RLIMIT_NOFILE ${limit}): give fd:N with N from 3 to ${limit - 1}`,
        EXIT.usage,
      );
    }
  }
}

/**
 * The launcher's readiness channel for `--ready` (which
 * {@linkcode checkReadiness} has passed).
 *
 * @param ready the parsed `--ready`
 * @param graceMs `--grace`, for `exec`
 * @param uid the uid the program runs as, for `notify`
 * @returns the channel, not yet used
 */
export function openChannel(ready: Readiness, graceMs: number, uid: number): Channel {
  switch (ready.kind) {
    case "exec":
      return execChannel(graceMs);
    case "fd":
      return fdChannel(ready.fd);
    case "notify":
      return notifyChannel(uid);
    case "tcp":
      return tcpChannel(ready.host, ready.port);
  }
}
