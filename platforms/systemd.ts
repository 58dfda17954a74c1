/**
 * systemd's notify protocol (`sd_notify(3)`) without the `systemd-notify`
 * binary: one datagram to the unix socket named by `NOTIFY_SOCKET`, so
 * `Type=notify` units work.
 *
 * @module
 */
import { check, cstr, libc, platform, quoteForMessage } from "../ffi/mod.ts";
import { programEnv } from "./host.ts";
import { quote } from "./quote.ts";

/**
 * A notify message as fields; each set field becomes one `KEY=value` line.
 *
 * @example Ready, with a status line
 * ```ts ignore
 * import { sdNotify, type SystemdState } from "@posixly/posixly/platforms";
 * const state: SystemdState = { ready: true, status: "serving on :8080" };
 * sdNotify(state); // sends "READY=1\nSTATUS=serving on :8080"
 * ```
 */
export interface SystemdState {
  /** `READY=1`: start-up is finished. */
  readonly ready?: boolean;
  /** `RELOADING=1`: reloading configuration. */
  readonly reloading?: boolean;
  /** `STOPPING=1`: shutting down. */
  readonly stopping?: boolean;
  /** `WATCHDOG=1`: keep-alive ping for `WatchdogSec=`. */
  readonly watchdog?: boolean;
  /** `STATUS=...`: a one-line status shown by `systemctl status`. */
  readonly status?: string;
  /** `MAINPID=...`: the service's main process (after detaching). */
  readonly mainPid?: number;
  /** `ERRNO=...`: the errno of a failure. */
  readonly errno?: number;
}

function stateText(state: string | SystemdState): string {
  if (typeof state === "string") {
    if (state.trim() === "") throw new TypeError("sdNotify: the state must not be empty");
    return state;
  }
  if (typeof state !== "object" || state === null) {
    throw new TypeError(
      `sdNotify: the state must be a string or an object, got ${String(state).slice(0, 64)}`,
    );
  }
  const lines: string[] = [];
  if (state.ready) lines.push("READY=1");
  if (state.reloading) lines.push("RELOADING=1");
  if (state.stopping) lines.push("STOPPING=1");
  if (state.watchdog) lines.push("WATCHDOG=1");
  if (state.status !== undefined) {
    if (typeof state.status !== "string" || /[\n\0]/.test(state.status)) {
      throw new TypeError("sdNotify: status must be a string without newlines or NUL bytes");
    }
    lines.push(`STATUS=${state.status}`);
  }
  for (const [key, name] of [["mainPid", "MAINPID"], ["errno", "ERRNO"]] as const) {
    const v = state[key];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(
        `sdNotify: ${key} must be a non-negative integer, got ${String(v).slice(0, 64)}`,
      );
    }
    lines.push(`${name}=${v}`);
  }
  if (lines.length === 0) throw new TypeError("sdNotify: the state sets no field");
  return lines.join("\n");
}

/**
 * Builds the `struct sockaddr_un` for a `NOTIFY_SOCKET` value: an absolute
 * path, or `@name` for Linux's abstract namespace (leading NUL, no trailing
 * NUL, counted by the address length).
 */
function socketAddress(socket: string): { addr: Uint8Array; length: number } {
  const { sockaddrUn } = platform.layouts;
  const addr = new Uint8Array(sockaddrUn.size);
  const abstract = socket.startsWith("@");
  if (!abstract && !socket.startsWith("/")) {
    throw new Error(
      `NOTIFY_SOCKET must be an absolute path or start with "@", got ${quoteForMessage(socket)}`,
    );
  }
  if (abstract && platform.os !== "linux") {
    throw new Error(
      `NOTIFY_SOCKET ${quoteForMessage(socket)}: abstract sockets exist only on Linux`,
    );
  }
  // A TypeError for a lone surrogate or a NUL, which would name another socket.
  const bytes = cstr(socket, "NOTIFY_SOCKET");
  // Abstract: "@" becomes the leading NUL, and the name has no trailing NUL
  // (the address length counts its bytes).
  if (abstract) bytes[0] = 0;
  const path = abstract ? bytes.subarray(0, bytes.length - 1) : bytes;
  const length = sockaddrUn.path + path.length;
  if (path.length > sockaddrUn.pathMax) {
    throw new Error(
      `NOTIFY_SOCKET is too long for a unix socket address: ${quoteForMessage(socket)}`,
    );
  }
  addr.set(path, sockaddrUn.path);
  if (sockaddrUn.familySize === 2) {
    new DataView(addr.buffer).setUint16(sockaddrUn.family, platform.constants.AF_UNIX, true);
  } else {
    addr[0] = length; // BSD sun_len
    addr[sockaddrUn.family] = platform.constants.AF_UNIX;
  }
  return { addr, length };
}

/**
 * Sends a state to systemd over the socket named by `NOTIFY_SOCKET` (or
 * `socket`). Returns false, sending nothing, when there is no socket (not run
 * by systemd); throws an OSError when the send fails (e.g. ECONNREFUSED:
 * nobody listens; EAGAIN: the receiver does not read, and its queue is full:
 * it never waits) and a TypeError for a malformed state or a `socket` that
 * is not a string.
 *
 * @example Tell systemd the service is ready
 * ```ts ignore
 * import { sdNotify } from "@posixly/posixly/platforms";
 * sdNotify({ ready: true, status: "serving on :8080" });
 * sdNotify("WATCHDOG=1");
 * ```
 */
export function sdNotify(state: string | SystemdState, socket?: string): boolean {
  const text = stateText(state);
  if (socket !== undefined && typeof socket !== "string") {
    throw new TypeError(`sdNotify: socket must be a path or "@name", got ${quote(socket)}`);
  }
  const target = socket ?? programEnv("NOTIFY_SOCKET");
  if (target === undefined || target === "") return false;
  const { addr, length } = socketAddress(target);
  const message = cstr(text, "sdNotify state");
  const c = platform.constants;
  const fd = check(libc.socket(c.AF_UNIX, c.SOCK_DGRAM | c.SOCK_CLOEXEC, 0), "socket");
  try {
    // Never wait: a receiver that does not read (a full queue) is EAGAIN, not a hang.
    check(libc.fcntl(fd, c.F_SETFL, c.O_NONBLOCK), "fcntl");
    // Without cstr's trailing NUL: the datagram is the text.
    const sent = libc.sendto(fd, message, message.length - 1, 0, addr, length);
    check(sent, "sendto", { path: target });
  } finally {
    libc.close(fd);
  }
  return true;
}
