/**
 * parseUid: by name (a getpwnam_r lookup through NSS) and by number (no lookup).
 * Celery 5.2.6's parse_uid is measured by bench/users_celery.py under the same names.
 */
import { measure, report } from "./_harness.ts";
import { lookupUser, parseUid } from "../mod.ts";

// Sanity: both paths give the right answer before they are timed.
if (parseUid("nobody") !== lookupUser("nobody").uid || parseUid("65534") !== 65534) {
  throw new Error("parseUid gives a wrong answer");
}

measure("parseUid by name", () => parseUid("nobody"));
measure("parseUid by number", () => parseUid("65534"));

await report("users");
