// The indexer (`indexer/`, Ponder) declares Node 22 like Hardhat does. As a workspace of the root package its tree
// would be installed by the npm that runs `npm ci`, which on Node 20 prints an EBADENGINE warning for Ponder and for
// some of its dependencies. So it keeps its own lockfile and this step (part of `prepare`), which runs on the Node 22
// pinned in devDependencies, installs it with `npm ci`. It does nothing when the installed tree matches the lockfile.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const indexer = join(root, "indexer");
const lockfile = join(indexer, "package-lock.json");
const stamp = join(indexer, "node_modules", ".joulestack-lock-sha256");

function main() {
  if (!existsSync(lockfile)) return; // installed from the published package: the indexer is not part of it
  const digest = createHash("sha256").update(readFileSync(lockfile)).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === digest) return;
  // `npm` resolves to the npm that runs this install, and `node` to the pinned Node 22 (npm puts node_modules/.bin
  // first on PATH for scripts), so the indexer's engines are met and npm prints no warning for them.
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: indexer,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  writeFileSync(stamp, `${digest}\n`);
}

main();
