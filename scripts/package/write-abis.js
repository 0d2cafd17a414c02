// Writes abis/<Contract>.json for every production contract (contracts/ minus mocks), for integrators who want the
// plain ABI without TypeChain, and `joulestack/abis`: every ABI as a constant (`meteredEnergyAbi`, ...) for ESM and
// CommonJS, typed as deeply readonly literals (what `as const` gives) so viem and abitype infer function names,
// arguments and results. Runs after `hardhat compile` as part of `npm run build:package`.
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

/** The TypeScript type of a JSON value, as `as const` would infer it. */
function literalType(value) {
  if (Array.isArray(value)) return `readonly [${value.map(literalType).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{ ${Object.entries(value)
      .map(([key, field]) => `readonly ${JSON.stringify(key)}: ${literalType(field)};`)
      .join(" ")} }`;
  }
  return JSON.stringify(value);
}

/** `MeteredEnergy` → `meteredEnergyAbi`, the way viem names its ABI constants (`erc20Abi`). */
const constantName = (contract) => `${contract[0].toLowerCase()}${contract.slice(1)}Abi`;

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const modules = { esm: [], cjs: ['"use strict";'], types: [] };
let count = 0;
for (const file of artifactFiles(artifactsRoot)) {
  const artifact = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(artifact.abi) || typeof artifact.contractName !== "string") continue;
  const contract = basename(file, ".json");
  writeFileSync(join(out, `${contract}.json`), JSON.stringify(artifact.abi, null, 2) + "\n");
  const name = constantName(contract);
  const json = JSON.stringify(artifact.abi);
  modules.esm.push(`export const ${name} = ${json};`);
  modules.cjs.push(`exports.${name} = ${json};`);
  modules.types.push(`/** The ABI of ${contract}. */\nexport declare const ${name}: ${literalType(artifact.abi)};`);
  count += 1;
}
writeFileSync(join(out, "index.js"), modules.esm.join("\n") + "\n");
writeFileSync(join(out, "index.cjs"), modules.cjs.join("\n") + "\n");
writeFileSync(join(out, "index.d.ts"), modules.types.join("\n") + "\n");
writeFileSync(join(out, "index.d.cts"), modules.types.join("\n") + "\n");
console.log(`write-abis: ${count} ABIs in abis/`);
