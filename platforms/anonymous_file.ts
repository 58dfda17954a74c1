/**
 * Files without a name (internal), for handing bytes to a child process on
 * an inherited descriptor rather than on its command line, which any local
 * user can read in /proc/PID/cmdline: `memfd_create(2)`, or a temporary file
 * unlinked as soon as it is made.
 *
 * @module
 */
import { check, checkOrNull, checkRetrying, cstr, libc, osError, platform } from "../ffi/mod.ts";
import { programEnv } from "./host.ts";
import { readToEnd } from "./libc_file.ts";

/** memfd_create(2)'s close-on-exec flag: 1 wherever the call exists. */
const MFD_CLOEXEC = 1;
const SEEK_SET = 0; // the same on Linux and macOS
/** How many random names a temporary file tries before the last EEXIST is thrown. */
const NAME_TRIES = 100;

/**
 * A new empty file without a name, open for reading and writing, close-on-exec:
 * `memfd_create(2)`, or where the C library or the kernel has none (or a policy refuses it),
 * {@linkcode unlinkedTempFile} in TMPDIR (else /tmp).
 *
 * @param name what /proc/PID/fd shows for it (`memfd:NAME`)
 * @returns its descriptor
 * @throws {OSError} when neither can be made
 */
export function anonymousFile(name: string): number {
  const memfdCreate = libc.memfd_create;
  if (memfdCreate !== null) {
    // ENOSYS: a kernel before 3.17; EPERM, EACCES: refused by a seccomp or LSM policy.
    const { EACCES, ENOSYS, EPERM } = platform.errnoNumbers;
    const fd = checkOrNull(memfdCreate(cstr(name), MFD_CLOEXEC), "memfd_create", [
      ENOSYS,
      EPERM,
      EACCES,
    ]);
    if (fd !== null) return fd;
  }
  return unlinkedTempFile(name, tempDir());
}

/**
 * A new file in `dir` (a random name starting with `.NAME-`, made with
 * O_EXCL and mode 0600, never through a symbolic link), unlinked at once:
 * open for reading and writing, close-on-exec, and no longer in `dir`.
 *
 * @param name the start of its temporary name
 * @param dir the directory it is made in
 * @returns its descriptor
 * @throws {OSError} naming the file when it cannot be made or unlinked
 */
export function unlinkedTempFile(name: string, dir: string): number {
  const c = platform.constants;
  const flags = c.O_RDWR | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW | c.O_CLOEXEC;
  for (let tries = 1;; tries++) {
    const path = `${dir}/.${name}-${randomHex()}`;
    const taken = tries < NAME_TRIES ? [platform.errnoNumbers.EEXIST] : [];
    const fd = checkOrNull(libc.open(cstr(path), flags, 0o600), "open", taken, { path });
    if (fd === null) continue;
    if (libc.unlink(cstr(path)) === -1) {
      const e = osError("unlink", { path });
      libc.close(fd);
      throw e;
    }
    return fd;
  }
}

/**
 * Writes all of `bytes` to `fd`, in as many writes as it takes.
 *
 * @param fd an open descriptor
 * @param bytes what to write
 * @throws {OSError} when a write fails
 */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) {
    const rest = bytes.subarray(at);
    at += Number(checkRetrying(() => libc.write(fd, rest, rest.length), "write"));
  }
}

/**
 * The whole file on `fd`, read from its start (whatever its offset was).
 *
 * @param fd a descriptor of a regular file
 * @returns its bytes
 * @throws {OSError} when it cannot be read
 */
export function readFromStart(fd: number): Uint8Array {
  check(libc.lseek(fd, 0, SEEK_SET), "lseek");
  return readToEnd(fd);
}

/** TMPDIR when it is an absolute path, else /tmp. */
function tempDir(): string {
  const dir = programEnv("TMPDIR");
  return dir !== undefined && dir.startsWith("/") ? dir : "/tmp";
}

function randomHex(): string {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return Array.from(words, (w) => w.toString(16).padStart(8, "0")).join("");
}
