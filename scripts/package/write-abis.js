// Writes abis/<Contract>.json for every production contract (contracts/ minus mocks), for integrators who want the
// plain ABI without TypeChain. Runs after `hardhat compile` as part of `npm run build:package`.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const artifactsRoot = join(root, "artifacts", "contracts");
const out = join(root, "abis");

function* artifactFiles(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "mocks") yield* artifactFiles(path);
    } else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json") && entry.name !== "artifacts.d.ts") {
      yield path;
    }
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let count = 0;
for (const file of artifactFiles(artifactsRoot)) {
  const artifact = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(artifact.abi) || typeof artifact.contractName !== "string") continue;
  writeFileSync(join(out, `${basename(file, ".json")}.json`), JSON.stringify(artifact.abi, null, 2) + "\n");
  count += 1;
}
console.log(`write-abis: ${count} ABIs in abis/`);
