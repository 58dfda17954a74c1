/**
 * The pidfile locks this process holds (internal): each held descriptor and
 * the identity (device and inode) of its file. `Pidfile` (pidfile.ts) adds a
 * lock when it takes one and drops it on release; `closeOpenFds` (fds.ts)
 * keeps these descriptors open, and judging a pidfile (pidfile_judge.ts)
 * tells this process's own locks from a rival's by them. It imports neither
 * of those files, so neither depends on the other through it.
 *
 * @module
 */
import { fdIdentity, type Identity, sameIdentity } from "./file_identity.ts";

/** Descriptor → identity of the file it held when the lock was taken. */
const held = new Map<number, Identity>();
const scratch: Identity = new Uint32Array(4);

/** Records that `fd` holds the pidfile lock on the file with identity `id`. */
export function addHeldPidfile(fd: number, id: Identity): void {
  held.set(fd, id);
}

/** Forgets the lock held through `fd` (its release). */
export function removeHeldPidfile(fd: number): void {
  held.delete(fd);
}

/**
 * Whether `fd` is still open on the file with identity `id`: false once it
 * was closed, or closed and its number reused for another file.
 */
export function fdStillNames(fd: number, id: Identity): boolean {
  try {
    fdIdentity(fd, scratch);
  } catch {
    return false; // EBADF: closed
  }
  return sameIdentity(scratch, id);
}

/**
 * The descriptors of the held pidfile locks that are still open on their
 * files, ascending (a number that now names another file is left out).
 */
export function heldPidfileFds(): number[] {
  const fds: number[] = [];
  for (const [fd, id] of held) if (fdStillNames(fd, id)) fds.push(fd);
  return fds.sort((a, b) => a - b);
}

/** Whether a `Pidfile` of this process holds the file with identity `id`. */
export function holdsPidfile(id: Identity): boolean {
  for (const mine of held.values()) if (sameIdentity(mine, id)) return true;
  return false;
}
