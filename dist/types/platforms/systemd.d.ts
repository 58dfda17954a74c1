/** A notify message as fields; each set field becomes one `KEY=value` line. */
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
/**
 * Sends a state to systemd over the socket named by `NOTIFY_SOCKET` (or
 * `socket`). Returns false, sending nothing, when there is no socket (not run
 * by systemd); throws an OSError when the send fails (e.g. ECONNREFUSED:
 * nobody listens) and a TypeError for a malformed state.
 *
 * @example
 * ```ts
 * import { sdNotify } from "@posixly/posixly/platforms";
 * sdNotify({ ready: true, status: "serving on :8080" });
 * sdNotify("WATCHDOG=1");
 * ```
 */
export declare function sdNotify(state: string | SystemdState, socket?: string): boolean;
