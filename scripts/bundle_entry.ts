// The bundle's entry (scripts/build.mjs): every name of the four public entry
// points, so that dist/posixly.js is the one copy of posixly's code and state
// that dist/mod.js, dist/ffi.js, dist/platforms.js and dist/threads.js share.
export * from "../mod.ts";
export * from "../ffi/mod.ts";
export * from "../platforms/mod.ts";
export * from "../threads/mod.ts";
