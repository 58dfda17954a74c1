/**
 * The floor under bench/daemon.bench.ts: detaching with the runtime alone,
 * no posixly. This is the issue's own measurement ("posix_spawn through FFI
 * with POSIX_SPAWN_SETSID, re-running the same runtime and argv, reaches a
 * 'ready' byte on an inherited pipe"): the launcher binds the few libc
 * functions it needs, spawns itself as a session leader with stdin, stdout
 * and stderr on /dev/null and a pipe's write end on fd 3, and blocks in
 * read(2) until the child writes one byte there, first thing in its program.
 * Nothing is checked, no pidfile is taken, no fds are closed.
 *
 * With the argument `--import-posixly` both processes first import posixly as
 * JSR serves it (dist/mod.js) and use nothing from it: that is the floor for
 * any program that imports posixly, before posixly does any work.
 *
 * The launcher prints the time it starts detaching, then the child's pid; the
 * child stays until SIGTERM. Linux x86-64 with glibc only (the struct sizes
 * and flags below are that ABI's). Like bench/pidfile_floor.c it is a
 * measuring instrument, so it calls the runtime's FFI directly instead of
 * going through ffi/.
 */
// deno-lint-ignore-file no-explicit-any
const g = globalThis as any;
const isDeno = g.Deno !== undefined && g.Bun === undefined;
const isNode = !isDeno && g.Bun === undefined;
const bunFfi = isDeno || isNode ? null : (import.meta as any).require("bun:ffi");
const nodeFfi = isNode ? g.process.getBuiltinModule("node:ffi") : null;
const MARKER = "POSIXLY_BENCH_FLOOR_CHILD";
const POSIX_SPAWN_SETSID = 0x80;
const O_RDONLY = 0;
const O_WRONLY = 1;
const FILE_ACTIONS_SIZE = 80; // sizeof(posix_spawn_file_actions_t)
const SPAWNATTR_SIZE = 336; // sizeof(posix_spawnattr_t)

type Sig = [params: ("i16" | "i32" | "u32" | "usize" | "ptr")[], result: "i32" | "isize"];

/**
 * The C functions, each with every parameter a pointer or a number, called the
 * cheapest way each runtime has. Bun: `dlopen`; Node: `node:ffi`'s `dlopen`. Deno: each function's address
 * (a static symbol of type "pointer") called through `UnsafeFnPointer`. Deno's
 * first bound function costs ~1 ms in each process, so this floor avoids it, as
 * posixly does.
 */
function bind<T extends Record<string, Sig>>(sigs: T): Record<keyof T, (...a: any[]) => any> {
  if (isNode) return bindNode(sigs);
  const defs: Record<string, unknown> = {};
  for (const [name, [params, result]] of Object.entries(sigs)) {
    defs[name] = isDeno ? { type: "pointer" } : {
      args: params.map((p) => p === "usize" ? "u64" : p),
      returns: result === "isize" ? "i64" : result,
    };
  }
  if (!isDeno) return bunFfi.dlopen("libc.so.6", defs).symbols;
  const addresses = g.Deno.dlopen("libc.so.6", defs).symbols;
  const fns: Record<string, (...a: any[]) => any> = {};
  for (const [name, [params, result]] of Object.entries(sigs)) {
    const fn = new g.Deno.UnsafeFnPointer(addresses[name], {
      parameters: params.map((p) => p === "ptr" ? "pointer" : p),
      result,
    });
    fns[name] = (...a: any[]) => fn.call(...a);
  }
  return fns as Record<keyof T, (...a: any[]) => any>;
}

/** Node: `node:ffi`'s dlopen; its 64-bit parameters take bigints only. */
function bindNode<T extends Record<string, Sig>>(sigs: T): Record<keyof T, (...a: any[]) => any> {
  const defs = Object.fromEntries(
    Object.entries(sigs).map(([name, [params, result]]) => [name, {
      arguments: params.map((p) => p === "usize" ? "u64" : p === "ptr" ? "pointer" : p),
      return: result === "isize" ? "i64" : result,
    }]),
  );
  const { functions } = nodeFfi.dlopen("libc.so.6", defs);
  return Object.fromEntries(
    Object.entries(sigs).map(([name, [params]]) => [
      name,
      (...a: any[]) => functions[name](...a.map((x, i) => params[i] === "usize" ? BigInt(x) : x)),
    ]),
  ) as Record<keyof T, (...a: any[]) => any>;
}

/** A pointer to a buffer's bytes, as the runtime passes it (node:ffi takes the view itself). */
function ptr(b: ArrayBufferView): unknown {
  if (isNode) return b;
  return isDeno ? g.Deno.UnsafePointer.of(b) : bunFfi.ptr(b);
}

function address(b: ArrayBufferView): bigint {
  if (isNode) return nodeFfi.getRawPointer(b);
  return isDeno ? BigInt(g.Deno.UnsafePointer.value(ptr(b))) : BigInt(ptr(b) as number);
}

const encoder = new TextEncoder();
/** Prints a line as bench/daemon.bench.ts's program does: the cheapest way each runtime has. */
const print = (line: string): void => {
  if (isDeno) g.Deno.stdout.writeSync(encoder.encode(line + "\n"));
  else console.log(line);
};
const cstr = (s: string): Uint8Array => encoder.encode(s + "\0");
const env: Record<string, string> = isDeno ? g.Deno.env.toObject() : { ...g.process.env };
const args: string[] = isDeno ? g.Deno.args : g.process.argv.slice(2);
if (args.includes("--import-posixly")) await import("../dist/mod.js");

if (env[MARKER]) {
  // The child: ready at once.
  const { write } = bind({ write: [["i32", "ptr", "usize"], "isize"] });
  write(3, ptr(encoder.encode("R")), 1);
  setInterval(() => {}, 1 << 30);
} else {
  // As bench/daemon.bench.ts's program: the time detaching starts, printed first.
  print(String(performance.timeOrigin + performance.now()));
  const c = bind({
    pipe: [["ptr"], "i32"],
    read: [["i32", "ptr", "usize"], "isize"],
    posix_spawn: [["ptr", "ptr", "ptr", "ptr", "ptr", "ptr"], "i32"],
    posix_spawn_file_actions_init: [["ptr"], "i32"],
    posix_spawn_file_actions_adddup2: [["ptr", "i32", "i32"], "i32"],
    posix_spawn_file_actions_addopen: [["ptr", "i32", "ptr", "i32", "u32"], "i32"],
    posix_spawnattr_init: [["ptr"], "i32"],
    posix_spawnattr_setflags: [["ptr", "i16"], "i32"],
  });
  const fds = new Int32Array(2);
  if (c.pipe(ptr(fds)) !== 0) throw new Error("pipe failed");
  const actions = new BigUint64Array(FILE_ACTIONS_SIZE / 8);
  const attr = new BigUint64Array(SPAWNATTR_SIZE / 8);
  const devNull = cstr("/dev/null");
  c.posix_spawn_file_actions_init(ptr(actions));
  c.posix_spawn_file_actions_addopen(ptr(actions), 0, ptr(devNull), O_RDONLY, 0);
  c.posix_spawn_file_actions_addopen(ptr(actions), 1, ptr(devNull), O_WRONLY, 0);
  c.posix_spawn_file_actions_adddup2(ptr(actions), 1, 2);
  c.posix_spawn_file_actions_adddup2(ptr(actions), fds[1], 3);
  c.posix_spawnattr_init(ptr(attr));
  c.posix_spawnattr_setflags(ptr(attr), POSIX_SPAWN_SETSID);

  const exe: string = isDeno ? g.Deno.execPath() : g.process.execPath;
  const script = import.meta.filename!;
  const argv = isDeno
    ? [exe, "run", "-A", "--quiet", script, ...args]
    : isNode
    ? [exe, "--disable-warning=ExperimentalWarning", script, ...args]
    : [exe, script, ...args];
  const envList = Object.entries({ ...env, [MARKER]: "1" }).map(([k, v]) => `${k}=${v}`);
  const strings: Uint8Array[] = []; // kept alive until posix_spawn returns
  const table = (xs: string[]): BigUint64Array => {
    const t = new BigUint64Array(xs.length + 1);
    xs.forEach((s, i) => {
      const b = cstr(s);
      strings.push(b);
      t[i] = address(b);
    });
    return t;
  };
  const pid = new Int32Array(1);
  const exeC = cstr(exe);
  const r = c.posix_spawn(
    ptr(pid),
    ptr(exeC),
    ptr(actions),
    ptr(attr),
    ptr(table(argv)),
    ptr(table(envList)),
  );
  if (r !== 0) throw new Error(`posix_spawn failed: errno ${r}`);
  const byte = new Uint8Array(1);
  if (Number(c.read(fds[0], ptr(byte), 1)) !== 1) throw new Error("the child died before ready");
  print(String(pid[0]));
}
