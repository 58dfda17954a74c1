// Imports posixly's platforms/ (the FFI side, without threads/) and uses nothing.
import * as platforms from "../platforms/mod.ts";
if (Object.keys(platforms).length === 0) throw new Error("nothing exported");
