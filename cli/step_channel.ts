/**
 * How `start` hands the `_daemon` step its {@linkcode DaemonStep}: over a
 * Unix socket pair, whose other end the step inherits. `start` runs the
 * step before its checks, so that the runtime's cold start in the step
 * overlaps them; what to do, and the descriptors the program gets (the
 * logfile, a readiness pipe), come over the socket once they pass. The
 * same socket carries the step's report back (see daemon_step.ts).
 *
 * Not on its command line: any local user can read a command line
 * (/proc/PID/cmdline), which would show the `--env` values and the
 * readiness socket's name, and Linux refuses a single argument over 128 KiB
 * (E2BIG).
 *
 * The message: the step's length (4 bytes, little-endian) with the
 * descriptors attached (SCM_RIGHTS), then the step: one line of JSON, then
 * the program's argv as /proc/PID/cmdline holds one (each argument's bytes,
 * then a NUL), so that an argument that is not UTF-8 passes unchanged.
 *
 * @module
 */
import { addressOf, check, checkOrNull, checkRetrying, libc, platform } from "../ffi/mod.ts";
import { argvStrings } from "../platforms/c_strings.ts";
import { getField, setField } from "./c_fields.ts";
import type { Plan } from "./setup.ts";

/** What the launcher hands the `_daemon` step. */
export interface DaemonStep {
  /**
   * The launcher's plan, but for the environment: that is the step's own
   * (what the launcher spawned it with, never on a command line) plus `env`;
   * and for the uid, which the step finds from `user` itself.
   */
  readonly plan: Omit<Plan, "env" | "envChanges" | "logStart" | "uid">;
  /**
   * The plan's `envChanges` (`--user`'s HOME, USER, LOGNAME and SHELL, the
   * `--env` entries), then the readiness channel's (NOTIFY_SOCKET).
   */
  readonly env: readonly (readonly [string, string])[];
  /** Whether the first descriptor sent is the logfile, the program's stdout and stderr. */
  readonly logfile: boolean;
  /** The number the program gets the next descriptor sent as (`--ready fd:N`), or null. */
  readonly passOnTo: number | null;
}

/** What the step received: its {@linkcode DaemonStep} and the descriptors sent with it. */
export interface Received {
  readonly step: DaemonStep;
  readonly fds: readonly number[];
}

/** The most descriptors a step comes with: the logfile and a readiness pipe. */
const MAX_FDS = 2;
const LENGTH_BYTES = 4;
const NEWLINE = 0x0a;

/** A connected pair of stream sockets, both close-on-exec: [the launcher's end, the step's end]. */
export function socketPair(): [number, number] {
  const c = platform.constants;
  const ends = new Int32Array(2);
  check(libc.socketpair(c.AF_UNIX, c.SOCK_STREAM | c.SOCK_CLOEXEC, 0, ends), "socketpair");
  if (c.SOCK_CLOEXEC === 0) {
    for (const fd of ends) check(libc.fcntl(fd, c.F_SETFD, c.FD_CLOEXEC), "fcntl");
  }
  return [ends[0], ends[1]];
}

/** A `struct msghdr` and its control data, in one buffer (see {@linkcode messageHeader}). */
interface MessageHeader {
  /** The msghdr, to hand to sendmsg or recvmsg. */
  readonly msg: Uint8Array;
  /** The same, to read its fields. */
  readonly view: DataView;
  /** The control data (one `struct cmsghdr` and its descriptors). */
  readonly control: DataView;
}

/**
 * A `struct msghdr` with one `struct iovec` over `data` and room for
 * `fds` descriptors of control data, in one buffer: the addresses in it
 * stay valid while the result is kept.
 */
function messageHeader(data: Uint8Array, fds: number): MessageHeader {
  const { cmsghdr, iovec, msghdr } = platform.layouts;
  const at = (n: number): number => Math.ceil(n / 8) * 8;
  const iovAt = at(msghdr.size);
  const controlAt = iovAt + at(iovec.size);
  const controlSpace = at(cmsghdr.data + 4 * fds);
  const memory = new ArrayBuffer(controlAt + controlSpace);
  const view = new DataView(memory);
  const control = new DataView(memory, controlAt, controlSpace);
  setField(view, iovAt + iovec.base, 8, addressOf(data));
  setField(view, iovAt + iovec.len, 8, data.length);
  setField(view, msghdr.iov, 8, addressOf(new Uint8Array(memory, iovAt, iovec.size)));
  setField(view, msghdr.iovlen, msghdr.iovlenSize, 1);
  if (fds > 0) {
    setField(view, msghdr.control, 8, addressOf(new Uint8Array(memory, controlAt, controlSpace)));
    setField(view, msghdr.controllen, msghdr.controllenSize, controlSpace);
  }
  return { msg: new Uint8Array(memory, 0, msghdr.size), view, control };
}

/** The step as bytes: its JSON line, then each argument and a NUL. */
function encode(step: DaemonStep): Uint8Array {
  const { args, ...plan } = step.plan;
  const json = new TextEncoder().encode(`${JSON.stringify({ ...step, plan })}\n`);
  const parts = [json, ...argvStrings(args)];
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** The step {@linkcode encode} made. */
function decode(bytes: Uint8Array): DaemonStep {
  const newline = bytes.indexOf(NEWLINE);
  if (newline === -1) throw new SyntaxError("no step in the message");
  const step = JSON.parse(new TextDecoder().decode(bytes.subarray(0, newline)));
  const args: Uint8Array[] = [];
  for (let at = newline + 1; at < bytes.length;) {
    const nul = bytes.indexOf(0, at);
    if (nul === -1) throw new SyntaxError("an argument without its NUL");
    args.push(bytes.subarray(at, nul));
    at = nul + 1;
  }
  return { ...step, plan: { ...step.plan, args } };
}

/**
 * Sends `step` and the descriptors `fds` (copies: the caller still owns
 * them) over the non-blocking socket `fd`. When the socket is full (a
 * step larger than its buffer, which the `_daemon` step has not read yet),
 * it awaits `waitForRoom()` and tries again: that decides how long to wait
 * and throws to give up, so a step that never reads (stopped, hung in its
 * start) cannot block the launcher. A step that has ended meanwhile makes
 * it fail with EPIPE (never SIGPIPE).
 *
 * @param fd the launcher's end of {@linkcode socketPair}, non-blocking
 * @param step what the `_daemon` step is to do
 * @param fds the logfile's descriptor when `step.logfile`, then the one
 *   to pass on when `step.passOnTo` is set
 * @param waitForRoom resolves when `fd` may take more (or at once, to try
 *   again); rejects to give up
 */
export async function sendStep(
  fd: number,
  step: DaemonStep,
  fds: readonly number[],
  waitForRoom: () => Promise<void>,
): Promise<void> {
  const { cmsghdr } = platform.layouts;
  const c = platform.constants;
  const body = encode(step);
  const length = new Uint8Array(LENGTH_BYTES);
  new DataView(length.buffer).setUint32(0, body.length, true);
  const header = messageHeader(length, fds.length);
  if (fds.length > 0) {
    setField(header.control, cmsghdr.len, cmsghdr.lenSize, cmsghdr.data + 4 * fds.length);
    header.control.setInt32(cmsghdr.level, c.SOL_SOCKET, true);
    header.control.setInt32(cmsghdr.type, c.SCM_RIGHTS, true);
    fds.forEach((passed, i) => header.control.setInt32(cmsghdr.data + 4 * i, passed, true));
  }
  // A stream socket takes these 4 bytes in one piece (or none): the descriptors go with them.
  let sent: number | null;
  while (
    (sent = sendSome(() => libc.sendmsg(fd, header.msg, c.MSG_NOSIGNAL), "sendmsg")) === null
  ) {
    await waitForRoom();
  }
  if (sent !== LENGTH_BYTES) throw new Error(`sendmsg sent ${sent} of ${LENGTH_BYTES} bytes`);
  for (let at = 0; at < body.length;) {
    const rest = body.subarray(at);
    const n = sendSome(() => libc.sendto(fd, rest, rest.length, c.MSG_NOSIGNAL, null, 0), "sendto");
    if (n === null) await waitForRoom();
    else at += n;
  }
}

/** How many bytes `send` sent, or null when the socket is full (or a signal came first). */
function sendSome(send: () => number | bigint, syscall: string): number | null {
  const { EAGAIN, EINTR } = platform.errnoNumbers;
  const n = checkOrNull(send(), syscall, [EAGAIN, EINTR]);
  return n === null ? null : Number(n);
}

/** Reads exactly `into.length` bytes from the blocking `fd`; false at end of file first. */
function readExactly(fd: number, into: Uint8Array): boolean {
  for (let at = 0; at < into.length;) {
    const rest = into.subarray(at);
    const n = Number(checkRetrying(() => libc.read(fd, rest, rest.length), "read"));
    if (n === 0) return false;
    at += n;
  }
  return true;
}

/**
 * Waits for the launcher's message on the blocking socket `fd` (the
 * step's end of {@linkcode socketPair}) and returns it, with the
 * descriptors that came with it (close-on-exec, where the platform can).
 *
 * @param fd the inherited socket
 * @returns the step, or null when the launcher closed its end without
 *   sending one (a check failed: there is nothing to start)
 * @throws {SyntaxError} when the message is not a step
 */
export function receiveStep(fd: number): Received | null {
  const { cmsghdr, msghdr } = platform.layouts;
  const c = platform.constants;
  const length = new Uint8Array(LENGTH_BYTES);
  const header = messageHeader(length, MAX_FDS);
  const got = Number(
    checkRetrying(() => libc.recvmsg(fd, header.msg, c.MSG_CMSG_CLOEXEC), "recvmsg"),
  );
  if (got === 0) return null;
  const fds: number[] = [];
  const controlLength = getField(header.view, msghdr.controllen, msghdr.controllenSize);
  if (
    controlLength >= cmsghdr.data &&
    header.control.getInt32(cmsghdr.level, true) === c.SOL_SOCKET &&
    header.control.getInt32(cmsghdr.type, true) === c.SCM_RIGHTS
  ) {
    const count = (getField(header.control, cmsghdr.len, cmsghdr.lenSize) - cmsghdr.data) / 4;
    for (let i = 0; i < count && i < MAX_FDS; i++) {
      fds.push(header.control.getInt32(cmsghdr.data + 4 * i, true));
    }
  }
  if (!readExactly(fd, length.subarray(got))) throw new SyntaxError("the message ended early");
  const body = new Uint8Array(new DataView(length.buffer).getUint32(0, true));
  if (!readExactly(fd, body)) throw new SyntaxError("the message ended early");
  return { step: decode(body), fds };
}
