// Marks dist/cjs as CommonJS: the root package is `"type": "module"`, so without this Node would read the CommonJS
// build of the SDK as ES modules. Runs after `tsc -p tsconfig.build.cjs.json` in `npm run build:package`.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
writeFileSync(join(root, "dist", "cjs", "package.json"), JSON.stringify({ type: "commonjs" }, null, 2) + "\n");
