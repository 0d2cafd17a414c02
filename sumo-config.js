// SuMo (@morenabarboni/sumo) configuration for `npm run mutation`; see docs/mutation-testing.md.
// SuMo loads this file with require(), which Node 22 allows for an ES module without top-level await.
import childProcess from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
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
// the whole suite and it has no `compile` script, so those two calls are routed to the focused commands here.
// Only the targets and the selected Solidity suites are recompiled; other artifacts stay as they were. That is sound
// while no contract embeds a target's creation code (none of the targets here is created with `new`; a mutated
// TrancheNote would also need TrancheVault rebuilt).
// A run of Solidity suites only uses the `mutation` profile (no optimizer: about a third faster per mutant; the
// Solidity test runner does not enforce the code-size limit). A run that names a TypeScript suite keeps the default
// profile, whose bytecode those suites deploy on a size-checked chain.
// `npm run mutation:recheck` (scripts/mutation/recheck.js) runs the same two commands.
const SOLIDITY_ONLY = TESTS.every((file) => file.endsWith(".sol"));
export const focusedCommands = {
  compile: [
    "hardhat",
    "compile",
    "--quiet",
    ...(SOLIDITY_ONLY ? ["--build-profile", "mutation"] : []),
    ...TARGETS.map((file) => `contracts/${file}`),
    ...TESTS.filter((file) => file.endsWith(".sol")),
  ],
  test: ["hardhat", "test", "--no-compile", ...TESTS],
};
// Hardhat's own executable, run directly rather than through npx: when a mutant's tests outlive the timeout (an
// endless loop), SuMo kills the process it spawned, and only this way is that the process running the tests. Its
// `#!/usr/bin/env node` line must find the project's Node 22 (the `node` devDependency), as under npx.
const BIN = fileURLToPath(new URL("node_modules/.bin", import.meta.url));
export const hardhatBin = path.join(BIN, "hardhat");
export const hardhatEnv = { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH}` };
const { spawnSync } = childProcess;
childProcess.spawnSync = (command, args, options) => {
  const hook = command === "npm" && args?.[0] === "run-script" ? focusedCommands[args[1]] : undefined;
  return hook
    ? spawnSync(hardhatBin, hook.slice(1), { ...options, env: hardhatEnv })
    : spawnSync(command, args, options);
};
