/**
 * `posixly start`: checks everything that can fail, starts the program as a
 * daemon through a re-run of posixly (the `_daemon` step, which sets up and
 * `execve`s it: a runtime cannot fork), waits until it is ready, and exits.
 * The re-run is started first, so that its cold start overlaps the checks
 * (see set_up_process.ts); it gets its step once they pass.
 *
 * @module
 */
import { cstr, libc, platform } from "../ffi/mod.ts";
import { fdIdentity, type Identity } from "../platforms/file_identity.ts";
import { Pidfile } from "../platforms/pidfile.ts";
import { becomeSubreaper, type DaemonProcess, stopAdoptedOrphans } from "../platforms/orphans.ts";
import { type Contents, OPEN_READ, parseContents, readHead } from "../platforms/pidfile_judge.ts";
import { processStartTime } from "../platforms/process_start.ts";
import { pidList } from "../platforms/quote.ts";
import { parseStart, type Readiness, type StartOptions, tcpAddress } from "./args.ts";
import { CliError, EXIT, quote } from "./errors.ts";
import { outputHint } from "./logtail.ts";
import { say } from "./output.ts";
import {
  type Channel,
  checkReadiness,
  checkReadinessFree,
  type Child,
  openChannel,
  type Outcome,
} from "./ready.ts";
import {
  AlreadyRunning,
  checkPidfileFree,
  checkSetUp,
  type LogStart,
  openLogfile,
  type Plan,
} from "./setup.ts";
import { launcherEnvironment, SetUpProcess } from "./set_up_process.ts";
import { type DaemonStep, sendStep } from "./step_channel.ts";
import { usage } from "./usage.ts";
import {
  describeWaitStatus,
  groupGone,
  interruption,
  interruptWaitsOnSignals,
  pollFds,
  pollFdsListening,
  readSome,
  reapChild,
  setNonBlocking,
  signalGroup,
  stillRuns,
  stopGroupRest,
  waitForExit,
} from "./wait.ts";
import { lockHolders } from "./target.ts";

/** How long a program that was not ready in time has after TERM before KILL. */
const KILL_AFTER_MS = 5000;
/**
 * How long posixly's own set-up process may take to reach the execve (a cold
 * start of the runtime, user lookups through NSS): --timeout counts from the exec.
 */
const SET_UP_TIMEOUT_MS = 30_000;

/** What the `_daemon` step said before its end of the pipe closed. */
type SetUpResult =
  | { readonly kind: "exec" }
  | { readonly kind: "failed"; readonly status: number; readonly message: string }
  | { readonly kind: "died" }
  | { readonly kind: "timeout" }
  | { readonly kind: "interrupted"; readonly signal: string };

function describeReady(ready: Readiness, graceMs: number): string {
  switch (ready.kind) {
    case "exec":
      return `still running after ${graceMs / 1000} s`;
    case "notify":
      return "sent READY=1";
    case "fd":
      return `wrote a newline to descriptor ${ready.fd}`;
    case "tcp":
      return `accepts connections on ${tcpAddress(ready.host, ready.port)}`;
  }
}

/** What the `_daemon` step is to do. */
function daemonStepFor(plan: Plan, channel: Channel, logfile: boolean): DaemonStep {
  return {
    plan: {
      pidfile: plan.pidfile,
      logfile: plan.logfile,
      user: plan.user,
      group: plan.group,
      chdir: plan.chdir,
      umask: plan.umask,
      program: plan.program,
      args: plan.args,
    },
    env: [...plan.envChanges, ...channel.env],
    logfile,
    passOnTo: channel.passOn?.to ?? null,
  };
}

/**
 * Opens the logfile once for the daemon, as the foreground check did (no
 * symbolic link, a regular file or a character device, never a FIFO, never
 * blocking), and where it ends now: the file whose new lines a failure shows.
 */
function openLog(path: string, umask: number): { fd: number; start: LogStart } {
  const { fd, identity } = openLogfile(path, umask);
  const SEEK_END = 2;
  const size = Number(libc.lseek(fd, 0, SEEK_END));
  return { fd, start: { size: Math.max(0, size), identity } };
}

/** Reads the `_daemon` step's report until its end of the pipe closes (or the deadline). */
async function awaitSetUp(fd: number, deadline: number): Promise<SetUpResult> {
  const buf = new Uint8Array(4096);
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const got = readSome(fd, buf);
    if (got === "eof") break;
    if (got !== null) {
      text += decoder.decode(got, { stream: true });
      continue;
    }
    const signal = interruption();
    if (signal !== null) return { kind: "interrupted", signal };
    const left = deadline - performance.now();
    if (left <= 0) return { kind: "timeout" };
    await pollFdsListening([fd], left, true);
  }
  for (const line of text.split("\n")) {
    const failure = /^E(\d+) (.*)$/.exec(line);
    if (failure) {
      let message: string;
      try {
        message = String(JSON.parse(failure[2]));
      } catch {
        message = failure[2];
      }
      return { kind: "failed", status: Number(failure[1]), message };
    }
  }
  return text.startsWith("X") ? { kind: "exec" } : { kind: "died" };
}

/** Waits for the child's end (reaping it) for at most `ms`: its wait status, or null. */
function awaitEnd(child: Child, ms: number): number | null {
  const until = performance.now() + ms;
  for (;;) {
    const status = reapChild(child.pid);
    if (status !== null) return status;
    const left = until - performance.now();
    if (left <= 0) return null;
    pollFds(child.pidfd >= 0 ? [child.pidfd] : [], left, child.pidfd >= 0);
  }
}

/** Stops what a program that ended before it was ready left running: "" when nothing. */
function stopRest(child: Child): string {
  const { TERM } = platform.signalNumbers;
  const rest = stopGroupRest(child.pid, TERM, KILL_AFTER_MS, true);
  if (rest === "none") return "";
  return `; sent TERM to what it started${rest === "killed" ? ", and KILL 5 s later" : ""}`;
}

/**
 * Stops a program that did not become ready, with what it started (which
 * would otherwise run on, orphaned, perhaps holding the pidfile's lock):
 * TERM, KILL 5 s later. Says what it did.
 */
function stopUnready(child: Child): string {
  const { KILL, TERM } = platform.signalNumbers;
  const until = performance.now() + KILL_AFTER_MS;
  signalGroup(child.pid, TERM);
  if (awaitEnd(child, KILL_AFTER_MS) !== null && groupGone(child.pid, until)) return "sent it TERM";
  signalGroup(child.pid, KILL);
  awaitEnd(child, 1000);
  groupGone(child.pid, performance.now() + 1000);
  return `sent it TERM, and KILL ${KILL_AFTER_MS / 1000} s later`;
}

/**
 * The identity of the pidfile at `path` when it is the one the program
 * `pid`, started at `start`, made (it records both), else null.
 */
function programsPidfile(path: string, pid: number, start: number | null): Identity | null {
  const fd = libc.open(cstr(path), OPEN_READ, 0);
  if (fd === -1) return null;
  try {
    const id: Identity = new Uint32Array(4);
    if ((fdIdentity(fd, id) & platform.constants.S_IFMT) !== platform.constants.S_IFREG) {
      return null;
    }
    const recorded: Contents = parseContents(readHead(fd, path));
    return recorded.pid === pid && recorded.start === start ? id : null;
  } catch {
    return null; // unreadable: not known to be the program's
  } finally {
    libc.close(fd);
  }
}

/**
 * Stops what a failed program left holding its pidfile's lock outside its
 * process group, once that group has been stopped: processes it started
 * that moved to a group or session of their own (setsid, setpgid) and kept
 * the lock's descriptor, which it passed on to them. They hold the lock of
 * the very file the program made (found through /proc, see
 * {@linkcode lockHolders}): TERM, KILL 5 s later. Says what it did ("" when
 * nothing held the lock).
 */
function stopLockHolders(path: string, pid: number, start: number | null): string {
  const id = programsPidfile(path, pid, start);
  if (id === null) return "";
  // The program itself, if it outlived KILL, was named already.
  const holders = lockHolders(id)?.filter((holder) => holder !== pid) ?? null;
  if (holders === null) {
    // No /proc (macOS): say so if the lock is still held.
    const held = new Pidfile(path).inspect();
    return held.status === "alive" && held.reason === "flock held"
      ? "; a process it started still holds the pidfile's lock (no /proc here to find which)"
      : "";
  }
  if (holders.length === 0) return "";
  const { KILL, TERM } = platform.signalNumbers;
  const starts = new Map(holders.map((holder) => [holder, processStartTime(holder)]));
  const runs = (holder: number) => stillRuns(holder, starts.get(holder) ?? null);
  const until = performance.now() + KILL_AFTER_MS;
  for (const holder of holders) if (runs(holder)) libc.kill(holder, TERM);
  let left = holders.filter((holder) =>
    !waitForExit(holder, starts.get(holder) ?? null, until - performance.now())
  );
  let what = `; sent TERM to ${pidList(holders)}, which it started outside its process group ` +
    "and which held the pidfile's lock";
  if (left.length > 0) {
    for (const holder of left) if (runs(holder)) libc.kill(holder, KILL);
    what += `, and KILL ${KILL_AFTER_MS / 1000} s later to ${pidList(left)}`;
    left = left.filter((holder) => !waitForExit(holder, starts.get(holder) ?? null, 1000));
  }
  if (left.length > 0) {
    what += `; ${pidList(left)} still ${left.length === 1 ? "runs" : "run"}, holding the lock`;
  }
  return what;
}

/**
 * Stops what a failed program started outside its process group that was
 * orphaned to posixly (a child subreaper, see platforms/orphans.ts) and
 * still runs once the group and the lock's holders are stopped: TERM, KILL
 * 5 s later. Says what it did ("" when nothing; always where posixly is no
 * subreaper, `program` null).
 */
async function stopOrphans(program: DaemonProcess | null): Promise<string> {
  if (program === null) return "";
  const { terminated, killed, running } = await stopAdoptedOrphans(program, KILL_AFTER_MS);
  if (terminated.length === 0) return "";
  let what = `; sent TERM to ${pidList(terminated)}, which it started outside its process group`;
  if (killed.length > 0) {
    what += `, and KILL ${KILL_AFTER_MS / 1000} s later to ${pidList(killed)}`;
  }
  if (running.length > 0) {
    what += `; ${pidList(running)} still ${running.length === 1 ? "runs" : "run"}`;
  }
  return what;
}

/** Removes the pidfile a failed program left (never one a live process holds). */
function removeLeftPidfile(path: string): void {
  try {
    new Pidfile(path).removeIfStale();
  } catch {
    // an unusable pidfile is the next start's message
  }
}

async function failure(
  plan: Plan,
  child: Child,
  programStart: number | null,
  adopts: boolean,
  outcome: Exclude<Outcome, { kind: "ready" }>,
  o: StartOptions,
): Promise<CliError> {
  const who = `${quote(o.command[0])} (pid ${child.pid})`;
  let what: string;
  if (outcome.kind === "exited") {
    what = `${who} ${describeWaitStatus(outcome.status)} before it was ready${stopRest(child)}`;
  } else if (outcome.kind === "never") {
    what = `${who} ${outcome.why}; ${stopUnready(child)}`;
  } else if (outcome.kind === "interrupted") {
    what = `${outcome.signal} interrupted the wait for ${who}; ${stopUnready(child)}`;
  } else {
    what = `${who} was not ready within ${o.timeoutMs / 1000} s (--timeout); ${stopUnready(child)}`;
  }
  what += stopLockHolders(plan.pidfile!, child.pid, programStart);
  what += await stopOrphans(adopts ? { pid: child.pid, start: programStart } : null);
  removeLeftPidfile(plan.pidfile!);
  return new CliError(`start failed: ${what}.${outputHint(plan.logfile, plan.logStart)}`);
}

/**
 * The checks `start` makes in the foreground, before anything starts (and
 * `restart` before it stops anything): `--ready`, then those of
 * {@linkcode checkSetUp} (user and group, working directory, program,
 * logfile, the pidfile's directory). Whether the pidfile is held is not
 * among them.
 *
 * @param o the parsed options
 * @returns the checked set-up
 * @throws {CliError} with the status to exit with
 */
export function checkStart(o: StartOptions): Plan {
  checkReadiness(o.ready);
  return checkSetUp(o, launcherEnvironment());
}

/**
 * Starts the program of `o` as a daemon and waits until it is ready.
 *
 * @param o the parsed options
 * @param setUp posixly's set-up process, started already (see
 *   set_up_process.ts); started here when null. Stopped when a check fails.
 * @returns 0 when it is ready or was running already
 * @throws {CliError} with the status to exit with
 */
export async function startProgram(
  o: StartOptions,
  setUp: SetUpProcess | null = null,
): Promise<number> {
  const step = setUp ?? startSetUpProcess();
  try {
    return await startWith(o, step);
  } finally {
    step.stop(); // unless it was handed over the program
  }
}

/** Starts the set-up process, or says why it cannot be. */
function startSetUpProcess(): SetUpProcess {
  try {
    return new SetUpProcess();
  } catch (e) {
    throw new CliError(`cannot start posixly's set-up process: ${(e as Error).message}`);
  }
}

/** {@linkcode startProgram} with its set-up process `step`, which it hands over once checked. */
async function startWith(o: StartOptions, step: SetUpProcess): Promise<number> {
  let plan = checkStart(o);
  const pidfile = plan.pidfile!;
  try {
    checkPidfileFree(pidfile);
  } catch (e) {
    if (!(e instanceof AlreadyRunning)) throw e;
    say(e.message); // start's "already running" is a success
    return EXIT.ok;
  }

  await checkReadinessFree(o.ready);
  // The daemon's output: this very file, passed on by descriptor (see sendStep).
  const log = plan.logfile === null ? null : openLog(plan.logfile, plan.umask);
  if (log !== null) plan = { ...plan, logStart: log.start };
  let channel: Channel;
  try {
    channel = openChannel(o.ready, o.graceMs, plan.uid);
  } catch (e) {
    if (log !== null) libc.close(log.fd);
    throw e;
  }

  // Ctrl-C while waiting stops what was started, instead of leaving it running unready.
  interruptWaitsOnSignals();
  // The program's orphans come to posixly, not init: a failure can stop those outside its group.
  const adopts = becomeSubreaper();
  try {
    const fds = [log?.fd, channel.passOn?.from].filter((fd) => fd !== undefined);
    setNonBlocking(step.channel);
    const deadline = performance.now() + SET_UP_TIMEOUT_MS;
    await sendStep(step.channel, daemonStepFor(plan, channel, log !== null), fds, async () => {
      const signal = interruption();
      if (signal !== null) throw new Error(`interrupted by ${signal}`);
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(`it did not take all of it within ${SET_UP_TIMEOUT_MS / 1000} s`);
      }
      await pollFdsListening([step.channel], left, true, platform.constants.POLLOUT);
    });
  } catch (e) {
    throw new CliError(`cannot hand posixly's set-up process its step: ${(e as Error).message}`);
  } finally {
    if (log !== null) libc.close(log.fd);
    channel.afterSpawn();
  }
  step.handOver();
  const pid = step.pid;
  const child: Child = { pid, pidfd: step.pidfd };
  // Kept by the execve, recorded in the pidfile: which pidfile is the program's.
  const programStart = processStartTime(pid);

  const setUp = await awaitSetUp(step.channel, performance.now() + SET_UP_TIMEOUT_MS);
  libc.close(step.channel);
  if (setUp.kind === "failed") {
    awaitEnd(child, 1000);
    if (setUp.status === EXIT.ok) {
      say(setUp.message);
      return EXIT.ok;
    }
    // A step that failed after dropping privileges may not have removed its pidfile.
    removeLeftPidfile(pidfile);
    throw new CliError(`start failed: ${setUp.message}`, setUp.status);
  }
  if (setUp.kind !== "exec") {
    let how: string;
    if (setUp.kind === "timeout") {
      how = `did not finish within ${SET_UP_TIMEOUT_MS / 1000} s; ${stopUnready(child)}`;
    } else if (setUp.kind === "interrupted") {
      how = `was interrupted by ${setUp.signal}; ${stopUnready(child)}`;
    } else {
      const status = awaitEnd(child, 1000);
      how = status === null ? "closed its socket" : describeWaitStatus(status);
    }
    removeLeftPidfile(pidfile);
    throw new CliError(
      `start failed: posixly's set-up process (pid ${pid}) ${how}.` +
        outputHint(plan.logfile, plan.logStart),
    );
  }

  const outcome = await channel.wait(child, performance.now() + o.timeoutMs);
  if (outcome.kind !== "ready") throw await failure(plan, child, programStart, adopts, outcome, o);
  say(
    `started ${quote(o.command[0])} (pid ${pid}): ${describeReady(o.ready, o.graceMs)}`,
  );
  return EXIT.ok;
}

/**
 * `posixly start ...`.
 *
 * @param argv the arguments after `start`
 * @param setUp posixly's set-up process, started already (see {@linkcode startProgram})
 * @returns the exit status
 */
export async function start(
  argv: readonly string[],
  setUp: SetUpProcess | null = null,
): Promise<number> {
  const o = await parseStart("start", argv);
  if (o === null) {
    say(usage("start"));
    return EXIT.ok;
  }
  return await startProgram(o, setUp);
}
