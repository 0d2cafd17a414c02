// SuMo (@morenabarboni/sumo) configuration for `npm run mutation`; see docs/mutation-testing.md.
// SuMo loads this file with require(), which Node 22 allows for an ES module without top-level await.
import childProcess from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The contracts under mutation (paths under contracts/): the access-control, pause, compliance and signature paths.
// SUMO_TARGETS and SUMO_TESTS (comma-separated) narrow a run, e.g. to one contract and its own suite.
const TARGETS = process.env.SUMO_TARGETS?.split(",") ?? [
  "compliance/InvestorRegistry.sol",
  "energy/DeviceRegistry.sol",
  "energy/MeteredEnergy.sol",
];

// The Solidity suites that exercise those contracts: each compiles the mutant itself, so a mutant costs one small
// compile and a few seconds of tests. (The full suite per mutant would take hours on two cores.)
const TESTS = process.env.SUMO_TESTS?.split(",") ?? [
  "test/compliance/InvestorRegistry.t.sol",
  "test/energy/MeteredEnergy.t.sol",
  "test/security/Mutants.t.sol",
];

export const contractsDir = "contracts";
export const testDir = "test";
// SuMo empties its build directory before the pre-test; TCE is off, so it gets a scratch folder rather than
// Hardhat's artifacts (which would force a full recompile).
export const buildDir = ".sumo/build";
export const skipContracts = readdirSync(new URL("contracts", import.meta.url), { recursive: true })
  .filter((file) => file.endsWith(".sol") && !TARGETS.includes(file))
  .sort();
export const skipTests = [];
export const testingTimeOutInSec = 300;
export const network = "none";
export const testingFramework = "custom";
export const minimal = true;
export const tce = false;

mkdirSync(new URL(buildDir, import.meta.url), { recursive: true });

// In `custom` mode SuMo runs `npm run-script compile` and `npm run-script test`. This project's `test` script is
// the whole suite and it has no `compile` script, so those two calls are routed to the focused stages here: each is a
// list of Hardhat commands run in order, and the first that fails decides (a failed test stage kills the mutant).
// Only the targets and the selected Solidity suites are recompiled; other artifacts stay as they were. That is sound
// while no contract embeds a target's creation code (none of the targets here is created with `new`; a mutated
// TrancheNote would also need TrancheVault rebuilt).
// - Solidity suites only: one compile with the `mutation` profile (no optimizer: about a third faster per mutant; the
//   Solidity test runner does not enforce the code-size limit), then one run of the suites.
// - TypeScript suites named too: the targets compile with the default profile, whose bytecode those suites deploy on
//   a size-checked chain; the TypeScript suites run first and stop at their first failure (most mutants die there in
//   seconds), and only a mutant they all pass on pays for the Solidity suites' unoptimized compile and run. They
//   deploy through hardhat-deploy, which reads the artifacts it generates into generated/, and Hardhat calls that
//   generator only after a full compile: after the partial one they are regenerated here, or the TypeScript suites
//   would test the unmutated contract.
// `npm run mutation:recheck` (scripts/mutation/recheck.js) runs the same stages.
// A stage is a command in node_modules/.bin and its arguments.
const SOLIDITY = TESTS.filter((file) => file.endsWith(".sol"));
const TYPESCRIPT = TESTS.filter((file) => !file.endsWith(".sol"));
const SOURCES = TARGETS.map((file) => `contracts/${file}`);
const solidityStages = SOLIDITY.length
  ? [
      ["hardhat", "compile", "--quiet", "--no-typechain", "--build-profile", "mutation", ...SOURCES, ...SOLIDITY],
      ["hardhat", "test", "solidity", "--no-compile", ...SOLIDITY],
    ]
  : [];
export const focusedStages = TYPESCRIPT.length
  ? {
      compile: [
        ["hardhat", "compile", "--quiet", "--no-typechain", ...SOURCES],
        ["node", fileURLToPath(new URL("scripts/mutation/deploy-artifacts.js", import.meta.url))],
      ],
      test: [["hardhat", "test", "mocha", "--bail", "--no-compile", ...TYPESCRIPT], ...solidityStages],
    }
  : { compile: solidityStages.slice(0, 1), test: solidityStages.slice(1) };

// Hardhat's own executable, run directly rather than through npx: when a mutant's tests outlive the timeout (an
// endless loop), the process killed is the one running the tests. Its `#!/usr/bin/env node` line must find the
// project's Node 22 (the `node` devDependency), as under npx.
const BIN = fileURLToPath(new URL("node_modules/.bin", import.meta.url));
const hardhatEnv = { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH}` };
const { spawnSync } = childProcess;

// A compile of a few files writes a new build info and never deletes the one it replaced (only a full compile
// prunes them), and every test run hands all build infos to the EVM for its traces: left alone, a few hundred mutants
// pile up gigabytes and each test run spends most of its time loading them. After each compile, the build infos
// that no artifact names are removed.
const ARTIFACTS = fileURLToPath(new URL("artifacts", import.meta.url));
const BUILD_INFO = path.join(ARTIFACTS, "build-info");
function pruneBuildInfos() {
  const named = new Set();
  for (const file of readdirSync(ARTIFACTS, { recursive: true })) {
    if (!file.endsWith(".json") || file.startsWith("build-info")) continue;
    const id = /"buildInfoId": "([^"]+)"/.exec(readFileSync(path.join(ARTIFACTS, file), "utf8"))?.[1];
    if (id) named.add(id);
  }
  for (const file of readdirSync(BUILD_INFO)) {
    if (!named.has(file.replace(/(\.output)?\.json$/, ""))) rmSync(path.join(BUILD_INFO, file));
  }
}

/** Runs the stages in order with `spawnSync` options (each stage gets the whole timeout); returns the first failed
 * result, or the last one. */
export function runStages(stages, options) {
  let result;
  for (const [command, ...args] of stages) {
    result = spawnSync(path.join(BIN, command), args, { ...options, env: hardhatEnv });
    if (result.error || result.status !== 0) break;
    if (args[0] === "compile") pruneBuildInfos();
  }
  return result;
}

childProcess.spawnSync = (command, args, options) => {
  const stages = command === "npm" && args?.[0] === "run-script" ? focusedStages[args[1]] : undefined;
  return stages ? runStages(stages, options) : spawnSync(command, args, options);
};
