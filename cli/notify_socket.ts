/**
 * The launcher's socket for `--ready notify`: a datagram socket in Linux's
 * abstract namespace under a random name, with SO_PASSCRED, so that each
 * message arrives with its sender's pid and uid as the kernel knows them
 * (SCM_CREDENTIALS), read with recvmsg(2).
 *
 * @module
 */
import { addressOf, check, checkOrNull, libc, platform } from "../ffi/mod.ts";
import { getField, setField } from "./c_fields.ts";
import { setNonBlocking } from "./wait.ts";

/** The `struct sockaddr_un` of an abstract socket (Linux): a NUL, then `name`. */
function abstractAddress(name: string): { addr: Uint8Array; length: number } {
  const { sockaddrUn } = platform.layouts;
  const path = new TextEncoder().encode(`\0${name}`);
  const addr = new Uint8Array(sockaddrUn.size);
  new DataView(addr.buffer).setUint16(sockaddrUn.family, platform.constants.AF_UNIX, true);
  addr.set(path, sockaddrUn.path);
  return { addr, length: sockaddrUn.path + path.length };
}

/** A datagram, and its sender as the kernel names it (SCM_CREDENTIALS); null where it names none. */
export interface Datagram {
  readonly data: Uint8Array;
  readonly sender: { readonly pid: number; readonly uid: number } | null;
}

/**
 * Receives datagrams of at most `capacity` bytes with recvmsg(2) from the
 * non-blocking socket `fd`, which has SO_PASSCRED: each call returns the
 * next datagram with its sender's pid and uid, or null when none has
 * arrived (EAGAIN, or a signal: EINTR), as `readSome` in wait.ts does.
 */
function datagramReceiver(fd: number, capacity: number): () => Datagram | null {
  const { cmsghdr, iovec, msghdr, ucred } = platform.layouts;
  const c = platform.constants;
  const { EAGAIN, EINTR } = platform.errnoNumbers;
  // One ArrayBuffer holds the msghdr, its iovec, its control buffer and the data; the msghdr
  // and the iovec hold addresses in it, valid while this function keeps it.
  const at = (n: number): number => Math.ceil(n / 8) * 8;
  const iovAt = at(msghdr.size);
  const controlAt = iovAt + at(iovec.size);
  const dataAt = controlAt + at(ucred.space);
  const memory = new ArrayBuffer(dataAt + capacity);
  const view = new DataView(memory);
  const msg = new Uint8Array(memory, 0, msghdr.size);
  const control = new Uint8Array(memory, controlAt, ucred.space);
  const data = new Uint8Array(memory, dataAt, capacity);
  setField(view, iovAt + iovec.base, 8, addressOf(data));
  setField(view, iovAt + iovec.len, 8, capacity);
  setField(view, msghdr.iov, 8, addressOf(new Uint8Array(memory, iovAt, iovec.size)));
  setField(view, msghdr.iovlen, msghdr.iovlenSize, 1);
  setField(view, msghdr.control, 8, addressOf(control));
  return () => {
    // Room for the credentials alone: descriptors a sender passes (SCM_RIGHTS) do not fit,
    // and the kernel drops them instead of installing them in posixly.
    control.fill(0);
    setField(view, msghdr.controllen, msghdr.controllenSize, ucred.space);
    const n = checkOrNull(libc.recvmsg(fd, msg, 0), "recvmsg", [EAGAIN, EINTR]);
    if (n === null) return null;
    const controlLength = getField(view, msghdr.controllen, msghdr.controllenSize);
    const header = new DataView(memory, controlAt, ucred.space);
    const credentials = controlLength >= cmsghdr.data + ucred.size &&
      getField(header, cmsghdr.len, cmsghdr.lenSize) >= cmsghdr.data + ucred.size &&
      header.getInt32(cmsghdr.level, true) === c.SOL_SOCKET &&
      header.getInt32(cmsghdr.type, true) === c.SCM_CREDENTIALS;
    const sender = credentials
      ? {
        pid: header.getInt32(cmsghdr.data + ucred.pid, true),
        uid: header.getUint32(cmsghdr.data + ucred.uid, true),
      }
      : null;
    return { data: data.subarray(0, Number(n)), sender };
  };
}

/** The launcher's end of the sd_notify protocol. */
export interface NotifySocket {
  /** The socket: close-on-exec, non-blocking. */
  readonly fd: number;
  /** NOTIFY_SOCKET's value for the program: `@` and the abstract name. */
  readonly address: string;
  /** The next datagram with its sender, or null when none is waiting. */
  receive(): Datagram | null;
}

/**
 * Binds a new notify socket (Linux only). SO_PASSCRED is set before the name
 * exists, so every datagram that can reach the socket carries credentials.
 *
 * @param capacity the largest datagram read whole
 * @returns the socket, bound and non-blocking
 */
export function openNotifySocket(capacity = 4096): NotifySocket {
  const c = platform.constants;
  const name = `posixly-notify-${crypto.randomUUID()}`;
  const fd = check(libc.socket(c.AF_UNIX, c.SOCK_DGRAM | c.SOCK_CLOEXEC, 0), "socket");
  try {
    check(libc.setsockopt(fd, c.SOL_SOCKET, c.SO_PASSCRED, new Int32Array([1]), 4), "setsockopt");
    const { addr, length } = abstractAddress(name);
    check(libc.bind(fd, addr, length), "bind");
    setNonBlocking(fd);
  } catch (e) {
    libc.close(fd);
    throw e;
  }
  return { fd, address: `@${name}`, receive: datagramReceiver(fd, capacity) };
}
