// Imports all of posixly as JSR serves it (dist/mod.js, the bundle `npm run build` makes) and uses
// nothing: bench/import_cost.ts times it.
import * as posixly from "../dist/mod.js";
if (Object.keys(posixly).length === 0) throw new Error("nothing exported");
