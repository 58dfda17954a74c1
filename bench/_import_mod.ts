// Imports all of posixly and uses nothing: bench/import_cost.ts times it.
import * as posixly from "../mod.ts";
if (Object.keys(posixly).length === 0) throw new Error("nothing exported");
