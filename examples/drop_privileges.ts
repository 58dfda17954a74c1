/**
 * Drops root privileges for good, the way a daemon does before serving:
 *
 *   sudo deno run --allow-ffi examples/drop_privileges.ts [user]
 *   sudo bun examples/drop_privileges.ts [user]
 *
 * As root it becomes `user` (default: nobody), prints the ids before and
 * after, and shows that there is no way back. Not as root, it explains and
 * exits 0.
 */
import process from "node:process";
import { currentIds, lookupUser, maybeDropPrivileges, OSError, setuid } from "../mod.ts";

const user = process.argv[2] ?? "nobody";
const ids = (): string => {
  const { uid, euid, suid, gid, egid, sgid, groups } = currentIds();
  return `uid=${uid},${euid},${suid} gid=${gid},${egid},${sgid} groups=[${groups}] (real,effective,saved)`;
};

if (currentIds().euid !== 0) {
  console.log(`Not root (${ids()}): there are no privileges to drop.`);
  console.log("Run this as root to see it become an unprivileged user.");
  process.exit(0);
}

const entry = lookupUser(user); // fails early and clearly: User does not exist: "NAME"
console.log(`before: ${ids()}`);
maybeDropPrivileges({ uid: entry.name });
console.log(`after:  ${ids()}  (${entry.name}, home ${entry.home})`);
try {
  setuid(0);
  console.log("setuid(0) worked: privileges were NOT dropped!");
  process.exit(1);
} catch (e) {
  if (!(e instanceof OSError)) throw e;
  console.log(`setuid(0) fails: ${e.message}`);
}
