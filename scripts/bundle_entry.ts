// The bundles' entry (scripts/build.mjs): every name of the four public entry
// points, so that a runtime loads one copy of posixly's code and state, which
// dist/mod.js, dist/ffi.js, dist/platforms.js and dist/threads.js share.
// "use strict" is for the CommonJS bundle that Bun loads (dist/posixly.bun.cjs):
// ES modules are strict without it, and the ES module bundle drops it.
"use strict";
export * from "../mod.ts";
export * from "../ffi/mod.ts";
export * from "../platforms/mod.ts";
export * from "../threads/mod.ts";
